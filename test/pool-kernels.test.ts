// Every parallel form against the single-thread kernel, for 1, 2, 3 and 7 workers, both data paths,
// and several chunk counts: integer results must be equal bit for bit, dot products within rounding.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool, type Pool } from "../src/pool/pool.ts";

const k = await kernels();
const CHUNKS = [undefined, 1, 3, 16];
const U64 = 2n ** 64n;

/** Deterministic pseudo-random doubles (tests must not depend on Math.random). */
function doubles(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

describe.each([
  [1, "shared"],
  [2, "shared"],
  [3, "shared"],
  [7, "shared"],
  [1, "message"],
  [2, "message"],
  [3, "message"],
  [7, "message"],
] as const)("pool of %i worker(s), %s mode", (workers, mode) => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers, mode });
  });
  afterAll(() => pool?.close());

  it("reports its size and mode", () => {
    expect(pool.size).toBe(workers);
    expect(pool.mode).toBe(mode);
    expect(pool.modeReason).toMatch(/requested/);
  });

  it("sumIntegers and sumRange equal the kernel, wrap-around included", async () => {
    for (const chunks of CHUNKS) {
      expect(await pool.sumIntegers(3_000_000n, { chunks })).toBe(k.sumIntegers(3_000_000n));
      expect(await pool.sumRange(U64 - 100_000n, U64 - 1n, { chunks })).toBe(k.sumRange(U64 - 100_000n, U64 - 1n));
      expect(await pool.sumRange(10, 11, { chunks })).toBe(10n);
      expect(await pool.sumRange(50n, 10n, { chunks })).toBe(0n);
    }
    expect(await pool.sumIntegers(0)).toBe(0n);
  });

  it("countPrimes and countPrimesRange equal the sieve on one thread", async () => {
    for (const chunks of CHUNKS) {
      expect(await pool.countPrimes(1_000_000, { chunks })).toBe(78498);
      expect(await pool.countPrimesRange(1000n, 250_001n, { chunks })).toBe(k.countPrimesRange(1000n, 250_001n));
      expect(await pool.countPrimesRange(2n ** 32n - 300_000n, 2n ** 32n, { chunks })).toBe(
        k.countPrimesRange(2n ** 32n - 300_000n, 2n ** 32n),
      );
    }
    for (const n of [0, 1, 2, 3, 97]) expect(await pool.countPrimes(n)).toBe(k.countPrimes(n));
  });

  it("countPrimesRange past 2^32 and up to 2^64 − 1 equals the single thread's count", async () => {
    const ranges: Array<[bigint, bigint]> = [
      [10n ** 12n, 10n ** 12n + 3n * 10n ** 7n],
      [2n ** 53n - 10n ** 6n, 2n ** 53n + 10n ** 6n],
      [2n ** 64n - 2_000_000n, 2n ** 64n - 1n],
    ];
    for (const [lo, hi] of ranges) {
      const one = k.countPrimesRange(lo, hi);
      for (const chunks of [1, 3, 7]) expect(await pool.countPrimesRange(lo, hi, { chunks })).toBe(one);
    }
  });

  it("longestCollatz equals the kernel, ties going to the smallest start", async () => {
    for (const chunks of CHUNKS) {
      expect(await pool.longestCollatz(200_000n, { chunks })).toEqual(k.longestCollatz(200_000n));
      expect(await pool.longestCollatzRange(1000n, 5000n, { chunks })).toEqual(k.longestCollatzRange(1000n, 5000n));
    }
    expect(await pool.longestCollatz(2)).toEqual({ start: 1n, steps: 0 });
    // 2^63 + 1 is odd and 3n + 1 would pass 2^64: both forms refuse rather than wrap.
    await expect(pool.longestCollatzRange(2n ** 63n, 2n ** 63n + 16n)).rejects.toThrow(/passes 2\^64/);
  });

  it("monteCarloPi gives the same answer for any split", async () => {
    const samples = 1_000_000n + 12_345n;
    const one = k.monteCarloPi(samples, 42n);
    for (const chunks of CHUNKS) expect(await pool.monteCarloPi(samples, 42n, { chunks })).toEqual(one);
    expect(one.pi).toBeGreaterThan(3.1);
    expect(one.pi).toBeLessThan(3.2);
    expect(await pool.monteCarloPi(5)).toEqual(k.monteCarloPi(5));
  });

  it("mandelbrot equals the kernel pixel for pixel", async () => {
    const view = { width: 97, height: 61, maxIter: 300 };
    const one = k.mandelbrot(view);
    for (const chunks of [...CHUNKS, 61, 500]) expect(await pool.mandelbrot({ ...view, chunks })).toEqual(one);
    const zoom = { width: 40, height: 3, maxIter: 1000, x0: -0.75, y0: 0.1, x1: -0.74, y1: 0.11 };
    expect(await pool.mandelbrot(zoom)).toEqual(k.mandelbrot(zoom));
  });

  it("matmul and saxpy equal the kernel bit for bit; dot within rounding", async () => {
    const [m, kk, n] = [37, 23, 29];
    const a = doubles(m * kk, 1);
    const b = doubles(kk * n, 2);
    const c = k.matmul(a, b, m, kk, n);
    const x = doubles(1001, 3);
    const y = doubles(1001, 4);
    const expectedY = k.saxpy(0.75, x, y.slice());
    for (const chunks of CHUNKS) {
      expect(await pool.matmul(a, b, m, kk, n, { chunks })).toEqual(c);
      const yy = y.slice();
      const returned = await pool.saxpy(0.75, x, yy, { chunks });
      expect(returned).toBe(yy);
      expect(yy).toEqual(expectedY);
      expect(await pool.dot(x, y, { chunks })).toBeCloseTo(k.dot(x, y), 10);
    }
    expect(a).toEqual(doubles(m * kk, 1));
    expect(x).toEqual(doubles(1001, 3));
  });

  it("hashMany equals the single-buffer hashes", async () => {
    const buffers = Array.from({ length: 23 }, (_, i) => new Uint8Array(i * 37).map((_, j) => (i * 31 + j * 7) & 0xff));
    buffers.push(new Uint8Array(0));
    for (const chunks of CHUNKS) {
      const xx = await pool.hashMany(buffers, { chunks, seed: 99n });
      expect(Array.from(xx)).toEqual(buffers.map((b) => k.xxhash64(b, 99n)));
      const fnv = await pool.hashMany(buffers, { chunks, algorithm: "fnv1a64" });
      expect(Array.from(fnv)).toEqual(buffers.map((b) => k.fnv1a64(b)));
    }
    expect(buffers[5].byteLength).toBe(185);
    expect(await pool.hashMany([])).toEqual(new BigUint64Array(0));
  });
});
