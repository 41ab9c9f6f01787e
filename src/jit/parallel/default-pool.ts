// The pool that jit's parallel functions (`jit(f, { parallel: true })`, `vectorize(…, { target:
// "parallel" })`) use when not given one: created on first use, one per thread, as many workers as
// the platform reports cores. Its workers hold the process only while a call is in flight
// (`keepAlive: false`), so a script that never closes it still exits; `closeDefaultPool()` ends it.
// Deno's Web Workers cannot be told not to hold the process: there the pool is closed once it has
// been idle for IDLE_CLOSE_MS (and started again by the next call).
// Where jit's memory is shared, the pool runs in it: a `jit.array` array is read and written by the
// workers where it lies.
import type { HostMemory } from "../../pool/pool.ts";
import type { Pool, PoolOptions } from "../../pool/types.ts";
import { arenaHeap, arenaMemory, arenaShared, borrow, giveBack, inArena } from "../runtime/memory.ts";

const IDLE_CLOSE_MS = 500;
const holdsProcess = typeof (globalThis as { Deno?: unknown }).Deno === "object";

let pool: Promise<Pool> | undefined;
let startPool: ((options: PoolOptions, host?: HostMemory) => Promise<Pool>) | undefined;

/**
 * How the default pool is started: hotpath/jit's entry of each platform (index.ts) passes the pool of
 * its platform, so that jit itself (build/jit-core.js) is one build for all of them.
 */
export function usePoolStarter(start: (options: PoolOptions, host?: HostMemory) => Promise<Pool>): void {
  startPool = start;
}
let inFlight = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

/** The default pool, started on first use (a pool that failed to start, or was closed, is not kept: the next call starts another). @internal */
export function defaultPool(): Promise<Pool> {
  if (!pool) {
    // In jit's own memory where it is shared, so arrays from jit.array reach the workers with no copy.
    const host = arenaShared()
      ? { memory: arenaMemory(), heap: arenaHeap(), lender: { lend: borrow, giveBack, owns: inArena } }
      : undefined;
    if (!startPool) throw new Error("hotpath/jit was loaded without its entry (src/jit/index.ts), which says how to start a pool");
    const starting = startPool({ keepAlive: false }, host);
    pool = starting;
    starting.catch(() => {
      if (pool === starting) pool = undefined;
    });
  }
  return pool.then((p) => {
    if (!p.closed) return p;
    pool = undefined;
    return defaultPool();
  });
}

/** Runs `call` on `given`, or on the default pool (counted, so that where workers hold the process it is closed when idle). @internal */
export async function onPool<T>(given: Pool | undefined, call: (pool: Pool) => Promise<T>): Promise<T> {
  if (given) return call(given);
  inFlight++;
  clearTimeout(idleTimer);
  try {
    return await call(await defaultPool());
  } finally {
    if (--inFlight === 0 && holdsProcess) idleTimer = setTimeout(() => void closeDefaultPool(), IDLE_CLOSE_MS);
  }
}

/** Ends the default pool's workers (the next parallel call starts a new one). */
export async function closeDefaultPool(): Promise<void> {
  const current = pool;
  pool = undefined;
  clearTimeout(idleTimer);
  if (current) await (await current.catch(() => undefined))?.close();
}
