import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { U64_MAX, kernels, twins } from "../src/index.ts";
import { MONTE_CARLO_CHUNK } from "../src/kernels/abi.ts";

const k = await kernels();

describe("splitmix64", () => {
  // The first outputs of Vigna's reference splitmix64.c (https://prng.di.unimi.it/splitmix64.c) seeded with 0.
  it("produces the reference outputs for seed 0", () => {
    expect([...k.splitmix64(0n, 4)]).toEqual([0xe220a8397b1dcdafn, 0x6e789e6aa1b965f4n, 0x06c45d188009454fn, 0xf88bb8a8724c81ecn]);
  });

  it("matches the bigint twin for random seeds and counts", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), fc.integer({ min: 0, max: 300 }), (seed, count) => {
        expect(k.splitmix64(seed, count)).toEqual(twins.bigint.splitmix64(seed, count));
      }),
      { numRuns: 100 },
    );
  });

  it("continues one stream across the kernel's internal blocks of 65536 words", () => {
    const n = 65536 * 2 + 5;
    const long = k.splitmix64(42n, n);
    expect(long.length).toBe(n);
    // Output i of a splitmix64 stream from seed s is output 0 from seed s + i·γ.
    const gamma = 0x9e3779b97f4a7c15n;
    for (const i of [0, 65535, 65536, 65537, n - 1]) expect(long[i]).toBe(k.splitmix64(BigInt.asUintN(64, 42n + BigInt(i) * gamma), 1)[0]);
  });

  it("returns an empty array for count 0", () => {
    expect(k.splitmix64(1n, 0)).toEqual(new BigUint64Array(0));
  });
});

describe("xorshift64", () => {
  // Marsaglia's 13/7/17 step from state 1, by hand: 1 → 0x2001 → 0x2041 → 0x40822041 = 1082269761.
  it("takes state 1 to 1082269761, then the twin's sequence", () => {
    const out = k.xorshift64(1n, 3);
    expect(out[0]).toBe(1082269761n);
    expect(out[1]).toBe(1152992998833853505n);
    expect(out).toEqual(twins.bigint.xorshift64(1n, 3));
  });

  it("matches the bigint twin for random non-zero seeds", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: U64_MAX }), fc.integer({ min: 0, max: 300 }), (seed, count) => {
        expect(k.xorshift64(seed, count)).toEqual(twins.bigint.xorshift64(seed, count));
      }),
      { numRuns: 100 },
    );
  });

  it("continues one stream across the kernel's internal blocks", () => {
    const n = 65536 + 3;
    const long = k.xorshift64(7n, n);
    const tail = k.xorshift64(long[65535], 3);
    expect([...long.subarray(65536)]).toEqual([...tail]);
  });
});

