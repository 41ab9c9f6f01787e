// Chapter "Numba": `jit` compiles a plain function to WebAssembly at run time from its own source,
// inferring the types from the first call. Step by step as the tutorial: jit, the first call compiling,
// timing against the plain function and the AssemblyScript kernel, a signature, inspect(), jitClass;
// then the tutorial's other loops (Collatz, Monte Carlo with a u64 xorshift, Mandelbrot, a dot product).
// Every jitted function is warmed up before it is timed: V8 runs a wasm function's first call in its
// baseline tier (Liftoff) and a long call never tiers up in the middle; the cold first call is shown apart.
// The jitted function and the AssemblyScript kernel are timed in alternation, round after round (so a
// change in the machine's load falls on both), and each gets the median of its rounds.
// The plain functions are written as the kernels' algorithms (Collatz: an odd step then a halving loop;
// Monte Carlo: two interleaved xorshift streams per pair of chunks, seeded as assembly/random.ts does),
// so the plain function, its jitted self and the kernel run the same algorithm; the tutorial's own forms
// are extra rows. The column "AS kernel's algorithm" says where the kernel still does something else
// (then its speedup is not the compiler's alone). A wrong result exits with code 1.
// Last, Numba's parallel=True: the tutorial's f with its loop written as `prange`, jitted with
// `{ parallel: true }` (the loop split over jit's default pool of workers, one per core) beside the same
// function jitted for one thread.
// Run: npx tsx examples/13-jit.ts [--small]
import { formatMs, textTable } from "../src/format.ts";
import { kernels } from "../src/index.ts";
import { median } from "../src/stats.ts";

const small = process.argv.includes("--small");
const t0 = performance.now();
const { jit, jitClass, prange, closeDefaultPool } = await import("../src/jit/index.ts");
const importMs = performance.now() - t0;

// The tutorial's f, as plain TypeScript.
function f(n: bigint): bigint {
  let total = 0n;
  for (let i = 0n; i < n; i++) total += i;
  return total;
}

// 1. jit: nothing is compiled until the first call, whose argument types choose the specialization.
let t = performance.now();
const fFast = jit(f);
const first = fFast(10n);
const firstMs = performance.now() - t;
console.log(`jit(f)(10n) = ${first}: first call ${formatMs(firstMs)} (import of hotpath/jit before it: ${formatMs(importMs)}, under tsx)`);
// Other argument types compile another specialization (Numba's dispatcher).
const square = jit((x: any) => x * x + x);
square(3n);
t = performance.now();
square(1.5);
console.log(
  `square(1.5) after square(3n) compiles a second specialization: ${formatMs(performance.now() - t)} → ${square.signatures.join(", ")}`,
);
const hits: number[] = [];
for (let r = 0; r < 21; r++) {
  t = performance.now();
  jit(f)(10n); // a new jit of the same source: its module comes from the in-memory cache
  hits.push(performance.now() - t);
}
console.log(`a new jit(f) finds its module in the cache: ${formatMs(median(hits))} (median of ${hits.length})\n`);

/** Median of `rounds` timed calls (the caller warms up first). */
function time<T>(run: () => T, rounds: number): { ms: number; result: T } {
  return alternate({ only: run }, rounds).only;
}

/** Each function timed once a round, in alternation (the first one changes every round); the median of each. */
function alternate<K extends string, T>(runs: Record<K, () => T>, rounds: number): Record<K, { ms: number; result: T }> {
  const names = Object.keys(runs) as K[];
  const times = new Map<K, number[]>(names.map((name) => [name, []]));
  const results = new Map<K, T>();
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length];
      const start = performance.now();
      results.set(name, runs[name]());
      times.get(name)!.push(performance.now() - start);
    }
  return Object.fromEntries(names.map((name) => [name, { ms: median(times.get(name)!), result: results.get(name)! }])) as Record<
    K,
    { ms: number; result: T }
  >;
}

