// Exact u64 twins on bigint.

/** 0 + 1 + … + (n − 1) mod 2^64, by a loop (the tutorial's pure-Python f). */
export function sumIntegers(n: bigint): bigint {
  return sumRange(0n, n);
}

/** lo + … + (hi − 1) mod 2^64. */
export function sumRange(lo: bigint, hi: bigint): bigint {
  let total = 0n;
  for (let i = lo; i < hi; i++) total = BigInt.asUintN(64, total + i);
  return total;
}
