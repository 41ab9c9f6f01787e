// The typed API over the raw kernel exports (abi.ts): bigint in and out for u64, buffers copied into
// linear memory with their sizes checked. Every argument check and limit comes from builtins.ts, and
// traps become KernelError through the contract's callKernel, as for every other kernel function.
import { KERNEL_FUNCTIONS, RANGE_KERNEL_FUNCTIONS, type KernelExports, type RangeKernelName } from "./abi.ts";
import {
  bytesArg,
  collatzOverflow,
  countPrimesArgs,
  primeCount,
  countPrimesRangeArgs,
  longestCollatzArgs,
  longestCollatzRangeArgs,
  mandelbrotArgs,
  matmulArgs,
  monteCarloArgs,
  monteCarloResult,
  saxpyArgs,
  streamArgs,
  sumIntegersArgs,
  rangeArgs,
  vectorPairArgs,
  type CollatzResult,
  type MandelbrotOptions,
  type MonteCarloResult,
} from "./builtins.ts";
import { callKernel as call } from "./contract.ts";
import { WARM_UP_BYTES, warmUpKernels } from "./warm-up.ts";
import { Arena } from "../arena.ts";
import { kernelsWasmUrl } from "../wasm-assets.ts";
import { WasmLoadError, expected } from "../errors.ts";
import { assemblyScriptImports, compileWasm, requireExports, type WasmSource } from "../load.ts";
import { checkOptions, toU64, type BytesLike, type U64Like } from "../validate.ts";

export type { CollatzResult, MandelbrotOptions, MonteCarloResult } from "./builtins.ts";

/** One method per range kernel (abi.ts RANGE_KERNEL_FUNCTIONS): its result over [lo, hi). */
export type RangeKernelMethods = { readonly [K in RangeKernelName]: (lo: U64Like, hi: U64Like) => bigint };

