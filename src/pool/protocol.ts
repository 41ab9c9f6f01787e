// The wire between the pool (main thread) and its workers: what a worker is given at start and the
// jobs it runs. Everything here crosses postMessage, so it is plain data: numbers, bigints, typed
// arrays (transferred where the pool made them), a compiled WebAssembly.Module, a shared Memory.
import type { RangeKernelName } from "../kernels/abi.ts";
import type { ResultType } from "../kernels/contract.ts";

/** How workers get their data: one shared WebAssembly.Memory, or messages that move (transfer) buffers. */
export type PoolMode = "shared" | "message";

/** Sent once to each worker, which instantiates `module` (no compile) and warms it up before replying. */
export interface WorkerInit {
  readonly id: number;
  readonly mode: PoolMode;
  readonly module: WebAssembly.Module;
  /**
   * Shared mode: the release (single-thread) build, instantiated beside `module` with its own memory.
   * The kernels that touch no memory run from it: the same machine code as message mode and bare threads.
   */
  readonly release?: WebAssembly.Module;
  /** Shared mode: this worker's mailbox (mailbox.ts), where built-in kernels' jobs arrive without a message. */
  readonly mailbox?: SharedArrayBuffer;
  /** The shared memory every instance imports (shared mode only). */
  readonly memory?: WebAssembly.Memory;
  /** Shared mode: a region this worker may scribble on while warming up, so it never touches other data. */
  readonly warmRegion?: { readonly ptr: number; readonly bytes: number };
  readonly warmUp: boolean;
}

/** A user function as a worker loads it: an ES module export, or an export of a compiled wasm module. */
export type FunctionRef =
  | { readonly type: "module"; readonly url: string; readonly export: string }
  | {
      readonly type: "wasm";
      readonly id: number;
      /**
       * Sent with the first job for this `id` that a worker gets, then left out (with `memory`): the
       * worker keeps the last MAX_POSTED_MODULES modules it was sent, and the pool mirrors that list.
       */
      readonly module?: WebAssembly.Module;
      readonly memory?: WebAssembly.Memory;
      readonly export: string;
      /** A kernel with a spec: how its result converts (u64 comes back from wasm signed). */
      readonly result?: ResultType;
      /** Arguments of short warm-up calls, made once after instantiation. */
      readonly warmUpArgs?: readonly unknown[];
      /** A function of strings, arrays or objects (KernelRef.bound): the worker binds it by the module's shape. */
      readonly bound?: { readonly shape: unknown; readonly function: string; readonly source: string };
    };

