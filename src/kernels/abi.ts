// The raw exports of build/hotpath.wasm and build/hotpath.threads.wasm (one source, assembly/index.ts).
// This is the contract between the AssemblyScript kernels and the TypeScript runtime.
//
// Conventions:
// - i64 parameters take bigint; i64 results come back as *signed* bigint: wrap with BigInt.asUintN(64, x).
// - Kernels never allocate. Pointers are byte offsets into linear memory that the host lays out from
//   heapBase() upwards (src/arena.ts). Buffers are 16-byte aligned.
// - Range forms take [lo, hi) so that any split of the range gives the same combined answer.

/**
 * Range kernels: `name(lo: u64, hi: u64)` → a result over [lo, hi) that any split of the range combines
 * back (src/kernels/builtins.ts RANGE_KERNELS says how). Each gets the single-thread method, the pool
 * form and a bench case without code of its own.
 */
export const RANGE_KERNEL_FUNCTIONS = ["popcountSum"] as const;
export type RangeKernelName = (typeof RANGE_KERNEL_FUNCTIONS)[number];

export type KernelExports = FixedKernelExports & { readonly [K in RangeKernelName]: (lo: bigint, hi: bigint) => bigint };

interface FixedKernelExports {
  readonly memory: WebAssembly.Memory;
  /** First byte the host may use. */
  heapBase(): number;

  /** 0 + 1 + … + (n − 1) mod 2^64, by a loop. */
  sumIntegers(n: bigint): bigint;
  /** lo + (lo + 1) + … + (hi − 1) mod 2^64. */
  sumRange(lo: bigint, hi: bigint): bigint;
  /** The same sum with i64x2 SIMD, eight integers a step in four independent accumulators. */
  sumRangeSimd(lo: bigint, hi: bigint): bigint;

  /** FNV-1a 64 of `len` bytes at `ptr`. */
  fnv1a64(ptr: number, len: number): bigint;
  /** xxHash64 of `len` bytes at `ptr` with `seed`. */
  xxhash64(ptr: number, len: number, seed: bigint): bigint;

  /** Writes `count` splitmix64 outputs (u64, little-endian) at `out`, starting from `state`; returns the next state. */
  splitmix64Fill(out: number, count: number, state: bigint): bigint;
  /** Writes `count` xorshift64 outputs at `out` from `state` (≠ 0); returns the last state. */
  xorshift64Fill(out: number, count: number, state: bigint): bigint;
  /**
   * Monte Carlo π: samples are numbered 0..total−1 and cut into chunks of MONTE_CARLO_CHUNK; chunk c
   * draws from its own xorshift64 stream seeded with output c of the splitmix64 stream started at `seed`
   * (i.e. mix(seed + (c + 1)·0x9e3779b97f4a7c15)). A sample is two draws x, y = (draw >> 11)·2^−53 and
   * hits when x² + y² < 1. Returns how many samples of chunks [firstChunk, endChunk) hit.
   */
  monteCarloHits(seed: bigint, firstChunk: bigint, endChunk: bigint, total: bigint): bigint;

  /**
   * Mandelbrot escape counts for rows [rowStart, rowEnd) of a width × height image of the rectangle
   * (x0, y0)–(x1, y1); row r is written as u32s at out + (r − rowStart) · width · 4.
   */
  mandelbrotRows(
    out: number,
    width: number,
    height: number,
    rowStart: number,
    rowEnd: number,
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    maxIter: number,
  ): void;

  /** Σ a[i]·b[i] over n f64s (SIMD, four partial sums: may differ from dotScalar in the last bits). */
  dot(a: number, b: number, n: number): number;
  /** The same, scalar, summed left to right. */
  dotScalar(a: number, b: number, n: number): number;
  /** y[i] = alpha·x[i] + y[i] for n f64s, in place (SIMD). */
  saxpy(alpha: number, x: number, y: number, n: number): void;
  saxpyScalar(alpha: number, x: number, y: number, n: number): void;
  /** Rows [rowStart, rowEnd) of C = A·B, A m×k, B k×n, C m×n, row-major f64 (blocked, SIMD; bit-equal to the naive i-k-j loop). */
  matmul(a: number, b: number, c: number, m: number, k: number, n: number, rowStart: number, rowEnd: number): void;
  matmulScalar(a: number, b: number, c: number, m: number, k: number, n: number, rowStart: number, rowEnd: number): void;

  /** Bytes of scratch memory countPrimesRange(lo, hi, …) needs. */
  countPrimesScratch(lo: bigint, hi: bigint): number;
  /** Number of primes in [lo, hi) (any u64; a signed i64 as raw exports return it), by a segmented wheel sieve using countPrimesScratch(lo, hi) bytes at `scratch` (per call: concurrent calls need separate scratch). */
  countPrimesRange(lo: bigint, hi: bigint, scratch: number): bigint;
  /** Number of primes in [lo, hi), each number tested (deterministic Miller–Rabin): the kernel's path for short ranges far out. */
  countPrimesByTest(lo: bigint, hi: bigint): bigint;

  /** The start in [lo, hi) with the longest Collatz chain (ties: the smallest; a start of 0 is skipped); its step count via collatzBestSteps(). 0 if a value would overflow u64 or the range is empty. */
  longestCollatzRange(lo: bigint, hi: bigint): bigint;
  /** Steps of the chain found by the last longestCollatzRange call (per instance). */
  collatzBestSteps(): number;
}

/** Every function KernelExports declares, so a loader can check a module before binding it. */
export const KERNEL_FUNCTIONS = [
  "heapBase",
  "sumIntegers",
  "sumRange",
  "sumRangeSimd",
  "fnv1a64",
  "xxhash64",
  "splitmix64Fill",
  "xorshift64Fill",
  "monteCarloHits",
  "mandelbrotRows",
  "dot",
  "dotScalar",
  "saxpy",
  "saxpyScalar",
  "matmul",
  "matmulScalar",
  "countPrimesScratch",
  "countPrimesRange",
  "countPrimesByTest",
  "longestCollatzRange",
  "collatzBestSteps",
  ...RANGE_KERNEL_FUNCTIONS,
] as const satisfies readonly Exclude<keyof KernelExports, "memory">[];

/** Samples per Monte Carlo chunk: fixed, so the answer does not depend on how chunks are spread. */
export const MONTE_CARLO_CHUNK = 1 << 16;
