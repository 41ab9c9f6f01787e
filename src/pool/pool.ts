// The worker pool: N workers, one compiled module posted to each, work cut into chunks and handed out
// from one queue. The same code runs in Node, Deno, Bun and browsers; what differs (how a worker is
// started, what its parent is) lives in the platform adapters, and what a chunk does lives in runner.ts.
import { transfer, wrap, type Remote } from "comlink";
import { platform } from "#platform";
import type { PoolWorker } from "../platform.ts";
import { kernelsWasmUrl, threadsWasmUrl } from "../assets.ts";
import { AbortError, KernelError, PoolClosedError, WorkerError, describe, expected } from "../errors.ts";
import { instantiateKernels } from "../kernels/kernels.ts";
import { compileWasm, type WasmSource } from "../load.ts";
import { checkOptions, toInteger, type BytesLike, type U64Like } from "../validate.ts";
import type { KernelExports } from "../kernels/abi.ts";
import { SharedHeap } from "./heap.ts";
import { splitCount as split, splitRange as splitRangeBig } from "./split.ts";
import type { FunctionRef, HashAlgorithm, Job, PoolMode, WorkerApi } from "./protocol.ts";
import { parallelKernels, type ParallelKernels, type ParallelMandelbrotOptions } from "./parallel.ts";
import { WARM_REGION_BYTES } from "./runner.ts";

export type { PoolMode } from "./protocol.ts";

/** Options of `createPool`. Every key is optional; unknown keys are rejected. */
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
}

/** Options of each pool call. */
export interface CallOptions {
  /** Cancels the call: queued chunks are dropped, and workers running its chunks are stopped and replaced. */
  signal?: AbortSignal;
  /** How many chunks to cut the work into. Default: workers × chunksPerWorker (never more than there is work). */
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
 */
export type PoolFunction = { module: string | URL; export?: string } | { wasm: WasmSource; export: string; memory?: WebAssembly.Memory };

/** Options of `reduceRange`. */
export interface ReduceOptions<R> extends CallOptions {
  /** Combines two chunks' results; applied in chunk order, so it must be associative (not necessarily commutative). */
  combine: (a: R, b: R) => R;
  /** The result of an empty range, and the start of the fold. */
  initial: R;
}

/** Options of `forRows`. */
export interface RowsOptions extends CallOptions {
  /** Extra arguments passed after (rowStart, rowEnd): pointers into a shared memory, a SharedArrayBuffer, sizes. */
  args?: readonly unknown[];
}

/**
 * A worker pool. Works in Node, Deno, Bun and browsers; close it (or `await using`) so the process can exit.
 *
 * Faults: a wasm trap rejects only its call, with a KernelError naming the kernel, the worker and the
 * chunk; the other calls go on. A worker that dies (Node: it exits; browsers: an uncaught error) is
 * replaced, and the chunks it held (the one running and the one queued behind it) are retried once on
 * another worker, because every chunk the
 * pool makes is a pure function of its inputs writing only its own part of the output; if the retry's
 * worker dies too, the call rejects with WorkerError. User functions must therefore be safe to run
 * twice on the same chunk. An AbortSignal drops a call's queued chunks and stops (terminates and
 * replaces) the workers running its other chunks: wasm cannot be interrupted any other way; other calls'
 * chunks queued on those workers go back to the pool's queue.
 */
export interface Pool extends ParallelKernels, AsyncDisposable {
  /** Workers currently in the pool. */
  readonly size: number;
  /** The data path in use. */
  readonly mode: PoolMode;
  /** Why that data path: chosen by option, or why shared memory was (not) available. */
  readonly modeReason: string;
  /** True once `close()` was called. */
  readonly closed: boolean;

  /** Calls `fn(items[i], i)` in the workers; resolves with the results in order. Items and results are cloned (typed arrays are copied). */
  map<T, R>(fn: PoolFunction, items: readonly T[], options?: CallOptions): Promise<R[]>;
  /** Calls `fn(lo, hi)` on sub-ranges of [lo, hi) (numbers or bigints) and folds the results with `combine` in range order. */
  reduceRange<R>(fn: PoolFunction, lo: number | bigint, hi: number | bigint, options: ReduceOptions<R>): Promise<R>;
  /** Calls `fn(rowStart, rowEnd, ...args)` on blocks of rows [start, end): kernels that write disjoint rows of a shared memory. */
  forRows(fn: PoolFunction, start: number, end: number, options?: RowsOptions): Promise<void>;

