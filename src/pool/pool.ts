// The worker pool's public face: `createPool` checks the options (config.ts), compiles the module for
// the chosen data path, lays out the shared memory, and starts the workers; the pool it returns is a
// composition of the scheduler (scheduler.ts, which owns the workers through workers.ts), the parallel
// forms of the built-in kernels (parallel.ts) and the generic calls for users' functions (generic.ts).
// The same code runs in Node, Deno, Bun and browsers; what differs lives in the platform adapters.
import { platform } from "#platform";
import { kernelsWasmUrl, threadsWasmUrl } from "../wasm-assets.ts";
import { PAGE } from "../arena.ts";
import { WorkerError } from "../errors.ts";
import { instantiateKernels } from "../kernels/kernels.ts";
import { compileWasm } from "../load.ts";
import { poolConfig } from "./config.ts";
import { FunctionCache } from "./functions.ts";
import { genericCalls, type GenericCalls } from "./generic.ts";
import { SharedHeap } from "../heap.ts";
import { parallelKernels } from "./parallel.ts";
import type { PoolMode } from "./protocol.ts";
import type { Lender } from "./types.ts";
import { Scheduler, type SchedulerConfig } from "./scheduler.ts";
import type { PoolArray, ResidentType } from "./resident.ts";
import type { ParallelKernels, Pool, PoolOptions } from "./types.ts";

export type {
  CallOptions,
  ChunkSpec,
  KernelCarrier,
  NamedCombine,
  ParallelKernels,
  ParallelMandelbrotOptions,
  Pool,
  PoolCore,
  PoolFunction,
  PoolMode,
  PoolOptions,
  PoolArray,
  ResidentType,
  ReduceOptions,
  RowsOptions,
} from "./types.ts";
export { MAX_CHUNKS } from "./config.ts";

/** Pages of the shared memory's maximum (1 GiB): V8 reserves a shared memory's maximum up front, so not the full 4 GiB. */
const SHARED_MAX_PAGES = 16384;

/** Creates a pool; resolves once every worker has instantiated the module and warmed it up. Works in Node, Deno, Bun and browsers. */
export function createPool(options?: PoolOptions): Promise<Pool> {
  return startPool(options);
}

/**
 * A shared memory owned elsewhere, for a pool to run in (jit's, for its default pool): the pool's
 * arrays come from `heap`, and an array the owner made in it is used where it lies (`lender`).
 * Its first page must be left free: the threads build's static data goes there.
 */
export interface HostMemory {
  readonly memory: WebAssembly.Memory;
  readonly heap: SharedHeap;
  readonly lender: Lender;
}

/** createPool, in `host`'s memory when the pool runs in shared mode (not part of the public API: src/jit/parallel/default-pool.ts uses it). @internal */
export async function startPool(options?: PoolOptions, host?: HostMemory): Promise<Pool> {
  const config = poolConfig(options, platform);
  const shared = config.mode === "shared";
  // Shared mode also gives every worker the release build, for the kernels that touch no memory (sums,
  // Collatz, Monte Carlo): the very code message mode and bare threads run, so the data path costs
  // nothing on them. Not when only a custom threads build was given: the two must be the same kernels.
  const releaseSource = config.source ?? (shared && config.threadsSource !== undefined ? undefined : kernelsWasmUrl());
  const [module, release] = await Promise.all([
    shared ? compileWasm(config.threadsSource ?? threadsWasmUrl(), "options.threadsSource") : compileWasm(releaseSource!, "options.source"),
    shared && releaseSource !== undefined ? compileWasm(releaseSource, "options.source") : undefined,
  ]);
  let scheduler: SchedulerConfig = { ...config, module, release };
  if (shared) {
    if (!WebAssembly.Module.imports(module).some((i) => i.kind === "memory"))
      throw new WorkerError(
        `options.threadsSource is not a threads build: it imports no memory (build it with --importMemory --sharedMemory)`,
      );
    const memory = host?.memory ?? new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
    // An instance on this thread, to learn where static data ends and to size scratch; it runs no kernel.
    const local = instantiateKernels(module, memory).exports;
    if (host && local.heapBase() > PAGE)
      throw new Error(`The threads build's static data (${local.heapBase()} bytes) does not fit the first page of the host memory`);
    const heap = host?.heap ?? new SharedHeap(memory, local.heapBase(), SHARED_MAX_PAGES * PAGE);
    scheduler = { ...scheduler, memory, local, heap, lender: host?.lender };
  }
  const core = new Scheduler(scheduler);
  await core.start(config.workers);
  return new WorkerPool(core, config.modeReason);
}

// The built-in kernels and the generic calls are mixed in by the constructor (Object.assign), not forwarded one by one.
interface WorkerPool extends ParallelKernels, GenericCalls {}

class WorkerPool implements Pool {
  readonly mode: PoolMode;
  #scheduler: Scheduler;

  constructor(
    scheduler: Scheduler,
    readonly modeReason: string,
  ) {
    this.#scheduler = scheduler;
    this.mode = scheduler.mode;
    Object.assign(this, parallelKernels(scheduler), genericCalls(scheduler, new FunctionCache(scheduler.mode, scheduler.memory)));
  }

  get size(): number {
    return this.#scheduler.size;
  }

  get replacementError(): Error | undefined {
    return this.#scheduler.replacementError;
  }

  get closed(): boolean {
    return this.#scheduler.closed;
  }

  alloc<C extends ResidentType>(type: C, length: number): PoolArray<InstanceType<C>> {
    this.#scheduler.check();
    return this.#scheduler.residents.alloc(type, length);
  }

  get sharedBytesInUse(): number {
    return this.#scheduler.heap?.used ?? 0;
  }

  close(): Promise<void> {
    return this.#scheduler.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
