// The built-in suite: a table of cases, one per kernel, each listing its implementations (TS twins,
// wasm scalar and SIMD, C compiled to wasm by clang, and what the runner adds: native C, the pool).
// Wasm implementations call the raw exports (src/kernels/abi.ts) on inputs placed in linear memory before
// timing, so the numbers are the kernels' own and not the cost of copying arguments in.
import { MONTE_CARLO_CHUNK, RANGE_KERNEL_FUNCTIONS, type KernelExports, type RangeKernelName } from "../kernels/abi.ts";
import { RANGE_KERNELS, primeCount } from "../kernels/builtins.ts";
import { Arena } from "../arena.ts";
import { instantiateKernels } from "../kernels/kernels.ts";
import type { Pool } from "../pool/pool.ts";
import * as bigintTwins from "../twins/bigint.ts";
import * as numberTwins from "../twins/number.ts";
import { bytesInput, f64Inputs } from "./inputs.ts";
import {
  bareCountPrimesRange,
  bareImplementations,
  bareLongestCollatz,
  bareMandelbrot,
  bareMonteCarloHits,
  bareSumRange,
  type BareCache,
  type BareThreads,
} from "./bare.ts";
import { poolImplementations, type PoolCache } from "./pools.ts";
import type { BenchCase, Implementation, PresetName, SkippedImplementation } from "./types.ts";

/** The exports of c-kernels.wasm (bench/c/kernels.c built by clang, kept in the bench cache: src/bench/node/cache.ts); where the C signature is the kernel's, its type is. */
export interface CKernelExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  sum_integers: KernelExports["sumIntegers"];
  fnv1a64: KernelExports["fnv1a64"];
  mandelbrot_rows: KernelExports["mandelbrotRows"];
  longest_collatz_range: KernelExports["longestCollatzRange"];
  dot: KernelExports["dot"];
  xxh64: KernelExports["xxhash64"];
  /** The C sieve (odd numbers only, bench/c/kernels.c) sizes its scratch from hi alone and counts in a u32. */
  count_primes_scratch(hi: bigint): number;
  count_primes_range(lo: bigint, hi: bigint, scratch: number): number;
  /** All rows at once: the C kernel takes no row range. */
  matmul(a: number, b: number, c: number, m: number, k: number, n: number): void;
}

/** What the built-in cases are built from. */
export interface BuiltinEnv {
  /** build/hotpath.wasm, compiled. */
  module: WebAssembly.Module;
  /** c-kernels.wasm (from the bench cache), compiled, or why it is not there. */
  cModule: WebAssembly.Module | { skipped: string };
  /** Implementations added from outside, by case id (native C). */
  extra: Record<string, Array<Implementation | SkippedImplementation>>;
  /** The pools, the bare threads they are measured against, and the worker counts; no pool or bare implementations without them. */
  pools?: { cache: PoolCache; bare: BareCache; workers: readonly number[] };
}

/** The fixed view of the Mandelbrot case (bench/c/native.c uses the same). */
export const MANDELBROT = { x0: -2, y0: -1.25, x1: 0.5, y1: 1.25, maxIter: 200 } as const;

type Entry = Implementation | SkippedImplementation;

// The implementations the cases share, by id, kind and label.
const TS_NUMBER = { id: "ts-number", label: "TS number twin", kind: "ts-number" } as const;
const TS_BIGINT = { id: "ts-bigint", label: "TS bigint twin", kind: "ts-bigint" } as const;
const WASM = { id: "wasm", label: "wasm (AssemblyScript)", kind: "wasm" } as const;
const WASM_SCALAR = { ...WASM, label: "wasm scalar (AssemblyScript)" } as const;
const wasmSimd = (label: string) => ({ id: "wasm-simd", label, kind: "wasm-simd" }) as const;
const C_WASM = { id: "c-wasm", label: "C → wasm (clang -O3)", kind: "c-wasm" } as const;

/** A fresh instance of the AssemblyScript kernels and an arena over its memory, for one case. */
interface KernelInstance {
  ex: KernelExports;
  arena: Arena;
}

