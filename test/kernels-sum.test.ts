import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { U64_MAX, kernels, twins } from "../src/index.ts";

const k = await kernels();
const TWO_64 = 1n << 64n;
/** The closed form of lo + … + (hi − 1) modulo 2^64: the oracle that needs no loop. */
const closedForm = (lo: bigint, hi: bigint): bigint => (hi <= lo ? 0n : BigInt.asUintN(64, ((hi - lo) * (lo + hi - 1n)) / 2n));

describe("sumIntegers", () => {
  it("adds 0 + 1 + … + (n − 1) for small n, as both twins do", () => {
    for (const n of [0n, 1n, 2n, 3n, 10n, 1000n]) {
      expect(k.sumIntegers(n)).toBe(twins.bigint.sumIntegers(n));
      expect(k.sumIntegers(n)).toBe(BigInt(twins.number.sumIntegers(Number(n))));
    }
  });

  it("gives 0 for n = 0 and n = 1, and 1 for n = 2", () => {
    expect(k.sumIntegers(0n)).toBe(0n);
    expect(k.sumIntegers(1n)).toBe(0n);
    expect(k.sumIntegers(2)).toBe(1n);
  });

  it("matches the closed form n(n − 1)/2 at 10^8 and 2^32", () => {
    expect(k.sumIntegers(100_000_000n)).toBe(4_999_999_950_000_000n);
    const got = k.sumIntegers(1n << 32n);
    expect(got).toBe(closedForm(0n, 1n << 32n));
    expect(got).toBe(9_223_372_034_707_292_160n);
  });

  it("accepts a safe integer number and gives the same bigint", () => {
    expect(k.sumIntegers(12345)).toBe(k.sumIntegers(12345n));
  });
});

