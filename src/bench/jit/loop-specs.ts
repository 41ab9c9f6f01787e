// What each loop of the jit bench is measured on: its sizes per preset, its inputs, the arguments
// built from them (arrays placed in ordinary memory or in jit's), what is checked (the return value
// and the arrays it writes), and the AssemblyScript kernel computing the same answer, where there is one.
import type { Arena } from "../../arena.ts";
import type { KernelExports } from "../../kernels/abi.ts";
import type { PresetName } from "../types.ts";
import { integers, uniform } from "./answers.ts";
import * as loops from "./loops.ts";

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint8Array | BigInt64Array | BigUint64Array;

/** Puts a copy of `data` where a row wants its arrays: ordinary memory, or jit's wasm memory (zero-copy). */
export type Place = <T extends TypedArray>(data: T) => T;

/** The AssemblyScript kernel of a loop: inputs placed in its memory (not timed), then the call; or why there is none to compare. */
export type KernelSpec<I> =
  | { label?: string; prepare(ex: KernelExports, arena: Arena, input: I): unknown; run(ex: KernelExports, prepared: any): unknown }
  | { skipped: string };

export interface Loop<I> {
  id: string;
  /** The report's name of the loop. */
  title: string;
  /** What a size counts. */
  unit: string;
  sizes: Record<PresetName, number>;
  /** The growth guard's smaller size (default n/2): for work that grows faster than n. */
  half?(size: number): number;
  input(size: number): I;
  /** The plain function, which is also what gets jitted. */
  fn: (...args: any[]) => unknown;
  /** Its arguments for an input. */
  args(input: I, place: Place): unknown[];
  /** What is checked. Default: the return value. */
  answer?(ret: unknown, args: unknown[]): unknown;
  /** It takes typed arrays: there is a zero-copy row. */
  arrays?: boolean;
  /** It updates its array arguments: they are restored before each call (outside the timed region). */
  inPlace?: boolean;
  fastmath?: boolean;
  /** Only the jit rows (a size too slow for plain JS); then `expected` is the truth. */
  jitOnly?: boolean;
  /** The known answer, in canonical form (answers.ts), where there is a closed form. */
  expected?(size: number, input: I): string;
  kernel?: KernelSpec<I>;
}

/** The rows of every loop, by id (the report's columns). */
export const PLAIN = { id: "plain", label: "plain JS", kind: "ts" } as const;
export const JIT = { id: "jit", label: "jit", kind: "jit" } as const;
export const JIT_ZERO_COPY = { id: "jit-zero-copy", label: "jit, jit.array (zero-copy)", kind: "jit" } as const;
export const JIT_COMPILED = {
  id: "jit-compiled",
  label: "jit { adaptive: false } (always the compiled call; arrays copied)",
  kind: "jit",
} as const;
export const KERNEL = { id: "as", label: "AssemblyScript kernel", kind: "wasm" } as const;

const u64 = (x: bigint) => BigInt.asUintN(64, x);
/** Growth guard sizes for work ∝ n² and n³. */
const halfSquare = (n: number) => Math.round(n / Math.SQRT2);
const halfCube = (n: number) => Math.round(n / Math.cbrt(2));
/** The view of loops.mandelbrot, which the kernel is given. */
const VIEW = { x0: -2, y0: -1.25, x1: 0.5, y1: 1.25 } as const;
const MAX_ITER = 200;

type Vectors = { a: Float64Array; b: Float64Array };
const vectors = (n: number): Vectors => ({ a: uniform(n, -1, 1, 11), b: uniform(n, -1, 1, 23) });
const vectorsIn = (arena: Arena, v: Vectors) => ({ a: arena.put(v.a, "a"), b: arena.put(v.b, "b"), n: v.a.length });

const sum: Loop<bigint> = {
  id: "sum",
  title: "sum of 0..n (the tutorial's f), bigint",
  unit: "integers",
  sizes: { quick: 20_000, full: 10_000_000 },
  input: BigInt,
  fn: loops.sumTo,
  args: (n) => [n],
  kernel: { prepare: (_ex, _arena, n) => n, run: (ex, n: bigint) => u64(ex.sumIntegers(n)) },
};

const firstCall: Loop<bigint> = {
  ...sum,
  id: "first-call",
  title: "sum of 0..n, bigint: a long first call (the jit rows only; plain JS needs seconds here)",
  sizes: { quick: 1_000_000, full: 100_000_000 },
  // Its own function (same body, another name): the in-memory cache is keyed by source, so this compiles anew.
  fn: loops.sumToOnce,
  jitOnly: true,
  expected: (_size, n) => `${(n * (n - 1n)) / 2n}n`,
  kernel: undefined,
};