  /** Ends every worker. Calls still queued or running reject with PoolClosedError; later calls throw it. */
  close(): Promise<void>;
}

/** The pool's internals that built-in parallel kernels (kernels.ts in this folder) use. */
export interface PoolCore {
  readonly size: number;
  readonly mode: PoolMode;
  /** Shared mode: the heap in the shared memory. */
  readonly heap?: SharedHeap;
  readonly memory?: WebAssembly.Memory;
  /** Shared mode: bytes of scratch a countPrimesRange chunk ending at `hi` needs. */
  scratchForPrimes(hi: bigint): number;
  /** Throws PoolClosedError after close(). */
  check(): void;
  /** How many chunks a call should be cut into. */
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

/** One chunk as a call describes it: `make` builds the job (again, if the chunk is retried: transferred buffers are gone after a send). */
export interface ChunkSpec {
  readonly kernel: string;
  readonly label: string;
  readonly make: () => { job: Job; transfer?: Transferable[] };
}

const OPTION_KEYS = ["workers", "mode", "source", "threadsSource", "chunksPerWorker", "warmUp"] as const;
const CALL_KEYS = ["signal", "chunks"] as const;
const PAGE = 65536;
/** Pages of the shared memory's maximum (1 GiB): V8 reserves a shared memory's maximum up front, so not the full 4 GiB. */
const SHARED_MAX_PAGES = 16384;
const MAX_WORKERS = 512;

/** Creates a pool; resolves once every worker has instantiated the module and warmed it up. Works in Node, Deno, Bun and browsers. */
export async function createPool(options?: PoolOptions): Promise<Pool> {
  const opts = checkOptions(options, "options", OPTION_KEYS) as PoolOptions;
  const workers = opts.workers ?? platform.cores();
  if (typeof workers !== "number" || !Number.isInteger(workers) || workers < 1)
    throw new (typeof workers === "number" ? RangeError : TypeError)(expected("options.workers", "a positive integer", workers));
  if (workers > MAX_WORKERS) throw new RangeError(expected("options.workers", `a positive integer ≤ ${MAX_WORKERS}`, workers));
  const chunksPerWorker = opts.chunksPerWorker === undefined ? 4 : toInteger(opts.chunksPerWorker, "options.chunksPerWorker", 1, 1 << 16);
  if (opts.warmUp !== undefined && typeof opts.warmUp !== "boolean")
    throw new TypeError(expected("options.warmUp", "a boolean", opts.warmUp));
  const requested = opts.mode ?? "auto";
  if (!["auto", "shared", "message"].includes(requested as string))
    throw new TypeError(expected("options.mode", '"auto", "shared" or "message"', requested));

  const unavailable = platform.sharedMemoryReason();
  let mode: PoolMode;
  let modeReason: string;
  if (requested === "message") {
    mode = "message";
    modeReason = "message passing was requested (options.mode)";
  } else if (requested === "shared") {
    if (unavailable) throw new WorkerError(`options.mode is "shared", but shared memory cannot be used here: ${unavailable}`);
    mode = "shared";
    modeReason = "shared memory was requested (options.mode)";
  } else if (unavailable) {
    mode = "message";
    modeReason = `message passing, because ${unavailable}`;
  } else {
    mode = "shared";
    modeReason = "shared memory, because SharedArrayBuffer can be posted to workers here";
  }

  const module =
    mode === "shared"
      ? await compileWasm(opts.threadsSource ?? threadsWasmUrl(), "options.threadsSource")
      : await compileWasm(opts.source ?? kernelsWasmUrl(), "options.source");
  let memory: WebAssembly.Memory | undefined;
  let heap: SharedHeap | undefined;
  let local: KernelExports | undefined;
  if (mode === "shared") {
    const wanted = WebAssembly.Module.imports(module).find((i) => i.kind === "memory");
    if (!wanted)
      throw new WorkerError(
        `options.threadsSource is not a threads build: it imports no memory (build it with --importMemory --sharedMemory)`,
      );
    memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    // An instance on this thread, to learn where static data ends and to size scratch; it runs no kernel.
    local = instantiateKernels(module, memory).exports;
    heap = new SharedHeap(memory, local.heapBase(), SHARED_MAX_PAGES * PAGE);
  }
  const pool = new WorkerPool({ mode, modeReason, module, memory, heap, local, chunksPerWorker, warmUp: opts.warmUp !== false });
  await pool.start(workers);
  return pool;
}

interface Slot {
  readonly id: number;
  readonly worker: PoolWorker;
  readonly remote: Remote<WorkerApi>;
  readonly warmPtr?: number;
  /** Chunks posted to this worker and not yet settled, in the order it runs them: the first is running, the rest wait in its message queue. */
  chunks: Chunk[];
  gone: boolean;
}

/**
 * Chunks posted to a worker at once. Two: while one runs, the next already waits in the worker's
 * message queue, so the worker never sits idle through a round trip (≈150–300 µs here) between chunks.
 */
const CHUNKS_IN_FLIGHT = 2;

interface Chunk {
  readonly task: Task;
  readonly index: number;
  readonly spec: ChunkSpec;
  attempts: number;
}

class Task {
  readonly results: unknown[];
  remaining: number;
  readonly running = new Set<Slot>();
  settled = false;
  #cleaned = false;

