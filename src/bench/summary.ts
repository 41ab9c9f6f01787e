// The statistics of the harness, small and pure so they run unchanged in Node, Deno, Bun, browsers
// and workers (why not tinybench: docs/decisions.md).
import { median } from "../stats.ts";

export { median };

/** Summary of one implementation's warm samples at one input size (milliseconds per call). */
export interface SampleSummary {
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Distribution-free 95% confidence interval of the median; [min, max] when there are fewer than 6 samples. */
  ciLowMs: number;
  ciHighMs: number;
  samplesMs: number[];
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). @internal */
export function binomialHalfCdf(n: number, k: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  // Work in log space: C(n, i) / 2^n underflows quickly for the sample counts a long run may reach.
  let logTerm = -n * Math.LN2; // log C(n, 0) / 2^n
  let total = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i);
    total += Math.exp(logTerm);
  }
  return Math.min(1, total);
}

/**
 * 1-based ranks [lo, hi] of the order statistics bounding the median with at least 95% confidence
 * (the sign-test interval: it assumes nothing about the shape of the distribution), or undefined
 * when n is too small for any such interval (n < 6).
 * @internal
 */
export function medianRanks(n: number, level = 0.95): [number, number] | undefined {
  const alpha = (1 - level) / 2;
  let k = 0;
  // Largest k with P(X ≤ k − 1) ≤ alpha: then [x(k), x(n−k+1)] covers the median with ≥ level.
  while (binomialHalfCdf(n, k) <= alpha) k++;
  return k >= 1 ? [k, n - k + 1] : undefined;
}

/** Median, extremes and the median's confidence interval of a non-empty list of times. @internal */
export function summarize(samplesMs: readonly number[]): SampleSummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const ranks = medianRanks(sorted.length);
  return {
    medianMs: median(sorted),
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
    ciLowMs: ranks ? sorted[ranks[0] - 1] : sorted[0],
    ciHighMs: ranks ? sorted[ranks[1] - 1] : sorted[sorted.length - 1],
    samplesMs: [...samplesMs],
  };
}

/**
 * The growth guard: how much longer the full input takes than half of it, t(n) / t(n/2). Real work
 * on a linear kernel gives ≈ 2; a compiler that replaced the loop by a closed form, or a call
 * dominated by fixed overhead, gives ≈ 1.
 * @internal
 */
export function growthRatio(fullMs: number, halfMs: number): number {
  return halfMs > 0 ? fullMs / halfMs : Number.POSITIVE_INFINITY;
}

/** Below this t(n)/t(n/2), time does not grow with the input and the case is flagged. */
export const GROWTH_THRESHOLD = 1.3;

/** Whether a growth ratio shows work that scales with the input. @internal */
export function grows(ratio: number, threshold = GROWTH_THRESHOLD): boolean {
  return ratio >= threshold;
}

/**
 * The floor of the flat guard, in units of the input per nanosecond. The growth ratio alone cannot
 * tell a closed form from noise when a call lasts nanoseconds (clang's sum of 10^6 integers, 39 ns,
 * once measured t(n)/t(n/2) ≥ 1.3). But no machine does per-unit work that fast: the fastest kernels
 * here do about 4 integers per ns on one core (the SIMD sum), and memory bandwidth caps even a byte
 * scan at tens of bytes per ns per core. A call that covers more than this many units per ns skipped
 * the work, whatever its timing noise: at the sizes of the presets such a call is 25× past it or more.
 */
export const MAX_UNITS_PER_NS = 1000;

/** How many units of input per nanosecond a call of `ms` on `size` units covers. @internal */
export function unitsPerNs(size: number, ms: number): number {
  return ms > 0 ? size / (ms * 1e6) : Number.POSITIVE_INFINITY;
}

/** Whether a call of `ms` on `size` units is too fast to have done per-unit work (see MAX_UNITS_PER_NS). @internal */
export function belowFloor(size: number, ms: number, limit = MAX_UNITS_PER_NS): boolean {
  return unitsPerNs(size, ms) > limit;
}

/**
 * The value most implementations agree on, when a strict majority of `values` agree (by `equal`);
 * undefined otherwise. Used when a case has neither an oracle nor a reference implementation.
 * @internal
 */
export function majority<T>(values: readonly T[], equal: (a: T, b: T) => boolean = Object.is): T | undefined {
  for (const candidate of values) {
    const votes = values.filter((v) => equal(v, candidate)).length;
    if (votes * 2 > values.length) return candidate;
  }
  return undefined;
}

/** How many times faster `ms` is than `baselineMs` (2 means twice as fast). @internal */
export function speedup(baselineMs: number, ms: number): number {
  return baselineMs / ms;
}
