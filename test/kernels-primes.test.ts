import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernels, twins } from "../src/index.ts";

const k = await kernels();
const TWO_32 = 2 ** 32;

describe("countPrimes", () => {
  // π(x) for powers of ten: OEIS A006880.
  it.each([
    [10, 4],
    [100, 25],
    [1000, 168],
    [1_000_000, 78498],
    [10_000_000, 664579],
    [100_000_000, 5761455],
  ])("π(%i) = %i", (n, want) => {
    expect(k.countPrimes(n)).toBe(want);
  });

  it("matches the number twin for every n up to 3000", () => {
    for (let n = 0; n <= 3000; n++) expect(k.countPrimes(n)).toBe(twins.number.countPrimes(n));
  });

  it("counts n itself when it is prime: π(0) = π(1) = 0, π(2) = 1, π(3) = 2, π(4) = 2", () => {
    expect([0, 1, 2, 3, 4].map((n) => k.countPrimes(n))).toEqual([0, 0, 1, 2, 2]);
    expect(k.countPrimes(7919n)).toBe(1000); // 7919 is the 1000th prime
    expect(k.countPrimes(7918)).toBe(999);
  });

  it("matches the number twin at random n up to 2·10^6", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), (n) => {
        expect(k.countPrimes(n)).toBe(twins.number.countPrimes(n));
      }),
      { numRuns: 15 },
    );
  });
});

/** Trial division: an oracle that shares nothing with the sieve (the number twin follows the kernel's algorithm). */
function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

describe("countPrimesRange", () => {
  it("agrees with trial division on random ranges anywhere below 2^32", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: TWO_32 - 500 }), fc.integer({ min: 0, max: 500 }), (lo, length) => {
        let want = 0;
        for (let x = lo; x < lo + length; x++) if (isPrime(x)) want++;
        expect(k.countPrimesRange(lo, lo + length)).toBe(want);
      }),
      { numRuns: 40 },
    );
  });

  it("matches the number twin on random ranges, across segment boundaries", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: 0, max: 300_000 }), (lo, length) => {
        expect(k.countPrimesRange(lo, lo + length)).toBe(twins.number.countPrimesRange(lo, lo + length));
      }),
      { numRuns: 60 },
    );
  });

  it("is exact at the top of the range: 4294967291 = 2^32 − 5 is the largest prime below 2^32", () => {
    expect(k.countPrimesRange(TWO_32 - 5, TWO_32)).toBe(1);
    expect(k.countPrimesRange(TWO_32 - 4, TWO_32)).toBe(0);
    expect(k.countPrimesRange(TWO_32 - 1_000_000, 2n ** 32n)).toBe(twins.number.countPrimesRange(TWO_32 - 1_000_000, TWO_32));
  });

  it("is 0 for an empty or reversed range, and splits additively", () => {
    expect(k.countPrimesRange(100, 100)).toBe(0);
    expect(k.countPrimesRange(100, 50)).toBe(0);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (lo, a, b) => {
          expect(k.countPrimesRange(lo, lo + a) + k.countPrimesRange(lo + a, lo + a + b)).toBe(k.countPrimesRange(lo, lo + a + b));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("counts 2 only when it lies in the range", () => {
    expect(k.countPrimesRange(2, 3)).toBe(1);
    expect(k.countPrimesRange(0, 2)).toBe(0);
    expect(k.countPrimesRange(3, 4)).toBe(1);
    expect(k.countPrimesRange(1, 11)).toBe(4);
  });
});

describe("bad input", () => {
  it("countPrimes takes any u64 n and names it otherwise", () => {
    expect(() => k.countPrimes(-1)).toThrow("Expected `n` to be a u64 (0 ≤ n < 2^64), got -1 (number)");
    expect(() => k.countPrimes(10.5)).toThrow("Expected `n` to be an integer, got 10.5 (number)");
    expect(() => k.countPrimes("100" as never)).toThrow(TypeError);
    expect(() => k.countPrimes(2n ** 64n)).toThrow("Expected `n` to be a u64");
  });

  it("countPrimesRange names lo and hi", () => {
    expect(() => k.countPrimesRange(-1, 10)).toThrow("Expected `lo` to be a u64");
    expect(() => k.countPrimesRange(0, 2n ** 64n)).toThrow("Expected `hi` to be a u64 (0 ≤ n < 2^64), got 18446744073709551616n (bigint)");
    expect(() => k.countPrimesRange(0, null as never)).toThrow(TypeError);
  });
});
