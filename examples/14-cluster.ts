// Chapter "past one machine": the pool's kernels over many machines, on BullMQ over Redis. A Redis
// somewhere, `npx hotpath worker --redis redis://host:6379` on every machine that should help, and
// `createCluster({ connection })` in the program: the same calls and answers as the pool.
//
// Without --redis this example makes a cluster on this machine to show the moving parts and measure
// them: a redis-server on 127.0.0.1 at a free port (Debian: apt-get install redis-server), two
// `hotpath worker` processes of one thread each, then (1) the answers against one thread, (2) what a
// job costs, (3) a local pool of two threads against the cluster of two processes, same work, same run.
// With --redis it uses your Redis and the workers already taking jobs from it.
// Run: npx tsx examples/14-cluster.ts [--small] [--redis redis://host:6379]
// (needs `node scripts/build.mjs` first: the workers run build/cli.js; HOTPATH_SKIP_REDIS=1 skips it where there is no Redis)
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { fileURLToPath } from "node:url";
import { createCluster, type ClusterProgress } from "../src/cluster/index.ts";
import { formatMs, textTable } from "../src/format.ts";
import { createPool, kernels } from "../src/index.ts";

const small = process.argv.includes("--small");
const at = process.argv.indexOf("--redis");
const given = at > 0 ? process.argv[at + 1] : undefined;
const root = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];

function redisServer(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts a child and resolves once its output matches `ready`. */
function start(command: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    const seen = (d: Buffer) => {
      out += d;
      if (ready.test(out)) resolve(child);
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", seen);
    child.once("exit", (code) => reject(new Error(`${command} ${args.join(" ")} exited (${code}):\n${out}`)));
  });
}

let url = given;
if (!url) {
  const server = redisServer();
  if (!server) {
    const hint = "examples/14-cluster.ts needs a Redis: apt-get install redis-server, or pass --redis redis://host:6379";
    if (process.env.HOTPATH_SKIP_REDIS === "1") {
      console.log(`skipped (HOTPATH_SKIP_REDIS=1): ${hint}`);
      process.exit(0);
    }
    console.error(hint);
    process.exit(1);
  }
  if (!existsSync(`${root}build/cli.js`)) {
    console.error("build/cli.js is missing: run `node scripts/build.mjs` first");
    process.exit(1);
  }
  const port = await freePort();
  await start(server, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], /Ready to accept/);
  url = `redis://127.0.0.1:${port}`;
  // Two worker processes of one thread each: what two machines would add, on one.
  await Promise.all(
    [0, 1].map(() =>
      start(process.execPath, [`${root}build/cli.js`, "worker", "--redis", url!, "--workers", "1", "--quiet"], /threads on queue/),
    ),
  );
}

const progress = (p: ClusterProgress) => {
  if (process.stderr.isTTY)
    process.stderr.write(`\r  ${p.call}: ${p.done}/${p.total} chunks${p.etaMs === undefined ? "" : `, ETA ${formatMs(p.etaMs)}`}\x1b[K`);
};
const cluster = await createCluster({ connection: url, onProgress: progress });
try {
  const { processes } = await cluster.workers();
  console.log(`Redis at ${url}, ${processes} hotpath worker process(es)`);
  if (processes === 0) throw new Error("no `hotpath worker` takes jobs from this Redis: start one (npx hotpath worker --redis …)");
  const k = await kernels();
  const time = async <T>(run: () => Promise<T> | T): Promise<[T, number]> => {
    const t = performance.now();
    const value = await run();
    return [value, performance.now() - t];
  };

  // 1. The same answers as one thread.
  const n = small ? 10n ** 8n : 10n ** 9n;
  const rows: string[][] = [];
  const calls: [string, () => unknown, () => Promise<unknown>][] = [
    [`sumIntegers(${n})`, () => k.sumIntegers(n), () => cluster.sumIntegers(n)],
    [`countPrimes(${n})`, () => k.countPrimes(n), () => cluster.countPrimes(n)],
    [`monteCarloPi(${n / 10n}, 7)`, () => k.monteCarloPi(n / 10n, 7n).pi, async () => (await cluster.monteCarloPi(n / 10n, 7n)).pi],
  ];
  for (const [name, one, many] of calls) {
    const [a, ta] = await time(one);
    const [b, tb] = await time(many);
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
    if (a !== b) throw new Error(`${name}: one thread says ${a}, the cluster ${b}`);
    rows.push([name, String(b), formatMs(ta), formatMs(tb)]);
  }
  console.log(textTable(["call", "answer (equal)", "one thread", "cluster"], rows));

  // 2. What a job costs: many one-number chunks (all the cost is the job), and one at a time (a round trip).
  // Redis's own CPU time per job (INFO cpu): Redis runs commands on one thread, so this bounds the jobs a second one queue can carry.
  const info = new Redis(url);
  const redisCpu = async () => {
    const text = await info.info("cpu");
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)![1]);
    return (field("used_cpu_user") + field("used_cpu_sys")) * 1000;
  };
  const jobs = small ? 200 : 2000;
  const cpuBefore = await redisCpu();
  const [, bulkMs] = await time(() => cluster.sumRange(0, jobs, { chunks: jobs, onProgress: () => {} }));
  const redisMsPerJob = ((await redisCpu()) - cpuBefore) / jobs;
  await info.quit();
  const trips = small ? 20 : 100;
  const [, tripMs] = await time(async () => {
    for (let i = 0; i < trips; i++) await cluster.sumRange(0, 1, { chunks: 1, onProgress: () => {} });
  });
  console.log(
    `per job: ${formatMs(bulkMs / jobs)} with ${jobs} queued at once (${processes} processes); ` +
      `${formatMs(tripMs / trips)} for one call of one chunk (enqueue, a worker takes it, result seen by polling); ` +
      `Redis CPU ${formatMs(redisMsPerJob)} a job`,
  );

  // 3. A local pool and the cluster, same number of processes, same work (only on the cluster this example started).
  if (!given) {
    const work = small ? 2n * 10n ** 8n : 1n << 32n;
    const pool = await createPool({ workers: processes });
    try {
      const [p, poolMs] = await time(() => pool.countPrimes(work));
      const [c, clusterMs] = await time(() => cluster.countPrimes(work));
      if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
      if (p !== c) throw new Error(`countPrimes(${work}): pool ${p}, cluster ${c}`);
      console.log(
        textTable(
          ["countPrimes(" + work + ")", "answer", "time"],
          [
            [`pool, ${processes} threads`, String(p), formatMs(poolMs)],
            [`cluster, ${processes} processes`, String(c), formatMs(clusterMs)],
          ],
        ),
      );
    } finally {
      await pool.close();
    }
  }
} finally {
  await cluster.close();
  // Workers first (they finish and let go of Redis), then Redis.
  for (const child of children.reverse()) {
    if (child.exitCode !== null) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}
