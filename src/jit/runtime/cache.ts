// Compiled modules, kept by (hotpath's jit version, source text, signature). An entry also records
// the source behind every name it resolved (callees, classes) and is used only while those are unchanged.
// In memory always; on disk too when asked (`cache: true`) and the runtime has Node's fs (Node, Deno,
// Bun: reached synchronously through `process.getBuiltinModule`, so a page never loads it and the
// first call stays synchronous).

import { compileOptimized } from "./tiering.ts";
import type { TrapSite } from "../codegen/plan.ts";

/** Part of every cache key: bump when the generated code changes. */
export const JIT_VERSION = "0.5.4";

/** @internal */
export interface CacheEntry {
  /** Importing jit's memory (`env.memory`): what runs on this thread, and on the pool in shared mode. */
  readonly module: WebAssembly.Module;
  readonly arenaBytes: Uint8Array;
  /** With its own memory: the pool's message mode, compare(), the cluster. */
  readonly bytes: Uint8Array;
  readonly wat: string;
  readonly exportName: string;
  /** The full signature, result included ("u64(u64)"). */
  readonly signature: string;
  readonly dependencies: Record<string, string>;
  /** The array parameters the function stores into (copied back after a call), or "all". */
  readonly written: readonly number[] | "all";
  /** What each trap site checks (codegen/traps.ts). */
  readonly traps: readonly TrapSite[];
}

const memory = new Map<string, CacheEntry>();

/** @internal */
export const cacheKey = (source: string, types: string): string => `${JIT_VERSION}\u0000${types}\u0000${source}`;

/** @internal */
export function fromMemory(key: string): CacheEntry | undefined {
  return memory.get(key);
}

/** @internal */
export function toMemory(key: string, entry: CacheEntry): void {
  memory.set(key, entry);
}

interface NodeModules {
  fs: typeof import("node:fs");
  path: typeof import("node:path");
  os: typeof import("node:os");
  crypto: typeof import("node:crypto");
}

let node: NodeModules | null | undefined;

function nodeModules(): NodeModules | null {
  if (node !== undefined) return node;
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  node = get ? ({ fs: get("node:fs"), path: get("node:path"), os: get("node:os"), crypto: get("node:crypto") } as NodeModules) : null;
  return node;
}

/** $HOTPATH_JIT_CACHE, else node_modules/.cache/hotpath-jit under the working directory when there is a node_modules, else the temp dir. @internal */
export function cacheDirectory(): string | undefined {
  const n = nodeModules();
  if (!n) return undefined;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined>; cwd?: () => string } }).process;
  if (env?.env?.HOTPATH_JIT_CACHE) return env.env.HOTPATH_JIT_CACHE;
  const modules = n.path.join(env?.cwd?.() ?? ".", "node_modules");
  return n.fs.existsSync(modules) ? n.path.join(modules, ".cache", "hotpath-jit") : n.path.join(n.os.tmpdir(), "hotpath-jit");
}

function files(key: string): { wasm: string; arena: string; json: string } | undefined {
  const n = nodeModules();
  const dir = cacheDirectory();
  if (!n || !dir) return undefined;
  const hash = n.crypto.createHash("sha256").update(key).digest("hex").slice(0, 32);
  return { wasm: n.path.join(dir, `${hash}.wasm`), arena: n.path.join(dir, `${hash}.arena.wasm`), json: n.path.join(dir, `${hash}.json`) };
}

/** The entry stored on disk under `key`, or undefined (missing, unreadable, or another key's). @internal */
export function fromDisk(key: string): CacheEntry | undefined {
  const paths = files(key);
  if (!paths) return undefined;
  const { fs } = nodeModules()!;
  try {
    const meta = JSON.parse(fs.readFileSync(paths.json, "utf8"));
    if (meta.key !== key) return undefined;
    const bytes = new Uint8Array(fs.readFileSync(paths.wasm));
    const arenaBytes = new Uint8Array(fs.readFileSync(paths.arena));
    return {
      module: compileOptimized(arenaBytes),
      arenaBytes,
      bytes,
      wat: meta.wat,
      exportName: meta.exportName,
      signature: meta.signature,
      dependencies: meta.dependencies,
      written: meta.written,
      traps: meta.traps ?? [],
    };
  } catch {
    return undefined;
  }
}

/** Stores an entry; a failure (read-only disk) only costs the next process a compile. Writes go through a rename, so readers never see half a file. @internal */
export function toDisk(key: string, entry: CacheEntry): void {
  const paths = files(key);
  if (!paths) return;
  const { fs, path } = nodeModules()!;
  try {
    fs.mkdirSync(path.dirname(paths.wasm), { recursive: true });
    const { wat, exportName, signature, dependencies, written, traps } = entry;
    const tmp = `.${process.pid}.${Math.random().toString(36).slice(2)}`;
    fs.writeFileSync(paths.wasm + tmp, entry.bytes);
    fs.renameSync(paths.wasm + tmp, paths.wasm);
    fs.writeFileSync(paths.arena + tmp, entry.arenaBytes);
    fs.renameSync(paths.arena + tmp, paths.arena);
    fs.writeFileSync(paths.json + tmp, JSON.stringify({ key, wat, exportName, signature, dependencies, written, traps }));
    fs.renameSync(paths.json + tmp, paths.json);
  } catch {
    // best effort
  }
}
