// The cluster gives exactly the single-thread answers: a Redis on 127.0.0.1 and three `hotpath worker`
// processes (1, 1 and 2 threads), every parallel form against `kernels()` on this thread, for chunkings
// sized by time and forced; a user's WAT kernel travelling by content hash; the pool's argument errors;
// progress; an AbortSignal taking the call's jobs off the queue.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ClusterError, createCluster, type Cluster, type ClusterProgress } from "../src/cluster/index.ts";
import { AbortError } from "../src/errors.ts";
import { kernels, type Kernels } from "../src/kernels/kernels.ts";
import { SUM_SQUARES, TRAP, sumSquares, userKernel, watBytes } from "./cluster-fixtures/kernels.ts";
import * as plain from "./compile-fixtures/plain.ts";
import { cli, fixtures, outDir, root } from "./compile-fixtures/support/out.ts";
import { describeWith } from "./support/tools.ts";
import { startRedis, startWorker, type RedisServer, type WorkerProcess } from "./support/redis.ts";

const run = promisify(execFile);

describeWith("redis")("cluster answers (Redis + 3 hotpath worker processes, 4 threads)", () => {
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  let cluster: Cluster;
  let k: Kernels;
  let wasm: Uint8Array;

  beforeAll(async () => {
    redis = await startRedis();
    workers = await Promise.all([1, 1, 2].map((threads) => startWorker(redis.url, ["--workers", String(threads), "--quiet"])));
    cluster = await createCluster({ connection: redis.url, chunkTargetMs: 200 });
    k = await kernels();
    wasm = await watBytes();
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
  });

  it("sees the three worker processes and their four threads", async () => {
    expect(await cluster.workers()).toEqual({ processes: 3, threads: 4 });
  });

  it("sums: the single-thread answer, chunks sized by time or forced", async () => {
    const n = 10n ** 9n;
    expect(await cluster.sumIntegers(n)).toBe(k.sumIntegers(n));
    expect(await cluster.sumIntegers(n, { chunks: 7 })).toBe(k.sumIntegers(n));
    // Wraps modulo 2^64 as one thread does.
    const lo = (1n << 64n) - 3000n;
    expect(await cluster.sumRange(lo, lo + 2999n, { chunks: 3 })).toBe(k.sumRange(lo, lo + 2999n));
    expect(await cluster.sumRange(5n, 5n)).toBe(0n);
  });

  it("π(10^9) = 50847534", async () => {
    expect(await cluster.countPrimes(10n ** 9n)).toBe(50847534);
    expect(await cluster.countPrimesRange(10n ** 6n, 2n * 10n ** 6n, { chunks: 5 })).toBe(k.countPrimesRange(10n ** 6n, 2n * 10n ** 6n));
    // Past 2^32 and up to 2^64 − 1: the sieve's bucket path, and the tested path for short ranges far out.
    expect(await cluster.countPrimesRange(10n ** 12n, 10n ** 12n + 10n ** 8n, { chunks: 4 })).toBe(
      k.countPrimesRange(10n ** 12n, 10n ** 12n + 10n ** 8n),
    );
    expect(await cluster.countPrimesRange(2n ** 64n - 3_000_000n, 2n ** 64n - 1n, { chunks: 3 })).toBe(
      k.countPrimesRange(2n ** 64n - 3_000_000n, 2n ** 64n - 1n),
    );
  });

  it("Monte Carlo, Collatz, popcountSum and Mandelbrot rows equal the single-thread results bit for bit", async () => {
    // 10^7 + 12345 samples: the last Monte Carlo chunk is a short one, wherever the cuts fall.
    for (const chunks of [undefined, 3, 17]) {
      expect(await cluster.monteCarloPi(10_012_345n, 42n, { chunks })).toEqual(k.monteCarloPi(10_012_345n, 42n));
    }
    expect(await cluster.longestCollatz(300_000n, { chunks: 4 })).toEqual(k.longestCollatz(300_000n));
    expect(await cluster.popcountSum(3n, 10n ** 7n, { chunks: 5 })).toBe(k.popcountSum(3n, 10n ** 7n));
    const view = { width: 301, height: 97, maxIter: 300, x0: -1.5, y0: -1.1, x1: 0.7, y1: 1.3 };
    expect(await cluster.mandelbrot({ ...view, chunks: 9 })).toEqual(k.mandelbrot(view));
  });

  it("runs a user's WAT kernel fetched by content hash, as reduceRange on the pool", async () => {
    const fn = userKernel(wasm, SUM_SQUARES);
    expect(await cluster.reduceRange(fn, 0n, 3_000_000n, { combine: "wrapAdd" })).toBe(sumSquares(0n, 3_000_000n));
    // Wraps mod 2^64 past the top; `{ kernel, wasm }` for a KernelRef without bytes.
    const bare = userKernel(wasm, SUM_SQUARES, false);
    expect(await cluster.reduceRange({ kernel: bare, wasm }, 10n ** 9n, 10n ** 9n + 1000n, { combine: "wrapAdd", chunks: 4 })).toBe(
      sumSquares(10n ** 9n, 10n ** 9n + 1000n),
    );
    // A combine function runs here, in range order.
    const parts = await cluster.reduceRange(fn, 0n, 40n, {
      combine: (a: bigint[], b: bigint) => [...a, b],
      initial: [] as bigint[],
      chunks: 4,
    } as never);
    expect(parts).toEqual([sumSquares(0n, 10n), sumSquares(10n, 20n), sumSquares(20n, 30n), sumSquares(30n, 40n)]);
  });

  it("stores a user's module once in Redis under its SHA-256, the bytes the workers fetch", async () => {
    const hash = createHash("sha256").update(wasm).digest("hex");
    const client = new Redis({ host: "127.0.0.1", port: redis.port });
    try {
      const stored = await client.getBuffer(`bull:hotpath:hotpath:wasm:${hash}`);
      expect(stored && new Uint8Array(stored)).toEqual(wasm);
      expect((await client.keys("bull:hotpath:hotpath:wasm:*")).length).toBe(1);
    } finally {
      await client.quit();
    }
  });

  it("runs a kernel from `hotpath compile` as it is: its KernelRef gives the bytes the workers fetch", async () => {
    const out = await outDir("cluster");
    await run(process.execPath, [cli, "compile", join(fixtures, "kernels/squares.ts"), "--out", out], { cwd: root });
    const squares = (await import(/* @vite-ignore */ join(out, "squares.js"))).default;
    expect(await cluster.reduceRange(squares.sumOfSquaresRange, 0n, 2_000_000n, { combine: "wrapAdd", chunks: 6 })).toBe(
      plain.sumOfSquaresRange(0n, 2_000_000n),
    );
  }, 60_000);

  it("sizes chunks by time: a calibration chunk first, then the rest in whole rounds over the worker threads", async () => {
    const fresh = await createCluster({ connection: redis.url, chunkTargetMs: 50 });
    try {
      const seen: ClusterProgress[] = [];
      const n = 4n * 10n ** 9n;
      expect(await fresh.sumIntegers(n, { onProgress: (p) => seen.push(p) })).toBe(k.sumIntegers(n));
      expect(seen[0]).toMatchObject({ done: 0, total: 1 });
      // Calibration chunks are queued one at a time; the rest come at once, in whole rounds over the 4 threads.
      const jump = seen.findIndex((p, i) => i > 0 && p.total > seen[i - 1].total + 1);
      const calibration = seen[jump - 1].total;
      const rest = seen.at(-1).total - calibration;
      expect(rest).toBeGreaterThanOrEqual(4);
      expect(rest % 4).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it("throws the pool's and the kernels' argument errors before anything is queued", async () => {
    const same = (run: () => unknown, clusterRun: () => Promise<unknown>) => {
      let message = "";
      try {
        run();
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).not.toBe("");
      return expect(clusterRun()).rejects.toThrow(message);
    };
    await same(
      () => k.countPrimes(2n ** 64n),
      () => cluster.countPrimes(2n ** 64n),
    );
    await same(
      () => k.monteCarloPi(0n),
      () => cluster.monteCarloPi(0n),
    );
    await same(
      () => k.longestCollatz(1n),
      () => cluster.longestCollatz(1n),
    );
    await same(
      () => k.sumIntegers(-1),
      () => cluster.sumIntegers(-1),
    );
    await same(
      () => k.mandelbrot({ width: 0, height: 1, maxIter: 1 }),
      () => cluster.mandelbrot({ width: 0, height: 1, maxIter: 1 }),
    );
    await expect(cluster.sumIntegers(10n, { chunks: 0 })).rejects.toThrow("Expected `options.chunks` to be");
    await expect(cluster.sumIntegers(10n, { chunk: 2 } as never)).rejects.toThrow("chunk");
    const fn = userKernel(wasm, SUM_SQUARES);
    await expect(cluster.reduceRange(fn, 0n, 10n, { combine: "mul" as never })).rejects.toThrow(
      'Expected `options.combine` to be a function (a, b) => a ⊕ b, or "wrapAdd", "add", "min" or "max", got "mul" (string)',
    );
    await expect(cluster.reduceRange(fn, -1n, 10n, { combine: "wrapAdd" })).rejects.toThrow("Expected `lo` to be");
    await expect(cluster.reduceRange(fn, 5n, 5n, { combine: "min" })).rejects.toThrow("Expected `options.initial`");
    await expect(cluster.reduceRange(userKernel(wasm, SUM_SQUARES, false), 0n, 10n, { combine: "wrapAdd" })).rejects.toThrow("bytes()");
  });

  it("a kernel that traps on a worker rejects the call with ClusterError JOB_FAILED naming the trap", async () => {
    const fn = userKernel(wasm, TRAP);
    const error = await cluster.reduceRange(fn, 0, 5000, { combine: "add", chunks: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as ClusterError).code).toBe("JOB_FAILED");
    expect((error as Error).message).toMatch(/chunk 1 failed on a worker: KernelError: Kernel `trapAt1000` trapped: unreachable/);
    expect(await cluster.reduceRange(fn, 2000, 5000, { combine: "add", chunks: 3 })).toBe(3000);
  });

  it("reports progress: chunks done of total, with an ETA, up to done = total", async () => {
    const seen: ClusterProgress[] = [];
    await cluster.countPrimes(2n * 10n ** 8n, { chunks: 12, onProgress: (p) => seen.push(p) });
    const last = seen.at(-1);
    expect(last).toMatchObject({ call: "countPrimes", done: 12, total: 12, etaMs: 0 });
    expect(seen.some((p) => p.done > 0 && p.done < 12 && p.etaMs! > 0)).toBe(true);
    expect(seen.every((p, i) => i === 0 || p.done >= seen[i - 1].done)).toBe(true);
  });

  it("an AbortSignal rejects the call and takes its queued chunks off the queue", async () => {
    const controller = new AbortController();
    const call = cluster.countPrimes(10n ** 9n, {
      chunks: 60,
      signal: controller.signal,
      onProgress: (p) => p.done >= 1 && controller.abort(),
    });
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    const queue = new Queue("hotpath", { connection: { host: "127.0.0.1", port: redis.port } });
    try {
      expect(await queue.getJobCountByTypes("waiting", "delayed", "prioritized")).toBe(0);
    } finally {
      await queue.close();
    }
  });
});