  constructor(
    readonly name: string,
    count: number,
    readonly resolve: (results: unknown[]) => void,
    readonly reject: (error: unknown) => void,
    readonly cleanup: (() => void) | undefined,
  ) {
    this.results = new Array(count);
    this.remaining = count;
  }

  /** Runs the cleanup once the task is settled and no worker is still working for it. */
  maybeCleanup(): void {
    if (!this.settled || this.running.size > 0 || this.#cleaned) return;
    this.#cleaned = true;
    this.cleanup?.();
  }
}

interface Config {
  readonly mode: PoolMode;
  readonly modeReason: string;
  readonly module: WebAssembly.Module;
  readonly memory?: WebAssembly.Memory;
  readonly heap?: SharedHeap;
  readonly local?: KernelExports;
  readonly chunksPerWorker: number;
  readonly warmUp: boolean;
}

class WorkerPool implements Pool, PoolCore {
  readonly mode: PoolMode;
  readonly modeReason: string;
  readonly memory?: WebAssembly.Memory;
  readonly heap?: SharedHeap;
  #config: Config;
  #slots: Slot[] = [];
  #queue: Chunk[] = [];
  #tasks = new Set<Task>();
  #nextId = 0;
  #target = 0;
  #spawning = 0;
  #closed = false;
  #closing?: Promise<void>;
  #wasmByUrl = new Map<string, { id: number; module: WebAssembly.Module }>();
  #wasmByObject = new WeakMap<object, { id: number; module: WebAssembly.Module }>();
  #wasmIds = 0;
  #kernels: ParallelKernels = parallelKernels(this);

  constructor(config: Config) {
    this.#config = config;
    this.mode = config.mode;
    this.modeReason = config.modeReason;
    this.memory = config.memory;
    this.heap = config.heap;
  }

  sumIntegers(n: U64Like, options?: CallOptions) {
    return this.#kernels.sumIntegers(n, options);
  }
  sumRange(lo: U64Like, hi: U64Like, options?: CallOptions) {
    return this.#kernels.sumRange(lo, hi, options);
  }
  countPrimesRange(lo: U64Like, hi: U64Like, options?: CallOptions) {
    return this.#kernels.countPrimesRange(lo, hi, options);
  }
  countPrimes(n: U64Like, options?: CallOptions) {
    return this.#kernels.countPrimes(n, options);
  }
  longestCollatz(limit: U64Like, options?: CallOptions) {
    return this.#kernels.longestCollatz(limit, options);
  }
  longestCollatzRange(lo: U64Like, hi: U64Like, options?: CallOptions) {
    return this.#kernels.longestCollatzRange(lo, hi, options);
  }
  monteCarloPi(samples: U64Like, seed?: U64Like, options?: CallOptions) {
    return this.#kernels.monteCarloPi(samples, seed, options);
  }
  mandelbrot(options: ParallelMandelbrotOptions) {
    return this.#kernels.mandelbrot(options);
  }
  matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number, options?: CallOptions) {
    return this.#kernels.matmul(a, b, m, k, n, options);
  }
  saxpy(alpha: number, x: Float64Array, y: Float64Array, options?: CallOptions) {
    return this.#kernels.saxpy(alpha, x, y, options);
  }
  dot(a: Float64Array, b: Float64Array, options?: CallOptions) {
    return this.#kernels.dot(a, b, options);
  }
  hashMany(buffers: readonly BytesLike[], options?: CallOptions & { algorithm?: HashAlgorithm; seed?: U64Like }) {
    return this.#kernels.hashMany(buffers, options);
  }