/** A built-in case: its own implementations, then what the runner adds (native C), then the pool. */
interface BuiltinSpec<I> extends Omit<BenchCase<I>, "implementations"> {
  /** The implementations defined here, in the order of the reports. */
  implementations(kernels: KernelInstance): Entry[];
  /** The case computed on a pool; no pool implementations without it. */
  pool?: (pool: Pool, input: I) => Promise<unknown>;
  /** The same work on bare threads (the release module, the pool's split), the reference of each pool row. */
  bare?: (threads: BareThreads, input: I) => Promise<unknown>;
}

function builtin<I>(env: BuiltinEnv, { implementations, pool, bare, ...spec }: BuiltinSpec<I>): BenchCase<I> {
  return {
    ...spec,
    implementations() {
      const ex = instantiateKernels(env.module).exports;
      return [
        ...implementations({ ex, arena: new Arena(ex.memory, ex.heapBase()) }),
        ...(env.extra[spec.id] ?? []),
        ...(bare && env.pools ? bareImplementations(env.pools.bare, env.pools.workers, bare) : []),
        ...(pool && env.pools ? poolImplementations(env.pools.cache, env.pools.workers, pool) : []),
      ];
    },
  };
}

/** The clang-built implementation on a fresh instance of c-kernels.wasm, or why that module is missing. */
function cWasm<I, P>(env: BuiltinEnv, make: (c: CKernelExports, arena: Arena) => Pick<Implementation<I, P>, "prepare" | "run">): Entry {
  if (!(env.cModule instanceof WebAssembly.Module)) return { ...C_WASM, skipped: env.cModule.skipped };
  const c = new WebAssembly.Instance(env.cModule, {}).exports as unknown as CKernelExports;
  return { ...C_WASM, ...make(c, new Arena(c.memory, Number(c.__heap_base.value))) };
}

/** The closed form of 0 + 1 + … + (n − 1) mod 2^64, the oracle of the sum cases. */
export function sumClosedForm(n: bigint): bigint {
  return n === 0n ? 0n : BigInt.asUintN(64, (n * (n - 1n)) / 2n);
}

/** A sum case; `bigintAndPools`: the slow bigint twin and the pools run in it (they need only one of the two). */
function sumCase(
  env: BuiltinEnv,
  { bigintAndPools, ...named }: { id: string; title: string; sizes: Record<PresetName, number>; bigintAndPools: boolean },
): BenchCase<{ n: bigint; nn: number }> {
  type I = { n: bigint; nn: number };
  return builtin<I>(env, {
    ...named,
    unit: "integers",
    input: (size) => ({ n: BigInt(size), nn: size }),
    expected: (size) => sumClosedForm(BigInt(size)).toString(),
    implementations: ({ ex }) => [
      { ...TS_NUMBER, knownInexact: true, run: (i: I) => numberTwins.sumIntegers(i.nn) },
      bigintAndPools
        ? { ...TS_BIGINT, run: (i: I) => bigintTwins.sumIntegers(i.n) }
        : { ...TS_BIGINT, skipped: "about 2.7 s per 10^8 integers; the closed form checks this case instead" },
      { ...WASM, run: (i: I) => ex.sumIntegers(i.n) },
      { ...wasmSimd("wasm SIMD i64x2, 4 accumulators"), run: (i: I) => ex.sumRangeSimd(0n, i.n) },
      cWasm(env, (c) => ({ run: (i: I) => c.sum_integers(i.n) })),
    ],
    pool: bigintAndPools ? (pool, i) => pool.sumIntegers(i.n) : undefined,
    bare: bigintAndPools ? (threads, i) => bareSumRange(threads, 0n, i.n) : undefined,
  });
}

/** A buffer placed in linear memory. */
type Bytes = { ptr: number; len: number };
const bytesAt =
  (arena: Arena) =>
  (bytes: Uint8Array): Bytes => ({ ptr: arena.put(bytes, "bytes"), len: bytes.length });