const k = await kernels();
const rows: string[][] = [];
const rounds = small ? 3 : 9;
/**
 * One loop: the plain function timed against its jitted self, and the AssemblyScript kernel against
 * the same plain function. `asAlgorithm` says whether the kernel runs the same algorithm as the plain
 * function (then the two speedups compare like for like) or a different one, and which.
 */
const row = (loop: string, plainMs: number, plainKind: string, jitMs: number, asMs: number, asAlgorithm: string, same: boolean) =>
  rows.push([
    loop,
    `${formatMs(plainMs)} (${plainKind})`,
    formatMs(jitMs),
    `${(plainMs / jitMs).toFixed(2)}×`,
    formatMs(asMs),
    `${(plainMs / asMs).toFixed(2)}×`,
    asAlgorithm,
    same ? "yes" : "NO",
  ]);

// 2. The sum, as in the tutorial: jitted, the AssemblyScript kernel, and the plain function.
const n = small ? 1_000_000n : 100_000_000n;
const fTyped = jit(f, "u64(u64)"); // 3. a signature: compiled now, as Numba's uint64(uint64)
t = performance.now();
fTyped(n);
const coldMs = performance.now() - t;
for (let i = 0; i < 2000; i++) fTyped(1000n);
for (let i = 0; i < 2000; i++) k.sumIntegers(1000n);
const { jit: sumJit, as: sumAs } = alternate({ jit: () => fTyped(n), as: () => k.sumIntegers(n) }, rounds);
const sumPlain = time(() => BigInt.asUintN(64, f(n)), 1);
row(
  `sum, n = ${n}`,
  sumPlain.ms,
  "bigint",
  sumJit.ms,
  sumAs.ms,
  "same: one u64 add a step",
  sumJit.result === sumAs.result && sumJit.result === sumPlain.result,
);
console.log(
  `f_typed(${n}) cold (first call, baseline tier): ${formatMs(coldMs)}; warm: ${formatMs(sumJit.ms)}, ` +
    `${(sumJit.ms / sumAs.ms).toFixed(2)}× the AssemblyScript sumIntegers (${formatMs(sumAs.ms)}) in this run\n`,
);

// 4. inspect(): the WebAssembly text of each compiled specialization.
console.log(fTyped.inspect(), "\n");

// 5. jitClass: the tutorial's Point2D, passed and returned as flattened fields.
const Point2D = jitClass(
  { x: "u64", y: "u64" },
  class Point2D {
    x: bigint;
    y: bigint;
    constructor(x: bigint, y: bigint) {
      this.x = x;
      this.y = y;
    }
  },
);
type Point = InstanceType<typeof Point2D>;
const addPoints = jit((a: Point, b: Point) => new Point2D(a.x + b.x, a.y + b.y), "Point2D(Point2D, Point2D)");
const p = addPoints(new Point2D(1n, 2n), new Point2D(3n, 4n));
console.log(`addPoints(Point2D(1, 2), Point2D(3, 4)) → (${p.x}, ${p.y}), a ${p.constructor.name}\n`);