  scratchForPrimes(hi: bigint): number {
    return this.#config.local!.countPrimesScratch(hi);
  }

  get size(): number {
    return this.#slots.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async start(count: number): Promise<void> {
    this.#target = count;
    const started = await Promise.allSettled(Array.from({ length: count }, () => this.#spawn()));
    const failure = started.find((s) => s.status === "rejected");
    // A worker that died while the others were still starting has already been replaced.
    for (const s of started) if (s.status === "fulfilled" && !s.value.gone) this.#slots.push(s.value);
    if (failure) {
      await this.close();
      throw (failure as PromiseRejectedResult).reason;
    }
  }

  check(): void {
    if (this.#closed) throw new PoolClosedError("The pool is closed: create another with createPool()");
  }

  chunkCount(options: CallOptions | undefined, name: string): number {
    checkOptions(options, name, CALL_KEYS);
    if (options?.signal !== undefined && !isAbortSignal(options.signal))
      throw new TypeError(expected(`${name}.signal`, "an AbortSignal", options.signal));
    if (options?.chunks !== undefined) return toInteger(options.chunks, `${name}.chunks`, 1, 1 << 24);
    return Math.max(1, this.#target) * this.#config.chunksPerWorker;
  }

  submit<T>(
    name: string,
    specs: ChunkSpec[],
    options: CallOptions | undefined,
    finish: (results: unknown[]) => T,
    cleanup?: () => void,
  ): Promise<T> {
    const signal = options?.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => this.#abort(task, signal!);
      const task: Task = new Task(
        name,
        specs.length,
        (results) => {
          signal?.removeEventListener("abort", onAbort);
          try {
            resolve(finish(results));
          } catch (error) {
            reject(error);
          }
        },
        (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
        cleanup,
      );
      if (this.#closed) return this.#fail(task, new PoolClosedError("The pool is closed: create another with createPool()"));
      if (signal?.aborted) return this.#fail(task, abortError(name, signal));
      if (specs.length === 0) {
        task.settled = true;
        task.resolve(task.results);
        task.maybeCleanup();
        return;
      }
      this.#tasks.add(task);
      signal?.addEventListener("abort", onAbort, { once: true });
      specs.forEach((spec, index) => this.#queue.push({ task, index, spec, attempts: 0 }));
      this.#pump();
    });
  }

  async map<T, R>(fn: PoolFunction, items: readonly T[], options?: CallOptions): Promise<R[]> {
    this.check();
    if (!Array.isArray(items)) throw new TypeError(expected("items", "an array", items));
    const count = Math.min(this.chunkCount(options, "options"), items.length);
    const ref = await this.#functionRef(fn);
    const specs = split(0, items.length, count).map(([a, b]) => ({
      kernel: ref.export,
      label: `items [${a}, ${b})`,
      make: () => ({ job: { kind: "map", fn: ref, items: items.slice(a, b), first: a } as Job }),
    }));
    return this.submit(`map(${ref.export})`, specs, options, (results) => (results as R[][]).flat() as R[]);
  }

  async reduceRange<R>(fn: PoolFunction, lo: number | bigint, hi: number | bigint, options: ReduceOptions<R>): Promise<R> {
    this.check();
    const opts = checkOptions(options, "options", [...CALL_KEYS, "combine", "initial"]) as unknown as ReduceOptions<R>;
    if (typeof opts.combine !== "function") throw new TypeError(expected("options.combine", "a function (a, b) => a ⊕ b", opts.combine));
    if (!("initial" in opts)) throw new TypeError("Expected `options.initial` to be the result of an empty range, got nothing");
    const bigintRange = typeof lo === "bigint";
    if (bigintRange ? typeof hi !== "bigint" : typeof lo !== "number" || !Number.isSafeInteger(lo))
      throw new TypeError(expected("lo", "a safe integer or a bigint (with `hi` of the same type)", lo));
    if (bigintRange ? false : typeof hi !== "number" || !Number.isSafeInteger(hi))
      throw new TypeError(expected("hi", `${typeof lo === "bigint" ? "a bigint, like `lo`" : "a safe integer, like `lo`"}`, hi));
    const count = this.chunkCount({ signal: opts.signal, chunks: opts.chunks }, "options");
    const ref = await this.#functionRef(fn);
    const ranges: [number | bigint, number | bigint][] = bigintRange
      ? splitRangeBig(lo as bigint, hi as bigint, count)
      : split(lo as number, hi as number, count);
    const specs = ranges.map(([a, b]) => ({
      kernel: ref.export,
      label: `range [${a}, ${b})`,
      make: () => ({ job: { kind: "call", fn: ref, args: [a, b] } as Job }),
    }));
    return this.submit(`reduceRange(${ref.export})`, specs, opts, (results) => (results as R[]).reduce(opts.combine, opts.initial));
  }

  async forRows(fn: PoolFunction, start: number, end: number, options?: RowsOptions): Promise<void> {
    this.check();
    const opts = checkOptions(options, "options", [...CALL_KEYS, "args"]) as RowsOptions;
    toInteger(start, "start", 0, Number.MAX_SAFE_INTEGER);
    toInteger(end, "end", 0, Number.MAX_SAFE_INTEGER);
    if (opts.args !== undefined && !Array.isArray(opts.args)) throw new TypeError(expected("options.args", "an array", opts.args));
    const args = opts.args ?? [];
    const count = this.chunkCount({ signal: opts.signal, chunks: opts.chunks }, "options");
    const ref = await this.#functionRef(fn);
    const specs = split(start, end, count).map(([a, b]) => ({
      kernel: ref.export,
      label: `rows [${a}, ${b})`,
      make: () => ({ job: { kind: "call", fn: ref, args: [a, b, ...args] } as Job }),
    }));
    return this.submit(`forRows(${ref.export})`, specs, opts, () => undefined);
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    const error = new PoolClosedError("The pool was closed while this call was queued or running");
    for (const task of [...this.#tasks]) this.#fail(task, error);
    const slots = this.#slots.splice(0);
    this.#closing = Promise.all(slots.map((slot) => this.#stop(slot))).then(() => undefined);
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #functionRef(fn: PoolFunction): Promise<FunctionRef> {
    if (fn === null || typeof fn !== "object") throw new TypeError(expected("fn", "{ module, export } or { wasm, export }", fn));
    if ("module" in fn) {
      checkOptions(fn, "fn", ["module", "export"]);
      let url: URL;
      try {
        url = fn.module instanceof URL ? fn.module : new URL(fn.module, globalThis.location?.href);
      } catch {
        throw new TypeError(expected("fn.module", "an absolute URL of an ES module (e.g. new URL('./k.mjs', import.meta.url))", fn.module));
      }
      const name = fn.export ?? "default";
      if (typeof name !== "string") throw new TypeError(expected("fn.export", "a string", name));
      return { type: "module", url: url.href, export: name };
    }
    if ("wasm" in fn) {
      checkOptions(fn, "fn", ["wasm", "export", "memory"]);
      if (typeof fn.export !== "string") throw new TypeError(expected("fn.export", "the name of an exported function", fn.export));
      if (fn.memory !== undefined) {
        if (!(fn.memory instanceof WebAssembly.Memory) || !isShared(fn.memory))
          throw new TypeError(expected("fn.memory", "a shared WebAssembly.Memory ({ shared: true })", fn.memory));
        const unavailable = platform.sharedMemoryReason();
        if (unavailable) throw new WorkerError(`\`fn.memory\` cannot be posted to workers here: ${unavailable}`);
      }
      // Compiled once per source: URLs by address, bytes and Modules by identity (weakly, so they can be collected).
      const byUrl = typeof fn.wasm === "string" || fn.wasm instanceof URL;
      const key = fn.wasm instanceof URL ? fn.wasm.href : fn.wasm;
      let compiled = byUrl ? this.#wasmByUrl.get(key as string) : this.#wasmByObject.get(key as object);
      if (!compiled) {
        compiled = { id: ++this.#wasmIds, module: await compileWasm(fn.wasm, "fn.wasm") };
        if (byUrl) this.#wasmByUrl.set(key as string, compiled);
        else this.#wasmByObject.set(key as object, compiled);
      }
      const exportsOf = WebAssembly.Module.exports(compiled.module);
      if (!exportsOf.some((e) => e.name === fn.export && e.kind === "function"))
        throw new TypeError(
          `Expected \`fn.export\` to name a function the wasm module exports (${
            exportsOf
              .filter((e) => e.kind === "function")
              .map((e) => e.name)
              .join(", ") || "none"
          }), got ${describe(fn.export)}`,
        );
      return { type: "wasm", id: compiled.id, module: compiled.module, memory: fn.memory, export: fn.export };
    }
    throw new TypeError(expected("fn", "{ module, export } or { wasm, export }", fn));
  }

  async #spawn(): Promise<Slot> {
    const id = ++this.#nextId;
    const worker = platform.spawnWorker();
    const remote = wrap<WorkerApi>(worker.endpoint);
    const { mode, module, memory, heap, warmUp } = this.#config;
    const warmPtr = mode === "shared" && warmUp ? heap!.alloc(WARM_REGION_BYTES, "warm-up region") : undefined;
    const slot: Slot = { id, worker, remote, warmPtr, chunks: [], gone: false };
    let ready = false;
    const failedToStart = new Promise<never>((_, reject) => {
      worker.onExit((reason) => {
        if (ready) this.#onDeath(slot, reason);
        else reject(new WorkerError(`Worker ${id} failed to start: ${reason}`));
      });
    });
    try {
      await Promise.race([
        remote.init({
          id,
          mode,
          module,
          memory,
          warmUp,
          warmRegion: warmPtr === undefined ? undefined : { ptr: warmPtr, bytes: WARM_REGION_BYTES },
        }),
        failedToStart,
      ]);
    } catch (cause) {
      slot.gone = true;
      await this.#stop(slot);
      throw cause instanceof WorkerError
        ? cause
        : new WorkerError(`Worker ${id} failed to start: ${(cause as Error)?.message ?? cause}`, { cause });
    }
    ready = true;
    return slot;
  }

  /** Terminates a worker; its warm-up region is freed only once it can no longer write there. */
  async #stop(slot: Slot): Promise<void> {
    slot.gone = true;
    await slot.worker.terminate().catch(() => undefined);
    if (slot.warmPtr !== undefined) this.heap!.free(slot.warmPtr);
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      // The live worker with the fewest chunks in flight: idle workers first, so work spreads before it queues.
      let slot: Slot | undefined;
      for (const s of this.#slots)
        if (!s.gone && s.chunks.length < CHUNKS_IN_FLIGHT && (!slot || s.chunks.length < slot.chunks.length)) slot = s;
      if (!slot) return;
      this.#dispatch(slot, this.#queue.shift()!);
    }
  }

  #dispatch(slot: Slot, chunk: Chunk): void {
    let message: { job: Job; transfer?: Transferable[] };
    try {
      message = chunk.spec.make();
    } catch (error) {
      return this.#fail(chunk.task, error);
    }
    slot.chunks.push(chunk);
    chunk.task.running.add(slot);
    slot.remote.run(transfer(message.job, message.transfer ?? [])).then(
      (value) => this.#settle(slot, chunk, value, undefined),
      (error) => this.#settle(slot, chunk, undefined, error ?? new Error("the worker rejected without a reason")),
    );
  }

  #settle(slot: Slot, chunk: Chunk, value: unknown, error: unknown): void {
    // A worker that was stopped (abort, close, death) has already been accounted for.
    const at = slot.chunks.indexOf(chunk);
    if (at < 0) return;
    slot.chunks.splice(at, 1);
    const task = chunk.task;
    if (!slot.chunks.some((c) => c.task === task)) task.running.delete(slot);
    if (!task.settled) {
      if (error !== undefined) this.#fail(task, reviveError(error, chunk, slot));
      else {
        task.results[chunk.index] = value;
        if (--task.remaining === 0) {
          task.settled = true;
          this.#tasks.delete(task);
          task.resolve(task.results);
        }
      }
    }
    task.maybeCleanup();
    this.#pump();
  }

  #fail(task: Task, error: unknown): void {
    if (task.settled) return;
    task.settled = true;
    this.#tasks.delete(task);
    this.#queue = this.#queue.filter((c) => c.task !== task);
    task.reject(error);
    task.maybeCleanup();
  }

  /** Drops the task's queued chunks and stops the workers running the others (wasm cannot be interrupted any other way). */
  #abort(task: Task, signal: AbortSignal): void {
    if (task.settled) return;
    const holding = [...task.running];
    this.#fail(task, abortError(task.name, signal));
    for (const slot of holding) {
      // A worker that holds one of this call's chunks only in its queue is left alone: that chunk runs,
      // its result is ignored, and the call's memory is freed after it. A worker running one is stopped.
      if (slot.chunks[0]?.task !== task) continue;
      const waiting = slot.chunks.filter((c) => c.task !== task);
      this.#replace(slot, () => {
        task.running.delete(slot);
        task.maybeCleanup();
        // Other calls' chunks that waited behind it never ran: back to the front of the queue, no attempt counted.
        for (const chunk of waiting.reverse()) {
          chunk.task.running.delete(slot);
          if (!chunk.task.settled) this.#queue.unshift(chunk);
          chunk.task.maybeCleanup();
        }
        this.#pump();
      });
    }
  }

