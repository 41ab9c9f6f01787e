import { describe, expect, it } from "vitest";
import { binomialHalfCdf, grows, growthRatio, majority, median, medianRanks, summarize } from "../src/bench/summary.ts";

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

  it("finds a strict majority, and none on a tie", () => {
    expect(majority(["a", "b", "a"])).toBe("a");
    expect(majority(["a", "b"])).toBeUndefined();
    expect(majority(["1.0000000001", "1", "7"], (x, y) => Math.abs(Number(x) - Number(y)) < 1e-6)).toBe("1.0000000001");
  });
});
