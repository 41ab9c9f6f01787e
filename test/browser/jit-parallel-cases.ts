// The prange functions both Chromium tests run (test/browser/jit-parallel*.test.ts), with their plain answers.
import { jit, prange } from "../../src/jit/index.ts";

export function mixPage(z: bigint): bigint {
  z = (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n;
  z = (z ^ (z >> 27n)) * 0x94d049bb133111ebn;
  return z ^ (z >> 31n);
}
jit(mixPage, "u64(u64)");

export function hitsPage(n: bigint): bigint {
  let inside = 0n;
  for (const i of prange(0n, n)) {
    const x = mixPage(i) >> 33n;
    const y = mixPage(i ^ 0x9e3779b97f4a7c15n) >> 33n;
    if (x * x + y * y < 1n << 62n) inside++;
  }
  return inside;
}

export function weighted(xs: Float64Array, ws: Int32Array): number {
  let s = 0;
  for (const i of prange(xs.length)) s += xs[i] * ws[i % ws.length];
  return s;
}

export function squares(out: Float64Array, xs: Float64Array): void {
  for (const i of prange(xs.length)) out[i] = xs[i] * xs[i];
}

/** hitsPage as plain JavaScript computes it with jit's u64 wrap-around. */
export function plainHits(n: bigint): bigint {
  const mix = (z: bigint) => {
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  let inside = 0n;
  for (let i = 0n; i < n; i++) {
    const x = mix(i) >> 33n;
    const y = mix(i ^ 0x9e3779b97f4a7c15n) >> 33n;
    if (x * x + y * y < 1n << 62n) inside++;
  }
  return inside;
}

export const xs = Float64Array.from({ length: 5003 }, (_, i) => (i % 101) - 50);
export const ws = Int32Array.from({ length: 7 }, (_, i) => i - 3);

/** Several reductions in one loop (shared memory only). */
export function countAndSum(xs: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const i of prange(xs.length))
    if (xs[i] > 0) {
      sum += xs[i];
      count++;
    }
  return sum * 1000 + count;
}
