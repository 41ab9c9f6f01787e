// π(10^12) = 37,607,912,018 on the pool (2 workers) or on the cluster (a local Redis and 2 `hotpath worker`
// processes of one thread each): the documented run behind the README's cluster section. Prints progress,
// the count, the time and the machine's load; with --json one line for machines.
//   npx tsx bench/pi-1e12.ts pool [n]      npx tsx bench/pi-1e12.ts cluster [n]
import { loadavg } from "node:os";
import { createPool } from "../src/index.ts";
import { createCluster } from "../src/cluster/index.ts";
import { startRedis, startWorker } from "../test/support/redis.ts";

const PUBLISHED: Record<string, number> = { "1000000000000": 37_607_912_018, "10000000000": 455_052_511, "100000000000": 4_118_054_813 };
const mode = process.argv[2];
const n = BigInt(process.argv[3] ?? "1000000000000");
const json = process.argv.includes("--json");
const say = (line: string) => json || process.stderr.write(line + "\n");

async function main(): Promise<void> {
  const load0 = loadavg()[0];
  const t0 = performance.now();
  let count: number;
  if (mode === "pool") {
    const pool = await createPool({ workers: 2 });
    // Many calls of one chunk each, so progress shows as they finish; the pool runs two at a time.
    const parts = 100n;
    let done = 0;
    const calls = [];
    for (let i = 0n; i < parts; i++) {
      const lo = (n * i) / parts;
      const hi = i === parts - 1n ? n + 1n : (n * (i + 1n)) / parts;
      calls.push(
        pool.countPrimesRange(lo, hi, { chunks: 1 }).then((c) => {
          done++;
          if (done % 5 === 0) say(`pool: ${done}/${parts} chunks, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
          return c;
        }),
      );
    }
    count = (await Promise.all(calls)).reduce((a, b) => a + b, 0);
    await pool.close();
  } else if (mode === "cluster") {
    const redis = await startRedis();
    const workers = await Promise.all([1, 1].map(() => startWorker(redis.url, ["--workers", "1", "--quiet"])));
    const cluster = await createCluster({
      connection: redis.url,
      onProgress: (p) => p.done % 10 === 0 && say(`cluster: ${p.done}/${p.total} chunks, ${(p.elapsedMs / 1000).toFixed(1)} s`),
    });
    try {
      count = await cluster.countPrimes(n);
    } finally {
      await cluster.close();
      await Promise.all(workers.map((w) => w.stop()));
      await redis.stop();
    }
  } else throw new Error("usage: pi-1e12.ts pool|cluster [n] [--json]");
  const seconds = (performance.now() - t0) / 1000;
  const want = PUBLISHED[String(n)];
  const result = {
    mode,
    n: String(n),
    count,
    published: want,
    ok: want === undefined ? null : count === want,
    seconds,
    load1: [load0, loadavg()[0]],
  };
  if (json) console.log(JSON.stringify(result));
  else
    console.log(
      `${mode}: π(${n}) = ${count}${want === undefined ? "" : count === want ? " (published: equal)" : ` (published ${want}: MISMATCH)`} in ${seconds.toFixed(1)} s; load ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)}`,
    );
  if (want !== undefined && count !== want) process.exitCode = 1;
}

await main();
