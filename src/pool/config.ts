// The pool's configuration: `createPool`'s options checked and completed, and the choice of data path.
// Pure: what it needs of the platform (cores, whether shared memory can be posted) comes in as
// arguments, so it is tested without starting a worker (test/pool-config.test.ts).
import { WorkerError, expected } from "../errors.ts";
import type { WasmSource } from "../load.ts";
import { checkNotDetached, checkOptions, toInteger } from "../validate.ts";
import type { CallOptions, PoolMode, PoolOptions } from "./types.ts";

export const OPTION_KEYS = ["workers", "mode", "source", "threadsSource", "chunksPerWorker", "warmUp", "workerUrl", "keepAlive"] as const;
export const CALL_KEYS = ["signal", "chunks"] as const;
export const MAX_WORKERS = 512;
/**
 * Most chunks one call may be cut into. Each chunk costs a round trip (≈50–150 µs) and a few hundred
 * bytes of bookkeeping, so 65,536 chunks already mean seconds of pure dispatch; more would only
 * exhaust memory (2^24 chunks ran the process out of heap).
 */
export const MAX_CHUNKS = 1 << 16;
export const DEFAULT_CHUNKS_PER_WORKER = 4;
/** What message mode costs, said in `pool.modeReason`. */
const MESSAGE_COST = "every call copies its arrays to the workers and back (pool.alloc arrays too)";

/** What the configuration needs to know about the platform. */
export interface PlatformFacts {
  cores(): number;
  /** Why a shared memory cannot be posted to workers here, or undefined when it can. */
  sharedMemoryReason(): string | undefined;
}

/** `createPool`'s options, checked, with every default filled in. */
export interface PoolConfig {
  readonly workers: number;
  readonly mode: PoolMode;
  readonly modeReason: string;
  /** The release (single-thread) build as given (undefined: the package's own). */
  readonly source?: WasmSource;
  /** The threads build as given (undefined: the package's own). */
  readonly threadsSource?: WasmSource;
  readonly chunksPerWorker: number;
  readonly warmUp: boolean;
  readonly workerUrl?: URL;
  readonly keepAlive: boolean;
}

/** Checks `createPool`'s options; throws TypeError/RangeError naming the option (or WorkerError when shared mode was asked for and cannot be had). @internal */
export function poolConfig(options: unknown, facts: PlatformFacts): PoolConfig {
  const opts = checkOptions(options, "options", OPTION_KEYS) as PoolOptions;
  const workers = opts.workers === undefined ? facts.cores() : opts.workers;
  if (typeof workers !== "number" || !Number.isInteger(workers) || workers < 1)
    throw new (typeof workers === "number" ? RangeError : TypeError)(expected("options.workers", "a positive integer", workers));
  if (workers > MAX_WORKERS) throw new RangeError(expected("options.workers", `a positive integer ≤ ${MAX_WORKERS}`, workers));
  const chunksPerWorker =
    opts.chunksPerWorker === undefined ? DEFAULT_CHUNKS_PER_WORKER : toInteger(opts.chunksPerWorker, "options.chunksPerWorker", 1, 1 << 16);
  if (opts.warmUp !== undefined && typeof opts.warmUp !== "boolean")
    throw new TypeError(expected("options.warmUp", "a boolean", opts.warmUp));
  if (opts.keepAlive !== undefined && typeof opts.keepAlive !== "boolean")
    throw new TypeError(expected("options.keepAlive", "a boolean", opts.keepAlive));
  // Both sources are checked whichever mode is chosen: a wrong value is a mistake even where it goes unused.
  if (opts.source !== undefined) checkWasmSource(opts.source, "options.source");
  if (opts.threadsSource !== undefined) checkWasmSource(opts.threadsSource, "options.threadsSource");
  const workerUrl = opts.workerUrl === undefined ? undefined : toUrl(opts.workerUrl, "options.workerUrl");
  const requested = opts.mode === undefined ? "auto" : opts.mode;
  if (requested !== "auto" && requested !== "shared" && requested !== "message")
    throw new TypeError(expected("options.mode", '"auto", "shared" or "message"', requested));
  const { mode, modeReason } = chooseMode(requested, facts.sharedMemoryReason());
  return {
    workers,
    mode,
    modeReason,
    source: opts.source,
    threadsSource: opts.threadsSource,
    chunksPerWorker,
    warmUp: opts.warmUp !== false,
    workerUrl,
    keepAlive: opts.keepAlive !== false,
  };
}

/** The data path for a requested mode, and why. `unavailable`: why shared memory cannot be used here, if it cannot. @internal */
export function chooseMode(requested: PoolMode | "auto", unavailable: string | undefined): { mode: PoolMode; modeReason: string } {
  if (requested === "message") return { mode: "message", modeReason: `message passing was requested (options.mode): ${MESSAGE_COST}` };
  if (requested === "shared") {
    if (unavailable) throw new WorkerError(`options.mode is "shared", but shared memory cannot be used here: ${unavailable}`);
    return { mode: "shared", modeReason: "shared memory was requested (options.mode)" };
  }
  if (unavailable)
    return {
      mode: "message",
      modeReason: `message passing, because ${unavailable}: ${MESSAGE_COST}`,
    };
  return { mode: "shared", modeReason: "shared memory, because SharedArrayBuffer can be posted to workers here" };
}

/** Checks the shape of a WasmSource (whether it compiles is learnt later): a URL, a URL string, bytes or a WebAssembly.Module. @internal */
export function checkWasmSource(value: unknown, name: string): WasmSource {
  checkNotDetached(value, name, "the bytes of a .wasm");
  if (value instanceof URL || value instanceof WebAssembly.Module || value instanceof ArrayBuffer) return value;
  if (typeof value === "string" && value.length > 0) return value;
  if (ArrayBuffer.isView(value)) return value;
  throw new TypeError(expected(name, "a URL, a URL string, bytes or a WebAssembly.Module", value));
}

function toUrl(value: unknown, name: string): URL {
  if (value instanceof URL) return value;
  if (typeof value === "string")
    try {
      return new URL(value, globalThis.location?.href);
    } catch {
      // Falls through to the error below.
    }
  throw new TypeError(expected(name, "a URL or an absolute URL string of the pool's worker script", value));
}

/** Checks a call's options and says how many chunks to cut it into (`defaultChunks` when it does not say). @internal */
export function callChunks(options: CallOptions | undefined, name: string, defaultChunks: number): number {
  checkOptions(options, name, CALL_KEYS);
  if (options?.signal !== undefined && !isAbortSignal(options.signal))
    throw new TypeError(expected(`${name}.signal`, "an AbortSignal", options.signal));
  if (options?.chunks !== undefined) return toInteger(options.chunks, `${name}.chunks`, 1, MAX_CHUNKS);
  return Math.min(MAX_CHUNKS, defaultChunks);
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as AbortSignal).aborted === "boolean" &&
    typeof (value as AbortSignal).addEventListener === "function"
  );
}
