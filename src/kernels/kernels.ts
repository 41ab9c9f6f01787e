// The typed API over the raw kernel exports (src/abi.ts): bigint in and out for u64, buffers copied
// into linear memory with their sizes checked, every argument validated before wasm sees it.
import { KERNEL_FUNCTIONS, MONTE_CARLO_CHUNK, type KernelExports } from "./abi.ts";
import { Arena } from "../arena.ts";
import { kernelsWasmUrl } from "../assets.ts";
import { KernelError, WasmLoadError, expected } from "../errors.ts";
import { assemblyScriptImports, compileWasm, requireExports, type WasmSource } from "../load.ts";
import { checkOptions, toBytes, toFinite, toFloat64Array, toInteger, toU64, type BytesLike, type U64Like } from "../validate.ts";

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

/** The built-in kernels, instantiated on the current thread. Works in Node, Deno, Bun and browsers. */
export interface Kernels {
  /** The tutorial's f(n): 0 + 1 + … + (n − 1), wrapping modulo 2^64. */
  sumIntegers(n: U64Like): bigint;
  /** lo + … + (hi − 1), wrapping modulo 2^64; 0 when hi ≤ lo. */
  sumRange(lo: U64Like, hi: U64Like): bigint;
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
  /** π(n): how many primes are ≤ n, for n ≤ 2^32. */
  countPrimes(n: U64Like): number;
  /** How many primes lie in [lo, hi), for hi ≤ 2^32. */
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
const MANDELBROT_KEYS = ["width", "height", "maxIter", "x0", "y0", "x1", "y1"] as const;
const U32_MAX = 0xffff_ffff;
const TWO_POW_32 = 1n << 32n;
/** Monte Carlo chunks are numbered by a u32, so at most 2^32 chunks of MONTE_CARLO_CHUNK samples. */
const MAX_SAMPLES = 2 ** 32 * MONTE_CARLO_CHUNK;
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
  // Every raw export the typed API calls (src/abi.ts), checked up front so a stale or foreign .wasm
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

/** Wraps raw exports in the validated, typed API (WasmLoadError if any export of src/abi.ts is missing). */
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

  function sameLength(a: Float64Array, b: Float64Array, aName: string, bName: string): void {
    if (b.length !== a.length)
      throw new RangeError(expected(bName, `a Float64Array of length ${a.length} (the length of \`${aName}\`)`, b));
  }

  function dotWith(kernel: "dot" | "dotScalar", a: unknown, b: unknown): number {
    const x = toFloat64Array(a, "a");
    const y = toFloat64Array(b, "b");
    sameLength(x, y, "a", "b");
    return withArena(() => {
      const pa = arena.put(x, "a");
      const pb = arena.put(y, "b");
      return call(kernel, () => exports[kernel](pa, pb, x.length));
    });
  }

  function saxpyWith(kernel: "saxpy" | "saxpyScalar", alpha: unknown, x: unknown, y: unknown): Float64Array {
    const al = toFinite(alpha, "alpha");
    const vx = toFloat64Array(x, "x");
    const vy = toFloat64Array(y, "y");
    sameLength(vx, vy, "x", "y");
    return withArena(() => {
      const px = arena.put(vx, "x");
      const py = arena.put(vy, "y");
      call(kernel, () => exports[kernel](al, px, py, vx.length));
      vy.set(f64(py, vy.length));
      return vy;
    });
  }

  function matmulWith(kernel: "matmul" | "matmulScalar", a: unknown, b: unknown, m: unknown, k: unknown, n: unknown): Float64Array {
    const va = toFloat64Array(a, "a");
    const vb = toFloat64Array(b, "b");
    const mm = toInteger(m, "m", 1, U32_MAX);
    const kk = toInteger(k, "k", 1, U32_MAX);
    const nn = toInteger(n, "n", 1, U32_MAX);
    if (va.length !== mm * kk) throw new RangeError(expected("a", `a Float64Array of length m·k = ${mm * kk}`, va));
    if (vb.length !== kk * nn) throw new RangeError(expected("b", `a Float64Array of length k·n = ${kk * nn}`, vb));
    return withArena(() => {
      const pa = arena.put(va, "a");
      const pb = arena.put(vb, "b");
      const pc = arena.alloc(mm * nn * 8, "c (m·n f64s)");
      call(kernel, () => exports[kernel](pa, pb, pc, mm, kk, nn, 0, mm));
      return f64(pc, mm * nn).slice();
    });
  }

