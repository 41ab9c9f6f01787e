// The pool that jit's parallel functions (`jit(f, { parallel: true })`, `vectorize(…, { target:
// "parallel" })`) use when not given one: created on first use, one per thread, as many workers as
// the platform reports cores. Its workers hold the process only while a call is in flight
// (`keepAlive: false`), so a script that never closes it still exits; `closeDefaultPool()` ends it.
// Where jit's memory is shared, the pool runs in it: a `jit.array` array is read and written by the
// workers where it lies.
import { startPool } from "../pool/pool.ts";
import type { Pool } from "../pool/types.ts";
import { addressOf, arenaHeap, arenaMemory, arenaShared } from "./memory.ts";

let pool: Promise<Pool> | undefined;

/** The default pool, started on first use (a pool that failed to start is not kept: the next call tries again). */
export function defaultPool(): Promise<Pool> {
  if (!pool) {
    // In jit's own memory where it is shared, so arrays from jit.array reach the workers with no copy.
    const host = arenaShared()
      ? { memory: arenaMemory(), heap: arenaHeap(), lend: (view: ArrayBufferView, name: string) => addressOf(view, () => name) }
      : undefined;
    const starting = startPool({ keepAlive: false }, host);
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
