// Chapter "f(n)": the tutorial's first experiment. Add the first n integers three ways: the plain-TS
// twin on `number` (what a JS developer writes first), the exact twin on `bigint` (u64 semantics, like
// the tutorial's uint64_t), and the AssemblyScript kernel compiled to wasm. Every result is checked
// against the closed form n(n − 1)/2 mod 2^64; times are medians of interleaved rounds, and the wasm
// kernel's cold first call (V8's baseline tier) is shown apart.
// Run: npx tsx examples/01-sum.ts [n] [--small]      (n defaults to 100_000_000; --small uses 1_000_000)
import { kernels, twins } from "../src/index.ts";
import { machine, median } from "../src/bench/node/machine.ts";
import { formatMs, textTable } from "../src/format.ts";

const args = process.argv.slice(2);
const small = args.includes("--small");
const n = parseSize(
  args.find((a) => !a.startsWith("--")),
  small ? 1_000_000 : 100_000_000,
);
const rounds = small ? 3 : 5;
const bigintRounds = 1; // ≈30× slower than wasm: one round is enough to see it
const exact = BigInt.asUintN(64, (BigInt(n) * BigInt(Math.max(n - 1, 0))) / 2n);

const m = machine();
console.log(`${m.runtime} · ${m.cpu} × ${m.cores} · ${m.date}`);
console.log(`Sum of the first ${n.toLocaleString("en-US")} integers (${rounds} interleaved rounds, medians)\n`);

const k = await kernels({ warmUp: false });
let t = performance.now();
const cold = k.sumIntegers(n);
const coldMs = performance.now() - t;
k.warmUp();

const times: Record<string, number[]> = { wasm: [], number: [], bigint: [] };
const results: Record<string, bigint> = {};
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? ["number", "wasm", "bigint"] : ["wasm", "number", "bigint"];
  for (const name of order) {
    if (name === "bigint" && round >= bigintRounds) continue;
    t = performance.now();
    const result =
      name === "wasm" ? k.sumIntegers(n) : name === "number" ? BigInt(twins.number.sumIntegers(n)) : twins.bigint.sumIntegers(BigInt(n));
    times[name].push(performance.now() - t);
    results[name] = result;
  }
}

const wasmMs = median(times.wasm);
const row = (label: string, ms: number, result: bigint, runs: number) => [
  label,
  result.toString(),
  result === exact ? "yes" : "NO",
  formatMs(ms),
  `${(ms / wasmMs).toFixed(1)}×`,
  String(runs),
];
console.log(
  textTable(
    ["implementation", "result", "exact", "median", "÷ wasm", "runs"],
    [
      row("wasm kernel (AssemblyScript, u64)", wasmMs, results.wasm, times.wasm.length),
      row("wasm kernel, first call (cold)", coldMs, cold, 1),
      row("TS twin on number", median(times.number), results.number, times.number.length),
      row("TS twin on bigint (exact u64)", median(times.bigint), results.bigint, times.bigint.length),
    ],
    (i) => [1, 3, 4, 5].includes(i),
  ),
);

// The number twin's weak spot: past 2^53 a double cannot hold every integer, so its sums go wrong.
const lo = 2 ** 53 - 4;
const wasmNear = k.sumRange(BigInt(lo), 2n ** 53n);
const numberNear = twins.number.sumRange(lo, 2 ** 53);
console.log(
  `\nNear 2^53: sum over [2^53 − 4, 2^53) is ${wasmNear} (wasm) but ${BigInt(numberNear)} on number: off by ${BigInt(numberNear) - wasmNear}.`,
);

function parseSize(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll("_", ""));
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`Expected the size to be a non-negative integer such as 1e8 or 100_000_000, got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}
