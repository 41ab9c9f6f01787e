// Finding the runtimes to measure: Node (this process's binary), Deno and Bun (npm-installed
// binaries in node_modules/.bin, else on PATH, or a path given as name=path) and Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core). Node only.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expected } from "../../errors.ts";

export const RUNTIME_NAMES = ["node", "deno", "bun", "chromium"] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** A runtime to run: its name and executable, or why it cannot run. */
export type RuntimeTarget = { name: RuntimeName; path: string } | { name: RuntimeName; skipped: string };

/** Flags for Chromium as root in a sandbox without network (toolchain.md); the browser tests use them too. */
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

/** Why Chromium is left out when findChromium() finds none, and how to install it. */
export const CHROMIUM_HINT =
  "no Chromium found at $HOTPATH_CHROMIUM, /usr/bin/chromium or /usr/bin/chromium-browser; install it with `apt-get install -y chromium` (Debian)";

/** The system Chromium to drive (playwright must never download a browser here), or undefined when none is installed. */
export function findChromium(): string | undefined {
  const candidates = [process.env.HOTPATH_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((path): path is string => !!path && existsSync(path));
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
