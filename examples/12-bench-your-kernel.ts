// Chapter "timefunc", for your own code: bring a kernel and its plain-TS twin, and bench() measures
// them the way it measures the built-in ones (warm-up, interleaved rounds, medians, the cold call
// apart, every answer checked, the growth guard). Here the kernel is AssemblyScript compiled in
// process; a .wasm from anywhere (clang, a WAT file) goes through the same door.
// Run: npx tsx examples/12-bench-your-kernel.ts        (deno and bun run it too)
import asc from "assemblyscript/asc";
import { compileWasm } from "../src/index.ts";
import { bench, toText, type BenchCase } from "../src/bench/index.ts";

const small = process.argv.includes("--small");

// Your kernel: Σ i² for i < n, wrapping modulo 2^64 as u64 arithmetic does.
const source = `
export function sumOfSquares(n: u64): u64 {
  let total: u64 = 0;
  for (let i: u64 = 0; i < n; i++) total += i * i;
  return total;
}`;
const { binary, error, stderr } = await asc.compileString(source, { optimizeLevel: 3, runtime: "stub" });
if (error || !binary) throw new Error(`asc failed: ${error?.message}\n${stderr}`);
const module = await compileWasm(binary, "sumOfSquares.wasm");

// Its twins: exact on bigint, and on number, which is exact only while the total stays below 2^53.
function sumOfSquaresBigint(n: bigint): bigint {
  let total = 0n;
  for (let i = 0n; i < n; i++) total = BigInt.asUintN(64, total + i * i);
  return total;
}
function sumOfSquaresNumber(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += i * i;
  return total;
}

const mine: BenchCase<number> = {
  id: "sumOfSquares",
  title: "Σ i² for i < n, u64 (your kernel)",
  sizes: { quick: small ? 20_000 : 2_000_000 },
  unit: "integers",
  // The closed form n(n−1)(2n−1)/6 mod 2^64 is the strongest check there is.
  expected: (n) => BigInt.asUintN(64, (BigInt(n) * BigInt(n - 1) * BigInt(2 * n - 1)) / 6n).toString(),
  implementations() {
    const { sumOfSquares } = new WebAssembly.Instance(module, {
      env: {
        abort: () => {
          throw new Error("abort");
        },
      },
    }).exports as { sumOfSquares(n: bigint): bigint };
    return [
      { id: "ts-number", label: "TS number twin", kind: "ts-number", knownInexact: true, run: (n: number) => sumOfSquaresNumber(n) },
      { id: "ts-bigint", label: "TS bigint twin", kind: "ts-bigint", run: (n: number) => sumOfSquaresBigint(BigInt(n)) },
      { id: "wasm", label: "wasm (your AssemblyScript)", kind: "wasm", run: (n: number) => sumOfSquares(BigInt(n)) },
    ];
  },
};

const result = await bench({
  preset: small ? { rounds: 3, minRounds: 3, minSampleMs: 1, budgetMs: 50, warmupMs: 5 } : "quick",
  // The built-in sum runs alongside, as a yardstick; `builtins: false` measures only your cases.
  builtins: ["sum"],
  ...(small ? { sizes: { sum: 100_000 } } : {}),
  cases: [mine],
  // A live status line on a terminal; nothing when stderr is a pipe or a file.
  onProgress: (p) => process.stderr.isTTY && process.stderr.write(`\r\x1b[2K… ${p.caseId}: ${p.phase}${p.impl ? ` ${p.impl}` : ""}`),
});
if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
console.log(toText(result));

// At 2·10^6 the squares pass 2^53 long before the end: the number twin is shown WRONG, and the
// speedup is taken over the bigint twin, the fastest TS code that gives the right answer.
const wasm = result.cases.find((c) => c.id === "sumOfSquares")!.implementations.find((i) => i.id === "wasm")!;
process.exitCode = wasm.status === "ok" || wasm.status === "flat" ? 0 : 1;
