// Numeric kernels against their plain-TS twins on `number`: Mandelbrot escape counts (f64), dot product,
// SAXPY and matrix multiply (f64, wasm SIMD and scalar), prime counting (segmented sieve) and the longest
// Collatz chain (u64). Every wasm result is compared with its twin's (the first row of each kernel, and the speedup's baseline): bit for bit where the summation
// order is the same, within rounding for the SIMD dot product, whose four partial sums add up in another order.
// Run: npx tsx examples/04-numerics.ts [scale] [--small]     (scale 1 by default: about 5 s; --small is 0.05)
import { kernels, twins } from "../src/index.ts";
import { machine, median } from "../src/bench/node/machine.ts";
import { formatMs, textTable } from "../src/format.ts";

const args = process.argv.slice(2);
const small = args.includes("--small");
const scale = parseScale(
  args.find((a) => !a.startsWith("--")),
  small ? 0.05 : 1,
);
const rounds = small ? 2 : 3;
const side = (base: number, power: number) => Math.max(1, Math.round(base * scale ** power));

const m = machine();
console.log(`${m.runtime} · ${m.cpu} × ${m.cores} · ${m.date} · medians of ${rounds} interleaved rounds\n`);
const k = await kernels();
const rows: string[][] = [];
let ok = true;

/**
 * Runs each contestant once untimed (so V8 has optimized the twins, as it would in a long-running
 * program), then times them in interleaved rounds. The first contestant is the TS twin: every other
 * result is checked against it with `agree`, and speedups are relative to it.
 */
function section<T>(
  kernel: string,
  size: string,
  list: [string, () => T][],
  agree: (twin: T, other: T) => string,
  summary: (r: T) => string,
): void {
  const times: Record<string, number[]> = {};
  const results: Record<string, T> = {};
  for (const [, run] of list) run();
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of round % 2 ? [...list].reverse() : list) {
      const t = performance.now();
      results[name] = run();
      (times[name] ??= []).push(performance.now() - t);
    }
  }
  const twin = list[0][0];
  const base = median(times[twin]);
  list.forEach(([name], i) => {
    const verdict = i === 0 ? "(reference)" : agree(results[twin], results[name]);
    if (verdict.startsWith("NO")) ok = false;
    const ms = median(times[name]);
    rows.push([
      i === 0 ? kernel : "",
      i === 0 ? size : "",
      name,
      summary(results[name]),
      verdict,
      formatMs(ms),
      `${(base / ms).toFixed(1)}×`,
    ]);
  });
}

const sameArray = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => Object.is(v, b[i]));
const exact = (a: ArrayLike<number>, b: ArrayLike<number>) => (sameArray(a, b) ? "bit for bit" : "NO: differs");

// Mandelbrot: the classic view, width × (2/3 width) pixels.
const width = side(600, 0.5);
const view = { width, height: Math.max(1, Math.round((width * 2) / 3)), maxIter: 500 };
section(
  "mandelbrot",
  `${view.width}×${view.height}, ${view.maxIter} it.`,
  [
    ["TS number twin", () => twins.number.mandelbrot(view)],
    ["wasm", () => k.mandelbrot(view)],
  ],
  exact,
  (r) => `${r.filter((c) => c === view.maxIter).length} px inside`,
);

// Dot product and SAXPY on n doubles.
const n = side(1_000_000, 1);
const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
const y = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
section(
  "dot",
  `n = ${n.toLocaleString("en-US")}`,
  [
    ["TS number twin", () => [twins.number.dot(x, y)]],
    ["wasm scalar", () => [k.dotScalar(x, y)]],
    ["wasm f64x2", () => [k.dot(x, y)]],
  ],
  (p, q) =>
    Object.is(p[0], q[0])
      ? "bit for bit"
      : Math.abs(p[0] - q[0]) <= 1e-9 * Math.max(1, Math.abs(p[0]))
        ? `rounding (${Math.abs(p[0] - q[0]).toExponential(1)})`
        : "NO: differs",
  (r) => r[0].toPrecision(12),
);
section(
  "saxpy",
  `n = ${n.toLocaleString("en-US")}`,
  [
    ["TS number twin", () => twins.number.saxpy(1.5, x, y.slice())],
    ["wasm scalar", () => k.saxpyScalar(1.5, x, y.slice())],
    ["wasm f64x2", () => k.saxpy(1.5, x, y.slice())],
  ],
  exact,
  (r) => `y[1] = ${r[Math.min(1, n - 1)].toFixed(6)}`,
);

// Matrix multiply, N × N.
const N = side(256, 1 / 3);
const a = Float64Array.from({ length: N * N }, (_, i) => ((i * 7919) % 1000) / 500 - 1);
const b = Float64Array.from({ length: N * N }, (_, i) => ((i * 104729) % 1000) / 500 - 1);
const gflops = (ms: number) => ((2 * N ** 3) / (ms / 1000) / 1e9).toFixed(2);
section(
  "matmul",
  `${N}×${N}`,
  [
    ["TS number twin", () => twins.number.matmul(a, b, N, N, N)],
    ["wasm scalar", () => k.matmulScalar(a, b, N, N, N)],
    ["wasm f64x2, blocked", () => k.matmul(a, b, N, N, N)],
  ],
  exact,
  (r) => `trace ${r.reduce((s, v, i) => (i % (N + 1) === 0 ? s + v : s), 0).toFixed(4)}`,
);

// Prime counting and Collatz.
const limit = side(10_000_000, 1);
section(
  "countPrimes",
  `n = ${limit.toLocaleString("en-US")}`,
  [
    ["TS number twin", () => [twins.number.countPrimes(limit)]],
    ["wasm segmented sieve", () => [k.countPrimes(limit)]],
  ],
  (p, q) => (p[0] === q[0] ? "same" : "NO: differs"),
  (r) => `π(n) = ${r[0]}`,
);
const chain = Math.max(2, side(200_000, 1));
section(
  "longestCollatz",
  `below ${chain.toLocaleString("en-US")}`,
  [
    ["TS number twin", () => Object.values(twins.number.longestCollatz(chain))],
    ["wasm (u64)", () => Object.values(k.longestCollatz(chain)).map(Number)],
  ],
  (p, q) => (p[0] === q[0] && p[1] === q[1] ? "same" : "NO: differs"),
  (r) => `${r[0]}: ${r[1]} steps`,
);

console.log(textTable(["kernel", "size", "implementation", "result", "vs the twin", "median", "speedup"], rows, (i) => [5, 6].includes(i)));
const mm = rows.findIndex((r) => r[0] === "matmul");
console.log(`\nwasm times include copying the inputs into wasm memory and the results out, as every typed call does;`);
console.log(`for dot and SAXPY that copy costs about as much as the arithmetic.`);
console.log(
  `matmul GFLOP/s: ${rows
    .slice(mm, mm + 3)
    .map((r) => `${r[2]} ${gflops(parseTime(r[5]))}`)
    .join(", ")}`,
);
if (!ok) {
  console.log("\nSome results disagree with the reference (see above).");
  process.exitCode = 1;
}

function parseTime(text: string): number {
  const [value, unit] = text.split(" ");
  return Number(value) * (unit === "s" ? 1000 : unit === "µs" ? 0.001 : 1);
}

function parseScale(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 100) {
    console.error(`Expected the scale to be a number in (0, 100] (1 is the default size), got ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}