// 6. The other loops. Collatz as the kernel computes it: an odd step, then all the halvings in an
// inner loop (jit turns that loop into one count of trailing zero bits, as the kernel's ctz does).
function collatzLongest(lo: bigint, hi: bigint) {
  let best = 0n;
  let start = 0n;
  for (let s = lo; s < hi; s++) {
    let m = s;
    let steps = 0n;
    while (m !== 1n) {
      if ((m & 1n) === 1n) {
        m = 3n * m + 1n;
        steps++;
      }
      while ((m & 1n) === 0n) {
        m >>= 1n;
        steps++;
      }
    }
    if (steps > best) {
      best = steps;
      start = s;
    }
  }
  return start;
}
// The tutorial's form: one step a trip. jit runs the halving branch's trips at once when m is even and
// nonzero (a count of trailing zero bits, one shift, one add), so it computes what the kernel does.
function collatzTutorial(lo: bigint, hi: bigint) {
  let best = 0n;
  let start = 0n;
  for (let s = lo; s < hi; s++) {
    let m = s;
    let steps = 0n;
    while (m !== 1n) {
      if ((m & 1n) === 1n) m = 3n * m + 1n;
      else m >>= 1n;
      steps++;
    }
    if (steps > best) {
      best = steps;
      start = s;
    }
  }
  return start;
}
const limit = small ? 10_000n : 1_000_000n;
const collatzFast = jit(collatzLongest);
const collatzTutorialFast = jit(collatzTutorial);
for (let i = 0; i < 20; i++) (collatzFast(1n, 2000n), collatzTutorialFast(1n, 2000n), k.longestCollatz(2000n));
const collatz = alternate({ jit: () => collatzFast(1n, limit), as: () => k.longestCollatz(limit).start }, rounds);
const cPlain = time(() => collatzLongest(1n, limit), 1);
row(
  `Collatz, below ${limit}`,
  cPlain.ms,
  "bigint",
  collatz.jit.ms,
  collatz.as.ms,
  "same: odd step, then all the halvings (ctz)",
  collatz.jit.result === cPlain.result && BigInt(collatz.as.result) === cPlain.result,
);
const collatzNaive = alternate({ jit: () => collatzTutorialFast(1n, limit), as: () => k.longestCollatz(limit).start }, rounds);
const cNaivePlain = time(() => collatzTutorial(1n, limit), 1);
row(
  `Collatz, tutorial's form (one step a trip)`,
  cNaivePlain.ms,
  "bigint",
  collatzNaive.jit.ms,
  collatzNaive.as.ms,
  "same: odd step, then all the halvings (ctz; jit finds them in the else branch)",
  collatzNaive.jit.result === cNaivePlain.result && BigInt(collatzNaive.as.result) === cNaivePlain.result,
);

