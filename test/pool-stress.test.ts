// Many calls at once, of every kind, some aborted mid-way: every call that is not aborted gives the
// single-thread answer, every aborted one rejects with AbortError, and the shared heap ends empty.
import { describe, expect, it } from "vitest";
import { AbortError } from "../src/errors.ts";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool, type Pool } from "../src/pool/pool.ts";

const k = await kernels();

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe.each(["shared", "message"] as const)("stress, %s mode", (mode) => {
  it("60 concurrent mixed calls, a third of them aborted at random moments", async () => {
    const pool: Pool = await createPool({ workers: 3, mode, warmUp: false });
    const baseline = pool.sharedBytesInUse;
    const random = rng(mode === "shared" ? 7 : 11);
    const a = Float64Array.from({ length: 24 * 16 }, (_, i) => Math.sin(i));
    const b = Float64Array.from({ length: 16 * 20 }, (_, i) => Math.cos(i));
    const calls: { run: (signal?: AbortSignal) => Promise<unknown>; expected: unknown }[] = [
      { run: (signal) => pool.sumIntegers(2_000_000n, { signal }), expected: k.sumIntegers(2_000_000n) },
      { run: (signal) => pool.countPrimes(300_000, { signal, chunks: 5 }), expected: k.countPrimes(300_000) },
      {
        run: (signal) => pool.mandelbrot({ width: 60, height: 40, maxIter: 400, signal }),
        expected: k.mandelbrot({ width: 60, height: 40, maxIter: 400 }),
      },
      { run: (signal) => pool.matmul(a, b, 24, 16, 20, { signal }), expected: k.matmul(a, b, 24, 16, 20) },
      {
        run: (signal) => pool.hashMany(["x", new Uint8Array(5000), "yz"], { signal }),
        expected: BigUint64Array.from(["x", new Uint8Array(5000), "yz"], (x) => k.xxhash64(x)),
      },
      { run: (signal) => pool.longestCollatz(50_000n, { signal }), expected: k.longestCollatz(50_000n) },
    ];
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const call = calls[i % calls.length];
        const abort = random() < 1 / 3;
        const controller = new AbortController();
        if (abort) setTimeout(() => controller.abort(), Math.floor(random() * 40));
        try {
          const value = await call.run(abort ? controller.signal : undefined);
          return { ok: true, same: JSON.stringify(value, big) === JSON.stringify(call.expected, big), abort };
        } catch (error) {
          return { ok: false, aborted: error instanceof AbortError, abort, error: String(error) };
        }
      }),
    );
    for (const o of outcomes) {
      if (o.ok) expect(o.same).toBe(true);
      else {
        expect(o.abort, o.error).toBe(true);
        expect(o.aborted, o.error).toBe(true);
      }
    }
    expect(outcomes.filter((o) => !o.abort).every((o) => o.ok)).toBe(true);
    // Aborts replace workers in the background; once they are all back, the heap holds only their warm-up regions (none here).
    const deadline = Date.now() + 30_000;
    while ((pool.size < 3 || pool.sharedBytesInUse !== baseline) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(pool.size).toBe(3);
    expect(pool.sharedBytesInUse).toBe(baseline);
    expect(await pool.sumIntegers(1000n)).toBe(499500n);
    await pool.close();
  });
});

function big(_: string, value: unknown): unknown {
  if (typeof value === "bigint") return `${value}n`;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, (v) => String(v));
  return value;
}
