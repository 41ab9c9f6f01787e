// popcountSum, the range kernel added as the proof of the kernel contract: its known answers, its
// twins, its u64 edges, and the same named errors as every other range kernel.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { U64_MAX, createPool, kernels, twins } from "../src/index.ts";

const k = await kernels();

describe("popcountSum", () => {
  it("counts k·2^(k−1) one bits in [0, 2^k)", () => {
    for (const bits of [0, 1, 2, 10, 20]) expect(k.popcountSum(0n, 1n << BigInt(bits))).toBe((BigInt(bits) * (1n << BigInt(bits))) / 2n);
    // 1 + 1 + 2 + 1 + 2 + 2 + 3 for 1..7
    expect(k.popcountSum(1, 8)).toBe(12n);
  });

  it("matches both twins on random ranges below 2^53, and the bigint twin up to 2^64 − 1", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 53n - 3000n }), fc.integer({ min: 0, max: 2000 }), (lo, width) => {
        const hi = lo + BigInt(width);
        const want = twins.bigint.popcountSum(lo, hi);
        expect(k.popcountSum(lo, hi)).toBe(want);
        expect(BigInt(twins.number.popcountSum(Number(lo), Number(hi)))).toBe(want);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64_MAX - 500n }), fc.integer({ min: 0, max: 500 }), (lo, width) => {
        expect(k.popcountSum(lo, lo + BigInt(width))).toBe(twins.bigint.popcountSum(lo, lo + BigInt(width)));
      }),
      { numRuns: 50 },
    );
  });

  it("handles the u64 edges: 2^53 ± 1, the top of the range, and empty ranges", () => {
    expect(k.popcountSum(2n ** 53n - 1n, 2n ** 53n + 2n)).toBe(53n + 1n + 2n);
    expect(k.popcountSum(U64_MAX - 1n, U64_MAX)).toBe(63n);
    expect(k.popcountSum(U64_MAX, U64_MAX)).toBe(0n);
    expect(k.popcountSum(10n, 3n)).toBe(0n);
  });

  it("rejects bad bounds with the range kernels' named errors", () => {
    expect(() => k.popcountSum(-1, 5)).toThrow("Expected `lo` to be a u64 (0 ≤ n < 2^64), got -1 (number)");
    expect(() => k.popcountSum(0n, 1n << 64n)).toThrow("Expected `hi` to be a u64 (0 ≤ n < 2^64), got 18446744073709551616n (bigint)");
    expect(() => k.popcountSum(0, "9" as never)).toThrow(TypeError);
  });
});

describe("popcountSum on the pool", () => {
  it.each([
    ["shared", 1],
    ["shared", 2],
    ["shared", 3],
    ["message", 1],
    ["message", 2],
    ["message", 3],
  ] as const)("gives the single-thread answer in %s mode on %i workers", async (mode, workers) => {
    const pool = await createPool({ mode, workers, warmUp: false });
    try {
      const lo = 2n ** 53n - 12_345n;
      const hi = lo + 500_000n;
      expect(await pool.popcountSum(lo, hi, { chunks: 7 })).toBe(k.popcountSum(lo, hi));
      expect(await pool.popcountSum(U64_MAX - 1000n, U64_MAX)).toBe(k.popcountSum(U64_MAX - 1000n, U64_MAX));
      expect(await pool.popcountSum(5n, 5n)).toBe(0n);
      await expect(pool.popcountSum(-1, 5)).rejects.toThrow("Expected `lo` to be a u64 (0 ≤ n < 2^64), got -1 (number)");
    } finally {
      await pool.close();
    }
  });
});