// Monte Carlo π as assembly/random.ts draws it: samples in chunks of 2^16, chunk c's xorshift64 stream
// seeded with splitmix64 output c of the seed, two chunks' streams interleaved (each xorshift step waits
// on the one before: two independent streams keep the CPU busy). The same hits as the kernel's, exactly.
function mix64(z: bigint): bigint {
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}
function chunkSeed(seed: bigint, c: bigint): bigint {
  const s = mix64(BigInt.asUintN(64, seed + (c + 1n) * 0x9e3779b97f4a7c15n));
  return s !== 0n ? s : 0x9e3779b97f4a7c15n;
}
function monteCarloHits(samples: bigint, seed: bigint): bigint {
  const chunk = 65536n;
  const chunks = (samples + chunk - 1n) / chunk;
  let hits = 0n;
  let c = 0n;
  for (; c + 1n < chunks && (c + 2n) * chunk <= samples; c += 2n) {
    let s = chunkSeed(seed, c);
    let t = chunkSeed(seed, c + 1n);
    let inS = 0n;
    let inT = 0n;
    for (let i = 0n; i < chunk; i++) {
      s = BigInt.asUintN(64, s ^ (s << 13n));
      t = BigInt.asUintN(64, t ^ (t << 13n));
      s ^= s >> 7n;
      t ^= t >> 7n;
      s = BigInt.asUintN(64, s ^ (s << 17n));
      t = BigInt.asUintN(64, t ^ (t << 17n));
      const xs = Number(s >> 11n) / 2 ** 53;
      const xt = Number(t >> 11n) / 2 ** 53;
      s = BigInt.asUintN(64, s ^ (s << 13n));
      t = BigInt.asUintN(64, t ^ (t << 13n));
      s ^= s >> 7n;
      t ^= t >> 7n;
      s = BigInt.asUintN(64, s ^ (s << 17n));
      t = BigInt.asUintN(64, t ^ (t << 17n));
      const ys = Number(s >> 11n) / 2 ** 53;
      const yt = Number(t >> 11n) / 2 ** 53;
      if (xs * xs + ys * ys < 1) inS++;
      if (xt * xt + yt * yt < 1) inT++;
    }
    hits += inS + inT;
  }
  // The last chunks one at a time (an odd count, or a short last chunk).
  for (; c < chunks; c++) {
    const left = samples - c * chunk;
    const n = left < chunk ? left : chunk;
    let s = chunkSeed(seed, c);
    for (let i = 0n; i < n; i++) {
      s = BigInt.asUintN(64, s ^ (s << 13n));
      s ^= s >> 7n;
      s = BigInt.asUintN(64, s ^ (s << 17n));
      const x = Number(s >> 11n) / 2 ** 53;
      s = BigInt.asUintN(64, s ^ (s << 13n));
      s ^= s >> 7n;
      s = BigInt.asUintN(64, s ^ (s << 17n));
      const y = Number(s >> 11n) / 2 ** 53;
      if (x * x + y * y < 1) hits++;
    }
  }
  return hits;
}
// The tutorial's form: one xorshift stream.
function monteCarlo(samples: bigint, seed: bigint) {
  let s = seed;
  let inside = 0n;
  for (let i = 0n; i < samples; i++) {
    s = BigInt.asUintN(64, s ^ (s << 13n));
    s ^= s >> 7n;
    s = BigInt.asUintN(64, s ^ (s << 17n));
    const x = Number(s >> 11n) / 2 ** 53;
    s = BigInt.asUintN(64, s ^ (s << 13n));
    s ^= s >> 7n;
    s = BigInt.asUintN(64, s ^ (s << 17n));
    const y = Number(s >> 11n) / 2 ** 53;
    if (x * x + y * y < 1) inside++;
  }
  return (4 * Number(inside)) / Number(samples);
}
// Odd so that the pairs, the single last chunk and a short one all run.
const samples = small ? 3n * 65536n + 1000n : 10_000_000n;
const seed = 1n;
jit(mix64);
jit(chunkSeed); // called by monteCarloHits: jit resolves calls to jit functions by name
const mcFast = jit(monteCarloHits);
const mcTutorialFast = jit(monteCarlo);
for (let i = 0; i < 20; i++) (mcFast(200_000n, seed), mcTutorialFast(100_000n, 88172645463325252n), k.monteCarloPi(200_000n, seed));
const mc = alternate({ jit: () => mcFast(samples, seed), as: () => BigInt(k.monteCarloPi(samples, seed).inside) }, rounds);
const mPlain = time(() => monteCarloHits(samples, seed), 1);
row(
  `Monte Carlo π, ${samples} samples`,
  mPlain.ms,
  "bigint",
  mc.jit.ms,
  mc.as.ms,
  "same: two interleaved xorshift streams",
  mc.jit.result === mPlain.result && mc.as.result === mPlain.result,
);
const mcNaive = alternate({ jit: () => mcTutorialFast(samples, 88172645463325252n), as: () => k.monteCarloPi(samples, seed).pi }, rounds);
const mNaivePlain = time(() => monteCarlo(samples, 88172645463325252n), 1);
row(
  `Monte Carlo π, tutorial's form (one stream)`,
  mNaivePlain.ms,
  "bigint",
  mcNaive.jit.ms,
  mcNaive.as.ms,
  "different: two interleaved xorshift streams",
  mcNaive.jit.result === mNaivePlain.result && Math.abs(mcNaive.as.result - mNaivePlain.result) < 0.02,
);
console.log(`π ≈ ${((4 * Number(mPlain.result)) / Number(samples)).toFixed(5)} from ${samples} samples\n`);

