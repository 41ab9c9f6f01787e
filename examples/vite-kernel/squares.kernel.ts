// @ts-nocheck: AssemblyScript, compiled by the hotpath/vite plugin (not by the project's tsc).
// Your kernel: Σ i² for i in [lo, hi), wrapping modulo 2^64 as u64 arithmetic does. A range
// function (lo, hi), so the pool can cut it into chunks and add the parts back with "wrapAdd".
export function sumOfSquaresRange(lo: u64, hi: u64): u64 {
  let total: u64 = 0;
  for (let i = lo; i < hi; i++) total += i * i;
  return total;
}
