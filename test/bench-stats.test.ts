import { describe, expect, it } from "vitest";
import {
  belowFloor,
  binomialHalfCdf,
  grows,
  growthRatio,
  majority,
  MAX_UNITS_PER_NS,
  median,
  medianRanks,
  summarize,
  unitsPerNs,
} from "../src/bench/summary.ts";

describe("bench statistics", () => {
  it("takes the median of odd and even lists without reordering the input", () => {
    const xs = [5, 1, 4, 2, 3];
    expect(median(xs)).toBe(3);
    expect(xs).toEqual([5, 1, 4, 2, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it("computes the Binomial(n, 1/2) CDF", () => {
    expect(binomialHalfCdf(1, 0)).toBe(0.5);
    expect(binomialHalfCdf(4, 1)).toBeCloseTo(5 / 16, 12);
    expect(binomialHalfCdf(10, 10)).toBe(1);
    expect(binomialHalfCdf(10, -1)).toBe(0);
    expect(binomialHalfCdf(2000, 1000)).toBeGreaterThan(0.5);
  });

  it("gives the sign-test ranks of a 95% interval for the median, none below 6 samples", () => {
    expect(medianRanks(5)).toBeUndefined();
    expect(medianRanks(6)).toEqual([1, 6]);
    expect(medianRanks(10)).toEqual([2, 9]);
    expect(medianRanks(20)).toEqual([6, 15]);
  });

  it("summarizes samples: median, min, max and the interval, which contains the median", () => {
    const s = summarize([9, 1, 8, 2, 7, 3, 6, 4, 5, 10]);
    expect(s).toMatchObject({ medianMs: 5.5, minMs: 1, maxMs: 10, ciLowMs: 2, ciHighMs: 9 });
    expect(s.samplesMs).toHaveLength(10);
    const few = summarize([3, 1, 2]);
    expect([few.ciLowMs, few.ciHighMs]).toEqual([1, 3]);
  });

  it("flags a time that does not grow with the input", () => {
    expect(growthRatio(20, 10)).toBe(2);
    expect(grows(growthRatio(20, 10))).toBe(true);
    expect(grows(growthRatio(10.4, 10))).toBe(false);
    expect(growthRatio(1, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it("puts a floor under the time per unit of input: clang's 39 ns sum of 10^6 integers is below it, real kernels far above", () => {
    // The quick preset's miss: C → wasm (clang -O3), 39.3 ns for n = 10^6.
    expect(unitsPerNs(1e6, 39.3e-6)).toBeCloseTo(25_445, 0);
    expect(belowFloor(1e6, 39.3e-6)).toBe(true);
    // Even 10× slower (a slow machine, a noisy sample) it stays below the floor.
    expect(belowFloor(1e6, 393e-6)).toBe(true);
    // Real work: the wasm sum of 10^8 in 27 ms (3.7 per ns), gcc -O3 -march=native's 6.5 ms, FNV-1a over 256 MiB in 294 ms.
    expect(belowFloor(1e8, 27)).toBe(false);
    expect(belowFloor(1e8, 6.5)).toBe(false);
    expect(belowFloor(256 * 2 ** 20, 294)).toBe(false);
    // The limit itself is not below the floor; a zero time always is.
    expect(belowFloor(MAX_UNITS_PER_NS * 1e6, 1)).toBe(false);
    expect(belowFloor(10, 0)).toBe(true);
  });

  it("finds a strict majority, and none on a tie", () => {
    expect(majority(["a", "b", "a"])).toBe("a");
    expect(majority(["a", "b"])).toBeUndefined();
    expect(majority(["1.0000000001", "1", "7"], (x, y) => Math.abs(Number(x) - Number(y)) < 1e-6)).toBe("1.0000000001");
  });
});
