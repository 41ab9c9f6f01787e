// jit's compiler is JavaScript, and the engine compiles each of its functions only when first called
// and runs it slowly the first times: the first specialization compiled in a process took ≈5 ms more
// than the next ones (Node 20: ≈2.6 ms of it V8's lazy compilation of the compiler's own functions),
// which a 27 ms first call would pay (0.84 of the later calls' speed). So the first `jit()` of a process
// jits three small functions that go through the stages every everyday loop needs (a bigint loop;
// number code over typed arrays with `Math` and a branch; an int32 search with `%`) and calls each once
// on a tiny input: the whole path of a first call (the dispatcher, the compiler, V8's compile,
// instantiation, the boundary's copies), not the compiler alone, which had left ≈1.1 ms of cold code in
// the first call that followed (2.1–2.7 ms against 0.9–1.0 ms; `jit(sumTo)(1n)` in a fresh Node 20).
// The cost moves from the first call to the first definition, where Numba puts its compile too when a
// signature is given. The samples are source text without a name: nothing is registered, and a caller
// naming them is refused as before (they stay in the in-memory cache, under their own source text).

/** The samples, and the arguments of their one call each. */
const SAMPLES: readonly [source: string, args: () => unknown[]][] = [
  ["(n) => { let t = 0n; for (let i = 0n; i < n; i++) { t += i * 3n; t ^= t >> 7n; } return t; }", () => [3n]],
  [
    "(a, b, s) => { let r = 0; for (let i = 0; i < a.length; i++) { const x = a[i]; if (x > s) r += Math.sqrt(x) * b[i]; else b[i] = Math.sin(x) - r; } return r; }",
    () => [new Float64Array([0.25, 2, 0.5, 3]), new Float64Array(4), 1],
  ],
  ["(k) => { let c = 0; for (let d = 2; d * d <= k; d++) { if (k % d === 0) { c++; break; } } return c; }", () => [91]],
];

let warmed = false;

/** Jits and calls the samples once per process (`jit` is jit() itself); a sample that fails only leaves the compiler colder. */
export function warmCompiler(jit: (source: string) => (...args: unknown[]) => unknown): void {
  if (warmed) return;
  warmed = true;
  for (const [source, args] of SAMPLES) {
    try {
      jit(source)(...args());
    } catch {
      // Only a warm-up.
    }
  }
}