const collatz: Loop<bigint> = {
  id: "collatz",
  title: "longest Collatz chain below n, bigint",
  unit: "starts",
  sizes: { quick: 300, full: 30_000 },
  input: BigInt,
  fn: loops.longestCollatz,
  args: (n) => [n],
  kernel: { prepare: (_ex, _arena, n) => n, run: (ex, n: bigint) => u64(ex.longestCollatzRange(1n, n)) },
};

const monteCarlo: Loop<bigint> = {
  id: "monte-carlo",
  title: "Monte Carlo π, xorshift64, bigint: hits of n samples",
  unit: "samples",
  sizes: { quick: 2_000, full: 1_000_000 },
  input: BigInt,
  fn: loops.monteCarloHits,
  args: (n) => [n, 88172645463325252n],
  kernel: {
    skipped:
      "monteCarloHits (assembly/random.ts) starts a new xorshift64 stream every 65536 samples, seeded by splitmix64 so that a pool can split the work: other samples, another count",
  },
};

type Image = { width: number; height: number };
const mandelbrot: Loop<Image> = {
  id: "mandelbrot",
  title: `Mandelbrot escape counts, width × ¾·width pixels, maxIter ${MAX_ITER}, f64`,
  unit: "pixels wide",
  sizes: { quick: 32, full: 400 },
  half: halfSquare,
  input: (width) => ({ width, height: Math.round((width * 3) / 4) }),
  fn: loops.mandelbrot,
  args: (im, place) => [place(new Uint32Array(im.width * im.height)), im.width, im.height, MAX_ITER],
  answer: (_ret, args) => args[0],
  arrays: true,
  kernel: {
    label: "AssemblyScript kernel (SIMD, 2 pixels per f64x2)",
    prepare: (_ex, arena, im) => ({ ...im, out: arena.alloc(im.width * im.height * 4, "out") }),
    run: (ex, p: Image & { out: number }) => {
      const { x0, y0, x1, y1 } = VIEW;
      ex.mandelbrotRows(p.out, p.width, p.height, 0, p.height, x0, y0, x1, y1, MAX_ITER);
      return new Uint32Array(ex.memory.buffer, p.out, p.width * p.height);
    },
  },
};

const dot: Loop<Vectors> = {
  id: "dot",
  title: "dot product, f64 (summed left to right: exact)",
  unit: "elements",
  sizes: { quick: 4096, full: 1 << 20 },
  input: vectors,
  fn: loops.dot,
  args: (v, place) => [place(v.a), place(v.b)],
  arrays: true,
  kernel: {
    label: "AssemblyScript kernel (scalar: the same order)",
    prepare: (_ex, arena, v) => vectorsIn(arena, v),
    run: (ex, p: { a: number; b: number; n: number }) => ex.dotScalar(p.a, p.b, p.n),
  },
};

const dotFastmath: Loop<Vectors> = {
  ...dot,
  id: "dot-fastmath",
  title: "dot product, f64, { fastmath: true } (sums may be reordered: compared within a tolerance)",
  fastmath: true,
  kernel: {
    label: "AssemblyScript kernel (SIMD, four partial sums)",
    prepare: (_ex, arena, v) => vectorsIn(arena, v),
    run: (ex, p: { a: number; b: number; n: number }) => ex.dot(p.a, p.b, p.n),
  },
};

const sieve: Loop<number> = {
  id: "sieve",
  title: "sieve of Eratosthenes over a Uint8Array: primes below n",
  unit: "integers",
  sizes: { quick: 10_000, full: 2_000_000 },
  input: (n) => n,
  fn: loops.countPrimes,
  args: (n, place) => [place(new Uint8Array(n))],
  arrays: true,
  kernel: {
    label: "AssemblyScript kernel (segmented sieve)",
    prepare: (ex, arena, n) => ({ n: BigInt(n), scratch: arena.alloc(ex.countPrimesScratch(0n, BigInt(n)), "scratch") }),
    run: (ex, p: { n: bigint; scratch: number }) => Number(ex.countPrimesRange(0n, p.n, p.scratch)),
  },
};

