// The pool's contract, in one place: the public options and the `Pool` interface users see, and the
// small core (`PoolCore`, `ChunkSpec`) that the parallel kernels (parallel.ts) build their calls on.
// Types only: every other pool module imports from here, and this file imports no pool module, so
// the modules form a tree (pool.ts → scheduler.ts, workers.ts, functions.ts, parallel.ts → types.ts).
import type { NamedCombine } from "../kernels/combine.ts";
import "../types/disposable.ts";
import type { RangeKernelName } from "../kernels/abi.ts";
import type { CollatzResult, MandelbrotOptions, MonteCarloResult } from "../kernels/kernels.ts";
import type { KERNEL_REF, KernelRefCarried } from "../kernels/contract.ts";
import type { WasmSource } from "../load.ts";
import type { BytesLike, U64Like } from "../validate.ts";
import type { HashAlgorithm, Job, PoolMode } from "./protocol.ts";
import type { PoolArray, ResidentType } from "./resident.ts";

export type { HashAlgorithm, PoolMode } from "./protocol.ts";
export type { PoolArray, ResidentType } from "./resident.ts";

/** Options of `createPool`. Every key is optional (`undefined` means the default; `null` is refused); unknown keys are rejected. */
export interface PoolOptions {
  /** How many workers. Default: the cores the platform reports (`navigator.hardwareConcurrency`, `os.availableParallelism()`). */
  workers?: number;
  /**
   * "shared": one shared WebAssembly.Memory for all workers (the threads build); "message": each worker
   * has its own memory and data moves by transfer; "auto" (default): shared where SharedArrayBuffer can
   * be posted (Node, Deno, Bun, cross-origin-isolated pages), message otherwise. `pool.modeReason` says why.
   */
  mode?: PoolMode | "auto";
  /** The kernel module for message mode. Default: build/hotpath.wasm beside the package. */
  source?: WasmSource;
  /** The threads build for shared mode. Default: build/hotpath.threads.wasm beside the package. */
  threadsSource?: WasmSource;
  /** Chunks per worker when a call does not say `chunks`: more than one, so uneven work balances. Default: 4. */
  chunksPerWorker?: number;
  /** Warm every kernel up in every worker before the pool is ready (V8 runs a function's first calls in its baseline tier). Default: true. */
  warmUp?: boolean;
  /**
   * Where the pool's worker script is hosted, for pages that serve the files themselves or a bundler
   * that emitted it elsewhere: a URL (or URL string) of build/worker.browser.js (browsers) or
   * build/worker.node.js (Node, Deno, Bun). Default: beside the package's bundle.
   */
  workerUrl?: URL | string;
  /**
   * false: in Node and Bun, the pool's workers keep the process alive only while a call is in flight,
   * so a script that never closes the pool still exits when its work is done (jit's default pool for
   * parallel functions is made so). Default: true (an open pool keeps the process alive until `close()`).
   */
  keepAlive?: boolean;
}

/** Options of each pool call. */
export interface CallOptions {
  /** Cancels the call: queued chunks are dropped, and workers running its chunks are stopped and replaced. */
  signal?: AbortSignal;
  /** How many chunks to cut the work into, at most MAX_CHUNKS (65,536). Default: workers × chunksPerWorker (never more than there is work). */
  chunks?: number;
}

/**
 * A function the workers can load: a user's own kernel. Closures cannot cross to a worker, so a
 * function is named by where it lives:
 * - `{ module, export }`: an export (default: "default") of an ES module at `module` (an absolute URL,
 *   e.g. `new URL("./kernel.mjs", import.meta.url)`), imported once by each worker. It may be async.
 * - `{ wasm, export, memory? }`: an export of a wasm module (a URL, bytes or a compiled Module),
 *   compiled once here and posted compiled to each worker, which instantiates it with the imports an
 *   AssemblyScript stub-runtime module asks for (`env.abort`, `env.trace`, `env.seed`) and, when
 *   `memory` is given, `env.memory`: a *shared* WebAssembly.Memory every worker's instance imports.
 * - a kernel function (or any object) carrying a `KernelRef` (src/kernels/contract.ts), as `hotpath
 *   compile` and `jit` make them: its spec checks the arguments here, before anything is sent; shared
 *   mode runs its threads build against the pool's shared memory (or, without one, its single-thread
 *   build), message mode its single-thread build. Compiled once per pool, warmed up with its `warmUpArgs`.
 */
export type PoolFunction =
  { module: string | URL; export?: string } | { wasm: WasmSource; export: string; memory?: WebAssembly.Memory } | KernelCarrier;

/** A function or object that carries a KernelRef, as `hotpath compile` and `jit` return them. */
export type KernelCarrier = { readonly [KERNEL_REF]: KernelRefCarried };

/** The combines `reduceRange` knows by name: wrap-around u64 addition, plain addition, minimum, maximum. */
export type { NamedCombine } from "../kernels/combine.ts";

