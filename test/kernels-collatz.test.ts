import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { U64_MAX, kernels, twins } from "../src/index.ts";

const k = await kernels();

describe("longestCollatz", () => {
  // Project Euler problem 14: below one million, 837799 has the longest chain, 524 steps (525 terms).
  it("finds 837799 with 524 steps below 10^6", () => {
    expect(k.longestCollatz(1_000_000)).toEqual({ start: 837799n, steps: 524 });
  });

  it("matches both twins for every limit up to 400", () => {
    for (let limit = 2; limit <= 400; limit++) {
      const got = k.longestCollatz(limit);
      expect(got).toEqual(twins.bigint.longestCollatz(BigInt(limit)));
      const n = twins.number.longestCollatz(limit);
      expect([Number(got.start), got.steps]).toEqual([n.start, n.steps]);
    }
  });

  it("knows the classic chain lengths: 1 → 0 steps, 27 → 111 steps, 97 → 118 steps", () => {
    expect(k.longestCollatzRange(1, 2)).toEqual({ start: 1n, steps: 0 });
    expect(k.longestCollatzRange(27, 28)).toEqual({ start: 27n, steps: 111 });
    expect(k.longestCollatz(100)).toEqual({ start: 97n, steps: 118 });
  });

  it("breaks ties toward the smallest start (12 and 13 both take 9 steps)", () => {
    expect(k.longestCollatzRange(12, 14)).toEqual({ start: 12n, steps: 9 });
  });
});

describe("longestCollatzRange", () => {
  // Up to 2^58 some chains already pass 2^64 (the first fast-check run found 184158266669793915 + 0…4);
  // there the kernel must throw exactly when the twin does.
  it("matches the bigint twin on random short ranges far above 2^53, overflow included", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 58n }), fc.integer({ min: 1, max: 40 }), (lo, length) => {
        const hi = lo + BigInt(length);
        let twin: unknown;
        try {
          twin = twins.bigint.longestCollatzRange(lo, hi);
        } catch (error) {
          twin = error;
        }
        if (twin instanceof RangeError) expect(() => k.longestCollatzRange(lo, hi)).toThrow(RangeError);
        else expect(k.longestCollatzRange(lo, hi)).toEqual(twin);
      }),
      { numRuns: 100 },
    );
  });

  it("follows a chain that climbs close to 2^64 without overflowing: 2^63 halves 63 times", () => {
    expect(k.longestCollatzRange(1n << 63n, (1n << 63n) + 1n)).toEqual({ start: 1n << 63n, steps: 63 });
  });

  it("combines: the best of two halves is the best of the whole", () => {
    const whole = k.longestCollatzRange(1000, 50_000);
    const left = k.longestCollatzRange(1000, 20_000);
    const right = k.longestCollatzRange(20_000, 50_000);
    expect(right.steps > left.steps ? right : left).toEqual(whole);
  });

  it("throws a RangeError where a chain passes 2^64 − 1, as the bigint twin does", () => {
    // 1980976057694848447 is a Collatz path record (Oliveira e Silva's table): its chain peaks near 6.4·10^37.
    const start = 1980976057694848447n;
    expect(() => twins.bigint.longestCollatzRange(start, start + 1n)).toThrow(RangeError);
    expect(() => k.longestCollatzRange(start, start + 1n)).toThrow(RangeError);
    expect(() => k.longestCollatzRange(start, start + 1n)).toThrow(
      "Expected every Collatz chain from [1980976057694848447, 1980976057694848448) to stay below 2^64",
    );
    // Found by fast-check below 2^58: one of these five starts overflows, and the twin agrees.
    expect(() => twins.bigint.longestCollatzRange(184158266669793915n, 184158266669793920n)).toThrow(RangeError);
    expect(() => k.longestCollatzRange(184158266669793915n, 184158266669793920n)).toThrow(RangeError);
    // An odd start above (2^64 − 2)/3 overflows on its first step.
    expect(() => k.longestCollatzRange(U64_MAX - 2n, U64_MAX - 1n)).toThrow("u64 overflow");
    // The instance still works afterwards.
    expect(k.longestCollatzRange(27, 28)).toEqual({ start: 27n, steps: 111 });
  });
});

describe("bad input", () => {
  it("longestCollatz takes a limit ≥ 2", () => {
    expect(() => k.longestCollatz(1)).toThrow(RangeError);
    expect(() => k.longestCollatz(1)).toThrow("Expected `limit` to be at least 2 (starts are taken from [1, limit)), got 1 (number)");
    expect(() => k.longestCollatz(-3)).toThrow("Expected `limit` to be a u64 (0 ≤ n < 2^64), got -3 (number)");
    expect(() => k.longestCollatz(1e6 + 0.5)).toThrow("Expected `limit` to be an integer");
    expect(() => k.longestCollatz(1n << 64n)).toThrow("Expected `limit` to be a u64");
    expect(() => k.longestCollatz("10" as never)).toThrow(TypeError);
  });

  it("longestCollatzRange needs 1 ≤ lo < hi", () => {
    expect(() => k.longestCollatzRange(0, 10)).toThrow("Expected `lo` to be at least 1 (0 has no Collatz chain), got 0 (number)");
    expect(() => k.longestCollatzRange(10, 10)).toThrow("Expected `hi` to be greater than `lo` (10), got 10 (number)");
    expect(() => k.longestCollatzRange(10n, 5n)).toThrow(RangeError);
    expect(() => k.longestCollatzRange(1, undefined as never)).toThrow(TypeError);
  });
});
