// The built-in kernels' half of the contract: every limit, default and argument check, held once.
// The single-thread API (kernels.ts), the pool's parallel forms (src/pool/parallel.ts) and the twins
// read them from here, so the same bad argument gets the same error everywhere. Each check takes the
// caller's values and returns the normalised arguments of the kernel's range or row form: [lo, hi)
// for ranges, so that any split of it combines to the single-thread answer.
import { NAMED_COMBINES, type NamedCombine } from "./combine.ts";
import { MONTE_CARLO_CHUNK, type RangeKernelName } from "./abi.ts";
import { PAGE } from "../arena.ts";
import { expected } from "../errors.ts";
import { checkOptions, toBytes, toFinite, toFloat64Array, toInteger, toU64 } from "../validate.ts";

export const U32_MAX = 0xffff_ffff;
/** 2^64 − 1, the largest u64. It is not prime (3 · 5 · 17 · 257 · 641 · 65537 · 6700417), so [lo, 2^64) and [lo, 2^64 − 1) hold the same primes. */
export const U64_MAX = (1n << 64n) - 1n;
/** Monte Carlo draws at most 2^32 chunks of MONTE_CARLO_CHUNK samples: 2^48 samples. */
export const MONTE_CARLO_MAX_SAMPLES = BigInt(MONTE_CARLO_CHUNK) << 32n;
/** The part of the complex plane `mandelbrot` draws unless told otherwise. */
export const MANDELBROT_VIEW = { x0: -2, y0: -1.5, x1: 1, y1: 1.5 } as const;
/** wasm32 addresses end at 4 GiB; a buffer must end below it, and the first page holds static data. */
export const WASM32_USABLE_BYTES = 2 ** 32 - 2 * PAGE;

/** What `mandelbrot()` draws: a width × height image of the rectangle (x0, y0)–(x1, y1) of the complex plane. */
export interface MandelbrotOptions {
  /** Pixels per row, an integer ≥ 1. */
  width: number;
  /** Rows, an integer ≥ 1. */
  height: number;
  /** Iterations before a point counts as inside the set, an integer in [1, 2^32 − 1]. */
  maxIter: number;
  /** Real part of the left edge. Default −2. */
  x0?: number;
  /** Imaginary part of the top row. Default −1.5. */
  y0?: number;
  /** Real part of the right edge (exclusive). Default 1. */
  x1?: number;
  /** Imaginary part of the bottom edge (exclusive). Default 1.5. */
  y1?: number;
}

/** The Monte Carlo estimate of π: 4 · inside / samples. */
export interface MonteCarloResult {
  pi: number;
  /** Samples that fell inside the unit quarter circle. */
  inside: number;
  samples: number;
}

/** The start with the longest Collatz chain in a range, and the chain's number of steps down to 1. */
export interface CollatzResult {
  start: bigint;
  steps: number;
}

/** A half-open range [lo, hi) of a range kernel. */
export type Range = readonly [lo: bigint, hi: bigint];

/** How the u64 results of a range kernel's pieces combine into the whole range's (src/kernels/combine.ts). */
export type RangeCombine = Exclude<NamedCombine, "add">;

/**
 * A range kernel (abi.ts RANGE_KERNEL_FUNCTIONS): u64 [lo, hi) → u64. Its method on kernels(), its pool
 * form and its bench case are derived from this entry and from its twins (same name in src/twins/).
 */
export interface RangeKernel {
  /** How pieces combine: `wrapAdd` (sum modulo 2^64), `min` or `max`. */
  readonly combine: RangeCombine;
  /** One line for docs and bench reports. */
  readonly title: string;
  /** What the bench's input size n means: the range [0, n) at these sizes. */
  readonly bench: { readonly unit: string; readonly quick: number; readonly full: number };
}

export const RANGE_KERNELS: Readonly<Record<RangeKernelName, RangeKernel>> = {
  popcountSum: {
    combine: "wrapAdd",
    title: "one bits in every integer of [0, n): Σ popcount(i), u64",
    bench: { unit: "integers", quick: 1 << 16, full: 1 << 22 },
  },
};

/** Folds a range kernel's pieces, in range order, from the result of an empty range. @internal */
export function foldRange(how: RangeCombine, parts: readonly bigint[]): bigint {
  const combine = NAMED_COMBINES[how] as (a: bigint, b: bigint) => bigint;
  return parts.reduce(combine, EMPTY_RANGE[how]);
}

