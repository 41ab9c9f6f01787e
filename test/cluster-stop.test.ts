// The cluster stops what it is told to stop, tested with a kernel that never ends (a WAT loop): an
// AbortSignal reaches the chunks already running (each worker ends that thread and starts a fresh one, so
// the next call is answered), `jobTimeoutMs` fails a runaway chunk with ClusterError JOB_TIMEOUT, and a
// SIGTERM to a worker busy with such a chunk makes it exit within seconds. Real Redis, real worker processes.
import wabtInit from "wabt";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ClusterError, createCluster, type Cluster } from "../src/cluster/index.ts";
import type { FunctionSpec } from "../src/kernels/contract.ts";
import { AbortError } from "../src/errors.ts";
import { userKernel } from "./cluster-fixtures/kernels.ts";
import { describeWith } from "./support/tools.ts";
import { startRedis, startWorker, type RedisServer, type WorkerProcess } from "./support/redis.ts";

const SPIN_WAT = `(module
  ;; Never returns: a loop with no way out.
  (func (export "spin") (param $lo i64) (param $hi i64) (result i64)
    (loop $forever (br $forever))
    (i64.const 0)))`;
const SPIN: FunctionSpec = {
  name: "spin",
  params: [
    { name: "lo", type: "u64" },
    { name: "hi", type: "u64" },
  ],
  result: "u64",
};

async function spinKernel() {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat("spin.wat", SPIN_WAT);
  const bytes = new Uint8Array(parsed.toBinary({}).buffer);
  parsed.destroy();
  return userKernel(bytes, SPIN);
}

describeWith("redis")("cluster stops what it is told to stop (never-ending kernel)", () => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  let cluster: Cluster;
  let spin: Awaited<ReturnType<typeof spinKernel>>;

  beforeAll(async () => {
    redis = await startRedis();
    workers = await Promise.all([1, 1].map(() => startWorker(redis.url, ["--workers", "1", "--quiet"])));
    cluster = await createCluster({ connection: redis.url, chunkTargetMs: 200 });
    spin = await spinKernel();
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
  });

  it("an abort reaches the running chunks: the workers answer the next call", async () => {
    const t0 = performance.now();
    await expect(
      cluster.reduceRange(spin, 0n, 100n, { combine: "wrapAdd", chunks: 2, signal: AbortSignal.timeout(1500) }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(performance.now() - t0).toBeLessThan(10_000);
    // Both workers were spinning; only if their threads were ended can they count primes now.
    expect(await cluster.countPrimes(10_000_000, { chunks: 4 })).toBe(664579);
  }, 60_000);

  it("jobTimeoutMs fails a runaway chunk with ClusterError JOB_TIMEOUT, and the workers go on", async () => {
    const strict = await createCluster({ connection: redis.url, jobTimeoutMs: 1500 });
    try {
      const error = await strict.reduceRange(spin, 0n, 100n, { combine: "wrapAdd", chunks: 2 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClusterError);
      expect((error as ClusterError).code).toBe("JOB_TIMEOUT");
      expect((error as ClusterError).message).toMatch(/ran longer than 1500 ms \(jobTimeoutMs\)/);
      expect(await strict.countPrimes(10_000_000, { chunks: 4 })).toBe(664579);
    } finally {
      await strict.close();
    }
  }, 60_000);

  it("rejects a bad jobTimeoutMs by name", async () => {
    await expect(createCluster({ connection: redis.url, jobTimeoutMs: 0 })).rejects.toThrow("options.jobTimeoutMs");
  });

  it("a SIGTERM to a worker busy with a never-ending chunk makes it exit within seconds", async () => {
    const lone = await startWorker(redis.url, ["--workers", "1", "--quiet", "--queue", "stop-test"]);
    const side = await createCluster({ connection: redis.url, queue: "stop-test" });
    const control = new AbortController();
    const call = side.reduceRange(spin, 0n, 10n, { combine: "wrapAdd", chunks: 1, signal: control.signal }).catch(() => {});
    try {
      // Until the worker has taken the chunk: its line says 1 running (it prints one per chunk event only), so wait a while.
      await new Promise((r) => setTimeout(r, 2500));
      const t0 = performance.now();
      const exited = new Promise<number | null>((resolve) => lone.process.once("exit", (code) => resolve(code)));
      lone.process.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 8000))]);
      expect(code).not.toBe("hung");
      expect(performance.now() - t0).toBeLessThan(8000);
    } finally {
      control.abort();
      await call;
      await side.close();
      await lone.stop("SIGKILL");
    }
  }, 60_000);
});
