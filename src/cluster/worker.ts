// The worker's side (`hotpath worker`): a local hotpath pool behind a BullMQ worker. Each job is one
// chunk, run on the pool as one piece (`chunks: 1`), so the BullMQ worker takes as many jobs at once as
// the pool has threads. Built-in kernels come from the installed package; a user's module is fetched
// from Redis by its content hash (checked) the first time a job names it. Jobs made by another hotpath
// version, malformed or too large are refused without running (UnrecoverableError: no retries) and
// leave no result; their reason goes to the call's errors hash, where the caller finds it.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { KERNEL_REF, type KernelRef } from "../kernels/contract.ts";
import { KernelError } from "../errors.ts";
import { createPool } from "../pool/pool.ts";
import { connectFailFast, loadEngine, redisTarget } from "./engine.ts";
import {
  BadJob,
  HOTPATH_VERSION,
  RESULT_TTL_SECONDS,
  MAX_MODULE_BYTES,
  decodeJob,
  encodeValue,
  jobId,
  keys,
  parseJobId,
  type Task,
} from "./protocol.ts";

/** Stores a chunk's result once and lists its index (atomic: a Lua script runs alone in Redis). */
const STORE_RESULT = `
if redis.call("HSETNX", KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call("RPUSH", KEYS[2], ARGV[1]) end
redis.call("EXPIRE", KEYS[1], ARGV[3])
redis.call("EXPIRE", KEYS[2], ARGV[3])
return 1`;

/** splitmix64's increment (assembly/random.ts GAMMA): chunk c of seed s draws from mix(s + (c + 1)·GAMMA). */
const GAMMA = 0x9e3779b97f4a7c15n;
const MONTE_CARLO_CHUNK = 1n << 16n;

export interface WorkerOptions {
  /** Redis URL (or { host, port, … }). */
  connection: unknown;
  /** Pool threads, and jobs taken at once. Default: the cores the platform reports. */
  workers?: number;
  queue?: string;
  prefix?: string;
  /** BullMQ lock: a job whose worker stops renewing it for this long counts as stalled. Default: 10000 ms. */
  lockMs?: number;
  /** How often this worker looks for stalled jobs. Default: 5000 ms. */
  stalledMs?: number;
  /** Called when a chunk finishes or fails. */
  onChunk?: (stats: WorkerStats) => void;
}

export interface WorkerStats {
  threads: number;
  done: number;
  failed: number;
  running: number;
  /** Milliseconds of kernel time over all chunks done. */
  busyMs: number;
  lastError?: string;
}

export interface ClusterWorker {
  readonly stats: WorkerStats;
  /** Stops taking jobs, stops the running ones (they go back to the queue), closes the pool and the connections. */
  close(): Promise<void>;
}