/** What a range kernel answers for an empty range: the identity of its combine on u64. */
const EMPTY_RANGE: Readonly<Record<RangeCombine, bigint>> = { wrapAdd: 0n, min: (1n << 64n) - 1n, max: 0n };

/** `sumRange(lo, hi)` and every range kernel: any two u64 (hi ≤ lo is the empty range). @internal */
export function rangeArgs(lo: unknown, hi: unknown): Range {
  return [toU64(lo, "lo"), toU64(hi, "hi")];
}

/** `sumIntegers(n)`: the range [0, n). @internal */
export function sumIntegersArgs(n: unknown): Range {
  return [0n, toU64(n, "n")];
}

/** `countPrimes(n)`, any u64 n: the range [0, n], as [0, n + 1) with hi kept ≤ 2^64 − 1 (which is not prime). @internal */
export function countPrimesArgs(n: unknown): Range {
  const nn = toU64(n, "n");
  return [0n, nn === U64_MAX ? nn : nn + 1n];
}

/** `countPrimesRange(lo, hi)`: any two u64 (hi ≤ lo is the empty range). @internal */
export function countPrimesRangeArgs(lo: unknown, hi: unknown): Range {
  return [toU64(lo, "lo"), toU64(hi, "hi")];
}

/**
 * A prime count from the kernel (a signed i64 from raw exports) as a number. Counts stay exact: 2^53 primes
 * lie only in ranges longer than 3 · 10^17 numbers (centuries of sieving), so a larger count is refused, not rounded.
 * @internal
 */
export function primeCount(raw: bigint | number): number {
  const c = BigInt.asUintN(64, BigInt(raw));
  if (c > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`Expected a prime count below 2^53, got ${c}: use smaller ranges`);
  return Number(c);
}

/** `longestCollatz(limit)`: starts from [1, limit). @internal */
export function longestCollatzArgs(limit: unknown): Range {
  const l = toU64(limit, "limit");
  if (l < 2n) throw new RangeError(expected("limit", "at least 2 (starts are taken from [1, limit))", limit));
  return [1n, l];
}

/** `longestCollatzRange(lo, hi)`: 1 ≤ lo < hi. @internal */
export function longestCollatzRangeArgs(lo: unknown, hi: unknown): Range {
  const l = toU64(lo, "lo");
  const h = toU64(hi, "hi");
  if (l < 1n) throw new RangeError(expected("lo", "at least 1 (0 has no Collatz chain)", lo));
  if (h <= l) throw new RangeError(expected("hi", `greater than \`lo\` (${l})`, hi));
  return [l, h];
}

/** The kernel answers start 0 for "some chain from [lo, hi) passed 2^64 − 1": this is the error it becomes. @internal */
export function collatzOverflow(lo: bigint, hi: bigint): RangeError {
  return new RangeError(`Expected every Collatz chain from [${lo}, ${hi}) to stay below 2^64, but one passes 2^64 − 1 (u64 overflow)`);
}

/** `monteCarloPi(samples, seed)`: 1 ≤ samples ≤ 2^48, drawn as chunks [0, chunks) of MONTE_CARLO_CHUNK. @internal */
export function monteCarloArgs(samples: unknown, seed: unknown): { total: bigint; seed: bigint; chunks: bigint } {
  const total = toU64(samples, "samples");
  const s = toU64(seed, "seed");
  if (total === 0n || total > MONTE_CARLO_MAX_SAMPLES)
    throw new RangeError(expected("samples", `an integer in [1, 2^48] (2^32 chunks of ${MONTE_CARLO_CHUNK})`, samples));
  return { total, seed: s, chunks: (total + BigInt(MONTE_CARLO_CHUNK) - 1n) / BigInt(MONTE_CARLO_CHUNK) };
}

/** π from the hits of `total` samples. @internal */
export function monteCarloResult(inside: bigint, total: bigint): MonteCarloResult {
  const n = Number(total);
  const hits = Number(inside);
  return { pi: (4 * hits) / n, inside: hits, samples: n };
}

const MANDELBROT_KEYS = ["width", "height", "maxIter", "x0", "y0", "x1", "y1"] as const;

