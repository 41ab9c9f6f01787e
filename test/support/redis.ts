// Redis and `hotpath worker` processes for the cluster tests: a redis-server on 127.0.0.1 at a free
// port (no persistence), workers started from the built CLI (build/cli.js), everything stopped by its
// process id. No npm package ships a redis-server binary that installs from the registry alone, so the
// tests use the system's: the test command installs it where it can (redis-install.ts); elsewhere they
// fail with the command to run, unless HOTPATH_SKIP_REDIS=1 opts out.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, connect } from "node:net";
import { fileURLToPath } from "node:url";
import { findRedisServer, redisInstallCommand } from "./redis-install.ts";

export { findRedisServer };

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CLI = `${ROOT}build/cli.js`;

/** Throws what to install when the cluster tests cannot run. */
export function requireRedisAndBuild(): string {
  const server = findRedisServer();
  if (!server)
    throw new Error(
      `The cluster tests need a redis-server binary and found none: run \`${redisInstallCommand()}\`, or set HOTPATH_SKIP_REDIS=1 to leave the cluster tests out`,
    );
  for (const file of ["build/cli.js", "build/cluster.js", "build/hotpath.wasm"])
    if (!existsSync(`${ROOT}${file}`)) throw new Error(`${file} is missing: run \`node scripts/build.mjs\` before the cluster tests`);
  return server;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve()));
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 at a free port, without persistence. */
export async function startRedis(): Promise<RedisServer> {
  const server = requireRedisAndBuild();
  const port = await freePort();
  const child = spawn(server, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await waitForPort(port, 5000);
  return { port, url: `redis://127.0.0.1:${port}`, process: child, stop: () => stop(child) };
}

export interface WorkerProcess {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `hotpath worker` (the built CLI) against `url`; resolves once it said it is ready. */
export async function startWorker(url: string, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, "worker", "--redis", url, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hotpath worker did not start in 20 s:\n${out}`)), 20_000);
    const check = () => {
      if (/threads on queue/.test(out)) (clearTimeout(timer), resolve());
    };
    child.stderr.on("data", check);
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`hotpath worker exited (${code}) before it was ready:\n${out}`))));
  });
  return { process: child, pid: child.pid!, output: () => out, stop: (signal) => stop(child, signal) };
}

/** Stops a child by its process id and waits for it to exit (SIGKILL after 5 s). */
export function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => (clearTimeout(timer), resolve()));
    child.kill(signal);
  });
}
