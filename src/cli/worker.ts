// `hotpath worker`: this machine's cores for a hotpath cluster. A local pool takes chunk jobs from the
// BullMQ queue in Redis (src/cluster/worker.ts) until SIGINT or SIGTERM, then finishes the chunks it
// is running and exits. A progress line tells how many chunks it has done.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { startWorker, type WorkerStats } from "../cluster/worker.ts";
import { HOTPATH_VERSION } from "../cluster/protocol.ts";
import { toInteger } from "../validate.ts";

const HELP = `Usage: hotpath worker --redis <url> [--workers N] [--queue NAME]

Runs a hotpath pool of N threads that takes chunks of cluster calls (hotpath/cluster's createCluster)
from a BullMQ queue in Redis. Start one on every machine that should help; stop it with Ctrl-C (it
finishes the chunks it is running). Needs bullmq and ioredis: npm install bullmq ioredis.

Options:
  --redis <url>        Redis, e.g. redis://10.0.0.5:6379 (required)
  --workers <n>        pool threads and chunks taken at once (default: the cores, ${availableParallelism()} here)
  --queue <name>       queue name (default: hotpath; the caller's \`queue\` option)
  --prefix <name>      BullMQ key prefix (default: bull)
  --lock-ms <ms>       a chunk whose worker stops renewing its lock this long is run again elsewhere (default: 10000)
  --stalled-ms <ms>    how often to look for such chunks (default: 5000)
  --quiet              no progress line (the start line is still printed)
  -h, --help           show this help

Example:
  npx hotpath worker --redis redis://10.0.0.5:6379 --workers 16`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      redis: { type: "string" },
      workers: { type: "string" },
      queue: { type: "string" },
      prefix: { type: "string" },
      "lock-ms": { type: "string" },
      "stalled-ms": { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.redis === undefined) {
    console.error(`hotpath worker: --redis <url> is required\n\n${HELP}`);
    return 2;
  }
  const int = (v: string | undefined, name: string, min: number, max: number) =>
    v === undefined ? undefined : toInteger(/^\d+$/.test(v) ? Number(v) : v, name, min, max);
  const isTty = process.stderr.isTTY;
  let lastLine = 0;
  const line = (s: WorkerStats, force = false) => {
    if (values.quiet) return;
    const now = Date.now();
    if (!force && now - lastLine < 1000) return;
    lastLine = now;
    const avg = s.done ? ` · ${(s.busyMs / s.done / 1000).toFixed(2)} s a chunk` : "";
    const text = `hotpath worker: ${s.threads} threads · ${s.done} chunks done · ${s.running} running · ${s.failed} failed${avg}`;
    process.stderr.write(isTty ? `\r${text}\x1b[K` : `${text}\n`);
  };
  const worker = await startWorker({
    connection: values.redis,
    workers: int(values.workers, "--workers", 1, 1024),
    queue: values.queue,
    prefix: values.prefix,
    lockMs: int(values["lock-ms"], "--lock-ms", 100, 3_600_000),
    stalledMs: int(values["stalled-ms"], "--stalled-ms", 100, 3_600_000),
    onChunk: (s) => line(s),
  });
  process.stderr.write(
    `hotpath worker ${HOTPATH_VERSION}: ${worker.stats.threads} threads on queue ${values.queue ?? "hotpath"} at ${values.redis} (pid ${process.pid})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  line(worker.stats, true);
  if (!values.quiet && isTty) process.stderr.write("\n");
  // A second signal, or Redis gone so that BullMQ cannot close cleanly: leave anyway after 10 s.
  const force = () => process.exit(130);
  process.once("SIGINT", force);
  process.once("SIGTERM", force);
  const timer = setTimeout(() => {
    process.stderr.write("hotpath worker: could not close cleanly within 10 s (is Redis gone?); exiting\n");
    process.exit(1);
  }, 10_000);
  timer.unref();
  await worker.close();
  return 0;
}