describe("sumRange", () => {
  it("is 0 when hi ≤ lo", () => {
    expect(k.sumRange(10n, 10n)).toBe(0n);
    expect(k.sumRange(10n, 3n)).toBe(0n);
    expect(k.sumRange(U64_MAX, 0n)).toBe(0n);
  });

  it("adds exactly across 2^53 ± 1 where doubles lose integers", () => {
    const lo = (1n << 53n) - 1n;
    const hi = (1n << 53n) + 2n;
    expect(k.sumRange(lo, hi)).toBe(lo + (lo + 1n) + (lo + 2n));
    expect(k.sumRange(lo, hi)).toBe(twins.bigint.sumRange(lo, hi));
  });

  it("wraps modulo 2^64 near the top, with hi = 2^64 − 1", () => {
    const lo = U64_MAX - 3n;
    expect(k.sumRange(lo, U64_MAX)).toBe((lo + (lo + 1n) + (lo + 2n)) % TWO_64);
    expect(k.sumRange(lo, U64_MAX)).toBe(twins.bigint.sumRange(lo, U64_MAX));
    expect(k.sumRange(U64_MAX - 1n, U64_MAX)).toBe(U64_MAX - 1n);
  });

  it("wraps where the true sum passes 2^64 (n = 2^33 + 1 from 2^62)", () => {
    const lo = 1n << 62n;
    const hi = lo + 1000n;
    expect(k.sumRange(lo, hi)).toBe(closedForm(lo, hi));
    expect(closedForm(lo, hi)).not.toBe(((hi - lo) * (lo + hi - 1n)) / 2n);
  });

  it("matches the bigint twin and the closed form on random short ranges anywhere in u64", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), fc.integer({ min: 0, max: 300 }), (lo, length) => {
        const hi = lo + BigInt(length) > U64_MAX ? U64_MAX : lo + BigInt(length);
        const got = k.sumRange(lo, hi);
        expect(got).toBe(twins.bigint.sumRange(lo, hi));
        expect(got).toBe(closedForm(lo, hi));
      }),
      { numRuns: 300 },
    );
  });

  it("is splittable: sum over [lo, mid) + sum over [mid, hi) wraps to the sum over [lo, hi)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: U64_MAX - 20_000n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (lo, a, b) => {
          const mid = lo + BigInt(a);
          const hi = mid + BigInt(b);
          expect(BigInt.asUintN(64, k.sumRange(lo, mid) + k.sumRange(mid, hi))).toBe(k.sumRange(lo, hi));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("the number twin", () => {
  it("is exact below 2^53", () => {
    expect(twins.number.sumIntegers(1_000_000)).toBe(499_999_500_000);
  });

  // hi stays at 2^53: above it `i++` itself stops changing i and the twin's loop never ends.
  it("is wrong once the partial sums pass 2^53, where the kernel stays exact", () => {
    const lo = 2 ** 53 - 4;
    const hi = 2 ** 53;
    const exact = k.sumRange(BigInt(lo), BigInt(hi));
    expect(exact).toBe(4n * (1n << 53n) - 10n);
    expect(BigInt(twins.number.sumRange(lo, hi))).not.toBe(exact);
  });

  it("gets the demo's n = 2·10^8 wrong (the sum passes 2^53 at n ≈ 1.34·10^8)", () => {
    const n = 200_000_000;
    expect(BigInt(twins.number.sumIntegers(n))).not.toBe(k.sumIntegers(n));
    expect(k.sumIntegers(n)).toBe(closedForm(0n, BigInt(n)));
  });
});

describe("bad input", () => {
  it.each([
    ["a negative bigint", -1n, RangeError, "Expected `n` to be a u64 (0 ≤ n < 2^64), got -1n (bigint)"],
    ["2^64", 1n << 64n, RangeError, "Expected `n` to be a u64 (0 ≤ n < 2^64), got 18446744073709551616n (bigint)"],
    ["a negative number", -5, RangeError, "Expected `n` to be a u64 (0 ≤ n < 2^64), got -5 (number)"],
    ["a fraction", 1.5, RangeError, "Expected `n` to be an integer, got 1.5 (number)"],
    ["an unsafe number", 2 ** 60, RangeError, "Expected `n` to be a bigint or a safe integer"],
    ["NaN", NaN, RangeError, "Expected `n` to be an integer, got NaN (number)"],
    ["a string", "10", TypeError, 'Expected `n` to be a bigint or a non-negative safe integer, got "10" (string)'],
    ["null", null, TypeError, "got null"],
    ["undefined", undefined, TypeError, "got undefined"],
  ])("sumIntegers rejects %s", (_, value, type, message) => {
    expect(() => k.sumIntegers(value as never)).toThrow(type);
    expect(() => k.sumIntegers(value as never)).toThrow(message);
  });

  it("sumRange names the parameter that is wrong", () => {
    expect(() => k.sumRange(-1n, 5n)).toThrow("Expected `lo` to be a u64");
    expect(() => k.sumRange(0n, 1n << 64n)).toThrow("Expected `hi` to be a u64");
    expect(() => k.sumRange(0n, "5" as never)).toThrow(TypeError);
  });
});

describe("sumRangeSimd", () => {
  it("equals the scalar kernel and the closed form on random ranges, tails of 0 to 7 included", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), fc.integer({ min: 0, max: 5000 }), (lo, width) => {
        const hi = lo + BigInt(width) > U64_MAX ? U64_MAX : lo + BigInt(width);
        expect(k.sumRangeSimd(lo, hi)).toBe(k.sumRange(lo, hi));
        expect(k.sumRangeSimd(lo, hi)).toBe(closedForm(lo, hi));
      }),
      { numRuns: 300 },
    );
  });

  it("handles the u64 edges: empty and reversed ranges, 2^53 ± 1, the top of the range, wrap-around", () => {
    expect(k.sumRangeSimd(0n, 0n)).toBe(0n);
    expect(k.sumRangeSimd(9n, 3n)).toBe(0n);
    expect(k.sumRangeSimd(0n, 1n)).toBe(0n);
    expect(k.sumRangeSimd(2n ** 53n - 1n, 2n ** 53n + 2n)).toBe(closedForm(2n ** 53n - 1n, 2n ** 53n + 2n));
    expect(k.sumRangeSimd(U64_MAX - 17n, U64_MAX)).toBe(closedForm(U64_MAX - 17n, U64_MAX));
    expect(k.sumRangeSimd(0n, 100_000_000n)).toBe(4_999_999_950_000_000n);
    expect(k.sumRangeSimd(0n, 1n << 32n)).toBe(closedForm(0n, 1n << 32n));
  });

  it("rejects bad bounds with the named errors of sumRange", () => {
    expect(() => k.sumRangeSimd(-1, 3)).toThrow("Expected `lo` to be a u64 (0 ≤ n < 2^64), got -1 (number)");
    expect(() => k.sumRangeSimd(0, TWO_64)).toThrow(RangeError);
  });
});