/** The built-in kernels, instantiated on the current thread. Works in Node, Deno, Bun and browsers. */
export interface Kernels extends RangeKernelMethods {
  /** f(n) = 0 + 1 + … + (n − 1), wrapping modulo 2^64. */
  sumIntegers(n: U64Like): bigint;
  /** lo + … + (hi − 1), wrapping modulo 2^64; 0 when hi ≤ lo. */
  sumRange(lo: U64Like, hi: U64Like): bigint;
  /** The same sum with SIMD (i64x2, four accumulators): still one add per integer, as gcc -O3 -march=native vectorises the loop. */
  sumRangeSimd(lo: U64Like, hi: U64Like): bigint;
  /** FNV-1a 64 of the bytes (a string is hashed as UTF-8). */
  fnv1a64(data: BytesLike): bigint;
  /** xxHash64 of the bytes with `seed` (default 0). */
  xxhash64(data: BytesLike, seed?: U64Like): bigint;
  /** The first `count` outputs of splitmix64 started at state `seed`. */
  splitmix64(seed: U64Like, count: number): BigUint64Array;
  /** The first `count` outputs of xorshift64 (13, 7, 17) from state `seed` (≠ 0). */
  xorshift64(seed: U64Like, count: number): BigUint64Array;
  /** Estimates π from `samples` points (at most 2^48) of per-chunk xorshift64 streams seeded from `seed` (default 0); the same seed gives the same answer however the work is split. */
  monteCarloPi(samples: U64Like, seed?: U64Like): MonteCarloResult;
  /** Escape counts (0…maxIter) of a width × height view, row by row; maxIter means "did not escape". */
  mandelbrot(options: MandelbrotOptions): Uint32Array;
  /** Σ a[i]·b[i] with SIMD (partial sums, so it may differ from dotScalar in the last bits). */
  dot(a: Float64Array, b: Float64Array): number;
  /** Σ a[i]·b[i] summed left to right. */
  dotScalar(a: Float64Array, b: Float64Array): number;
  /** y ← alpha·x + y in place with SIMD; returns y. */
  saxpy(alpha: number, x: Float64Array, y: Float64Array): Float64Array;
  /** y ← alpha·x + y in place, scalar; returns y. */
  saxpyScalar(alpha: number, x: Float64Array, y: Float64Array): Float64Array;
  /** C = A·B for row-major A (m × k) and B (k × n): blocked and SIMD, bit for bit equal to the naive i-k-j loop. */
  matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array;
  /** C = A·B by the naive scalar i-k-j loop. */
  matmulScalar(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array;
  /** π(n): how many primes are ≤ n, for any u64 n (a number, exact: see primeCount in builtins.ts). */
  countPrimes(n: U64Like): number;
  /** How many primes lie in [lo, hi), for any u64 lo and hi. */
  countPrimesRange(lo: U64Like, hi: U64Like): number;
  /** The start in [1, limit) with the longest Collatz chain (ties: the smallest start). */
  longestCollatz(limit: U64Like): CollatzResult;
  /** The start in [lo, hi) with the longest Collatz chain, 1 ≤ lo < hi; RangeError if a chain passes 2^64 − 1. */
  longestCollatzRange(lo: U64Like, hi: U64Like): CollatzResult;
  /** Runs every kernel on small inputs until V8 has moved it out of its baseline tier (done by `kernels()` unless `warmUp: false`). */
  warmUp(): void;
  /** The raw exports, for callers who lay out memory themselves. */
  readonly exports: KernelExports;
}

export interface KernelsOptions {
  /** The `.wasm` to use: a URL, bytes or a compiled module. Default: build/hotpath.wasm beside the package. */
  source?: WasmSource;
  /** Warm every kernel up before returning (V8 runs a wasm function's first calls in Liftoff, ≈4× slower). Default: true. */
  warmUp?: boolean;
}

const OPTION_KEYS = ["source", "warmUp"] as const;
/** Random words generated per kernel call: bounds the wasm memory a long stream needs (512 KiB). */
const STREAM_BLOCK = 1 << 16;

/** The built-in module, compiled at most once per realm (a failed compile is retried on the next call). */
let defaultModule: Promise<WebAssembly.Module> | undefined;

/** Compiles (the default build once; a given `source` each time) and instantiates the built-in kernels on this thread. */
export async function kernels(options?: KernelsOptions): Promise<Kernels> {
  const opts = checkOptions(options, "options", OPTION_KEYS) as KernelsOptions;
  if (opts.warmUp !== undefined && typeof opts.warmUp !== "boolean")
    throw new TypeError(`Expected \`options.warmUp\` to be a boolean, got ${typeof opts.warmUp}`);
  const module = await (opts.source !== undefined
    ? compileWasm(opts.source, "options.source")
    : (defaultModule ??= compileWasm(kernelsWasmUrl(), "options.source").catch((error: unknown) => {
        defaultModule = undefined;
        throw error;
      })));
  const k = instantiateKernels(module);
  if (opts.warmUp !== false) k.warmUp();
  return k;
}

/** Instantiates a compiled kernel module synchronously (`memory` for the threads build). */
export function instantiateKernels(module: WebAssembly.Module, memory?: WebAssembly.Memory): Kernels {
  // Every raw export the typed API calls (src/kernels/abi.ts), checked up front so a stale or foreign .wasm
  // fails at load time with the names, not later with "x is not a function".
  requireExports(module, ["memory", ...KERNEL_FUNCTIONS], "The kernel module");
  let exports: KernelExports;
  const imports = assemblyScriptImports(() => exports.memory, memory ? { memory } : {});
  try {
    exports = new WebAssembly.Instance(module, imports).exports as unknown as KernelExports;
  } catch (cause) {
    throw new WasmLoadError(`Could not instantiate the kernel module: ${(cause as Error).message}`, { cause });
  }
  return bindKernels(exports);
}

/** Wraps raw exports in the validated, typed API (WasmLoadError if any export of src/kernels/abi.ts is missing). */
export function bindKernels(exports: KernelExports): Kernels {
  const raw = exports as unknown as Record<string, unknown>;
  const missing = KERNEL_FUNCTIONS.filter((name) => typeof raw[name] !== "function");
  if (!(raw.memory instanceof WebAssembly.Memory)) missing.unshift("memory" as never);
  if (missing.length)
    throw new WasmLoadError(
      `The module is not hotpath's kernel module: it lacks the export${missing.length > 1 ? "s" : ""} ${missing.map((n) => `\`${n}\``).join(", ")}`,
    );
  const arena = new Arena(exports.memory, exports.heapBase());
  const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
  const f64 = (ptr: number, length: number) => new Float64Array(exports.memory.buffer, ptr, length);

  /** Runs `body` on an empty arena and empties it again afterwards, even when `body` throws. */
  function withArena<T>(body: () => T): T {
    arena.reset();
    try {
      return body();
    } finally {
      arena.reset();
    }
  }

  /** Fills `count` words block by block through one small buffer, carrying the state between calls. */
  function stream(kernel: "splitmix64Fill" | "xorshift64Fill", seed: bigint, count: number): BigUint64Array {
    let out: BigUint64Array;
    try {
      out = new BigUint64Array(count);
    } catch (cause) {
      throw new RangeError(expected("count", "a count whose BigUint64Array fits in memory", count), { cause });
    }
    return withArena(() => {
      const block = Math.min(count, STREAM_BLOCK);
      const ptr = arena.alloc(block * 8, "count");
      let state = seed;
      for (let done = 0; done < count; done += block) {
        const n = Math.min(block, count - done);
        state = u64(call(kernel, () => exports[kernel](ptr, n, state)));
        out.set(new BigUint64Array(exports.memory.buffer, ptr, n), done);
      }
      return out;
    });
  }

  function dotWith(kernel: "dot" | "dotScalar", a: unknown, b: unknown): number {
    const [x, y] = vectorPairArgs(a, b);
    return withArena(() => {
      const pa = arena.put(x, "a");
      const pb = arena.put(y, "b");
      return call(kernel, () => exports[kernel](pa, pb, x.length));
    });
  }

  function saxpyWith(kernel: "saxpy" | "saxpyScalar", alpha: unknown, x: unknown, y: unknown): Float64Array {
    const args = saxpyArgs(alpha, x, y);
    return withArena(() => {
      const px = arena.put(args.x, "x");
      const py = arena.put(args.y, "y");
      call(kernel, () => exports[kernel](args.alpha, px, py, args.x.length));
      args.y.set(f64(py, args.y.length));
      return args.y;
    });
  }

  function matmulWith(kernel: "matmul" | "matmulScalar", a: unknown, b: unknown, m: unknown, k: unknown, n: unknown): Float64Array {
    const args = matmulArgs(a, b, m, k, n);
    return withArena(() => {
      const pa = arena.put(args.a, "a");
      const pb = arena.put(args.b, "b");
      const pc = arena.alloc(args.m * args.n * 8, "c (m·n f64s)");
      call(kernel, () => exports[kernel](pa, pb, pc, args.m, args.k, args.n, 0, args.m));
      return f64(pc, args.m * args.n).slice();
    });
  }

  function primesIn([lo, hi]: readonly [bigint, bigint]): number {
    if (hi <= lo) return 0;
    return withArena(() => {
      const scratch = arena.alloc(exports.countPrimesScratch(lo, hi), "scratch");
      return primeCount(call("countPrimesRange", () => exports.countPrimesRange(lo, hi, scratch)));
    });
  }

  function collatzIn([lo, hi]: readonly [bigint, bigint]): CollatzResult {
    const start = u64(call("longestCollatzRange", () => exports.longestCollatzRange(lo, hi)));
    if (start === 0n) throw collatzOverflow(lo, hi);
    return { start, steps: exports.collatzBestSteps() };
  }

  function hashWith(kernel: "fnv1a64" | "xxhash64", data: unknown, seed: bigint): bigint {
    const bytes = bytesArg(data, "data");
    return withArena(() => {
      const ptr = arena.put(bytes, "data");
      return u64(
        call(kernel, () => (kernel === "fnv1a64" ? exports.fnv1a64(ptr, bytes.byteLength) : exports.xxhash64(ptr, bytes.byteLength, seed))),
      );
    });
  }

  const rangeMethods = Object.fromEntries(
    RANGE_KERNEL_FUNCTIONS.map((name) => [
      name,
      (lo: U64Like, hi: U64Like) => {
        const [l, h] = rangeArgs(lo, hi);
        return BigInt.asUintN(
          64,
          call(name, () => exports[name](l, h)),
        );
      },
    ]),
  ) as unknown as RangeKernelMethods;

  const k: Kernels = {
    ...rangeMethods,
    exports,
    sumIntegers(n) {
      const [, hi] = sumIntegersArgs(n);
      return u64(call("sumIntegers", () => exports.sumIntegers(hi)));
    },
    sumRange(lo, hi) {
      const [l, h] = rangeArgs(lo, hi);
      return u64(call("sumRange", () => exports.sumRange(l, h)));
    },
    sumRangeSimd(lo, hi) {
      const [l, h] = rangeArgs(lo, hi);
      return u64(call("sumRangeSimd", () => exports.sumRangeSimd(l, h)));
    },
    fnv1a64: (data) => hashWith("fnv1a64", data, 0n),
    xxhash64: (data, seed = 0n) => hashWith("xxhash64", data, toU64(seed, "seed")),
    splitmix64(seed, count) {
      const args = streamArgs(seed, count, "splitmix64");
      return stream("splitmix64Fill", args.seed, args.count);
    },
    xorshift64(seed, count) {
      const args = streamArgs(seed, count, "xorshift64");
      return stream("xorshift64Fill", args.seed, args.count);
    },
    monteCarloPi(samples, seed = 0n) {
      const { total, seed: s, chunks } = monteCarloArgs(samples, seed);
      return monteCarloResult(u64(call("monteCarloHits", () => exports.monteCarloHits(s, 0n, chunks, total))), total);
    },
    mandelbrot(options) {
      const { width, height, maxIter, x0, y0, x1, y1 } = mandelbrotArgs(options);
      return withArena(() => {
        const out = arena.alloc(width * height * 4, "options.width × options.height (the image)");
        call("mandelbrotRows", () => exports.mandelbrotRows(out, width, height, 0, height, x0, y0, x1, y1, maxIter));
        return new Uint32Array(exports.memory.buffer, out, width * height).slice();
      });
    },
    dot: (a, b) => dotWith("dot", a, b),
    dotScalar: (a, b) => dotWith("dotScalar", a, b),
    saxpy: (alpha, x, y) => saxpyWith("saxpy", alpha, x, y),
    saxpyScalar: (alpha, x, y) => saxpyWith("saxpyScalar", alpha, x, y),
    matmul: (a, b, m, kk, n) => matmulWith("matmul", a, b, m, kk, n),
    matmulScalar: (a, b, m, kk, n) => matmulWith("matmulScalar", a, b, m, kk, n),
    countPrimes: (n) => primesIn(countPrimesArgs(n)),
    countPrimesRange: (lo, hi) => primesIn(countPrimesRangeArgs(lo, hi)),
    longestCollatz: (limit) => collatzIn(longestCollatzArgs(limit)),
    longestCollatzRange: (lo, hi) => collatzIn(longestCollatzRangeArgs(lo, hi)),
    warmUp() {
      withArena(() => warmUpKernels(exports, arena.alloc(WARM_UP_BYTES, "warm-up"), WARM_UP_BYTES));
    },
  };
  return k;
}