/** Options of `reduceRange`. */
export interface ReduceOptions<R> extends CallOptions {
  /**
   * Combines two chunks' results; applied in chunk order, so it must be associative (not necessarily
   * commutative). Or a name: "wrapAdd" (bigints mod 2^64), "add" (numbers or bigints), "min", "max".
   */
  combine: ((a: R, b: R) => R) | NamedCombine;
  /** The result of an empty range, and the start of the fold. Optional for a named combine (wrapAdd: 0n; add: 0 or 0n; min/max: none, so an empty range is a RangeError). */
  initial?: R;
  /** Extra arguments passed after (lo, hi), as forRows passes them: scalars, or arrays (shared mode; copied in once, and back when written). */
  args?: readonly unknown[];
}

/** Options of `forRows`. */
export interface RowsOptions extends CallOptions {
  /** Extra arguments passed after (rowStart, rowEnd): pointers into a shared memory, a SharedArrayBuffer, sizes. */
  args?: readonly unknown[];
}

/** What a parallel Mandelbrot call takes: the single-thread options plus the call options. */
export type ParallelMandelbrotOptions = MandelbrotOptions & CallOptions;

/** The pool form of every range kernel (src/kernels/abi.ts RANGE_KERNEL_FUNCTIONS): [lo, hi) by ranges, combined as its contract says. */
export type ParallelRangeKernels = {
  readonly [K in RangeKernelName]: (lo: U64Like, hi: U64Like, options?: CallOptions) => Promise<bigint>;
};

/** Parallel kernels, bound to a pool. */
export interface ParallelKernels extends ParallelRangeKernels {
  /** f(n) = 0 + … + (n − 1) mod 2^64, as sums over ranges combined by wrap-around addition. */
  sumIntegers(n: U64Like, options?: CallOptions): Promise<bigint>;
  /** lo + … + (hi − 1) mod 2^64, by ranges. */
  sumRange(lo: U64Like, hi: U64Like, options?: CallOptions): Promise<bigint>;
  /** How many primes lie in [lo, hi) (any u64), by segments of a segmented sieve. */
  countPrimesRange(lo: U64Like, hi: U64Like, options?: CallOptions): Promise<number>;
  /** π(n): how many primes are ≤ n, for any u64 n, by segments. */
  countPrimes(n: U64Like, options?: CallOptions): Promise<number>;
  /** The start in [1, limit) with the longest Collatz chain (ties: the smallest), by ranges; RangeError if a chain passes 2^64 − 1. */
  longestCollatz(limit: U64Like, options?: CallOptions): Promise<CollatzResult>;
  /** The same over [lo, hi), 1 ≤ lo < hi. */
  longestCollatzRange(lo: U64Like, hi: U64Like, options?: CallOptions): Promise<CollatzResult>;
  /** Monte Carlo π from `samples` points (at most 2^48), by chunks of MONTE_CARLO_CHUNK seeded from `seed` (default 0): the same answer for any worker count. */
  monteCarloPi(samples: U64Like, seed?: U64Like, options?: CallOptions): Promise<MonteCarloResult>;
  /** Mandelbrot escape counts, width × height u32s row by row, computed by blocks of rows. */
  mandelbrot(options: ParallelMandelbrotOptions): Promise<Uint32Array>;
  /** C = A·B (A m×k, B k×n, row-major f64), by blocks of rows of C. */
  matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number, options?: CallOptions): Promise<Float64Array>;
  /** y ← alpha·x + y in place, by slices; resolves with y. */
  saxpy(alpha: number, x: Float64Array, y: Float64Array, options?: CallOptions): Promise<Float64Array>;
  /** Σ a[i]·b[i], by blocks whose partial sums are added in block order (equal to one thread's within rounding). */
  dot(a: Float64Array, b: Float64Array, options?: CallOptions): Promise<number>;
  /** FNV-1a 64 or xxHash64 (default; with `seed`, default 0) of each buffer, as a BigUint64Array, by groups of buffers. */
  hashMany(buffers: readonly BytesLike[], options?: CallOptions & { algorithm?: HashAlgorithm; seed?: U64Like }): Promise<BigUint64Array>;
}

/**
 * A worker pool. Works in Node, Deno, Bun and browsers; close it (or `await using`) so the process can exit.
 *
 * Faults: a wasm trap rejects only its call, with a KernelError naming the kernel, the worker and the
 * chunk; the other calls go on. A worker that dies (Node: it exits; browsers: an uncaught error) is
 * replaced; the chunk it was running is retried once on another worker, and the chunks queued behind
 * it, which never began (a worker runs one chunk at a time), go back to the queue without counting a
 * try. Every chunk the pool makes is a pure function of its inputs writing only its own part of the
 * output; if the retry's worker dies too, the call rejects with WorkerError. User functions must
 * therefore be safe to run twice on the same chunk. An AbortSignal drops a call's queued chunks and
 * stops (terminates and replaces) the workers running its other chunks: wasm cannot be interrupted any
 * other way; other calls' chunks queued on those workers go back to the pool's queue.
 */
