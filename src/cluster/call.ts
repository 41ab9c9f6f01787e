// One call on the queue, as the cluster client drives it: its jobs (added in batches), the results hash
// its chunks land in (read incrementally: a list of finished indices, one LLEN per poll), its progress,
// and the helpers that turn Redis going away into ClusterError REDIS_LOST instead of a hang.
import { randomUUID } from "node:crypto";
import type { redisTarget, Redis } from "./engine.ts";
import { AbortError } from "../errors.ts";
import { ClusterError, reasonToError } from "./errors.ts";
import { HOTPATH_VERSION, MAX_PAYLOAD_BYTES, decodeValue, encodeJob, jobId, keys, type ChunkResult, type Task } from "./protocol.ts";
import type { ClusterProgress } from "./types.ts";

/** Jobs added per addBulk: one round trip each. */
const ADD_BATCH = 500;

/** What every call of one cluster client shares: the connection, the queue and the settings. */
export interface ClientConfig {
  redis: Redis;
  queue: import("bullmq").Queue;
  queueName: string;
  prefix: string;
  targetMs: number;
  jobTimeoutMs: number;
  attempts: number;
  pollMs: number;
  timeoutMs: number;
  onProgress?: (p: ClusterProgress) => void;
  target: ReturnType<typeof redisTarget>;
}

/** One call on the queue: its jobs, and the results hash its chunks land in. */
export class CallState {
  readonly id = randomUUID();
  readonly started = performance.now();
  #added = 0;
  #done = new Map<number, ChunkResult>();
  #lastReported = -1;
  #pause = 2;
  readonly #results: string;
  readonly #errors: string;
  /** The list of finished chunk indices, in the order they finished, and how much of it was read. */
  readonly #list: string;
  #listed = 0;

  constructor(
    private readonly c: ClientConfig,
    private readonly name: string,
    private readonly signal: AbortSignal,
    private readonly onProgress: ((p: ClusterProgress) => void) | undefined,
  ) {
    this.#results = keys.results(c.prefix, c.queueName, this.id);
    this.#errors = `${this.#results}:errors`;
    this.#list = `${this.#results}:done`;
  }

  /** Adds jobs for `tasks`; returns the index of the first. */
  async add(tasks: Task[]): Promise<number> {
    const first = this.#added;
    for (let at = 0; at < tasks.length; at += ADD_BATCH) {
      this.signal.throwIfAborted();
      const jobs = tasks.slice(at, at + ADD_BATCH).map((task, k) => {
        const index = first + at + k;
        return {
          name: this.name,
          data: encodeJob({ version: HOTPATH_VERSION, call: this.id, index, task, timeoutMs: this.c.jobTimeoutMs }),
          opts: {
            jobId: jobId(this.id, index),
            attempts: this.c.attempts,
            backoff: { type: "fixed" as const, delay: 200 },
            removeOnComplete: true,
            removeOnFail: { age: 24 * 3600 },
            sizeLimit: MAX_PAYLOAD_BYTES,
          },
        };
      });
      await redisCall(this.name, () => this.c.queue.addBulk(jobs));
      this.#added = first + at + jobs.length;
    }
    this.#report();
    return first;
  }

