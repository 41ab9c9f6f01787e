// The pool that jit's parallel functions (`jit(f, { parallel: true })`, `vectorize(…, { target:
// "parallel" })`) use when not given one: created on first use, one per thread, as many workers as
// the platform reports cores. Its workers hold the process only while a call is in flight
// (`keepAlive: false`), so a script that never closes it still exits; `closeDefaultPool()` ends it.
import { createPool } from "../pool/pool.ts";
import type { Pool } from "../pool/types.ts";

let pool: Promise<Pool> | undefined;

/** The default pool, started on first use (a pool that failed to start is not kept: the next call tries again). */
export function defaultPool(): Promise<Pool> {
  if (!pool) {
    const starting = createPool({ keepAlive: false });
    pool = starting;
    starting.catch(() => {
      if (pool === starting) pool = undefined;
    });
  }
  return pool;
}

/** Ends the default pool's workers (the next parallel call starts a new one). */
export async function closeDefaultPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  if (current) await (await current.catch(() => undefined))?.close();
}