  function primesIn(lo: bigint, hi: bigint): number {
    if (hi <= lo) return 0;
    return withArena(() => {
      const scratch = arena.alloc(exports.countPrimesScratch(hi), "scratch");
      return call("countPrimesRange", () => exports.countPrimesRange(lo, hi, scratch));
    });
  }

  function collatzIn(lo: bigint, hi: bigint): CollatzResult {
    const start = u64(call("longestCollatzRange", () => exports.longestCollatzRange(lo, hi)));
    if (start === 0n)
      throw new RangeError(`Expected every Collatz chain from [${lo}, ${hi}) to stay below 2^64, but one passes 2^64 − 1 (u64 overflow)`);
    return { start, steps: exports.collatzBestSteps() };
  }

  const k: Kernels = {
    exports,
    sumIntegers(n) {
      const nn = toU64(n, "n");
      return u64(call("sumIntegers", () => exports.sumIntegers(nn)));
    },
    sumRange(lo, hi) {
      const l = toU64(lo, "lo");
      const h = toU64(hi, "hi");
      return u64(call("sumRange", () => exports.sumRange(l, h)));
    },
    fnv1a64(data) {
      const bytes = toBytes(data, "data");
      return withArena(() => {
        const ptr = arena.put(bytes, "data");
        return u64(call("fnv1a64", () => exports.fnv1a64(ptr, bytes.byteLength)));
      });
    },
    xxhash64(data, seed = 0n) {
      const bytes = toBytes(data, "data");
      const s = toU64(seed, "seed");
      return withArena(() => {
        const ptr = arena.put(bytes, "data");
        return u64(call("xxhash64", () => exports.xxhash64(ptr, bytes.byteLength, s)));
      });
    },
    splitmix64(seed, count) {
      const s = toU64(seed, "seed");
      return stream("splitmix64Fill", s, toInteger(count, "count", 0, Number.MAX_SAFE_INTEGER));
    },
    xorshift64(seed, count) {
      const s = toU64(seed, "seed");
      if (s === 0n) throw new RangeError(expected("seed", "a non-zero u64 (xorshift64 stays at 0 forever)", seed));
      return stream("xorshift64Fill", s, toInteger(count, "count", 0, Number.MAX_SAFE_INTEGER));
    },
    monteCarloPi(samples, seed = 0n) {
      const total = toU64(samples, "samples");
      const s = toU64(seed, "seed");
      if (total === 0n || total > BigInt(MAX_SAMPLES))
        throw new RangeError(expected("samples", `an integer in [1, 2^48] (2^32 chunks of ${MONTE_CARLO_CHUNK})`, samples));
      const chunks = Number((total + BigInt(MONTE_CARLO_CHUNK) - 1n) / BigInt(MONTE_CARLO_CHUNK));
      const inside = Number(u64(call("monteCarloHits", () => exports.monteCarloHits(s, 0, chunks, total))));
      const n = Number(total);
      return { pi: (4 * inside) / n, inside, samples: n };
    },
    mandelbrot(options) {
      if (options === undefined) throw new TypeError(expected("options", "an options object with width, height and maxIter", options));
      const o = checkOptions(options, "options", MANDELBROT_KEYS);
      const width = toInteger(o.width, "options.width", 1, U32_MAX);
      const height = toInteger(o.height, "options.height", 1, U32_MAX);
      const maxIter = toInteger(o.maxIter, "options.maxIter", 1, U32_MAX);
      const x0 = o.x0 === undefined ? -2 : toFinite(o.x0, "options.x0");
      const y0 = o.y0 === undefined ? -1.5 : toFinite(o.y0, "options.y0");
      const x1 = o.x1 === undefined ? 1 : toFinite(o.x1, "options.x1");
      const y1 = o.y1 === undefined ? 1.5 : toFinite(o.y1, "options.y1");
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
    countPrimes(n) {
      const nn = toU64(n, "n");
      if (nn > TWO_POW_32) throw new RangeError(expected("n", "at most 2^32 (4294967296)", n));
      // 2^32 is even, so π(2^32) = the count below it and hi never needs to pass 2^32.
      return primesIn(0n, nn === TWO_POW_32 ? nn : nn + 1n);
    },
    countPrimesRange(lo, hi) {
      const l = toU64(lo, "lo");
      const h = toU64(hi, "hi");
      if (h > TWO_POW_32) throw new RangeError(expected("hi", "at most 2^32 (4294967296)", hi));
      return primesIn(l, h);
    },
    longestCollatz(limit) {
      const l = toU64(limit, "limit");
      if (l < 2n) throw new RangeError(expected("limit", "at least 2 (starts are taken from [1, limit))", limit));
      return collatzIn(1n, l);
    },
    longestCollatzRange(lo, hi) {
      const l = toU64(lo, "lo");
      const h = toU64(hi, "hi");
      if (l < 1n) throw new RangeError(expected("lo", "at least 1 (0 has no Collatz chain)", lo));
      if (h <= l) throw new RangeError(expected("hi", `greater than \`lo\` (${l})`, hi));
      return collatzIn(l, h);
    },
    warmUp() {
      withArena(() => warmUpKernels(exports, arena));
    },
  };
  return k;
}

/**
 * Short calls of every kernel, repeated until V8 has tiered each one up: a wasm call that starts in
 * Liftoff stays there until it returns, so a long first call would run at baseline speed throughout.
 */
function warmUpKernels(ex: KernelExports, arena: Arena): void {
  const words = 256;
  const a = arena.alloc(words * 8, "warm-up");
  const b = arena.alloc(words * 8, "warm-up");
  const c = arena.alloc(16 * 16 * 8, "warm-up");
  const scratch = arena.alloc(ex.countPrimesScratch(100_000n), "warm-up");
  new Float64Array(ex.memory.buffer, a, words).fill(0.5);
  new Float64Array(ex.memory.buffer, b, words).fill(0.25);
  // sumIntegers is its own wasm function (Binaryen inlines sumRange into it): it tiers up separately.
  for (let i = 0; i < 2000; i++) {
    ex.sumIntegers(1000n);
    ex.sumRange(0n, 1000n);
  }
  for (let i = 0; i < 300; i++) {
    ex.fnv1a64(a, words * 8);
    ex.xxhash64(a, words * 8, 1n);
    ex.splitmix64Fill(c, 64, BigInt(i));
    ex.xorshift64Fill(c, 64, BigInt(i + 1));
    ex.monteCarloHits(BigInt(i), 0, 1, 1000n);
    ex.mandelbrotRows(c, 8, 8, 0, 2, -2, -1.5, 1, 1.5, 50);
    ex.dot(a, b, words);
    ex.dotScalar(a, b, words);
    ex.saxpy(0.5, a, b, words);
    ex.saxpyScalar(0.5, a, b, words);
    ex.matmul(a, b, c, 16, 16, 16, 0, 16);
    ex.matmulScalar(a, b, c, 16, 16, 16, 0, 16);
    ex.countPrimesRange(BigInt(i * 300), BigInt(i * 300 + 300), scratch);
    ex.longestCollatzRange(1n, 30n);
  }
}

/** Runs a raw call, turning a wasm trap into a KernelError that names the kernel. */
function call<T>(kernel: string, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    if (cause instanceof WebAssembly.RuntimeError)
      throw new KernelError(`Kernel \`${kernel}\` trapped: ${cause.message}`, kernel, { cause });
    if (cause instanceof KernelError) throw new KernelError(`Kernel \`${kernel}\` aborted: ${cause.message}`, kernel, { cause });
    throw cause;
  }
}
