// The test command brings the one service npm cannot: a redis-server for the cluster tests (vitest's
// globalSetup of the node project). Where it is missing and the machine lets us (root with apt-get), it
// installs Debian's package and says so in one line; anywhere else it leaves the cluster tests to fail
// with the exact command to run (redisInstallCommand). HOTPATH_SKIP_REDIS=1 leaves all of it out.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** The redis-server binary, or undefined. */
export function findRedisServer(): string | undefined {
  for (const candidate of ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"])
    if (existsSync(candidate)) return candidate;
  const which = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const isRoot = () => process.getuid?.() === 0;

/** The command that installs redis-server on this machine, as its user should type it. */
export function redisInstallCommand(): string {
  const sudo = isRoot() ? "" : "sudo ";
  if (has("apt-get")) return `${sudo}apt-get install redis-server`;
  if (has("dnf")) return `${sudo}dnf install redis`;
  if (has("apk")) return `${sudo}apk add redis`;
  if (has("pacman")) return `${sudo}pacman -S redis`;
  if (has("brew")) return "brew install redis";
  return "install Redis (6.2 or newer) and put redis-server on the PATH";
}

/** Whether dpkg counts the package as installed (its files may still be gone: a machine image can hide them). */
function dpkgInstalled(pkg: string): boolean {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

function aptGet(args: string[]): void {
  const r = spawnSync("apt-get", args, { encoding: "utf8", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.status !== 0) throw new Error(`apt-get ${args.join(" ")} failed (${r.status ?? r.signal}):\n${(r.stdout + r.stderr).trim()}`);
}

/** Installs redis-server with apt-get when it is missing and this process may; never throws (the cluster tests report what is missing). */
export default function setup(): void {
  if (process.env.HOTPATH_SKIP_REDIS === "1" || findRedisServer() || !isRoot() || !has("apt-get")) return;
  const started = performance.now();
  process.stderr.write("hotpath tests: redis-server is missing; installing Debian's redis-server with apt-get for the cluster tests…\n");
  try {
    aptGet(["update", "-qq"]);
    // dpkg may say installed while the binary is gone; then only --reinstall brings the files back.
    const reinstall = dpkgInstalled("redis-server") ? ["--reinstall"] : [];
    aptGet(["install", "-y", "-qq", "--no-install-recommends", ...reinstall, "redis-server", "redis-tools"]);
    if (!findRedisServer()) throw new Error("apt-get installed redis-server, but no redis-server binary is on the PATH");
    process.stderr.write(`hotpath tests: redis-server installed (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  } catch (error) {
    process.stderr.write(`hotpath tests: could not install redis-server: ${(error as Error).message}\n`);
  }
}
