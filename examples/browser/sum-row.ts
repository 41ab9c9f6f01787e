// The pool's row for `hotpath demo` (and the browser example): the sum of the first n integers on one thread and on
// N workers, timed in interleaved rounds after warm-up, both results checked against the closed form.
import { kernels } from "../../src/kernels/kernels.ts";
import { median } from "../../src/stats.ts";
import { checkOptions, toInteger, toU64, type U64Like } from "../../src/validate.ts";
import { createPool, type Pool, type PoolMode } from "../../src/pool/pool.ts";

export interface PoolSumRowOptions {
  /** How many integers to add. Default: 10^9 (≈0.3 s on one thread, long enough to amortise dispatch). */
  n?: U64Like;
  /** Workers of the pool it creates (and closes). Default: the platform's cores. Ignored when `pool` is given. */
  workers?: number;
  /** A pool to use instead of creating one; it is left open. */
  pool?: Pool;
  /** Timed rounds of each (default 5). */
  runs?: number;
  /** Called before each timed step, for a progress line. */
  onProgress?: (text: string) => void;
}

/** One measured row: medians, speedup = single / pool, efficiency = speedup / workers. */
export interface PoolSumRow {
  n: bigint;
  workers: number;
  mode: PoolMode;
  modeReason: string;
  result: bigint;
  correct: boolean;
  singleMs: number;
  poolMs: number;
  speedup: number;
  efficiency: number;
  singleTimesMs: number[];
  poolTimesMs: number[];
}

/** Times sumIntegers(n) on this thread and on a pool (medians of interleaved rounds). Node, Deno, Bun and browsers. */
export async function poolSumRow(options?: PoolSumRowOptions): Promise<PoolSumRow> {
  const opts = checkOptions(options, "options", ["n", "workers", "pool", "runs", "onProgress"]) as PoolSumRowOptions;
  const n = toU64(opts.n ?? 1_000_000_000n, "options.n");
  const runs = opts.runs === undefined ? 5 : toInteger(opts.runs, "options.runs", 1, 1000);
  const progress = opts.onProgress ?? (() => undefined);
  const exact = BigInt.asUintN(64, (n * (n > 0n ? n - 1n : 0n)) / 2n);

  progress("starting the pool");
  const k = await kernels();
  const pool = opts.pool ?? (await createPool(opts.workers === undefined ? {} : { workers: opts.workers }));
  try {
    // One untimed pass each: the pool's first call also pays for its first messages.
    await pool.sumIntegers(n < 10_000_000n ? n : 10_000_000n);
    const singleTimesMs: number[] = [];
    const poolTimesMs: number[] = [];
    let correct = true;
    let result = 0n;
    for (let round = 0; round < runs; round++) {
      // Alternate which goes first, so drift (other load, thermal) hits both alike.
      const order = round % 2 ? (["pool", "single"] as const) : (["single", "pool"] as const);
      for (const which of order) {
        progress(`round ${round + 1}/${runs}: ${which === "pool" ? `${pool.size} workers` : "one thread"}`);
        const t0 = performance.now();
        const value = which === "pool" ? await pool.sumIntegers(n) : k.sumIntegers(n);
        (which === "pool" ? poolTimesMs : singleTimesMs).push(performance.now() - t0);
        correct &&= value === exact;
        if (which === "pool") result = value;
      }
    }
    const singleMs = median(singleTimesMs);
    const poolMs = median(poolTimesMs);
    const speedup = singleMs / poolMs;
    return {
      n,
      workers: pool.size,
      mode: pool.mode,
      modeReason: pool.modeReason,
      result,
      correct,
      singleMs,
      poolMs,
      speedup,
      efficiency: speedup / pool.size,
      singleTimesMs,
      poolTimesMs,
    };
  } finally {
    if (!opts.pool) await pool.close();
  }
}
