// Bit counting over a range of u64: the smallest real kernel, and the proof that adding one takes an
// AssemblyScript function, its entry in src/kernels/builtins.ts (RANGE_KERNELS), its twins and tests.

/** Σ popcount(i) for i in [lo, hi), wrapping modulo 2^64: the number of one bits in every integer of the range. */
export function popcountSum(lo: u64, hi: u64): u64 {
  let total: u64 = 0;
  for (let i = lo; i < hi; i++) total += popcnt<u64>(i);
  return total;
}