export interface Pool extends ParallelKernels, AsyncDisposable {
  /** Workers currently in the pool (one that died is out of it until its replacement has started). */
  readonly size: number;
  /**
   * Why a replacement for a worker that died could not start, after three tries: the pool then runs on
   * with one worker fewer (and fails its calls with WorkerError once none is left). Undefined while
   * every replacement started.
   */
  readonly replacementError: Error | undefined;
  /** The data path in use. */
  readonly mode: PoolMode;
  /** Why that data path: chosen by option, or why shared memory was (not) available. */
  readonly modeReason: string;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /** Bytes of the shared memory currently held by calls and workers (0 in message mode): back to its baseline once calls end. */
  readonly sharedBytesInUse: number;

  /**
   * A typed array for the pool's calls: in shared mode it lives in the shared memory, and dot, saxpy,
   * matmul and hashMany use it where it lies, with no copy in or out; in message mode it is an ordinary
   * array, copied to the workers on each call. Free it with `dispose()` or `using` (a call still using
   * it keeps it until the call ends). Node, Deno, Bun and browsers.
   */
  alloc<C extends ResidentType>(type: C, length: number): PoolArray<InstanceType<C>>;

  /** Calls `fn(items[i], i)` in the workers; resolves with the results in order. Items and results are cloned (typed arrays are copied). */
  map<T, R>(fn: PoolFunction, items: readonly T[], options?: CallOptions): Promise<R[]>;
  /** Calls `fn(lo, hi)` on sub-ranges of [lo, hi) (numbers or bigints) and folds the results with `combine` in range order. */
  reduceRange<R>(fn: PoolFunction, lo: number | bigint, hi: number | bigint, options: ReduceOptions<R>): Promise<R>;
  /** Calls `fn(rowStart, rowEnd, ...args)` on blocks of rows [start, end): kernels that write disjoint rows of a shared memory. */
  forRows(fn: PoolFunction, start: number, end: number, options?: RowsOptions): Promise<void>;

  /** Ends every worker. Calls still queued or running reject with PoolClosedError; later calls throw it. */
  close(): Promise<void>;
}

/** One chunk as a call describes it: `make` builds the job (again, if the chunk is retried: transferred buffers are gone after a send). */
export interface ChunkSpec {
  readonly kernel: string;
  readonly label: string;
  readonly make: () => { job: Job; transfer?: Transferable[] };
  /**
   * The chunk costs what its siblings cost (equal slices of an array kernel): nothing to balance, so
   * in shared mode it may be posted further ahead, and its end does not wake the caller while the
   * worker has more posted (scheduler.ts, mailbox.ts).
   */
  readonly even?: boolean;
}

/** Space in the pool's shared memory, as parallel kernels use it. */
export interface HeapLike {
  alloc(bytes: number, name: string): number;
  put(data: ArrayBufferView, name: string): number;
  free(ptr: number): void;
}

/** The pool's internals that the parallel kernels (parallel.ts) and the generic calls build on. */
export interface PoolCore {
  readonly mode: PoolMode;
  /** Shared mode: the heap in the shared memory. */
  readonly heap?: HeapLike;
  readonly memory?: WebAssembly.Memory;
  /** Shared mode: bytes of scratch a countPrimesRange chunk ending at `hi` needs. */
  scratchForPrimes(lo: bigint, hi: bigint): number;
  /**
   * Shared mode: where `view` lies in the shared memory for a call: an array from `pool.alloc` (or, on
   * jit's pool, `jit.array`) as it is (held), anything else copied in. `held`: the call holds it since
   * it started (`hold`), so an array given back meanwhile is still its own.
   */
  place(view: ArrayBufferView, name: string, held?: boolean): number;
  /**
   * Holds, from the moment a call starts, the arrays among `args` that live in the shared memory, so
   * that one disposed (or freed) before the call places it stays the call's: the returned function
   * ends the hold. An array given back before the call is refused by name.
   */
  hold(args: readonly unknown[]): () => void;
  /** Gives back what `place` took (the copy is freed; a resident array is released). */
  unplace(view: ArrayBufferView, ptr: number): void;
  /** True for an array from `pool.alloc` living in the shared memory. */
  isResident(view: ArrayBufferView): boolean;
  /** Throws PoolClosedError after close(). */
  check(): void;
  /** Checks a call's options (`signal`, `chunks`) and says how many chunks the call should be cut into. */
  chunkCount(options: CallOptions | undefined, name: string): number;
  /** Queues `chunks`, resolves with their results in chunk order, then runs `cleanup` once no worker still touches the task's memory. */
  submit<T>(
    name: string,
    chunks: ChunkSpec[],
    options: CallOptions | undefined,
    finish: (results: unknown[]) => T,
    cleanup?: () => void,
  ): Promise<T>;
}

/** Arrays an owner lends to calls while they run: `pool.alloc`'s, and on jit's own pool `jit.array`'s. */
export interface Lender {
  /**
   * Where `view` lies in the shared memory, held until `giveBack`; undefined when it is not the
   * lender's. An array given back is refused, naming `name`, unless `held` and a running call holds it.
   */
  lend(view: ArrayBufferView, name: string, held?: boolean): number | undefined;
  /** Ends a hold (an array given back meanwhile is freed by the last call out). */
  giveBack(view: ArrayBufferView): void;
  /** Whether `view` is the lender's (never throws). */
  owns(view: ArrayBufferView): boolean;
}