describe("monteCarloPi", () => {
  it("matches the bigint twin exactly, across several chunks and a partial last chunk", () => {
    const samples = 2 * MONTE_CARLO_CHUNK + 1234;
    for (const seed of [0n, 1n, 0xdeadbeefn, U64_MAX]) {
      const got = k.monteCarloPi(samples, seed);
      const twin = twins.bigint.monteCarloPi(BigInt(samples), seed);
      expect(got).toEqual(twin);
    }
  });

  it("matches the bigint twin on an odd number of full chunks (the kernel runs chunks in pairs)", () => {
    const samples = 3 * MONTE_CARLO_CHUNK;
    expect(k.monteCarloPi(samples, 77n)).toEqual(twins.bigint.monteCarloPi(BigInt(samples), 77n));
  });

  it("lands near π: within 5 standard errors for 10^6 samples", () => {
    const { pi, inside, samples } = k.monteCarloPi(1_000_000, 2026n);
    expect(samples).toBe(1_000_000);
    expect(pi).toBe((4 * inside) / samples);
    const p = Math.PI / 4;
    const sigma = 4 * Math.sqrt((p * (1 - p)) / samples);
    expect(Math.abs(pi - Math.PI)).toBeLessThan(5 * sigma);
  });

  it("gives the same count however the chunks are split (the raw kernel over any cut)", () => {
    const total = 7n * BigInt(MONTE_CARLO_CHUNK) + 99n;
    const chunks = 8;
    const whole = k.exports.monteCarloHits(5n, 0n, BigInt(chunks), total);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: chunks }), fc.integer({ min: 0, max: chunks }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const parts =
          k.exports.monteCarloHits(5n, 0n, BigInt(lo), total) +
          k.exports.monteCarloHits(5n, BigInt(lo), BigInt(hi), total) +
          k.exports.monteCarloHits(5n, BigInt(hi), BigInt(chunks), total);
        expect(parts).toBe(whole);
      }),
      { numRuns: 20 },
    );
  });

  it("counts the last chunks below 2^48 samples, where a u32 chunk index would wrap to 0", () => {
    // 2^48 samples are 2^32 chunks: the end index 2^32 does not fit in a u32. Only the last two chunks
    // run here (≈131k samples), checked against the bigint twin's range form.
    const total = 2n ** 48n;
    const last = 2n ** 32n;
    const hits = BigInt.asUintN(64, k.exports.monteCarloHits(9n, last - 2n, last, total));
    expect(hits).toBe(twins.bigint.monteCarloHits(9n, last - 2n, last, total));
    expect(hits).toBeGreaterThan(100_000n);
    // A total just past a chunk boundary: the final, partial chunk has 1 sample.
    const partial = 2n ** 48n - 2n ** 16n + 1n;
    expect(BigInt.asUintN(64, k.exports.monteCarloHits(9n, last - 1n, last, partial))).toBe(
      twins.bigint.monteCarloHits(9n, last - 1n, last, partial),
    );
  });

  it("depends on the seed, and a number seed equals the bigint seed", () => {
    expect(k.monteCarloPi(100_000, 1).inside).not.toBe(k.monteCarloPi(100_000, 2).inside);
    expect(k.monteCarloPi(100_000, 3)).toEqual(k.monteCarloPi(100_000, 3n));
    expect(k.monteCarloPi(100_000)).toEqual(k.monteCarloPi(100_000, 0n));
  });
});

describe("bad input", () => {
  it("splitmix64 and xorshift64 check seed and count", () => {
    expect(() => k.splitmix64(-1n, 3)).toThrow("Expected `seed` to be a u64 (0 ≤ n < 2^64), got -1n (bigint)");
    expect(() => k.splitmix64(1n << 64n, 3)).toThrow(RangeError);
    expect(() => k.splitmix64(1n, -1)).toThrow(RangeError);
    expect(() => k.splitmix64(1n, -1)).toThrow("Expected `count` to be an integer in [0, 9007199254740991], got -1 (number)");
    expect(() => k.splitmix64(1n, 2.5)).toThrow("Expected `count` to be an integer, got 2.5 (number)");
    expect(() => k.splitmix64(1n, 3n as never)).toThrow(TypeError);
    expect(() => k.splitmix64(1n, 3n as never)).toThrow("Expected `count` to be an integer number, got 3n (bigint)");
    expect(() => k.xorshift64("1" as never, 3)).toThrow(TypeError);
  });

  it("xorshift64 refuses the seed 0, where the stream would stay 0", () => {
    expect(() => k.xorshift64(0n, 3)).toThrow(RangeError);
    expect(() => k.xorshift64(0, 3)).toThrow("Expected `seed` to be a non-zero u64 (xorshift64 stays at 0 forever), got 0 (number)");
  });

  it("refuses a stream too large to hold with a RangeError naming `count`", () => {
    expect(() => k.splitmix64(1n, 2 ** 40)).toThrow(RangeError);
    expect(() => k.splitmix64(1n, 2 ** 40)).toThrow(
      "Expected `count` to be a count whose BigUint64Array fits in memory, got 1099511627776 (number)",
    );
  });

  it("monteCarloPi checks samples and seed", () => {
    expect(() => k.monteCarloPi(0)).toThrow("Expected `samples` to be an integer in [1, 2^48]");
    expect(() => k.monteCarloPi(2n ** 48n + 1n)).toThrow(RangeError);
    expect(() => k.monteCarloPi(-5)).toThrow("Expected `samples` to be a u64 (0 ≤ n < 2^64), got -5 (number)");
    expect(() => k.monteCarloPi(10.5)).toThrow("Expected `samples` to be an integer, got 10.5 (number)");
    expect(() => k.monteCarloPi("100" as never)).toThrow(TypeError);
    expect(() => k.monteCarloPi(100, -1n)).toThrow("Expected `seed` to be a u64");
  });
});
