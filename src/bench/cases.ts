// The built-in suite: a table of cases, one per kernel, each listing its implementations (TS twins,
// wasm scalar and SIMD, C compiled to wasm by clang, and what the runner adds: native C, the pool).
// Wasm implementations call the raw exports (src/abi.ts) on inputs placed in linear memory before
// timing, so the numbers are the kernels' own and not the cost of copying arguments in.
import { MONTE_CARLO_CHUNK, type KernelExports } from "../abi.ts";
import { Arena } from "../arena.ts";
import { instantiateKernels } from "../kernels.ts";
import * as bigintTwins from "../twins/bigint.ts";
import * as numberTwins from "../twins/number.ts";
import { bytesInput, f64Inputs } from "./inputs.ts";
import { poolImplementations, type PoolCache } from "./pools.ts";
import type { BenchCase, Implementation, PresetName, SkippedImplementation } from "./types.ts";

/** The exports of build/bench/c-kernels.wasm (bench/c/kernels.c built by clang). */
export interface CKernelExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  sum_integers(n: bigint): bigint;
  fnv1a64(ptr: number, len: number): bigint;
  mandelbrot_rows(
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
  longest_collatz_range(lo: bigint, hi: bigint): bigint;
  dot(a: number, b: number, n: number): number;
  count_primes_scratch(hi: bigint): number;
  count_primes_range(lo: bigint, hi: bigint, scratch: number): number;
  matmul(a: number, b: number, c: number, m: number, k: number, n: number): void;
}

/** What the built-in cases are built from. */
export interface BuiltinEnv {
  /** build/hotpath.wasm, compiled. */
  module: WebAssembly.Module;
  /** build/bench/c-kernels.wasm, compiled, or why it is not there. */
  cModule: WebAssembly.Module | { skipped: string };
  /** Implementations added from outside, by case id (native C). */
  extra: Record<string, Array<Implementation | SkippedImplementation>>;
  /** The pools, and the worker counts to measure; no pool implementations without them. */
  pools?: { cache: PoolCache; workers: readonly number[] };
}

/** The fixed view of the Mandelbrot case (bench/c/native.c uses the same). */
export const MANDELBROT = { x0: -2, y0: -1.25, x1: 0.5, y1: 1.25, maxIter: 200 } as const;

type Entry = Implementation | SkippedImplementation;
type Fn = (...args: any[]) => any;

/** A twin by name, when the twins module has it (kernels and their twins land one by one). */
function twin(mod: object, name: string): Fn | undefined {
  const f = (mod as Record<string, unknown>)[name];
  return typeof f === "function" ? (f as Fn) : undefined;
}

function wasm(env: BuiltinEnv): { ex: KernelExports; arena: Arena } {
  const ex = instantiateKernels(env.module).exports;
  return { ex, arena: new Arena(ex.memory, ex.heapBase()) };
}

function cWasm(env: BuiltinEnv, label = "C → wasm (clang -O3)"): { ex: CKernelExports; arena: Arena } | SkippedImplementation {
  if (!(env.cModule instanceof WebAssembly.Module)) return { id: "c-wasm", label, kind: "c-wasm", skipped: env.cModule.skipped };
  const ex = new WebAssembly.Instance(env.cModule, {}).exports as unknown as CKernelExports;
  return { ex, arena: new Arena(ex.memory, Number(ex.__heap_base.value)) };
}

function pools<I>(env: BuiltinEnv, call: Parameters<typeof poolImplementations<I>>[2]): Entry[] {
  return env.pools ? poolImplementations(env.pools.cache, env.pools.workers, call) : [];
}

function has(ex: object, name: string): boolean {
  return typeof (ex as Record<string, unknown>)[name] === "function";
}

const missingTwin = (id: string, label: string, kind: Entry["kind"], name: string): SkippedImplementation => ({
  id,
  label,
  kind,
  skipped: `no TS twin \`${name}\` in src/twins yet`,
});

/** The closed form of 0 + 1 + … + (n − 1) mod 2^64, the oracle of the sum cases. */
export function sumClosedForm(n: bigint): bigint {
  return n === 0n ? 0n : BigInt.asUintN(64, (n * (n - 1n)) / 2n);
}

