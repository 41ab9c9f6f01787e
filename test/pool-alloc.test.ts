// pool.alloc: arrays that live in the pool. In shared mode they are views of the shared memory that
// dot, saxpy, matmul and hashMany use where they lie (no copy); their block is freed by dispose (or
// `using`), never under a call still using it. In message mode the same code works on ordinary arrays.
import { describe, expect, it } from "vitest";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool } from "../src/pool/pool.ts";

const k = await kernels();
const fill = (a: Float64Array, seed: number) => a.forEach((_, i) => (a[i] = Math.sin(i * 0.37 + seed)));

describe.each(["shared", "message"] as const)("pool.alloc, %s mode", (mode) => {
  it("gives typed arrays the kernels take as they are, with the single-thread answers", async () => {
    await using pool = await createPool({ workers: 2, mode, warmUp: false });
    const baseline = pool.sharedBytesInUse;
    const x = pool.alloc(Float64Array, 10_001);
    const y = pool.alloc(Float64Array, 10_001);
    expect(x).toBeInstanceOf(Float64Array);
    expect(x.length).toBe(10_001);
    if (mode === "shared") {
      expect(x.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(pool.sharedBytesInUse - baseline).toBeGreaterThanOrEqual(2 * 10_001 * 8);
    } else expect(pool.modeReason).toMatch(/copies its arrays to the workers and back \(pool\.alloc arrays too\)/);
    fill(x, 1);
    fill(y, 2);
    expect(await pool.dot(x, y, { chunks: 5 })).toBeCloseTo(k.dot(x, y), 9);
    const expectedY = k.saxpy(0.5, x, y.slice());
    expect(await pool.saxpy(0.5, x, y, { chunks: 3 })).toBe(y);
    expect(Array.from(y)).toEqual(Array.from(expectedY));
    const bytes = pool.alloc(Uint8Array, 777);
    bytes.forEach((_, i) => (bytes[i] = (i * 13) & 0xff));
    expect(Array.from(await pool.hashMany([bytes, "abc", bytes]))).toEqual([k.xxhash64(bytes), k.xxhash64("abc"), k.xxhash64(bytes)]);
    const a = pool.alloc(Float64Array, 6 * 4);
    fill(a, 3);
    expect(await pool.matmul(a, x.subarray(0, 4 * 5), 6, 4, 5)).toEqual(k.matmul(a, x.subarray(0, 4 * 5), 6, 4, 5));
    for (const array of [x, y, bytes, a]) array.dispose();
    expect(x.disposed).toBe(true);
    expect(pool.sharedBytesInUse).toBe(baseline);
    {
      using scoped = pool.alloc(Float64Array, 100);
      expect(scoped.disposed).toBe(false);
    }
    expect(pool.sharedBytesInUse).toBe(baseline);
    expect(() => pool.alloc(Array as never, 3)).toThrow(/Expected `type` to be one of Float64Array/);
    expect(() => pool.alloc(Float64Array, -1)).toThrow(/`length`/);
  });
});

describe("pool.alloc in shared mode", () => {
  it("uses the arrays where they lie: a dot of 2 × 320 MB runs where copies would not fit in the 1 GiB memory", async () => {
    await using pool = await createPool({ workers: 2, mode: "shared", warmUp: false });
    const n = 40_000_000;
    using a = pool.alloc(Float64Array, n);
    using b = pool.alloc(Float64Array, n);
    a.fill(0.5);
    b.fill(2);
    expect(await pool.dot(a, b)).toBe(n);
    // The same data in ordinary arrays must be copied in, and does not fit beside them.
    await expect(pool.dot(a.slice(0, 30_000_000), b.slice(0, 30_000_000))).rejects.toThrow(/fit in the pool's shared memory/);
  }, 120_000);

  it("a disposed array stays until the call using it ends, and cannot be passed again", async () => {
    await using pool = await createPool({ workers: 1, mode: "shared", warmUp: false });
    const baseline = pool.sharedBytesInUse;
    const x = pool.alloc(Float64Array, 1_000_000).fill(1);
    const call = pool.dot(x, x);
    x.dispose();
    expect(pool.sharedBytesInUse).toBeGreaterThan(baseline);
    expect(await call).toBe(1_000_000);
    expect(pool.sharedBytesInUse).toBe(baseline);
    await expect(pool.dot(x, x)).rejects.toThrow(/an array from pool.alloc that was not disposed/);
  });
});
