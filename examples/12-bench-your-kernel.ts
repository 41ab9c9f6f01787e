// Chapter "timefunc", for your own code, in three steps: compile an AssemblyScript kernel into a typed
// module, call it, and prove its gain with compare(), which measures it the way bench() measures the
// built-in kernels (warm-up, interleaved rounds, medians, the cold call apart, every answer checked
// against your plain-TS function, the growth guard), on this thread and on the pool.
// Run: npx tsx examples/12-bench-your-kernel.ts [--n 1e8]
import { fileURLToPath } from "node:url";
import { compare } from "../src/bench/index.ts";
import { compileKernelTo } from "../src/compile/index.ts";
import type { KernelModule } from "../src/kernels/runtime.ts";

const small = process.argv.includes("--small");
const nArg = process.argv.indexOf("--n");
const n = BigInt(small ? 20_000 : nArg > 0 ? Number(process.argv[nArg + 1]) : 10_000_000);

// 1. Compile: what `npx hotpath compile examples/kernels/squares.ts --out .cache/examples` does. It
//    writes squares.wasm, squares.threads.wasm (for the pool), their .wat, and squares.js + squares.d.ts.
const out = new URL("../.cache/examples/", import.meta.url);
const built = await compileKernelTo(fileURLToPath(new URL("./kernels/squares.ts", import.meta.url)), fileURLToPath(out));
console.log(`compiled ${built.functions.map((f) => f.name).join(", ")} in ${Math.round(built.ms)} ms`);

// 2. Import and call. In your code: `import squares from "./generated/squares.js"` (typed by its .d.ts).
type Squares = KernelModule<{ sumOfSquaresRange(lo: bigint, hi: bigint): bigint }>;
const squares: Squares = (await import(new URL("squares.js", out).href)).default;
const { sumOfSquaresRange } = await squares.load();
console.log(`sumOfSquaresRange(0n, 10n) = ${sumOfSquaresRange(0n, 10n)}`);

// Your plain-TS function: the same loop on bigint (exact, and slow: every operation allocates).
function sumOfSquaresPlain(lo: bigint, hi: bigint): bigint {
  let total = 0n;
  for (let i = lo; i < hi; i++) total = BigInt.asUintN(64, total + i * i);
  return total;
}

// 3. Prove the gain: the wasm function, the pool on 1…N workers (shared memory and messages), and
//    yours, every answer checked against yours.
const { result } = await compare(squares.sumOfSquaresRange, sumOfSquaresPlain, [0n, n], {
  ...(small ? { preset: { rounds: 3, minRounds: 3, minSampleMs: 1, budgetMs: 50, warmupMs: 5 }, workers: [1, 2] } : {}),
});
const rows = result.cases[0].implementations;
process.exitCode = rows.every((r) => r.status === "ok" || r.status === "flat" || r.status === "skipped") ? 0 : 1;
