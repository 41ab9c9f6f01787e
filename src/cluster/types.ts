// The cluster's contract: its options, its call options and the `Cluster` interface. Types only.
import type { RangeKernelName } from "../kernels/abi.ts";
import type { KERNEL_REF, KernelRef } from "../kernels/contract.ts";
import type { CollatzResult, MandelbrotOptions, MonteCarloResult } from "../kernels/kernels.ts";
import type { NamedCombine } from "../pool/pool.ts";
import type { U64Like } from "../validate.ts";
import type { ConnectionLike } from "./engine.ts";

/** Where a call stands, as `onProgress` receives it. */
export interface ClusterProgress {
  /** The call's name ("countPrimes", "reduceRange(sumOfSquaresRange)"). */
  readonly call: string;
  /** Chunks finished. */
  readonly done: number;
  /** Chunks in the call (known once the calibration chunk has been timed; until then the chunks queued so far). */
  readonly total: number;
  /** Milliseconds since the call began. */
  readonly elapsedMs: number;
  /** Estimated milliseconds left (elapsed / done × chunks left); undefined until a chunk is done. */
  readonly etaMs: number | undefined;
}

/** Options of `createCluster`. Every key is optional except `connection`; unknown keys are rejected; `null` is refused. */
export interface ClusterOptions {
  /** Redis: "redis://host:port[/db]", "rediss://…" or { host, port, username, password, db, tls }. */
  connection: ConnectionLike;
  /** The BullMQ queue the workers take jobs from (`hotpath worker --queue`). Default: "hotpath". */
  queue?: string;
  /** BullMQ's key prefix. Default: "bull". */
  prefix?: string;
  /**
   * Milliseconds of work per chunk on one worker core, in [10, 600000]. Chunks are sized from a
   * measured calibration chunk (per kernel, once per cluster), so the per-job cost (a few ms) stays a
   * small fraction. Default: 1000.
   */
  chunkTargetMs?: number;
  /** A chunk that runs longer than this fails its call with ClusterError JOB_TIMEOUT; the worker ends that thread and starts a fresh one. Default: 60 × chunkTargetMs, at least 60000. */
  jobTimeoutMs?: number;
  /** Tries per chunk when a worker fails it for a reason that may pass (not for traps or bad arguments). Default: 3. */
  attempts?: number;
  /** Milliseconds to wait for Redis to connect or answer a command before a ClusterError. Default: 5000. */
  timeoutMs?: number;
  /** Milliseconds between two looks at a call's results. Default: 50. */
  pollMs?: number;
  /** Default progress callback of every call. */
  onProgress?: (progress: ClusterProgress) => void;
}

/** Options of each cluster call. */
export interface ClusterCallOptions {
  /** Cancels the call: its queued chunks are removed from the queue; chunks already running finish and are discarded. */
  signal?: AbortSignal;
  /** How many chunks to cut the work into (at most MAX_CHUNKS), instead of sizing them by time. */
  chunks?: number;
  /** Progress of this call (instead of the cluster's `onProgress`). */
  onProgress?: (progress: ClusterProgress) => void;
}

/** Options of `reduceRange`: as the pool's. */
export interface ClusterReduceOptions<R> extends ClusterCallOptions {
  /** Combines two chunks' results, in range order (associative); or "wrapAdd", "add", "min", "max". */
  combine: ((a: R, b: R) => R) | NamedCombine;
  /** The result of an empty range, and the start of the fold (optional for a named combine, as on the pool). */
  initial?: R;
}

/** A KernelRef that can travel: its wasm bytes, so that workers on other machines can compile it. */
export type PortableKernelRef = KernelRef & { readonly bytes?: () => Promise<Uint8Array> };

/**
 * A user's range kernel for `reduceRange`: a function or object carrying a KernelRef (`hotpath compile`,
 * `jit`) whose `bytes()` gives its wasm, or `{ kernel, wasm }`: such a carrier and its single-thread
 * module's bytes (a Uint8Array, an ArrayBuffer, or a file path or file: URL).
 */
export type ClusterFunction =
  | { readonly [KERNEL_REF]: PortableKernelRef }
  | { kernel: { readonly [KERNEL_REF]: unknown }; wasm: Uint8Array | ArrayBuffer | URL | string };

/** The range kernels (abi.ts RANGE_KERNEL_FUNCTIONS) on the cluster. */
export type ClusterRangeKernels = {
  readonly [K in RangeKernelName]: (lo: U64Like, hi: U64Like, options?: ClusterCallOptions) => Promise<bigint>;
};

/**
 * The pool's parallel forms that make sense across machines, run by `hotpath worker` processes: the
 * same arguments, errors and answers as the pool and the single-thread kernels. Node only.
 */
export interface Cluster extends ClusterRangeKernels, AsyncDisposable {
  sumIntegers(n: U64Like, options?: ClusterCallOptions): Promise<bigint>;
  sumRange(lo: U64Like, hi: U64Like, options?: ClusterCallOptions): Promise<bigint>;
  countPrimes(n: U64Like, options?: ClusterCallOptions): Promise<number>;
  countPrimesRange(lo: U64Like, hi: U64Like, options?: ClusterCallOptions): Promise<number>;
  longestCollatz(limit: U64Like, options?: ClusterCallOptions): Promise<CollatzResult>;
  longestCollatzRange(lo: U64Like, hi: U64Like, options?: ClusterCallOptions): Promise<CollatzResult>;
  monteCarloPi(samples: U64Like, seed?: U64Like, options?: ClusterCallOptions): Promise<MonteCarloResult>;
  /** Escape counts by blocks of rows (each block travels back through Redis: 4 bytes a pixel). */
  mandelbrot(options: MandelbrotOptions & ClusterCallOptions): Promise<Uint32Array>;
  /** `fn(lo, hi)` on sub-ranges of [lo, hi), folded with `combine` in range order, as `pool.reduceRange`. */
  reduceRange<R>(fn: ClusterFunction, lo: number | bigint, hi: number | bigint, options: ClusterReduceOptions<R>): Promise<R>;
  /** `hotpath worker` processes connected to the queue now (BullMQ's workers), and their pools' threads. */
  workers(): Promise<{ processes: number; threads: number }>;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /** Stops this client: calls in progress reject with ClusterError CLOSED (their queued chunks are removed). Workers go on. */
  close(): Promise<void>;
}
