// jit's compiler is JavaScript, and the engine compiles each of its functions only when first called
// and runs it slowly the first times: the first specialization compiled in a process took ≈5 ms more
// than the next ones (Node 20: ≈2.6 ms of it V8's lazy compilation of the compiler's own functions),
// which a 27 ms first call would pay (0.84 of the later calls' speed). So the first `jit()` of a process
// compiles three small functions that go through the stages every everyday loop needs (a bigint loop;
// number code over typed arrays with `Math` and a branch; an int32 search with `%`), once, and throws
// them away: the cost moves from the first call to the first definition, where Numba puts its compile
// too when a signature is given. Nothing is registered, cached or instantiated.
import { compileModule, type Globals } from "../codegen/module.ts";
import { parseFunction } from "../front/parse.ts";
import type { ValueType } from "../analysis/types.ts";
import { chunkLongLoops, compileOptimized } from "./tiering.ts";

const SAMPLES: readonly [source: string, params: readonly ValueType[]][] = [
  ["function w(n) { let t = 0n; for (let i = 0n; i < n; i++) { t += i * 3n; t ^= t >> 7n; } return t; }", ["u64"]],
  [
    "function w(a, b, s) { let r = 0; for (let i = 0; i < a.length; i++) { const x = a[i]; if (x > s) r += Math.sqrt(x) * b[i]; else b[i] = Math.sin(x) - r; } return r; }",
    ["f64[]", "f64[]", "f64"],
  ],
  ["function w(k) { let c = 0; for (let d = 2; d * d <= k; d++) { if (k % d === 0) { c++; break; } } return c; }", ["i32"]],
];

const none: Globals = { fn: () => undefined, cls: () => undefined };
let warmed = false;

/** Compiles the samples once per process; a sample that fails only leaves the compiler colder. */
export function warmCompiler(): void {
  if (warmed) return;
  warmed = true;
  for (const [source, params] of SAMPLES) {
    try {
      const parsed = parseFunction(source);
      const compiled = compileModule(
        none,
        { name: "w", source, signatures: [], parsed: () => parsed },
        params,
        undefined,
        false,
        chunkLongLoops(),
      );
      if (source === SAMPLES[0][0]) compileOptimized(compiled.arenaBytes);
    } catch {
      // Only a warm-up.
    }
  }
}