function sumCase(
  env: BuiltinEnv,
  id: string,
  title: string,
  sizes: Record<PresetName, number>,
  bigint: boolean,
): BenchCase<{ n: bigint; nn: number }> {
  return {
    id,
    title,
    sizes,
    unit: "integers",
    input: (size) => ({ n: BigInt(size), nn: size }),
    expected: (size) => sumClosedForm(BigInt(size)).toString(),
    implementations() {
      const { ex } = wasm(env);
      const c = cWasm(env);
      const list: Entry[] = [
        { id: "ts-number", label: "TS number twin", kind: "ts-number", knownInexact: true, run: (i) => numberTwins.sumIntegers(i.nn) },
        bigint
          ? { id: "ts-bigint", label: "TS bigint twin", kind: "ts-bigint", run: (i) => bigintTwins.sumIntegers(i.n) }
          : {
              id: "ts-bigint",
              label: "TS bigint twin",
              kind: "ts-bigint",
              skipped: "about 2.7 s per 10^8 integers; the closed form checks this case instead",
            },
        { id: "wasm", label: "wasm (AssemblyScript)", kind: "wasm", run: (i) => ex.sumIntegers(i.n) },
        "skipped" in c ? c : { id: "c-wasm", label: "C → wasm (clang -O3)", kind: "c-wasm", run: (i) => c.ex.sum_integers(i.n) },
        ...(env.extra[id] ?? []),
        // The pool's sum is measured by the first sum case; this one is about the number twin's answer.
        ...(bigint ? pools(env, (pool, i: { n: bigint }) => pool.sumIntegers(i.n)) : []),
      ];
      return list;
    },
  };
}

function fnvCase(env: BuiltinEnv): BenchCase<Uint8Array> {
  return {
    id: "fnv1a64",
    title: "FNV-1a 64 of a byte buffer, u64",
    sizes: { quick: 1 << 18, full: 16 << 20 },
    unit: "bytes",
    input: bytesInput,
    reference: "ts-bigint",
    implementations() {
      const list: Entry[] = [];
      const t = twin(bigintTwins, "fnv1a64");
      list.push(
        t
          ? { id: "ts-bigint", label: "TS bigint twin", kind: "ts-bigint", run: (bytes: Uint8Array) => t(bytes) }
          : missingTwin("ts-bigint", "TS bigint twin", "ts-bigint", "fnv1a64"),
      );
      const { ex, arena } = wasm(env);
      if (has(ex, "fnv1a64"))
        list.push({
          id: "wasm",
          label: "wasm (AssemblyScript)",
          kind: "wasm",
          prepare: (bytes: Uint8Array) => ({ ptr: arena.put(bytes, "bytes"), len: bytes.length }),
          run: (p: { ptr: number; len: number }) => ex.fnv1a64(p.ptr, p.len),
        });
      const c = cWasm(env);
      list.push(
        "skipped" in c
          ? c
          : {
              id: "c-wasm",
              label: "C → wasm (clang -O3)",
              kind: "c-wasm",
              prepare: (bytes: Uint8Array) => ({ ptr: c.arena.put(bytes, "bytes"), len: bytes.length }),
              run: (p: { ptr: number; len: number }) => c.ex.fnv1a64(p.ptr, p.len),
            },
      );
      return [...list, ...(env.extra.fnv1a64 ?? [])];
    },
  };
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
  return {
    id: "mandelbrot",
    title: `Mandelbrot escape counts, side × side pixels, maxIter ${maxIter}, f64`,
    sizes: { quick: 160, full: 1000 },
    unit: "pixels per side",
    // Pixels, not the side, should halve between the two sizes of the growth guard.
    half: (side) => Math.round(side / Math.SQRT2),
    normalize: countsChecksum,
    reference: "ts-number",
    implementations() {
      const list: Entry[] = [];
      const t = twin(numberTwins, "mandelbrot");
      list.push(
        t
          ? {
              id: "ts-number",
              label: "TS number twin",
              kind: "ts-number",
              run: (side: number) => t({ width: side, height: side, maxIter, x0, y0, x1, y1 }),
            }
          : missingTwin("ts-number", "TS number twin", "ts-number", "mandelbrot"),
      );
      const { ex, arena } = wasm(env);
      if (has(ex, "mandelbrotRows"))
        list.push({
          id: "wasm-simd",
          // The kernel iterates two pixels at once in f64x2 lanes (assembly/mandelbrot.ts).
          label: "wasm SIMD, 2 pixels per f64x2 (AssemblyScript)",
          kind: "wasm-simd",
          prepare: (side: number) => ({ side, out: arena.alloc(side * side * 4, "counts") }),
          run: (p: { side: number; out: number }) => {
            ex.mandelbrotRows(p.out, p.side, p.side, 0, p.side, x0, y0, x1, y1, maxIter);
            return new Uint32Array(ex.memory.buffer, p.out, p.side * p.side);
          },
        });
      const c = cWasm(env);
      list.push(
        "skipped" in c
          ? c
          : {
              id: "c-wasm",
              label: "C → wasm (clang -O3)",
              kind: "c-wasm",
              prepare: (side: number) => ({ side, out: c.arena.alloc(side * side * 4, "counts") }),
              run: (p: { side: number; out: number }) => {
                c.ex.mandelbrot_rows(p.out, p.side, p.side, 0, p.side, x0, y0, x1, y1, maxIter);
                return new Uint32Array(c.ex.memory.buffer, p.out, p.side * p.side);
              },
            },
      );
      return [
        ...list,
        ...(env.extra.mandelbrot ?? []),
        ...pools(env, (pool, side: number) => pool.mandelbrot({ width: side, height: side, maxIter, x0, y0, x1, y1 })),
      ];
    },
  };
}

