/** The tutorial's f(n): 0 + 1 + … + (n − 1), wrapping modulo 2^64. A loop on purpose: it is the benchmark. */
export function sumIntegers(n: u64): u64 {
  return sumRange(0, n);
}

/** Sum of the integers in [lo, hi), wrapping modulo 2^64: the splittable form of sumIntegers. */
export function sumRange(lo: u64, hi: u64): u64 {
  let total: u64 = 0;
  for (let i = lo; i < hi; i++) total += i;
  return total;
}