// Mandelbrot, the scalar escape-time loop. jit runs two pixels at a time in the lanes of f64x2 values
// (its outer-loop vectorizer), as the AssemblyScript kernel does by hand; the counts stay the same.
function mandelbrot(out: Uint32Array, width: number, height: number, maxIter: number) {
  for (let py = 0; py < height; py++) {
    const cy = -1.25 + (2.5 * py) / height;
    for (let px = 0; px < width; px++) {
      const cx = -2 + (2.5 * px) / width;
      let zx = 0;
      let zy = 0;
      let i = 0;
      for (; i < maxIter; i++) {
        const x2 = zx * zx;
        const y2 = zy * zy;
        if (x2 + y2 > 4) break;
        zy = 2 * zx * zy + cy;
        zx = x2 - y2 + cx;
      }
      out[py * width + px] = i;
    }
  }
}
const side = small ? 100 : 600;
const maxIter = small ? 100 : 500;
const image = new Uint32Array(side * side);
const plainImage = new Uint32Array(side * side);
const mbFast = jit(mandelbrot);
for (let i = 0; i < 200; i++) (mbFast(new Uint32Array(256), 16, 16, 50), mandelbrot(new Uint32Array(256), 16, 16, 50));
const view = { width: side, height: side, maxIter, x0: -2, y0: -1.25, x1: 0.5, y1: 1.25 };
const mb = alternate(
  {
    jit: () => (mbFast(image, side, side, maxIter), image),
    as: () => k.mandelbrot(view),
    plain: () => (mandelbrot(plainImage, side, side, maxIter), plainImage),
  },
  rounds,
);
row(
  `Mandelbrot ${side}² × ${maxIter}`,
  mb.plain.ms,
  "number",
  mb.jit.ms,
  mb.as.ms,
  "same: f64x2, two pixels a step (AS by hand, jit by its vectorizer)",
  image.every((v, i) => v === plainImage[i] && v === mb.as.result[i]),
);

function dot(a: Float64Array, b: Float64Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
const len = small ? 10_000 : 1_000_000;
const a = Float64Array.from({ length: len }, (_, i) => (i % 100) / 7);
const b = Float64Array.from({ length: len }, (_, i) => (i % 37) / 3);
const dotFast = jit(dot);
// The same warm-up for all three: short calls until every tier has compiled them.
const [wa, wb] = [a.subarray(0, 4096), b.subarray(0, 4096)];
for (let i = 0; i < 500; i++) (dotFast(wa, wb), k.dotScalar(wa, wb), dot(wa, wb));
const d = alternate({ jit: () => dotFast(a, b), as: () => k.dotScalar(a, b), plain: () => dot(a, b) }, rounds * 4);
row(
  `dot, ${len} f64 (copy in included)`,
  d.plain.ms,
  "number",
  d.jit.ms,
  d.as.ms,
  "same: scalar, left to right",
  d.jit.result === d.plain.result && d.as.result === d.plain.result,
);

console.log(
  textTable(
    ["loop", "plain function", "jit (warm)", "plain ÷ jit", "AssemblyScript", "plain ÷ AS", "AS kernel's algorithm", "same result"],
    rows,
  ),
);
if (rows.some((r) => r[r.length - 1] !== "yes")) {
  console.error("a jitted or AssemblyScript result differs from the plain function's");
  process.exitCode = 1;
}

// 7. parallel: the tutorial's f with prange. In plain JavaScript prange is a range iterator; jitted for
// one thread it is a counted loop; with { parallel: true } the loop is split over a pool and the
// reduction (total += i) combined, so the function returns a Promise.
function fRange(n: bigint): bigint {
  let total = 0n;
  for (const i of prange(0n, n)) total += i;
  return total;
}
const fOne = jit(fRange);
const fAll = jit(fRange, { parallel: true });
const pn = small ? 10n ** 7n : 10n ** 9n;
t = performance.now();
const firstParallel = await fAll(pn);
const firstParallelMs = performance.now() - t;
fOne(pn);
const oneMs: number[] = [];
const allMs: number[] = [];
for (let r = 0; r < (small ? 3 : 7); r++) {
  t = performance.now();
  const one = fOne(pn);
  oneMs.push(performance.now() - t);
  t = performance.now();
  const all = await fAll(pn);
  allMs.push(performance.now() - t);
  if (one !== all || one !== firstParallel) {
    console.error(`prange: one thread gives ${one}, the pool ${all}`);
    process.exitCode = 1;
  }
}
console.log(
  `\nprange f(${pn}) = ${firstParallel}: jit on one thread ${formatMs(median(oneMs))}, jit(f, { parallel: true }) on every core ` +
    `${formatMs(median(allMs))} (${(median(oneMs) / median(allMs)).toFixed(2)}×; its first call, pool start included: ${formatMs(firstParallelMs)})`,
);
await closeDefaultPool();