function collatzCase(env: BuiltinEnv): BenchCase<number> {
  return {
    id: "collatz",
    title: "longest Collatz chain among starts below n, u64",
    sizes: { quick: 30_000, full: 1_000_000 },
    unit: "starts",
    reference: "ts-bigint",
    implementations() {
      const list: Entry[] = [];
      // Twins may answer a number, a bigint or { start, steps }: the start is what is compared.
      const start = (r: unknown) => (typeof r === "object" && r !== null && "start" in r ? (r as { start: unknown }).start : r);
      for (const [mod, kind, label] of [
        [numberTwins, "ts-number", "TS number twin"],
        [bigintTwins, "ts-bigint", "TS bigint twin"],
      ] as const) {
        const t = twin(mod, "longestCollatzRange");
        const arg = kind === "ts-bigint" ? BigInt : Number;
        // The bigint twin needs ≈ 9 s for a million starts; past that the others check each other.
        const maxSize = kind === "ts-bigint" ? 300_000 : undefined;
        list.push(
          t
            ? { id: kind, label, kind, maxSize, run: (n: number) => start(t(arg(1), arg(n))) }
            : missingTwin(kind, label, kind, "longestCollatzRange"),
        );
      }
      const { ex } = wasm(env);
      if (has(ex, "longestCollatzRange"))
        list.push({ id: "wasm", label: "wasm (AssemblyScript)", kind: "wasm", run: (n: number) => ex.longestCollatzRange(1n, BigInt(n)) });
      const c = cWasm(env);
      list.push(
        "skipped" in c
          ? c
          : { id: "c-wasm", label: "C → wasm (clang -O3)", kind: "c-wasm", run: (n: number) => c.ex.longest_collatz_range(1n, BigInt(n)) },
      );
      return [
        ...list,
        ...(env.extra.collatz ?? []),
        ...pools(env, async (pool, n: number) => (await pool.longestCollatz(BigInt(n))).start),
      ];
    },
  };
}

