// Where `hotpath bench` keeps what it builds or unpacks (the gcc-built driver, clang's c-kernels.wasm,
// the npm Chromium): a cache directory of the user's, never the installed package, which may be
// read-only and is shared by every project that installs it. Node only.
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * The cache directory: $HOTPATH_CACHE_DIR, else $XDG_CACHE_HOME/hotpath, else ~/.cache/hotpath; a
 * directory in the temp dir when none of them can be written.
 */
export function cacheDir(): string {
  const env = process.env;
  const candidates = [
    env.HOTPATH_CACHE_DIR,
    env.XDG_CACHE_HOME && join(env.XDG_CACHE_HOME, "hotpath"),
    safeHome() && join(safeHome()!, ".cache", "hotpath"),
  ].filter((dir): dir is string => !!dir);
  for (const dir of candidates)
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
      return dir;
    } catch {
      // not writable: try the next one
    }
  const dir = join(tmpdir(), `hotpath-cache-${process.getuid?.() ?? "user"}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function safeHome(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}

/** A short hash of what an artifact is made from (sources, flags, compiler), so that a changed input gets a new file. */
export function contentKey(...parts: Array<string | Uint8Array>): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex").slice(0, 16);
}

/**
 * Makes `target` by writing it under a temporary name first and renaming it into place, so that a
 * reader never sees half of it and two processes building the same thing at once do not collide.
 */
export async function writeAtomically(target: string, make: (temporary: string) => Promise<void> | void): Promise<void> {
  const temporary = `${target}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await make(temporary);
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
}

/** The directory and version of an installed package (found from this module, as an import would), or undefined when it is not installed. */
export function installedPackage(name: string): { dir: string; version: string } | undefined {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(name));
  } catch {
    return undefined;
  }
  // Up from its entry to its package.json: some packages' "exports" hide package.json.
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === name) return { dir, version: pkg.version ?? "" };
  }
  return undefined;
}
