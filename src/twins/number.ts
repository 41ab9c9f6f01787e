// Twins on number: what a JS programmer writes first. Exact only while every integer stays below 2^53;
// the f64 ones (mandelbrot, linalg) round exactly as the scalar kernels do.
import { MANDELBROT_VIEW, type MandelbrotOptions } from "../kernels/builtins.ts";

/** 0 + 1 + … + (n − 1): wrong once the sum passes 2^53 (n above ≈ 1.34e8). */
export function sumIntegers(n: number): number {
  return sumRange(0, n);
}

/** lo + … + (hi − 1) in floating point; with hi > 2^53 it never returns (there `i++` leaves i unchanged). */
export function sumRange(lo: number, hi: number): number {
  let total = 0;
  for (let i = lo; i < hi; i++) total += i;
  return total;
}

/** Escape counts of a width × height view: the same pixel → point formula and loop as the kernel. */
export function mandelbrot({
  width,
  height,
  maxIter,
  x0 = MANDELBROT_VIEW.x0,
  y0 = MANDELBROT_VIEW.y0,
  x1 = MANDELBROT_VIEW.x1,
  y1 = MANDELBROT_VIEW.y1,
}: MandelbrotOptions): Uint32Array {
  const out = new Uint32Array(width * height);
  for (let py = 0; py < height; py++) {
    const cy = y0 + ((y1 - y0) * py) / height;
    for (let px = 0; px < width; px++) {
      const cx = x0 + ((x1 - x0) * px) / width;
      let zx = 0;
      let zy = 0;
      let i = 0;
      for (; i < maxIter; i++) {
        const x2 = zx * zx;
        const y2 = zy * zy;
        if (x2 + y2 > 4) break;
        zy = 2 * zx * zy + cy;
        zx = x2 - y2 + cx;
      }
      out[py * width + px] = i;
    }
  }
  return out;
}

/** Σ a[i]·b[i], left to right. */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** y ← alpha·x + y in place; returns y. */
export function saxpy(alpha: number, x: Float64Array, y: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) y[i] = alpha * x[i] + y[i];
  return y;
}

/** C = A·B, row-major, the i-k-j loop (it walks B and C along rows, the cache-friendly order). */
export function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      for (let j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
    }
  }
  return c;
}

/**
 * How many primes lie in [lo, hi): what a JavaScript developer writes first, a segmented sieve of Eratosthenes
 * over odd numbers (one byte per odd number, 32 KiB segments; the kernel's algorithm before its wheel sieve, and
 * bench/c's). Exact below 2^53; its base primes go up to √hi, so it is meant for hi up to about 10^12.
 */
export function countPrimesRange(lo: number, hi: number): number {
  if (hi <= lo) return 0;
  let count = lo <= 2 && hi > 2 ? 1 : 0;
  let start = Math.max(lo, 3);
  if (start % 2 === 0) start++;
  if (start >= hi) return count;

  // Base primes p with p² < hi, by a plain odd-only sieve: flag i stands for 2i + 1.
  const r = Math.floor(Math.sqrt(hi - 1));
  const flags = new Uint8Array((r >> 1) + 1).fill(1);
  for (let i = 1; (2 * i + 1) * (2 * i + 1) <= r; i++) {
    const p = 2 * i + 1;
    if (flags[i]) for (let j = (p * p - 1) / 2; j < flags.length; j += p) flags[j] = 0;
  }
  const primes: number[] = [];
  const next: number[] = [];
  for (let i = 1; i < flags.length; i++) {
    if (!flags[i]) continue;
    const p = 2 * i + 1;
    let m = Math.max(p * p, Math.ceil(start / p) * p);
    if (m % 2 === 0) m += p;
    primes.push(p);
    next.push(m);
  }

  const SEG = 32768;
  const seg = new Uint8Array(SEG);
  for (let low = start; low < hi; low += 2 * SEG) {
    const high = Math.min(low + 2 * SEG, hi);
    const len = Math.floor((high - low + 1) / 2);
    seg.fill(1, 0, len);
    for (let q = 0; q < primes.length; q++) {
      const p = primes[q];
      if (p * p >= high) break;
      let j = (next[q] - low) / 2;
      for (; j < len; j += p) seg[j] = 0;
      next[q] = low + 2 * j;
    }
    for (let j = 0; j < len; j++) count += seg[j];
  }
  return count;
}

/** π(n): how many primes are ≤ n. */
export function countPrimes(n: number): number {
  return countPrimesRange(0, n + 1);
}

/** The start in [lo, hi) with the longest Collatz chain; exact while the chain stays below 2^53. */
export function longestCollatzRange(lo: number, hi: number): { start: number; steps: number } {
  let start = 0;
  let most = -1;
  for (let s = lo; s < hi; s++) {
    let n = s;
    let steps = 0;
    while (n !== 1) {
      n = n % 2 === 0 ? n / 2 : 3 * n + 1;
      steps++;
    }
    if (steps > most) {
      most = steps;
      start = s;
    }
  }
  return { start, steps: most };
}

/** The start in [1, limit) with the longest Collatz chain. */
export function longestCollatz(limit: number): { start: number; steps: number } {
  return longestCollatzRange(1, limit);
}

/** Σ popcount(i) for i in [lo, hi) on numbers: each integer as two 32-bit halves; exact while i < 2^53. */
export function popcountSum(lo: number, hi: number): number {
  let total = 0;
  for (let i = lo; i < hi; i++) total += popcount32(i >>> 0) + popcount32((i / 2 ** 32) >>> 0);
  return total;
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