/** A u64 hash of a byte buffer: the bigint twin is the reference; the kernels hash the buffer in place. */
interface HashSpec {
  id: string;
  title: string;
  twin: (bytes: Uint8Array) => bigint;
  wasm: (ex: KernelExports, b: Bytes) => bigint;
  /** The C kernel, where bench/c has one. */
  c?: (c: CKernelExports, b: Bytes) => bigint;
  /** Also time the copy into wasm memory with the hash, as its own row (the wasm row hashes data already there). */
  copyRow?: boolean;
}

function hashCase(env: BuiltinEnv, { twin, wasm, c, copyRow, ...named }: HashSpec): BenchCase<Uint8Array> {
  type Copy = { bytes: Uint8Array; at: Bytes };
  return builtin(env, {
    ...named,
    sizes: { quick: 1 << 18, full: 16 << 20 },
    unit: "bytes",
    input: bytesInput,
    reference: "ts-bigint",
    implementations: ({ ex, arena }) => [
      { ...TS_BIGINT, run: twin },
      { ...WASM, label: "wasm (AssemblyScript), data already in memory", prepare: bytesAt(arena), run: (b: Bytes) => wasm(ex, b) },
      ...(copyRow
        ? [
            {
              id: "wasm-copy",
              label: "wasm (AssemblyScript), copy into memory + hash",
              kind: "wasm" as const,
              prepare: (bytes: Uint8Array): Copy => ({ bytes, at: { ptr: arena.alloc(bytes.length, "bytes"), len: bytes.length } }),
              run: (p: Copy) => (new Uint8Array(ex.memory.buffer, p.at.ptr, p.at.len).set(p.bytes), wasm(ex, p.at)),
            },
          ]
        : []),
      ...(c ? [cWasm(env, (cx, arena) => ({ prepare: bytesAt(arena), run: (b: Bytes) => c(cx, b) }))] : []),
    ],
  });
}

/** Mandelbrot counts compared by their sum: one number per image, the same in every implementation. */
function countsChecksum(value: unknown): string {
  if (value instanceof Uint32Array || Array.isArray(value)) {
    let total = 0;
    for (let i = 0; i < value.length; i++) total += value[i] as number;
    return String(total);
  }
  return String(value);
}

function mandelbrotCase(env: BuiltinEnv): BenchCase<number> {
  const { x0, y0, x1, y1, maxIter } = MANDELBROT;
  type Image = { side: number; out: number };
  const imageAt =
    (arena: Arena) =>
    (side: number): Image => ({ side, out: arena.alloc(side * side * 4, "counts") });
  const counts = (memory: WebAssembly.Memory, p: Image) => new Uint32Array(memory.buffer, p.out, p.side * p.side);
  return builtin(env, {
    id: "mandelbrot",
    title: `Mandelbrot escape counts, side × side pixels, maxIter ${maxIter}, f64`,
    sizes: { quick: 160, full: 1000 },
    unit: "pixels per side",
    // Pixels, not the side, should halve between the two sizes of the growth guard.
    half: (side) => Math.round(side / Math.SQRT2),
    normalize: countsChecksum,
    reference: "ts-number",
    implementations: ({ ex, arena }) => [
      { ...TS_NUMBER, run: (side: number) => numberTwins.mandelbrot({ width: side, height: side, maxIter, x0, y0, x1, y1 }) },
      {
        // The kernel iterates two pixels at once in f64x2 lanes (assembly/mandelbrot.ts).
        ...wasmSimd("wasm SIMD, 2 pixels per f64x2 (AssemblyScript)"),
        prepare: imageAt(arena),
        run: (p: Image) => (ex.mandelbrotRows(p.out, p.side, p.side, 0, p.side, x0, y0, x1, y1, maxIter), counts(ex.memory, p)),
      },
      cWasm(env, (c, arena) => ({
        prepare: imageAt(arena),
        run: (p: Image) => (c.mandelbrot_rows(p.out, p.side, p.side, 0, p.side, x0, y0, x1, y1, maxIter), counts(c.memory, p)),
      })),
    ],
    pool: (pool, side) => pool.mandelbrot({ width: side, height: side, maxIter, x0, y0, x1, y1 }),
    bare: (threads, side) => bareMandelbrot(threads, { width: side, height: side, maxIter, x0, y0, x1, y1 }),
  });
}

