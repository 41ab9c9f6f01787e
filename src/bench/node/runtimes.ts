// Finding the runtimes to measure: Node (this process's binary), Deno and Bun (npm-installed
// binaries in node_modules/.bin, else on PATH, or a path given as name=path) and Chromium (the
// system's, else the npm package @sparticuz/chromium; driven by playwright-core). Node only.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expected } from "../../errors.ts";
import { cacheDir, installedPackage } from "./cache.ts";

export const RUNTIME_NAMES = ["node", "deno", "bun", "chromium"] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** A runtime to run: its name and executable, or why it cannot run. */
export type RuntimeTarget = { name: RuntimeName; path: string } | { name: RuntimeName; skipped: string };

/** Flags for Chromium as root in a sandbox without network; the browser tests use them too. */
/**
 * The flags that give a runtime's measurements a `gc()` to collect garbage before each sample
 * (src/bench/measure.ts): Node and Deno (V8's --expose-gc) and Chromium; Bun has `Bun.gc` without one.
 */
export const GC_FLAGS: Record<string, readonly string[]> = {
  node: ["--expose-gc"],
  deno: ["--v8-flags=--expose-gc"],
  chromium: ["--js-flags=--expose-gc"],
};

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** What to install when no Chromium can be found. */
export const CHROMIUM_HINT =
  "no Chromium: npm install -D @sparticuz/chromium (a headless Chromium from npm), or apt-get install -y chromium (Debian), or set HOTPATH_CHROMIUM to a Chromium binary";

/**
 * The Chromium to drive (playwright must never download a browser here): $HOTPATH_CHROMIUM, else the
 * system's (/usr/bin/chromium, /usr/bin/chromium-browser), else the npm one (@sparticuz/chromium,
 * unpacked once into the user's cache). Undefined when there is none.
 */
export function findChromium(): string | undefined {
  const candidates = [process.env.HOTPATH_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const system = candidates.find((path): path is string => !!path && existsSync(path));
  if (system) return system;
  const npm = npmChromium();
  return "path" in npm ? npm.path : undefined;
}

/**
 * @sparticuz/chromium's headless Chromium, unpacked from its brotli archives into the user's cache the
 * first time (≈2 s, ≈200 MB on disk), or why it cannot be had. Synchronous (a child process does the
 * unpacking), so that the runtime lookup and the vitest config can call it. The package unpacks into
 * the temp dir, under fixed names that several users or processes would share: here TMPDIR points
 * it at a fresh directory that is then renamed into place, so no one sees a half-written binary.
 */
export function npmChromium(): { path: string } | { missing: string } {
  const pkg = installedPackage("@sparticuz/chromium");
  if (!pkg) return { missing: "@sparticuz/chromium is not installed" };
  const dir = join(cacheDir(), `chromium-${pkg.version}`);
  const binary = join(dir, "chromium");
  if (existsSync(binary)) return { path: binary };
  const work = mkdtempSync(`${dir}.tmp-`);
  try {
    // Run in the package's directory, the script imports the package by its own name (self-reference).
    const script = `const { default: c } = await import("@sparticuz/chromium"); await c.executablePath();`;
    execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: pkg.dir,
      env: { ...process.env, TMPDIR: work },
      stdio: "pipe",
    });
    try {
      renameSync(work, dir);
    } catch (error) {
      // Another process unpacked it first: use theirs.
      if (!existsSync(binary)) throw error;
    }
    return { path: binary };
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return { missing: `@sparticuz/chromium could not unpack its Chromium into ${dir}: ${(e.stderr?.toString() || e.message).trim()}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Parses "node,deno,bun=/opt/bun" into targets, finding each binary. */
export function findRuntimes(spec: string | readonly string[], root: string): RuntimeTarget[] {
  const items = (typeof spec === "string" ? spec.split(",") : spec).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new RangeError(expected("--runtimes", "a comma-separated list of node, deno, bun, chromium", spec));
  return items.map((item) => {
    const [name, given] = item.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!(RUNTIME_NAMES as readonly string[]).includes(name))
      throw new RangeError(expected("--runtimes", `names among ${RUNTIME_NAMES.join(", ")} (optionally name=path)`, name));
    const n = name as RuntimeName;
    if (given) return existsSync(given) ? { name: n, path: given } : { name: n, skipped: `${given} does not exist` };
    if (n === "node") return { name: n, path: process.execPath };
    if (n === "chromium") {
      const path = findChromium();
      return path ? { name: n, path } : { name: n, skipped: CHROMIUM_HINT };
    }
    const local = join(root, "node_modules/.bin", n);
    if (existsSync(local)) return { name: n, path: local };
    try {
      const onPath = execFileSync("sh", ["-c", `command -v ${n}`], { encoding: "utf8" }).trim();
      if (onPath) return { name: n, path: onPath };
    } catch {
      // not on PATH either
    }
    return { name: n, skipped: `${n} is not installed (not in node_modules/.bin, not on PATH; npm install -D ${n} installs it)` };
  });
}