/** One chunk of work. Pointers (`*Ptr`) are byte offsets into the shared memory; arrays travel in messages. */
export type Job =
  | { readonly kind: "sumRange"; readonly lo: bigint; readonly hi: bigint }
  /** A range kernel of src/kernels/abi.ts RANGE_KERNEL_FUNCTIONS over [lo, hi). */
  | { readonly kind: "range"; readonly kernel: RangeKernelName; readonly lo: bigint; readonly hi: bigint }
  | { readonly kind: "countPrimes"; readonly lo: bigint; readonly hi: bigint; readonly scratchPtr?: number }
  | { readonly kind: "collatz"; readonly lo: bigint; readonly hi: bigint }
  | { readonly kind: "monteCarlo"; readonly seed: bigint; readonly firstChunk: bigint; readonly endChunk: bigint; readonly total: bigint }
  | {
      readonly kind: "mandelbrot";
      readonly outPtr?: number;
      readonly width: number;
      readonly height: number;
      readonly rowStart: number;
      readonly rowEnd: number;
      readonly x0: number;
      readonly y0: number;
      readonly x1: number;
      readonly y1: number;
      readonly maxIter: number;
    }
  | {
      readonly kind: "matmul";
      /** Shared: A, B and C in memory. Message: A's rows [rowStart, rowEnd) and all of B. */
      readonly aPtr?: number;
      readonly bPtr?: number;
      readonly cPtr?: number;
      readonly aRows?: Float64Array;
      readonly b?: Float64Array;
      readonly m: number;
      readonly k: number;
      readonly n: number;
      readonly rowStart: number;
      readonly rowEnd: number;
    }
  | {
      readonly kind: "saxpy";
      readonly alpha: number;
      readonly xPtr?: number;
      readonly yPtr?: number;
      readonly x?: Float64Array;
      readonly y?: Float64Array;
      readonly n: number;
    }
  | {
      readonly kind: "dot";
      readonly aPtr?: number;
      readonly bPtr?: number;
      readonly a?: Float64Array;
      readonly b?: Float64Array;
      readonly n: number;
    }
  | {
      /** Message mode: the buffers packed into one, with their lengths. */
      readonly kind: "hash";
      readonly algorithm: HashAlgorithm;
      readonly seed: bigint;
      readonly lens: Uint32Array;
      readonly packed: Uint8Array;
    }
  | {
      /** Shared mode: `count` (pointer, length) u32 pairs at `tablePtr`; the u64 hashes go to `outPtr`. All plain numbers, so it fits a mailbox. */
      readonly kind: "hashAt";
      /** 1: xxhash64, 0: fnv1a64. */
      readonly xxhash: number;
      readonly seed: bigint;
      readonly tablePtr: number;
      readonly count: number;
      readonly outPtr: number;
    }
  | { readonly kind: "map"; readonly fn: FunctionRef; readonly items: readonly unknown[]; readonly first: number }
  | { readonly kind: "call"; readonly fn: FunctionRef; readonly args: readonly unknown[] };

/**
 * Message mode: an array argument of a wasm function that only reads it, sent with the job. The worker
 * copies it into its instance's own memory and passes (pointer, length) in its place.
 */
export interface ArrayArg {
  readonly hotpathArray: ArrayBufferView;
}

export const isArrayArg = (value: unknown): value is ArrayArg =>
  typeof value === "object" && value !== null && ArrayBuffer.isView((value as ArrayArg).hotpathArray);

export type HashAlgorithm = "fnv1a64" | "xxhash64";

/** How many wasm modules of users' functions a worker keeps (each came once, with the first job that needed it). */
export const MAX_POSTED_MODULES = 64;

/**
 * The list of posted modules both sides keep, oldest first: `remember` adds an id (dropping the oldest
 * beyond MAX_POSTED_MODULES) and says whether it was new. The pool calls it when it posts a job, the
 * worker when it receives one, in the same order, so both lists stay the same.
 */
export function remember<T>(posted: Map<number, T>, id: number, value: T): boolean {
  if (posted.has(id)) return false;
  posted.set(id, value);
  if (posted.size > MAX_POSTED_MODULES) posted.delete(posted.keys().next().value!);
  return true;
}

/** What a Collatz job finds: the best start in its range and its step count. */
export interface CollatzBest {
  readonly start: bigint;
  readonly steps: number;
}

/** The API each worker exposes through comlink. */
export interface WorkerApi {
  /** Instantiates the module and warms it up; resolves with the instance's heap base. */
  init(init: WorkerInit): Promise<{ heapBase: number }>;
}

/**
 * Jobs travel as raw messages beside comlink (which keeps init): one message carries every job the
 * pool dispatched to a worker in one turn, and one message brings back every result the worker had
 * ready, so many small tasks cost one round trip per batch instead of a comlink call each (comlink's
 * messages have no `hotpathJobs`/`hotpathResults` key and it ignores these).
 */
export interface JobsMessage {
  readonly hotpathJobs: readonly { readonly seq: number; readonly job: Job }[];
}
/** A job's outcome: its value, or its error as name and message (revived by the scheduler). */
export type JobResult =
  | { readonly seq: number; readonly value: unknown; readonly error?: undefined }
  | { readonly seq: number; readonly value?: undefined; readonly error: { readonly name: string; readonly message: string } };
export interface ResultsMessage {
  readonly hotpathResults: readonly JobResult[];
}
