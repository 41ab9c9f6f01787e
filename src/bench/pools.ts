// The pool implementations of the built-in cases: 1..N workers, over one shared memory and by
// message passing. Pools are created once per bench() run, warmed up by createPool, and shared by
// every case; bench() closes them at the end.
import { platform } from "#platform";
import { createPool, type Pool } from "../pool/pool.ts";
import type { PoolMode } from "../pool/protocol.ts";
import type { Implementation, SkippedImplementation } from "./types.ts";

/** Creates each (mode, workers) pool on first use and closes them all at the end. */
export class PoolCache {
  readonly #pools = new Map<string, Promise<Pool>>();

  /** The pool with `workers` workers on the `mode` data path. */
  get(mode: PoolMode, workers: number): Promise<Pool> {
    const key = `${mode}:${workers}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = createPool({ mode, workers });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /** Closes every pool created (errors of pools that failed to start were reported by their cases). */
  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.then((pool) => pool.close()).catch(() => {})));
    this.#pools.clear();
  }
}

/**
 * Pool implementations of one case for each mode and worker count; `call` runs the case on a pool.
 * Modes this runtime cannot use are listed as skipped with the reason.
 */
export function poolImplementations<I>(
  cache: PoolCache,
  workers: readonly number[],
  call: (pool: Pool, input: I) => Promise<unknown>,
): Array<Implementation<I> | SkippedImplementation> {
  const out: Array<Implementation<I> | SkippedImplementation> = [];
  const sharedReason = platform.sharedMemoryReason();
  for (const mode of ["shared", "message"] as const) {
    for (const w of workers) {
      const id = `pool-${mode}-${w}`;
      const label = `pool, ${w} worker${w === 1 ? "" : "s"}, ${mode === "shared" ? "shared memory" : "messages"}`;
      const kind = mode === "shared" ? ("pool-shared" as const) : ("pool-message" as const);
      if (mode === "shared" && sharedReason) {
        out.push({ id, label, kind, workers: w, skipped: sharedReason });
        continue;
      }
      let pool: Pool | undefined;
      out.push({
        id,
        label,
        kind,
        workers: w,
        async prepare(input: I) {
          pool ??= await cache.get(mode, w);
          return input;
        },
        run: (input: I) => call(pool!, input),
      });
    }
  }
  return out;
}