/** `mandelbrot(options)`, with every coordinate filled in; `extraKeys` are the caller's own options (the pool's `signal`, `chunks`). @internal */
export function mandelbrotArgs(options: unknown, extraKeys: readonly string[] = []): Required<MandelbrotOptions> {
  if (options === undefined) throw new TypeError(expected("options", "an options object with width, height and maxIter", options));
  const o = checkOptions(options, "options", [...MANDELBROT_KEYS, ...extraKeys]);
  const width = toInteger(o.width, "options.width", 1, U32_MAX);
  const height = toInteger(o.height, "options.height", 1, U32_MAX);
  const maxIter = toInteger(o.maxIter, "options.maxIter", 1, U32_MAX);
  const coord = (key: keyof typeof MANDELBROT_VIEW) => (o[key] === undefined ? MANDELBROT_VIEW[key] : toFinite(o[key], `options.${key}`));
  const args = { width, height, maxIter, x0: coord("x0"), y0: coord("y0"), x1: coord("x1"), y1: coord("y1") };
  checkFits(width * height * 4, "options.width × options.height (the image)");
  return args;
}

/** Two Float64Arrays of one length (dot). @internal */
export function vectorPairArgs(a: unknown, b: unknown, aName = "a", bName = "b"): [Float64Array, Float64Array] {
  const x = toFloat64Array(a, aName);
  const y = toFloat64Array(b, bName);
  if (y.length !== x.length) throw new RangeError(expected(bName, `a Float64Array of length ${x.length} (the length of \`${aName}\`)`, y));
  checkFits(x.byteLength + y.byteLength, `${aName} and ${bName}`);
  return [x, y];
}

/** `saxpy(alpha, x, y)`. @internal */
export function saxpyArgs(alpha: unknown, x: unknown, y: unknown): { alpha: number; x: Float64Array; y: Float64Array } {
  const al = toFinite(alpha, "alpha");
  const [vx, vy] = vectorPairArgs(x, y, "x", "y");
  return { alpha: al, x: vx, y: vy };
}

/** `matmul(a, b, m, k, n)`: A is m × k, B is k × n, and C (m × n) must fit in wasm memory too. @internal */
export function matmulArgs(
  a: unknown,
  b: unknown,
  m: unknown,
  k: unknown,
  n: unknown,
): { a: Float64Array; b: Float64Array; m: number; k: number; n: number } {
  const va = toFloat64Array(a, "a");
  const vb = toFloat64Array(b, "b");
  const mm = toInteger(m, "m", 1, U32_MAX);
  const kk = toInteger(k, "k", 1, U32_MAX);
  const nn = toInteger(n, "n", 1, U32_MAX);
  if (va.length !== mm * kk) throw new RangeError(expected("a", `a Float64Array of length m·k = ${mm * kk}`, va));
  if (vb.length !== kk * nn) throw new RangeError(expected("b", `a Float64Array of length k·n = ${kk * nn}`, vb));
  checkFits(mm * nn * 8, "c (m·n f64s)");
  checkFits(va.byteLength + vb.byteLength + mm * nn * 8, "a, b and c");
  return { a: va, b: vb, m: mm, k: kk, n: nn };
}

/** Bytes to hash: any view, buffer or string (UTF-8), small enough that ptr + len never passes 4 GiB. @internal */
export function bytesArg(data: unknown, name: string): Uint8Array {
  const bytes = toBytes(data, name);
  checkFits(bytes.byteLength, name);
  return bytes;
}

/** `splitmix64(seed, count)` / `xorshift64(seed, count)`: xorshift64 stays at 0 forever, so its seed must not be 0. @internal */
export function streamArgs(seed: unknown, count: unknown, kind: "splitmix64" | "xorshift64"): { seed: bigint; count: number } {
  const s = toU64(seed, "seed");
  if (kind === "xorshift64" && s === 0n) throw new RangeError(expected("seed", "a non-zero u64 (xorshift64 stays at 0 forever)", seed));
  return { seed: s, count: toInteger(count, "count", 0, Number.MAX_SAFE_INTEGER) };
}

/**
 * Refuses data that cannot sit in wasm32 memory before anything is copied. Kernels compute `ptr + len`
 * in u32 arithmetic, so data reaching 4 GiB would wrap to address 0 (a wrong answer or a hang, never
 * an error from wasm); the arena keeps every buffer's end below that too (src/arena.ts).
 * @internal
 */
export function checkFits(bytes: number, name: string): void {
  if (bytes > WASM32_USABLE_BYTES)
    throw new RangeError(`Expected \`${name}\` to fit in wasm memory (at most ${WASM32_USABLE_BYTES} bytes), got ${bytes} bytes`);
}