/** Floating-point sums in a different order (SIMD lanes) agree to about 1e-12 relative. */
function closeEnough(a: string, b: string): boolean {
  const x = Number(a);
  const y = Number(b);
  return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

function dotCase(env: BuiltinEnv): BenchCase<{ a: Float64Array; b: Float64Array }> {
  type P = { a: number; b: number; n: number };
  return {
    id: "dot",
    title: "dot product of two f64 vectors",
    sizes: { quick: 1 << 18, full: 1 << 22 },
    unit: "elements",
    input: f64Inputs,
    equal: closeEnough,
    reference: "ts-number",
    implementations() {
      const list: Entry[] = [];
      const t = twin(numberTwins, "dot");
      list.push(
        t
          ? { id: "ts-number", label: "TS number twin", kind: "ts-number", run: (i: { a: Float64Array; b: Float64Array }) => t(i.a, i.b) }
          : missingTwin("ts-number", "TS number twin", "ts-number", "dot"),
      );
      const { ex, arena } = wasm(env);
      const place = (i: { a: Float64Array; b: Float64Array }): P => ({ a: arena.put(i.a, "a"), b: arena.put(i.b, "b"), n: i.a.length });
      if (has(ex, "dotScalar"))
        list.push({
          id: "wasm",
          label: "wasm scalar (AssemblyScript)",
          kind: "wasm",
          prepare: place,
          run: (p: P) => ex.dotScalar(p.a, p.b, p.n),
        });
      if (has(ex, "dot"))
        list.push({
          id: "wasm-simd",
          label: "wasm SIMD f64x2 (AssemblyScript)",
          kind: "wasm-simd",
          prepare: place,
          run: (p: P) => ex.dot(p.a, p.b, p.n),
        });
      const c = cWasm(env);
      list.push(
        "skipped" in c
          ? c
          : {
              id: "c-wasm",
              label: "C → wasm (clang -O3)",
              kind: "c-wasm",
              prepare: (i: { a: Float64Array; b: Float64Array }): P => ({
                a: c.arena.put(i.a, "a"),
                b: c.arena.put(i.b, "b"),
                n: i.a.length,
              }),
              run: (p: P) => c.ex.dot(p.a, p.b, p.n),
            },
      );
      return [...list, ...(env.extra.dot ?? []), ...pools(env, (pool, i: { a: Float64Array; b: Float64Array }) => pool.dot(i.a, i.b))];
    },
  };
}

function primesCase(env: BuiltinEnv): BenchCase<number> {
  return {
    id: "primes",
    title: "primes below n, segmented sieve (π(10^8) = 5761455)",
    sizes: { quick: 2_000_000, full: 20_000_000 },
    unit: "integers",
    reference: "ts-number",
    // π(10^8) is the known answer the design names; other sizes are checked against the twin.
    implementations() {
      const list: Entry[] = [];
      const t = twin(numberTwins, "countPrimesRange");
      list.push(
        t
          ? { id: "ts-number", label: "TS number twin", kind: "ts-number", run: (n: number) => t(0, n) }
          : missingTwin("ts-number", "TS number twin", "ts-number", "countPrimesRange"),
      );
      const { ex, arena } = wasm(env);
      if (has(ex, "countPrimesRange"))
        list.push({
          id: "wasm",
          label: "wasm (AssemblyScript)",
          kind: "wasm",
          prepare: (n: number) => ({ n: BigInt(n), scratch: arena.alloc(ex.countPrimesScratch(BigInt(n)), "scratch") }),
          run: (p: { n: bigint; scratch: number }) => ex.countPrimesRange(0n, p.n, p.scratch),
        });
      const c = cWasm(env);
      list.push(
        "skipped" in c
          ? c
          : {
              id: "c-wasm",
              label: "C → wasm (clang -O3)",
              kind: "c-wasm",
              prepare: (n: number) => ({ n: BigInt(n), scratch: c.arena.alloc(c.ex.count_primes_scratch(BigInt(n)), "scratch") }),
              run: (p: { n: bigint; scratch: number }) => c.ex.count_primes_range(0n, p.n, p.scratch),
            },
      );
      return [...list, ...(env.extra.primes ?? []), ...pools(env, (pool, n: number) => pool.countPrimesRange(0, n))];
    },
  };
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
  return {
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
    implementations() {
      const list: Entry[] = [];
      const t = twin(numberTwins, "matmul");
      list.push(
        t
          ? { id: "ts-number", label: "TS number twin", kind: "ts-number", run: (i: I) => t(i.a, i.b, i.side, i.side, i.side) }
          : missingTwin("ts-number", "TS number twin", "ts-number", "matmul"),
      );
      const { ex, arena } = wasm(env);
      const place = (i: I): P => ({ a: arena.put(i.a, "a"), b: arena.put(i.b, "b"), c: arena.alloc(i.a.byteLength, "c"), side: i.side });
      const view = (p: P) => new Float64Array(ex.memory.buffer, p.c, p.side * p.side);
      if (has(ex, "matmulScalar"))
        list.push({
          id: "wasm",
          label: "wasm scalar (AssemblyScript)",
          kind: "wasm",
          prepare: place,
          run: (p: P) => (ex.matmulScalar(p.a, p.b, p.c, p.side, p.side, p.side, 0, p.side), view(p)),
        });
      if (has(ex, "matmul"))
        list.push({
          id: "wasm-simd",
          label: "wasm SIMD f64x2, blocked (AssemblyScript)",
          kind: "wasm-simd",
          prepare: place,
          run: (p: P) => (ex.matmul(p.a, p.b, p.c, p.side, p.side, p.side, 0, p.side), view(p)),
        });
      const c = cWasm(env);
      list.push(
        "skipped" in c
          ? c
          : {
              id: "c-wasm",
              label: "C → wasm (clang -O3)",
              kind: "c-wasm",
              prepare: (i: I): P => ({
                a: c.arena.put(i.a, "a"),
                b: c.arena.put(i.b, "b"),
                c: c.arena.alloc(i.a.byteLength, "c"),
                side: i.side,
              }),
              run: (p: P) => (
                c.ex.matmul(p.a, p.b, p.c, p.side, p.side, p.side),
                new Float64Array(c.ex.memory.buffer, p.c, p.side * p.side)
              ),
            },
      );
      return [...list, ...(env.extra.matmul ?? []), ...pools(env, (pool, i: I) => pool.matmul(i.a, i.b, i.side, i.side, i.side))];
    },
  };
}

function monteCarloCase(env: BuiltinEnv): BenchCase<number> {
  return {
    id: "monte-carlo",
    title: "Monte Carlo π: samples inside the quarter circle, xorshift64 streams",
    sizes: { quick: 1 << 19, full: 1 << 22 },
    unit: "samples",
    reference: "ts-bigint",
    implementations() {
      const list: Entry[] = [];
      const t = twin(bigintTwins, "monteCarloPi");
      list.push(
        t
          ? { id: "ts-bigint", label: "TS bigint twin", kind: "ts-bigint", run: (n: number) => t(BigInt(n), 0n).inside }
          : missingTwin("ts-bigint", "TS bigint twin", "ts-bigint", "monteCarloPi"),
      );
      const { ex } = wasm(env);
      if (has(ex, "monteCarloHits"))
        list.push({
          id: "wasm",
          label: "wasm (AssemblyScript)",
          kind: "wasm",
          run: (n: number) => ex.monteCarloHits(0n, 0, Math.ceil(n / MONTE_CARLO_CHUNK), BigInt(n)),
        });
      return [...list, ...pools(env, async (pool, n: number) => (await pool.monteCarloPi(BigInt(n), 0n)).inside)];
    },
  };
}

function xxhashCase(env: BuiltinEnv): BenchCase<Uint8Array> {
  return {
    id: "xxhash64",
    title: "xxHash64 of a byte buffer, u64",
    sizes: { quick: 1 << 18, full: 16 << 20 },
    unit: "bytes",
    input: bytesInput,
    reference: "ts-bigint",
    implementations() {
      const list: Entry[] = [];
      const t = twin(bigintTwins, "xxhash64");
      list.push(
        t
          ? { id: "ts-bigint", label: "TS bigint twin", kind: "ts-bigint", run: (bytes: Uint8Array) => t(bytes, 0n) }
          : missingTwin("ts-bigint", "TS bigint twin", "ts-bigint", "xxhash64"),
      );
      const { ex, arena } = wasm(env);
      if (has(ex, "xxhash64"))
        list.push({
          id: "wasm",
          label: "wasm (AssemblyScript)",
          kind: "wasm",
          prepare: (bytes: Uint8Array) => ({ ptr: arena.put(bytes, "bytes"), len: bytes.length }),
          run: (p: { ptr: number; len: number }) => ex.xxhash64(p.ptr, p.len, 0n),
        });
      return list;
    },
  };
}

/** Every built-in case, in the order of the tutorial: the sum first. */
export function builtinCases(env: BuiltinEnv): BenchCase[] {
  return [
    sumCase(env, "sum", "sum of the first n integers (the tutorial's f), u64", { quick: 1_000_000, full: 100_000_000 }, true),
    sumCase(
      env,
      "sum-past-2^53",
      "the same sum where it passes 2^53: the number twin goes wrong",
      { quick: 150_000_000, full: 300_000_000 },
      false,
    ),
    fnvCase(env),
    mandelbrotCase(env),
    collatzCase(env),
    dotCase(env),
    primesCase(env),
    matmulCase(env),
    monteCarloCase(env),
    xxhashCase(env),
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
] as const;
