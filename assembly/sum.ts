/** The tutorial's f(n): 0 + 1 + … + (n − 1), wrapping modulo 2^64. A loop on purpose: it is the benchmark. */
export function sumIntegers(n: u64): u64 {
  return sumRange(0, n);
}

/**
 * Sum of the integers in [lo, hi), wrapping modulo 2^64: the splittable form of sumIntegers. The loop
 * tests `i != hi` after one `lo >= hi` check: with `i < hi`, Bun's JavaScriptCore compiled a module
 * to a loop twice as slow in about one compile in four (62 against 31 ms for 10^8); this form ran at
 * 31 ms in all 32 compiles tried, and as fast as before in V8.
 */
export function sumRange(lo: u64, hi: u64): u64 {
  if (lo >= hi) return 0;
  let total: u64 = 0;
  for (let i = lo; i != hi; i++) total += i;
  return total;
}

/**
 * sumRange with SIMD: eight integers a step, in four i64x2 accumulators that do not wait on each
 * other (one accumulator would chain every add to the one before). Still a loop over every integer,
 * as the scalar form and as gcc -O3 -march=native vectorises it; only the tail runs scalar.
 */
export function sumRangeSimd(lo: u64, hi: u64): u64 {
  if (hi <= lo) return 0;
  const n = hi - lo;
  const end = lo + (n & ~(<u64>7));
  let a0 = i64x2(0, 1);
  let a1 = i64x2(2, 3);
  let a2 = i64x2(4, 5);
  let a3 = i64x2(6, 7);
  const base = i64x2.splat(<i64>lo);
  let i0 = i64x2.add(base, a0);
  let i1 = i64x2.add(base, a1);
  let i2 = i64x2.add(base, a2);
  let i3 = i64x2.add(base, a3);
  a0 = i64x2.splat(0);
  a1 = i64x2.splat(0);
  a2 = i64x2.splat(0);
  a3 = i64x2.splat(0);
  const step = i64x2.splat(8);
  for (let i = lo; i < end; i += 8) {
    a0 = i64x2.add(a0, i0);
    a1 = i64x2.add(a1, i1);
    a2 = i64x2.add(a2, i2);
    a3 = i64x2.add(a3, i3);
    i0 = i64x2.add(i0, step);
    i1 = i64x2.add(i1, step);
    i2 = i64x2.add(i2, step);
    i3 = i64x2.add(i3, step);
  }
  const acc = i64x2.add(i64x2.add(a0, a1), i64x2.add(a2, a3));
  let total = <u64>(i64x2.extract_lane(acc, 0) + i64x2.extract_lane(acc, 1));
  for (let i = end; i < hi; i++) total += i;
  return total;
}