  /**
   * A worker ended by itself: each chunk it held is retried once on another worker, then its task fails.
   * A chunk that was only waiting in its queue counts as tried too: from here one cannot tell whether it began.
   */
  #onDeath(slot: Slot, reason: string): void {
    if (slot.gone) return;
    const chunks = slot.chunks;
    this.#replace(slot, () => undefined);
    for (const chunk of [...chunks].reverse()) {
      const task = chunk.task;
      task.running.delete(slot);
      if (!task.settled) {
        if (chunk.attempts === 0 && !this.#closed) {
          chunk.attempts++;
          this.#queue.unshift(chunk);
        } else
          this.#fail(
            task,
            new WorkerError(
              `Worker ${slot.id} died while running \`${chunk.spec.kernel}\` on ${chunk.spec.label} of ${task.name} (${reason}); that chunk had already been retried once after another worker died on it`,
            ),
          );
      }
      task.maybeCleanup();
    }
    this.#pump();
  }

  /** Removes a worker from the pool, stops it, and starts a replacement unless the pool is closing. */
  #replace(slot: Slot, stopped: () => void): void {
    this.#slots = this.#slots.filter((s) => s !== slot);
    slot.chunks = [];
    void this.#stop(slot).then(stopped);
    if (this.#closed) return;
    this.#spawning++;
    this.#spawn().then(
      (fresh) => {
        this.#spawning--;
        if (this.#closed) return void this.#stop(fresh);
        this.#slots.push(fresh);
        this.#pump();
      },
      (error) => {
        this.#spawning--;
        // With no worker left and none coming, queued work would wait forever: fail it instead.
        if (this.#slots.length === 0 && this.#spawning === 0)
          for (const task of [...this.#tasks])
            this.#fail(
              task,
              new WorkerError(`No worker left: a replacement could not start (${(error as Error).message})`, { cause: error }),
            );
      },
    );
  }
}

/** Rebuilds an error that crossed postMessage (comlink keeps name and message), naming the worker and the chunk. */
function reviveError(error: unknown, chunk: Chunk, slot: Slot): Error {
  const e = error as { name?: string; message?: string; stack?: string };
  const where = `in worker ${slot.id}, ${chunk.spec.label} of ${chunk.task.name}`;
  if (e?.name === "KernelError") return new KernelError(`${e.message} (${where})`, chunk.spec.kernel, { cause: error });
  const Class = e?.name === "TypeError" ? TypeError : e?.name === "RangeError" ? RangeError : Error;
  const revived = new Class(`${e?.message ?? String(error)} (${where})`, { cause: error });
  if (Class === Error && e?.name) revived.name = e.name;
  return revived;
}

function abortError(name: string, signal: AbortSignal): AbortError {
  const reason = signal.reason;
  return new AbortError(
    `${name} was aborted${reason instanceof Error ? `: ${reason.message}` : reason !== undefined ? `: ${String(reason)}` : ""}`,
    { cause: reason },
  );
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function"
  );
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer;
}
