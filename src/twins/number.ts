// Twins on number: what a JS programmer writes first. Exact only while every value stays below 2^53.

/** 0 + 1 + … + (n − 1): wrong once the sum passes 2^53 (n above ≈ 1.34e8). */
export function sumIntegers(n: number): number {
  return sumRange(0, n);
}

/** lo + … + (hi − 1) in floating point. */
export function sumRange(lo: number, hi: number): number {
  let total = 0;
  for (let i = lo; i < hi; i++) total += i;
  return total;
}
