// Run by Deno and Bun (test/jit-runtimes.test.ts) and by Node twice (test/jit-cache.test.ts): the built
// hotpath/jit bundle compiles the tutorial's functions; prints one JSON line of checks and stats.
import { jit, jitClass, JitError } from "../../build/jit.js";

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
const cache = process.env.HOTPATH_JIT_CACHE !== undefined;

function f(n) {
  let total = 0n;
  for (let i = 0n; i < n; i++) total += i;
  return total;
}
function dot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
const Point2D = jitClass(
  { x: "u64", y: "u64" },
  class Point2D {
    constructor(x, y) {
      this.x = x;
      this.y = y;
    }
  },
);
const started = performance.now();
const fast = jit(f, "u64(u64)", { cache });
const firstCompileMs = performance.now() - started;
const addPoints = jit((a, b) => new Point2D(a.x + b.x, a.y + b.y), "Point2D(Point2D, Point2D)");
const p = addPoints(new Point2D(1n, 2n), new Point2D(3n, 4n));
let jitError = false;
try {
  jit((n) => n.size)(1);
} catch (e) {
  jitError = e instanceof JitError && e.line === 1;
}
// Large ordinary arrays (2 MiB copied a call): `adaptive` times the compiled call and, the copies being
// most of it, tries the original too; every call must give the plain function's answer either way.
const big = 1 << 17;
const A = Float64Array.from({ length: big }, (_, i) => Math.sin(i) * 1e3);
const B = Float64Array.from({ length: big }, (_, i) => Math.cos(i));
const bigDot = jit(dot);
let adaptive = true;
for (let r = 0; r < 40; r++) adaptive &&= Object.is(bigDot(A, B), dot(A, B));
// A heavy loop (its copies a small share of the call): in Deno and Bun the original is tried after the
// first compiled calls too (adaptive.ts: their wasm is not reliably faster there), not after 64.
function insertionSort(a) {
  for (let i = 1; i < a.length; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a[0];
}
const sorting = jit(insertionSort);
const unsorted = Float64Array.from({ length: 1500 }, (_, i) => Math.sin(i * 7.1));
let heavyPlainCalls = 0;
for (let r = 0; r < 12; r++) {
  adaptive &&= Object.is(sorting(unsorted.slice()), insertionSort(unsorted.slice()));
  if (r === 5) heavyPlainCalls = sorting.stats.plainCalls;
}
// Arrays the function makes: a scratch table, one per iteration (given back at each block's end), one returned.
function histogramCdf(bytes, bins) {
  const counts = new Int32Array(bins);
  for (let i = 0; i < bytes.length; i++) counts[bytes[i] % bins]++;
  const cdf = new Float64Array(bins);
  let run = 0;
  for (let b = 0; b < bins; b++) {
    const pair = new Float64Array(2);
    pair[0] = counts[b];
    if (pair[0] === 0) continue;
    run += pair[0];
    cdf[b] = run / bytes.length;
  }
  return cdf;
}
const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
const cdf = jit(histogramCdf)(bytes, 200);
// Canvas pixels (a Uint8ClampedArray: stores round half to even and clamp) and 16-bit samples, and
// switch, for…of and fill.
function tally(codes) {
  const seen = new Int32Array(4).fill(0);
  for (const c of codes)
    switch (c & 3) {
      case 0:
        seen[0]++;
        break;
      case 1:
      case 2:
        seen[1]++;
        break;
      default:
        seen[3] += 2;
    }
  return seen[0] * 1e6 + seen[1] * 1e3 + seen[3];
}
function gain(px, g) {
  const scaled = (v) => v * g - 0.5; // an arrow helper, compiled into its call
  for (let i = 0; i < px.length; i++) px[i] = scaled(px[i]);
}
const narrow = [Uint8ClampedArray, Int16Array].every((C) => {
  const [mine, theirs] = [C.from(bytes), C.from(bytes)];
  jit(gain)(mine, 1.37);
  gain(theirs, 1.37);
  return mine.join() === theirs.join();
});
const made = cdf instanceof Float64Array && cdf.join() === histogramCdf(bytes, 200).join() && narrow && jit(tally)(bytes) === tally(bytes);
// Errors as this engine throws them: a throw statement, `.set` past the end or at a negative offset,
// a negative length (V8 and JavaScriptCore word the last three differently).
function checked(a, n, off) {
  if (!(n >= 0)) throw new RangeError(`n must be >= 0, got ${n}`);
  const t = new Float64Array(n);
  t.set(a, off);
  return t[0];
}
const outcome = (f, args) => {
  try {
    return `value ${f(...args)}`;
  } catch (e) {
    return `${e.constructor.name}: ${e.message}`;
  }
};
const checkedJit = jit(checked, undefined, { adaptive: false });
const errorCases = [
  [new Float64Array(2), 3, 0],
  [new Float64Array(2), -1, 0],
  [new Float64Array(2), 2, -1],
  [new Float64Array(2), 2, 1],
  [new Float64Array(2), NaN, 0],
];
const errors = errorCases.every((args) => outcome(checkedJit, args) === outcome(checked, args));
const negativeLength =
  outcome(
    jit((n) => new Float64Array(n).length),
    [-3],
  ) === outcome((n) => new Float64Array(n).length, [-3]);
// The everyday forms: a default value, a plain number[] written back, a swap, a helper with statements, two results.
function forms(xs, n = xs.length) {
  function clamp(x) {
    if (x < 0) return 0;
    return x > 1 ? 1 : x;
  }
  let [lo, hi] = [Infinity, -Infinity];
  for (var i = 0; i < n; i++) {
    xs[i] = clamp(xs[i]);
    if (xs[i] < lo) lo = xs[i];
    if (xs[i] > hi) hi = xs[i];
  }
  return { lo, hi };
}
const [mineXs, theirXs] = [
  [-1, 0.25, 3, 0.5],
  [-1, 0.25, 3, 0.5],
];
const formsOk = JSON.stringify(jit(forms)(mineXs)) === JSON.stringify(forms(theirXs)) && mineXs.join() === theirXs.join();
const checks = {
  sum: fast(100_000_000n) === 4999999950000000n,
  wraps: jit((a) => a * a)(2n ** 63n) === 0n,
  dot: jit(dot)(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6])) === 32,
  point: p instanceof Point2D && p.x === 4n && p.y === 6n,
  jitError,
  typescript: jit("function tsSquare(x: bigint): bigint { return (x as bigint) * x; }")(3n) === 9n,
  adaptive: adaptive && bigDot.stats.plainCalls >= 0,
  made,
  errors: errors && negativeLength,
  forms: formsOk,
};
console.log(
  JSON.stringify({ runtime, checks, stats: fast.stats, firstCompileMs, bigDotPlainCalls: bigDot.stats.plainCalls, heavyPlainCalls }),
);
