// piscina's task for bench/pool-scaling.ts: the same release build of the kernels, instantiated once
// per piscina worker and warmed up as hotpath's workers are, so that both pools run identical code.
import { readFileSync } from "node:fs";

const module = new WebAssembly.Module(readFileSync(new URL("../build/hotpath.wasm", import.meta.url)));
const { exports: ex } = new WebAssembly.Instance(module, {
  env: {
    abort: () => {
      throw new Error("abort");
    },
    trace: () => undefined,
    seed: () => 0,
  },
});
for (let i = 0; i < 2000; i++) ex.sumRange(0n, 1000n);

/** `{ kind: "noop" }` answers at once (dispatch overhead); `{ kind: "sumRange", lo, hi }` sums. */
export default function task({ kind, lo, hi }) {
  if (kind === "sumRange") return BigInt.asUintN(64, ex.sumRange(lo, hi));
  return 0;
}
