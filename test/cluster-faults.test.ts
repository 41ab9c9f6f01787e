// Faults on the cluster: Redis that does not answer, a worker process killed in the middle of a chunk
// (BullMQ's stalled-job check runs the chunk again on another worker; the answer stays exact), jobs
// that are malformed, too large or made by another hotpath version (refused, nothing counted), and
// Redis stopped during a call (ClusterError REDIS_LOST, no hang). All on 127.0.0.1.
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ClusterError, HOTPATH_VERSION, MAX_PAYLOAD_BYTES, createCluster, type Cluster } from "../src/cluster/index.ts";
import { describeWith } from "./support/tools.ts";
import { freePort, startRedis, startWorker, type RedisServer, type WorkerProcess } from "./support/redis.ts";

/** π(2^32). */
const PI_2_32 = 203280221;

describeWith("redis")("cluster faults", () => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  let cluster: Cluster | undefined;
  let queue: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    redis = await startRedis();
    // Short locks, so a dead worker's chunk is noticed within seconds.
    const args = ["--workers", "1", "--quiet", "--lock-ms", "3000", "--stalled-ms", "500"];
    for (let i = 0; i < 3; i++) workers.push(await startWorker(redis.url, args));
    const connection = { host: "127.0.0.1", port: redis.port };
    queue = new Queue("hotpath", { connection });
    events = new QueueEvents("hotpath", { connection });
    await events.waitUntilReady();
  }, 60_000);

  afterAll(async () => {
    // Closed by the last test; if it did not run, close them here (never waiting on a Redis that is gone).
    await Promise.race([Promise.all([events?.close(), queue?.close()]), new Promise((r) => setTimeout(r, 3000))]);
    await Promise.all(workers.map((w) => w.stop("SIGKILL")));
    await redis?.stop();
  });

  it("createCluster where no Redis listens: ClusterError REDIS_UNREACHABLE, within the timeout", async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await createCluster({ connection: `redis://127.0.0.1:${port}`, timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).code).toBe("REDIS_UNREACHABLE");
    expect((error as Error).message).toContain(`No Redis answered at redis://127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("a worker killed mid-chunk: its chunk runs again on another worker and the answer is exact", async () => {
    cluster = await createCluster({ connection: redis.url });
    const call = cluster.countPrimesRange(0n, 1n << 32n, { chunks: 6 });
    // Wait until some worker holds a chunk, then kill that worker's process (SIGKILL: no clean-up at all).
    let victim: WorkerProcess | undefined;
    for (let i = 0; i < 400 && !victim; i++) {
      const active = await queue.getActive();
      const by = active.map((job) => job.processedBy).find((name) => name);
      victim = workers.find((w) => by?.endsWith(`:${w.pid}`));
      if (!victim) await new Promise((r) => setTimeout(r, 25));
    }
    expect(victim).toBeDefined();
    await victim!.stop("SIGKILL");
    expect(await call).toBe(PI_2_32);
    workers = workers.filter((w) => w !== victim);
  }, 60_000);

  async function failedReason(data: unknown, jobId: string): Promise<string> {
    const job = await queue.add("hand-made", data, { jobId });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow();
    return (await queue.getJob(jobId))!.failedReason;
  }

  it("refuses malformed, too large and other-version jobs without running them, and counts nothing from them", async () => {
    const client = new Redis({ host: "127.0.0.1", port: redis.port });
    const call = "00000000-0000-4000-8000-000000000001";
    const results = `bull:hotpath:hotpath:results:${call}`;
    const task = { kind: "sumRange", lo: { b: "0" }, hi: { b: "1000" } };
    expect(await failedReason({ version: HOTPATH_VERSION, call, index: 0, task: { ...task, lo: { b: "-5" } } }, `${call}_0`)).toMatch(
      /^\[BAD_JOB\] job .* refused: task.lo is not a u64$/,
    );
    expect(await failedReason({ version: HOTPATH_VERSION, call, index: 1, task: { kind: "rm -rf" } }, `${call}_1`)).toMatch(
      /task.kind "rm -rf" is not a hotpath task/,
    );
    const big = { version: HOTPATH_VERSION, call, index: 2, task, padding: "x".repeat(MAX_PAYLOAD_BYTES) };
    expect(await failedReason(big, `${call}_2`)).toMatch(/payload is \d+ bytes, more than 16384/);
    expect(await failedReason({ version: "0.0.0-other", call, index: 3, task }, `${call}_3`)).toMatch(
      new RegExp(
        `^\\[VERSION_MISMATCH\\] worker .* runs hotpath ${HOTPATH_VERSION.replace(/\./g, "\\.")} and refuses a job made by hotpath 0\\.0\\.0-other`,
      ),
    );
    // The same job well formed is run: it is the payload, not the queue, that was refused.
    await queue.add("hand-made", { version: HOTPATH_VERSION, call, index: 4, task }, { jobId: `${call}_4` });
    for (let i = 0; i < 200 && (await client.hlen(results)) < 1; i++) await new Promise((r) => setTimeout(r, 50));
    const stored = await client.hgetall(results);
    expect(Object.keys(stored)).toEqual(["4"]);
    expect(JSON.parse(stored["4"]).value).toEqual({ b: String((999n * 1000n) / 2n) });
    // The same chunk again: the job id makes BullMQ keep one job; run again after its job is gone, it is still counted once.
    const again = { version: HOTPATH_VERSION, call, index: 4, task };
    expect((await queue.add("hand-made", again, { jobId: `${call}_4` })).id).toBe(`${call}_4`);
    await (await queue.getJob(`${call}_4`))!.remove();
    const rerun = await queue.add("hand-made", again, { jobId: `${call}_4` });
    await rerun.waitUntilFinished(events, 20_000);
    expect(await client.lrange(`${results}:done`, 0, -1)).toEqual(["4"]);
    expect(await client.hgetall(results)).toEqual(stored);
    await client.quit();
    // The caller's side refuses to add a payload over the limit (BullMQ's sizeLimit).
    await expect(queue.add("too-big", { padding: "x".repeat(MAX_PAYLOAD_BYTES + 1) }, { sizeLimit: MAX_PAYLOAD_BYTES })).rejects.toThrow(
      /exceeds the limit/,
    );
  }, 60_000);

  it("Redis stopped during a call: ClusterError REDIS_LOST, no hang", async () => {
    // Nothing else of this file talks to Redis once it is gone.
    await Promise.all([cluster?.close(), events.close(), queue.close()]);
    cluster = undefined;
    const c = await createCluster({ connection: redis.url, timeoutMs: 1000 });
    try {
      let stopped: Promise<void> | undefined;
      const started = Date.now();
      const error = await c
        .countPrimesRange(0n, 1n << 32n, { chunks: 40, onProgress: (p) => void (p.done >= 1 && (stopped ??= redis.stop())) })
        .catch((e: unknown) => e);
      await stopped;
      expect(error).toBeInstanceOf(ClusterError);
      expect((error as ClusterError).code).toBe("REDIS_LOST");
      expect((error as Error).message).toMatch(/^countPrimesRange: Redis stopped answering/);
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await c.close();
    }
  }, 60_000);
});
