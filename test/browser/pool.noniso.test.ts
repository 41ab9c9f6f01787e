// The worker pool in a Chromium page WITHOUT cross-origin isolation: no SharedArrayBuffer can be
// posted, so the pool falls back to message passing, says why, and never throws a DataCloneError.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerError, createPool, kernels, type Kernels, type Pool } from "../../src/index.ts";

describe("pool in Chromium without cross-origin isolation", () => {
  let pool: Pool;
  let k: Kernels;
  beforeAll(async () => {
    k = await kernels();
    pool = await createPool({ workers: 2 });
  });
  afterAll(() => pool?.close());

  it("falls back to message passing and gives the reason", () => {
    expect(globalThis.crossOriginIsolated).toBe(false);
    expect(pool.mode).toBe("message");
    expect(pool.modeReason).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy/);
  });

  it("computes what one thread computes, inputs and outputs moving by message", async () => {
    const view = { width: 70, height: 45, maxIter: 250 };
    for (const chunks of [undefined, 1, 6]) {
      expect(await pool.sumIntegers(2_000_000n, { chunks })).toBe(k.sumIntegers(2_000_000n));
      expect(await pool.mandelbrot({ ...view, chunks })).toEqual(k.mandelbrot(view));
      expect(await pool.countPrimes(100_000, { chunks })).toBe(k.countPrimes(100_000));
    }
    const x = Float64Array.from({ length: 101 }, (_, i) => i / 3);
    const y = Float64Array.from({ length: 101 }, (_, i) => -i);
    const expected = k.saxpy(2.5, x, y.slice());
    expect(await pool.saxpy(2.5, x, y)).toEqual(expected);
    const a = Float64Array.from({ length: 12 }, (_, i) => i);
    expect(await pool.matmul(a, a, 3, 4, 3)).toEqual(k.matmul(a, a, 3, 4, 3));
    // The caller's arrays are copied before transfer, never detached.
    expect(x.length).toBe(101);
    expect(a.length).toBe(12);
  });

  it("refuses shared mode with the reason instead of a DataCloneError", async () => {
    await expect(createPool({ workers: 1, mode: "shared" })).rejects.toThrow(WorkerError);
    await expect(createPool({ workers: 1, mode: "shared" })).rejects.toThrow(/cross-origin isolated/);
  });
});