  /** Waits for chunk `index`. */
  async wait(index: number): Promise<ChunkResult> {
    while (!this.#done.has(index)) await this.#poll();
    return this.#done.get(index)!;
  }

  /** Waits for every chunk added; their values in index order. */
  async all(): Promise<unknown[]> {
    while (this.#done.size < this.#added) await this.#poll();
    return Array.from({ length: this.#added }, (_, i) => decodeValue(this.#done.get(i)!.value));
  }

  /** One look at the results (after a pause): new results are read, a failed chunk rejects the call. */
  async #poll(): Promise<void> {
    // Short calls are seen soon: the pause starts at 2 ms and doubles up to pollMs until a result arrives.
    await sleep(this.#pause, this.signal);
    this.#pause = Math.min(this.#pause * 2, this.c.pollMs);
    const [listed, failed] = await redisCall(this.name, async () => {
      const r = await this.c.redis.multi().llen(this.#list).hlen(this.#errors).exec();
      return [Number(r![0][1]), Number(r![1][1])];
    });
    if (failed > 0) {
      const errors = await redisCall(this.name, () => this.c.redis.hgetall(this.#errors));
      const [index, reason] = Object.entries(errors).sort(([a], [b]) => Number(a) - Number(b))[0];
      throw reasonToError(reason, `${this.name}: chunk ${index} failed on a worker`);
    }
    if (listed > this.#listed) {
      // Only the chunks finished since the last look: O(new results) a poll, however many chunks the call has.
      const indices = await redisCall(this.name, () => this.c.redis.lrange(this.#list, this.#listed, listed - 1));
      const values = await redisCall(this.name, () => this.c.redis.hmget(this.#results, ...indices));
      values.forEach((v, k) => {
        const index = Number(indices[k]);
        if (v === null || !Number.isInteger(index) || index < 0 || index >= this.#added)
          throw new ClusterError("BAD_JOB", `${this.name}: chunk ${indices[k]} is listed as done but has no result`);
        let parsed: ChunkResult;
        try {
          parsed = JSON.parse(v) as ChunkResult;
        } catch {
          throw new ClusterError("BAD_JOB", `${this.name}: the result of chunk ${index} is not JSON`);
        }
        this.#done.set(index, parsed);
      });
      this.#listed = listed;
      this.#pause = 2;
      this.#report();
    }
  }

  #report(): void {
    const state = this.#done.size * 2 ** 20 + this.#added;
    if (!this.onProgress || state === this.#lastReported) return;
    this.#lastReported = state;
    const elapsedMs = performance.now() - this.started;
    const done = this.#done.size;
    this.onProgress({
      call: this.name,
      done,
      total: this.#added,
      elapsedMs,
      etaMs: done === 0 ? undefined : (elapsedMs / done) * (this.#added - done),
    });
  }

  /** Takes the call's chunks that have not finished off the queue (BullMQ removes waiting and delayed jobs), and tells the workers to stop the running ones. */
  async cancel(): Promise<void> {
    await this.c.redis.publish(keys.cancel(this.c.prefix, this.c.queueName), this.id).catch(() => 0);
    const ids: string[] = [];
    for (let i = 0; i < this.#added; i++) if (!this.#done.has(i)) ids.push(jobId(this.id, i));
    await Promise.all(ids.map((id) => this.c.queue.remove(id).catch(() => 0))).catch(() => {});
  }

  /** Deletes the call's results. */
  async forget(): Promise<void> {
    await this.c.redis.del(this.#results, this.#errors, this.#list).catch(() => {});
  }
}

/** What ioredis says when Redis is away: refused or reset connections, a closed stream, a command timeout. */
const REDIS_FAILURE =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection is closed|Stream isn't writeable|Command timed out|enableOfflineQueue|max retries|MaxRetriesPerRequest|Connection lost|connect ETIMEDOUT/i;

/** A Redis command of a call: a failure (Redis gone, or a timeout) becomes ClusterError REDIS_LOST. */
export async function redisCall<T>(name: string, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ClusterError || error instanceof AbortError || (error instanceof Error && error.name === "AbortError"))
      throw error;
    if (error instanceof Error && /size of job .* exceeds the limit/.test(error.message))
      throw new ClusterError("BAD_JOB", `${name}: a job payload is larger than ${MAX_PAYLOAD_BYTES} bytes: ${error.message}`, {
        cause: error,
      });
    if (error instanceof Error && REDIS_FAILURE.test(error.message))
      throw new ClusterError("REDIS_LOST", `${name}: Redis stopped answering: ${message(error)}`, { cause: error });
    throw error;
  }
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener("abort", stop);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", stop, { once: true });
  });
}

export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