function collatzCase(env: BuiltinEnv): BenchCase<number> {
  return builtin(env, {
    id: "collatz",
    title: "longest Collatz chain among starts below n, u64",
    sizes: { quick: 30_000, full: 1_000_000 },
    unit: "starts",
    reference: "ts-bigint",
    // Every implementation answers the start of the longest chain.
    implementations: ({ ex }) => [
      { ...TS_NUMBER, run: (n: number) => numberTwins.longestCollatzRange(1, n).start },
      // The bigint twin needs ≈ 9 s for a million starts; past that the others check each other.
      { ...TS_BIGINT, maxSize: 300_000, run: (n: number) => bigintTwins.longestCollatzRange(1n, BigInt(n)).start },
      { ...WASM, run: (n: number) => ex.longestCollatzRange(1n, BigInt(n)) },
      cWasm(env, (c) => ({ run: (n: number) => c.longest_collatz_range(1n, BigInt(n)) })),
    ],
    pool: async (pool, n) => (await pool.longestCollatz(BigInt(n))).start,
    bare: async (threads, n) => (await bareLongestCollatz(threads, 1n, BigInt(n))).start,
  });
}

/** Floating-point sums in a different order (SIMD lanes) agree to about 1e-12 relative. */
function closeEnough(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

function dotCase(env: BuiltinEnv): BenchCase<{ a: Float64Array; b: Float64Array }> {
  type I = { a: Float64Array; b: Float64Array };
  type P = { a: number; b: number; n: number };
  const vectorsAt =
    (arena: Arena) =>
    (i: I): P => ({ a: arena.put(i.a, "a"), b: arena.put(i.b, "b"), n: i.a.length });
  return builtin(env, {
    id: "dot",
    title: "dot product of two f64 vectors",
    sizes: { quick: 1 << 18, full: 1 << 22 },
    unit: "elements",
    input: f64Inputs,
    equal: closeEnough,
    reference: "ts-number",
    implementations: ({ ex, arena }) => [
      { ...TS_NUMBER, run: (i: I) => numberTwins.dot(i.a, i.b) },
      { ...WASM_SCALAR, prepare: vectorsAt(arena), run: (p: P) => ex.dotScalar(p.a, p.b, p.n) },
      { ...wasmSimd("wasm SIMD f64x2 (AssemblyScript)"), prepare: vectorsAt(arena), run: (p: P) => ex.dot(p.a, p.b, p.n) },
      cWasm(env, (c, arena) => ({ prepare: vectorsAt(arena), run: (p: P) => c.dot(p.a, p.b, p.n) })),
    ],
    pool: (pool, i) => pool.dot(i.a, i.b),
  });
}

function primesCase(env: BuiltinEnv): BenchCase<number> {
  type P = { n: bigint; scratch: number };
  const scratchAt =
    (arena: Arena, bytes: (hi: bigint) => number) =>
    (n: number): P => ({
      n: BigInt(n),
      scratch: arena.alloc(bytes(BigInt(n)), "scratch"),
    });
  return builtin(env, {
    id: "primes",
    title: "primes below n, segmented sieve (π(10^8) = 5761455)",
    sizes: { quick: 2_000_000, full: 20_000_000 },
    unit: "integers",
    // π(10^8) is the known answer the design names; other sizes are checked against the twin.
    reference: "ts-number",
    implementations: ({ ex, arena }) => [
      { ...TS_NUMBER, run: (n: number) => numberTwins.countPrimesRange(0, n) },
      {
        ...WASM,
        prepare: scratchAt(arena, (hi) => ex.countPrimesScratch(0n, hi)),
        run: (p: P) => primeCount(ex.countPrimesRange(0n, p.n, p.scratch)),
      },
      cWasm(env, (c, arena) => ({
        prepare: scratchAt(arena, c.count_primes_scratch),
        run: (p: P) => c.count_primes_range(0n, p.n, p.scratch),
      })),
    ],
    pool: (pool, n) => pool.countPrimesRange(0, n),
    bare: (threads, n) => bareCountPrimesRange(threads, 0n, BigInt(n)),
  });
}

/** Matrices compared by the sum of C's entries in index order (the same double wherever C is bit for bit equal). */
function matrixChecksum(value: unknown): string {
  if (value instanceof Float64Array) {
    let total = 0;
    for (let i = 0; i < value.length; i++) total += value[i];
    return String(total);
  }
  return String(value);
}

function matmulCase(env: BuiltinEnv): BenchCase<{ a: Float64Array; b: Float64Array; side: number }> {
  type I = { a: Float64Array; b: Float64Array; side: number };
  type P = { a: number; b: number; c: number; side: number };
  const matricesAt =
    (arena: Arena) =>
    (i: I): P => ({
      a: arena.put(i.a, "a"),
      b: arena.put(i.b, "b"),
      c: arena.alloc(i.a.byteLength, "c"),
      side: i.side,
    });
  const product = (memory: WebAssembly.Memory, p: P) => new Float64Array(memory.buffer, p.c, p.side * p.side);
  return builtin(env, {
    id: "matmul",
    title: "matrix multiply, side × side f64 (A, B: the dot case's vectors)",
    sizes: { quick: 96, full: 384 },
    unit: "rows",
    // Work grows as side³: halve the work, not the side.
    half: (side) => Math.round(side / Math.cbrt(2)),
    input: (side) => ({ ...f64Inputs(side * side), side }),
    normalize: matrixChecksum,
    equal: closeEnough,
    reference: "ts-number",
    implementations: ({ ex, arena }) => [
      { ...TS_NUMBER, run: (i: I) => numberTwins.matmul(i.a, i.b, i.side, i.side, i.side) },
      {
        ...WASM_SCALAR,
        prepare: matricesAt(arena),
        run: (p: P) => (ex.matmulScalar(p.a, p.b, p.c, p.side, p.side, p.side, 0, p.side), product(ex.memory, p)),
      },
      {
        ...wasmSimd("wasm SIMD f64x2, blocked (AssemblyScript)"),
        prepare: matricesAt(arena),
        run: (p: P) => (ex.matmul(p.a, p.b, p.c, p.side, p.side, p.side, 0, p.side), product(ex.memory, p)),
      },
      cWasm(env, (c, arena) => ({
        prepare: matricesAt(arena),
        run: (p: P) => (c.matmul(p.a, p.b, p.c, p.side, p.side, p.side), product(c.memory, p)),
      })),
    ],
    pool: (pool, i) => pool.matmul(i.a, i.b, i.side, i.side, i.side),
  });
}

function monteCarloCase(env: BuiltinEnv): BenchCase<number> {
  return builtin(env, {
    id: "monte-carlo",
    title: "Monte Carlo π: samples inside the quarter circle, xorshift64 streams",
    sizes: { quick: 1 << 19, full: 1 << 22 },
    unit: "samples",
    reference: "ts-bigint",
    implementations: ({ ex }) => [
      { ...TS_BIGINT, run: (n: number) => bigintTwins.monteCarloPi(BigInt(n), 0n).inside },
      { ...WASM, run: (n: number) => ex.monteCarloHits(0n, 0n, BigInt(Math.ceil(n / MONTE_CARLO_CHUNK)), BigInt(n)) },
    ],
    pool: async (pool, n) => (await pool.monteCarloPi(BigInt(n), 0n)).inside,
    bare: (threads, n) => bareMonteCarloHits(threads, BigInt(n), 0n),
  });
}

/**
 * The case of a range kernel (abi.ts RANGE_KERNEL_FUNCTIONS) over [0, n), derived from its contract
 * entry and its twins: the bigint twin is the truth, the number twin (exact below 2^53) the fast baseline.
 */
function rangeCase(env: BuiltinEnv, name: RangeKernelName): BenchCase<bigint> {
  const { title, bench } = RANGE_KERNELS[name];
  return builtin(env, {
    id: name,
    title,
    sizes: { quick: bench.quick, full: bench.full },
    unit: bench.unit,
    input: (size) => BigInt(size),
    reference: "ts-bigint",
    implementations: ({ ex }) => [
      { ...TS_NUMBER, run: (n: bigint) => BigInt(numberTwins[name](0, Number(n))) },
      { ...TS_BIGINT, run: (n: bigint) => bigintTwins[name](0n, n) },
      { ...WASM, run: (n: bigint) => BigInt.asUintN(64, ex[name](0n, n)) },
    ],
    pool: (pool, n) => pool[name](0n, n),
  });
}

/** Every built-in case, the sum first (`BUILTIN_CASE_IDS` lists their ids, in this order). */
export function builtinCases(env: BuiltinEnv): BenchCase[] {
  return [
    sumCase(env, {
      id: "sum",
      title: "sum of the first n integers (the tutorial's f), u64",
      sizes: { quick: 1_000_000, full: 100_000_000 },
      bigintAndPools: true,
    }),
    // This one is about the number twin's answer past 2^53; the closed form checks the others.
    sumCase(env, {
      id: "sum-past-2^53",
      title: "the same sum where it passes 2^53: the number twin goes wrong",
      sizes: { quick: 150_000_000, full: 300_000_000 },
      bigintAndPools: false,
    }),
    hashCase(env, {
      id: "fnv1a64",
      title: "FNV-1a 64 of a byte buffer, u64",
      twin: (bytes) => bigintTwins.fnv1a64(bytes),
      wasm: (ex, b) => ex.fnv1a64(b.ptr, b.len),
      c: (c, b) => c.fnv1a64(b.ptr, b.len),
    }),
    mandelbrotCase(env),
    collatzCase(env),
    dotCase(env),
    primesCase(env),
    matmulCase(env),
    monteCarloCase(env),
    hashCase(env, {
      id: "xxhash64",
      title: "xxHash64 of a byte buffer, u64",
      twin: (bytes) => bigintTwins.xxhash64(bytes, 0n),
      wasm: (ex, b) => ex.xxhash64(b.ptr, b.len, 0n),
      c: (c, b) => c.xxh64(b.ptr, b.len, 0n),
      copyRow: true,
    }),
    bigPrimesCase(env, {
      id: "primes-pi",
      title: "π(n): primes below n by the u64 sieve, one thread (π(2^32) = 203280221)",
      lo: 0n,
      sizes: { quick: 2 ** 26, full: 2 ** 32 },
    }),
    bigPrimesCase(env, {
      id: "primes-1e12",
      title: "primes in [10^12, 10^12 + n), one thread ([10^12, 10^12 + 10^10): 361840208)",
      lo: 10n ** 12n,
      sizes: { quick: 1e8, full: 1e10 },
    }),
    ...RANGE_KERNEL_FUNCTIONS.map((name) => rangeCase(env, name)),
  ];
}

/** Ids of the built-in cases. */
export const BUILTIN_CASE_IDS = [
  "sum",
  "sum-past-2^53",
  "fnv1a64",
  "mandelbrot",
  "collatz",
  "dot",
  "primes",
  "matmul",
  "monte-carlo",
  "xxhash64",
  "primes-pi",
  "primes-1e12",
  ...RANGE_KERNEL_FUNCTIONS,
] as const;

/** The u64 sieve against the native anchors on [lo, lo + n): the C odd-only sieve (gcc -O2 and -O3 drivers) and the system's primesieve. */
function bigPrimesCase(
  env: BuiltinEnv,
  spec: { id: string; title: string; lo: bigint; sizes: Record<PresetName, number> },
): BenchCase<number> {
  type P = { hi: bigint; scratch: number };
  const { lo } = spec;
  return builtin(env, {
    id: spec.id,
    title: spec.title,
    sizes: spec.sizes,
    unit: "integers",
    // No reference: the wasm sieve, the C sieve (two builds) and primesieve check each other by majority.
    implementations: ({ ex, arena }) => [
      { ...TS_NUMBER, skipped: "minutes at these sizes; the sieve is checked against the bigint twin in the tests" },
      {
        ...WASM,
        label: "wasm u64 wheel sieve (AssemblyScript)",
        prepare: (n: number): P => {
          const hi = lo + BigInt(n);
          return { hi, scratch: arena.alloc(ex.countPrimesScratch(lo, hi), "scratch") };
        },
        run: (p: P) => primeCount(ex.countPrimesRange(lo, p.hi, p.scratch)),
      },
    ],
  });
}
