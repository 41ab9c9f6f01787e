// hotpath/jit: compile plain JavaScript functions to WebAssembly at run time, as Numba does for Python.
// Works in Node, Deno, Bun and browsers (no eval: a CSP allowing only 'wasm-unsafe-eval' is enough);
// the disk cache works where Node's fs does.
export { jit } from "./jit.ts";
export type { JitFunction, JitOptions, JitCompiled, JitStats } from "./jit.ts";
export { jitClass } from "./class.ts";
export type { JitClassSpec } from "./class.ts";
export { JitError, JitMismatchError } from "./errors.ts";
export { JIT_VERSION } from "./cache.ts";