type Matrices = { a: Float64Array; b: Float64Array; n: number };
const matmul: Loop<Matrices> = {
  id: "matmul",
  title: "matrix multiply n × n, f64, i-j-k",
  unit: "rows",
  sizes: { quick: 24, full: 200 },
  half: halfCube,
  input: (n) => ({ a: uniform(n * n, -1, 1, 5), b: uniform(n * n, -1, 1, 7), n }),
  fn: loops.matmul,
  args: (m, place) => [place(m.a), place(m.b), place(new Float64Array(m.n * m.n)), m.n],
  answer: (_ret, args) => args[2],
  arrays: true,
  kernel: {
    // Each c[i][j] adds a[i][k]·b[k][j] for k in order, from 0, as the i-j-k loop does: the same bits.
    label: "AssemblyScript kernel (SIMD f64x2, blocked; each sum in k order)",
    prepare: (_ex, arena, m) => ({ a: arena.put(m.a, "a"), b: arena.put(m.b, "b"), c: arena.alloc(m.a.byteLength, "c"), n: m.n }),
    run: (ex, p: { a: number; b: number; c: number; n: number }) => {
      ex.matmul(p.a, p.b, p.c, p.n, p.n, p.n, 0, p.n);
      return new Float64Array(ex.memory.buffer, p.c, p.n * p.n);
    },
  },
};

type Grid = { src: Float64Array; width: number; height: number };
const stencil: Loop<Grid> = {
  id: "stencil",
  title: "5-point stencil, one Jacobi step on width × ¾·width, f64",
  unit: "points wide",
  sizes: { quick: 64, full: 1024 },
  half: halfSquare,
  input: (width) => {
    const height = Math.round((width * 3) / 4);
    return { src: uniform(width * height, 0, 1, 31), width, height };
  },
  fn: loops.stencil,
  args: (g, place) => [place(g.src), place(new Float64Array(g.src.length)), g.width, g.height],
  answer: (_ret, args) => args[1],
  arrays: true,
};

const prefixSum: Loop<Float64Array> = {
  id: "prefix-sum",
  title: "prefix sum in place, f64",
  unit: "elements",
  sizes: { quick: 4096, full: 1 << 20 },
  input: (n) => uniform(n, -1, 1, 41),
  fn: loops.prefixSum,
  args: (data, place) => [place(data)],
  answer: (_ret, args) => args[0],
  arrays: true,
  inPlace: true,
};

type Histogram = { data: Uint8Array };
const histogram: Loop<Histogram> = {
  id: "histogram",
  title: "histogram of bytes, bins[data[i] & 15]++",
  unit: "bytes",
  sizes: { quick: 4096, full: 1 << 22 },
  input: (n) => ({ data: Uint8Array.from(integers(n, 256, 53)) }),
  fn: loops.histogram,
  args: (h, place) => [place(h.data), place(new Int32Array(16))],
  answer: (_ret, args) => args[1],
  arrays: true,
};

const trialDivision: Loop<Int32Array> = {
  id: "trial-division",
  title: "trial division with % on int32 values below 2^22: how many are prime",
  unit: "values",
  sizes: { quick: 512, full: 1 << 16 },
  input: (n) => integers(n, 1 << 22, 67),
  fn: loops.countPrimesTrial,
  args: (values, place) => [place(values)],
  arrays: true,
};

const nbody: Loop<Float64Array> = {
  id: "nbody",
  title: "n-body, one step with Math.sqrt, f64",
  unit: "bodies",
  sizes: { quick: 24, full: 1000 },
  half: halfSquare,
  input: (n) => {
    const bodies = new Float64Array(n * 7);
    const r = uniform(n * 7, -1, 1, 79);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) bodies[i * 7 + k] = r[i * 7 + k] * 10;
      for (let k = 3; k < 6; k++) bodies[i * 7 + k] = r[i * 7 + k] * 0.1;
      bodies[i * 7 + 6] = 0.5 + 0.5 * r[i * 7 + 6];
    }
    return bodies;
  },
  fn: loops.nbodyStep,
  args: (bodies, place) => [place(bodies), 0.001],
  answer: (_ret, args) => args[0],
  arrays: true,
  inPlace: true,
};

const sinExp: Loop<Float64Array> = {
  id: "sin-exp",
  title: "Σ Math.sin(x)·Math.exp(−x²/2), f64",
  unit: "elements",
  sizes: { quick: 1024, full: 1 << 18 },
  input: (n) => uniform(n, -4, 4, 97),
  fn: loops.dampedWave,
  args: (xs, place) => [place(xs)],
  arrays: true,
};

/** The loops in the order they run: the long first call first, before anything else is jitted. */
export const JIT_LOOPS: ReadonlyArray<Loop<any>> = [
  firstCall,
  sum,
  collatz,
  monteCarlo,
  mandelbrot,
  dot,
  dotFastmath,
  sieve,
  matmul,
  stencil,
  prefixSum,
  histogram,
  trialDivision,
  nbody,
  sinExp,
];

/** Ids of the jit cases, in the order they run. */
export const JIT_CASE_IDS: readonly string[] = [
  ...JIT_LOOPS.map((l) => l.id),
  "vectorize" /* vectorize-case.ts */,
  ...["prange-sum", "prange-monte-carlo", "prange-mandelbrot"] /* parallel-cases.ts */,
];
