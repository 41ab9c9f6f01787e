// Collatz chains in u64. The step count of the last search lives in a global: globals belong to one
// instance, never to the shared memory, so concurrent workers do not see each other's.

/** Largest n with 3n + 1 < 2^64. */
const MAX_ODD: u64 = 6148914691236517204;

let bestSteps: u32 = 0;

/** Longest Collatz chain (3n + 1 problem; Lagarias, "The 3x + 1 problem and its generalizations", 1985) over starts in [lo, hi); ties go to the smallest start; 0 if a chain would pass 2^64. */
export function longestCollatzRange(lo: u64, hi: u64): u64 {
  // 0 never reaches 1; skipping it keeps a raw call from looping forever.
  if (lo == 0) lo = 1;
  let best: u64 = 0;
  let most: u32 = 0;
  for (let s = lo; s < hi; s++) {
    let n = s;
    let steps: u32 = 0;
    while (n != 1) {
      if (n & 1) {
        if (n > MAX_ODD) {
          bestSteps = 0;
          return 0;
        }
        n = 3 * n + 1;
        steps++;
      }
      // All the halvings at once: the count of trailing zero bits.
      const z = ctz<u64>(n);
      n >>= z;
      steps += <u32>z;
    }
    if (steps > most || best == 0) {
      most = steps;
      best = s;
    }
  }
  bestSteps = most;
  return best;
}

/** Steps of the chain found by the last longestCollatzRange call on this instance. */
export function collatzBestSteps(): u32 {
  return bestSteps;
}