/** Starts a worker process's BullMQ worker over a fresh hotpath pool. */
export async function startWorker(options: WorkerOptions): Promise<ClusterWorker> {
  const { bullmq, Redis } = await loadEngine();
  const target = redisTarget(options.connection, "--redis");
  const queue = options.queue ?? "hotpath";
  const prefix = options.prefix ?? "bull";
  // Say so at once if Redis is not there (BullMQ itself would wait for it without a word).
  (await connectFailFast(Redis, target, 5000)).disconnect();
  const pool = await createPool(options.workers === undefined ? {} : { workers: options.workers });
  const store = new Redis({ ...target, maxRetriesPerRequest: null });
  store.on("error", () => {});
  const stats: WorkerStats = { threads: pool.size, done: 0, failed: 0, running: 0, busyMs: 0 };
  const modules = new Map<string, Promise<{ [KERNEL_REF]: KernelRef }>>();
  const me = `${hostname()}:${process.pid}`;
  // Chunks running now, by job id: aborting one makes the pool end its thread and start a fresh one.
  const running = new Map<string, { call: string; control: AbortController }>();
  // A caller that gives a call up publishes its id: its running chunks here stop.
  const cancels = new Redis({ ...target, maxRetriesPerRequest: null });
  cancels.on("error", () => {});
  cancels.on("message", (_channel: string, call: string) => {
    for (const entry of running.values()) if (entry.call === call) entry.control.abort(new Cancelled("the caller gave the call up"));
  });
  await cancels.subscribe(keys.cancel(prefix, queue));

  const worker = new bullmq.Worker(
    queue,
    async (job) => {
      let payload;
      try {
        payload = decodeJob(job.data);
      } catch (error) {
        if (error instanceof BadJob) throw new bullmq.UnrecoverableError(`[BAD_JOB] job ${job.id} refused: ${error.message}`);
        throw error;
      }
      if (payload.version !== HOTPATH_VERSION)
        throw new bullmq.UnrecoverableError(
          `[VERSION_MISMATCH] worker ${me} runs hotpath ${HOTPATH_VERSION} and refuses a job made by hotpath ${payload.version}: install the same hotpath version on the caller and on every worker`,
        );
      if (job.id !== jobId(payload.call, payload.index))
        throw new bullmq.UnrecoverableError(`[BAD_JOB] job ${job.id} refused: its id is not <call>_<index> of its payload`);
      stats.running++;
      const started = performance.now();
      const control = new AbortController();
      running.set(job.id!, { call: payload.call, control });
      const timeoutMs = payload.timeoutMs;
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () =>
                control.abort(
                  new Cancelled(
                    `[JOB_TIMEOUT] chunk ${payload.index} ran longer than ${timeoutMs} ms (jobTimeoutMs) on worker ${me}: its thread was ended and replaced`,
                    true,
                  ),
                ),
              timeoutMs,
            );
      let value: unknown;
      try {
        value = await run(payload.task, control.signal);
      } catch (error) {
        const why = control.signal.reason as Cancelled | undefined;
        // A runaway chunk or a call given up: not retried (a stopping worker's chunks are, elsewhere).
        if (why instanceof Cancelled && why.final)
          throw new bullmq.UnrecoverableError(why.message.startsWith("[") ? why.message : `[JOB_FAILED] ${why.message}`);
        if (why instanceof Cancelled) throw new Error(`[JOB_FAILED] chunk ${payload.index} stopped: ${why.message}`);
        // The same chunk fails the same way anywhere: no retry for traps and argument errors.
        if (error instanceof KernelError || error instanceof RangeError || error instanceof TypeError)
          throw new bullmq.UnrecoverableError(`[JOB_FAILED] ${error.name}: ${error.message}`);
        throw error;
      } finally {
        clearTimeout(timer);
        running.delete(job.id!);
        stats.running--;
      }
      const ms = performance.now() - started;
      const results = keys.results(prefix, queue, payload.call);
      // A chunk run twice (its first worker died after storing) counts once: HSETNX, and the index is
      // appended to the call's list of finished chunks only by the store that created the field.
      await store.eval(
        STORE_RESULT,
        2,
        results,
        `${results}:done`,
        String(payload.index),
        JSON.stringify({ value: encodeValue(value), ms, worker: me }),
        String(RESULT_TTL_SECONDS),
      );
      stats.done++;
      stats.busyMs += ms;
      options.onChunk?.(stats);
      return null;
    },
    {
      connection: target,
      prefix,
      concurrency: pool.size,
      // The caller counts threads from this name (client.ts #slots).
      name: `hotpath:${pool.size}:${me}`,
      lockDuration: options.lockMs ?? 10_000,
      stalledInterval: options.stalledMs ?? 5_000,
      maxStalledCount: 2,
    },
  );
  worker.on("error", (error) => {
    stats.lastError = error.message;
  });
  worker.on("failed", (job, error) => {
    if (!job) return;
    stats.failed++;
    stats.lastError = error.message;
    options.onChunk?.(stats);
    const id = parseJobId(job.id);
    if (!id) return;
    // Only a final failure is the caller's business; a failed try with attempts left goes back to the queue.
    void job
      .getState()
      .then(async (state) => {
        if (state !== "failed") return;
        const errors = `${keys.results(prefix, queue, id.call)}:errors`;
        await store
          .multi()
          .hsetnx(errors, String(id.index), error.message.startsWith("[") ? error.message : `[JOB_FAILED] ${error.message}`)
          .expire(errors, RESULT_TTL_SECONDS)
          .exec();
      })
      .catch(() => {});
  });
  await worker.waitUntilReady();

  async function run(task: Task, signal: AbortSignal): Promise<unknown> {
    switch (task.kind) {
      case "sumRange":
        return pool.sumRange(task.lo, task.hi, { chunks: 1, signal });
      case "countPrimesRange":
        return pool.countPrimesRange(task.lo, task.hi, { chunks: 1, signal });
      case "collatz":
        return pool.longestCollatzRange(task.lo, task.hi, { chunks: 1, signal });
      case "range":
        return pool[task.kernel](task.lo, task.hi, { chunks: 1, signal });
      case "monteCarlo": {
        // Chunks [first, end) of seed s are chunks [0, end − first) of seed s + first·GAMMA (mod 2^64),
        // the last one as short as in the whole draw: the pool's monteCarloPi over that many samples.
        const { seed, first, end, total } = task;
        if (end <= first || first * MONTE_CARLO_CHUNK >= total)
          throw new RangeError(`Expected a non-empty Monte Carlo chunk range, got [${first}, ${end}) of ${total}`);
        const stop = end * MONTE_CARLO_CHUNK < total ? end * MONTE_CARLO_CHUNK : total;
        const r = await pool.monteCarloPi(stop - first * MONTE_CARLO_CHUNK, BigInt.asUintN(64, seed + first * GAMMA), {
          chunks: 1,
          signal,
        });
        return BigInt(r.inside);
      }
      case "mandelbrot": {
        if (task.rowEnd <= task.rowStart) throw new RangeError(`Expected rowEnd > rowStart, got [${task.rowStart}, ${task.rowEnd})`);
        const { kind: _, ...block } = task;
        const [rows] = await pool.map<typeof block, Uint32Array>({ module: rowsModule(), export: "clusterMandelbrotRows" }, [block], {
          chunks: 1,
          signal,
        });
        return rows;
      }
      case "call": {
        const fn = await userKernel(task.module, task.spec);
        const big = task.spec.params[0].type === "u64" || task.spec.params[0].type === "i64";
        const lo = big ? task.lo : Number(task.lo);
        const hi = big ? task.hi : Number(task.hi);
        // One piece: the fold is the caller's; this returns the kernel's result for [lo, hi).
        return pool.reduceRange(fn, lo, hi, { combine: (_a: unknown, b: unknown) => b, initial: undefined, chunks: 1, signal });
      }
    }
  }

  /** A user's module by content hash: fetched from Redis once per process, checked against its hash. */
  function userKernel(hash: string, spec: KernelRef["spec"]): Promise<{ [KERNEL_REF]: KernelRef }> {
    const key = `${hash}:${JSON.stringify(spec)}`;
    let entry = modules.get(key);
    if (!entry) {
      entry = (async () => {
        const bytes = await store.getBuffer(keys.module(prefix, queue, hash));
        if (!bytes)
          throw new bullmq.UnrecoverableError(
            `[BAD_JOB] module ${hash} is not in Redis (it expired, or the job did not come from a hotpath caller)`,
          );
        if (bytes.byteLength > MAX_MODULE_BYTES)
          throw new bullmq.UnrecoverableError(`[BAD_JOB] module ${hash} is larger than ${MAX_MODULE_BYTES} bytes`);
        if (createHash("sha256").update(bytes).digest("hex") !== hash)
          throw new bullmq.UnrecoverableError(`[BAD_JOB] module ${hash} in Redis does not match its hash`);
        const module = await WebAssembly.compile(new Uint8Array(bytes));
        return { [KERNEL_REF]: { spec, module: async () => module } };
      })();
      entry.catch(() => modules.delete(key));
      modules.set(key, entry);
    }
    return entry;
  }

  return {
    stats,
    async close() {
      // Running chunks stop now (their threads are ended) and go back to the queue for another worker.
      const closing = worker.close();
      for (const entry of running.values()) entry.control.abort(new Cancelled("the worker is stopping", false));
      await closing;
      await pool.close();
      await cancels.quit().catch(() => cancels.disconnect());
      await store.quit().catch(() => store.disconnect());
    },
  };
}

/** Why a running chunk was stopped; `final`: fail its call (a runaway or a given-up call), else retry it elsewhere. */
class Cancelled extends Error {
  constructor(
    message: string,
    readonly final = true,
  ) {
    super(message);
  }
}

/** build/cluster.js, which pool threads import for Mandelbrot blocks: beside this bundle (build/cli.js), or under build/ when run from source. */
let rowsUrl: URL | undefined;
function rowsModule(): URL {
  if (rowsUrl) return rowsUrl;
  for (const candidate of [new URL("./cluster.js", import.meta.url), new URL("../../build/cluster.js", import.meta.url)])
    if (candidate.protocol === "file:" && existsSync(candidate)) return (rowsUrl = candidate);
  throw new Error("build/cluster.js is missing: run `node scripts/build.mjs` (hotpath worker loads Mandelbrot rows from it)");
}
