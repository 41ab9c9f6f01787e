// The prime sieve over all of u64 (assembly/primes.ts): against the bigint twin (each number tested by
// deterministic Miller–Rabin, nothing shared with the sieve) on random ranges at every magnitude, at the
// edges where a segmented wheel sieve goes wrong (2^32, 2^53, squares of sieving primes, segment and
// L1-chunk boundaries, the top of u64), and against counts published or taken from primesieve 11.0.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernels, twins } from "../src/index.ts";

const k = await kernels();
const U64_MAX = 2n ** 64n - 1n;
/** Numbers per segment of the sieve (1 MiB of bytes, 30 numbers a byte) and per L1 chunk (32 KiB). */
const SEGMENT = 30n * 2n ** 20n;
const CHUNK = 30n * 2n ** 15n;

const twin = (lo: bigint, hi: bigint) => twins.bigint.countPrimesRange(lo, hi);

describe("countPrimesRange over u64", () => {
  it("matches the bigint twin on random short ranges at every magnitude", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.bigInt({ min: 0n, max: U64_MAX }),
        fc.integer({ min: 0, max: 1500 }),
        (bits, x, length) => {
          const lo = x & ((1n << BigInt(bits)) - 1n);
          const hi = lo + BigInt(length) > U64_MAX ? U64_MAX : lo + BigInt(length);
          expect(k.countPrimesRange(lo, hi)).toBe(twin(lo, hi));
        },
      ),
      { numRuns: 120 },
    );
  });

  it("matches the bigint twin on ranges long enough to be sieved, up to 2^40", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.integer({ min: 20_000, max: 60_000 }), (lo, length) => {
        expect(k.countPrimesRange(lo, lo + BigInt(length))).toBe(twin(lo, lo + BigInt(length)));
      }),
      { numRuns: 12 },
    );
  });

  it("is exact across 2^32 and 2^53, and from the square of a sieving prime on", () => {
    for (const [lo, hi] of [
      [2n ** 32n - 30_000n, 2n ** 32n + 30_000n],
      [2n ** 53n - 100_000n, 2n ** 53n + 100_000n],
      [65537n ** 2n - 40_000n, 65537n ** 2n + 40_000n], // 65537: the first prime past the plain base sieve
      [1000003n ** 2n - 50_000n, 1000003n ** 2n + 50_000n], // a prime above a segment's span: the bucket sieve's
      [4294967291n ** 2n - 1000n, 4294967291n ** 2n + 1000n], // the largest prime below 2^32, squared
    ] as const)
      expect(k.countPrimesRange(lo, hi), `[${lo}, ${hi})`).toBe(twin(lo, hi));
  });

  it("splits at every segment and L1-chunk boundary without losing or doubling a prime", () => {
    const lo = 10n ** 11n + 7n;
    const whole = k.countPrimesRange(lo, lo + 3n * SEGMENT);
    for (const cut of [CHUNK, CHUNK + 1n, SEGMENT - 1n, SEGMENT, SEGMENT + 29n, 2n * SEGMENT + 13n])
      expect(k.countPrimesRange(lo, lo + cut) + k.countPrimesRange(lo + cut, lo + 3n * SEGMENT)).toBe(whole);
    // And the first numbers: every boundary below 200 against the twin.
    for (let hi = 0n; hi < 200n; hi++) expect(k.countPrimesRange(0n, hi)).toBe(twin(0n, hi));
  });

  it("counts up to 2^64 − 1, which is not prime: countPrimes(2^64 − 1) is π over all of u64 so far as hi goes", () => {
    expect(k.countPrimesRange(U64_MAX - 2000n, U64_MAX)).toBe(twin(U64_MAX - 2000n, U64_MAX));
    expect(k.countPrimesRange(U64_MAX - 58n, U64_MAX)).toBe(1); // 2^64 − 59 is the largest prime below 2^64
    expect(k.countPrimesRange(U64_MAX - 57n, U64_MAX)).toBe(0);
    expect(k.countPrimesRange(U64_MAX, U64_MAX)).toBe(0);
  });

  it("sieves the last 10^7 numbers below 2^64 − 1 to primesieve's count", () => {
    // primesieve 18446744073699551615 18446744073709551614 -c → 225271 (primesieve 11.0, this machine)
    expect(k.countPrimesRange(U64_MAX - 10n ** 7n, U64_MAX)).toBe(225271);
  }, 120_000);

  it("gives published counts: π(10^9) = 50847534, and [10^12, 10^12 + 10^9) = 36190991 (primesieve)", () => {
    expect(k.countPrimes(10n ** 9n)).toBe(50847534);
    expect(k.countPrimesRange(10n ** 12n, 10n ** 12n + 10n ** 9n)).toBe(36190991);
  }, 120_000);

  it("countPrimesByTest (the path for short ranges far out) agrees with the twin near 2^64 and at small n", () => {
    for (const [lo, hi] of [
      [0n, 3000n],
      [U64_MAX - 5000n, U64_MAX],
      [2n ** 63n - 3000n, 2n ** 63n + 3000n],
    ] as const)
      expect(Number(BigInt.asUintN(64, k.exports.countPrimesByTest(lo, hi)))).toBe(twin(lo, hi));
  });
});
