// The jit case set's entry (build/bench-jit.js), loaded by the bench runners when `hotpath bench --set
// jit` asks for it: the cases, built on the jit the runner passes (the published hotpath/jit bundle).
export { jitCases, type JitApi, type JitEnv } from "./cases.ts";
export { JIT_CASE_IDS } from "./loop-specs.ts";
