// Prime counting by a segmented, odd-only sieve. The host provides scratch memory (countPrimesScratch
// bytes) per call, so concurrent calls on one shared memory never touch each other's state.

/** Odd numbers per segment, one byte each: 32 KiB, the size of a typical L1 data cache. */
const SEG: usize = 32768;

/** ⌊√x⌋ for a u64, exact (the f64 square root can be off by one near perfect squares). */
function isqrt(x: u64): u64 {
  let r = <u64>Math.sqrt(<f64>x);
  while (r * r > x) r--;
  while ((r + 1) * (r + 1) <= x) r++;
  return r;
}

/** Largest base prime candidate for ranges ending at `hi`: primes p with p² < hi. */
@inline
function baseLimit(hi: u64): u64 {
  return hi > 1 ? isqrt(hi - 1) : 0;
}

/** Bytes of scratch countPrimesRange needs for ranges ending at `hi`: segment, base sieve, base primes and their next multiples. */
export function countPrimesScratch(hi: u64): usize {
  const nb = <usize>(baseLimit(hi) >> 1) + 1;
  return SEG + ((nb + 7) & ~(<usize>7)) + nb * 12;
}

/** Segmented sieve of Eratosthenes (Bays & Hudson, BIT 17, 1977), odd numbers only: how many primes lie in [lo, hi). */
export function countPrimesRange(lo: u64, hi: u64, scratch: usize): u32 {
  if (hi <= lo) return 0;
  let count: u32 = lo <= 2 && hi > 2 ? 1 : 0;
  let start = max<u64>(lo, 3) | 1;
  if (start >= hi) return count;

  // Base primes up to r by a plain odd-only sieve: flag i stands for 2i + 1.
  const r = baseLimit(hi);
  const nb = <usize>(r >> 1) + 1;
  const seg = scratch;
  const flags = scratch + SEG;
  const primes = flags + ((nb + 7) & ~(<usize>7));
  const next = primes + nb * 4;
  memory.fill(flags, 1, nb);
  for (let i: usize = 1; (i * 2 + 1) * (i * 2 + 1) <= <usize>r; i++) {
    if (load<u8>(flags + i)) {
      const p = i * 2 + 1;
      for (let j = (p * p) >> 1; j < nb; j += p) store<u8>(flags + j, 0);
    }
  }
  // For each base prime, its first odd multiple in the range, never below p² (smaller ones have a smaller factor).
  let np: usize = 0;
  for (let i: usize = 1; i < nb; i++) {
    if (!load<u8>(flags + i)) continue;
    const p = <u64>(i * 2 + 1);
    let m = max<u64>(p * p, ((start + p - 1) / p) * p);
    if ((m & 1) == 0) m += p;
    store<u32>(primes + (np << 2), <u32>p);
    store<u64>(next + (np << 3), m);
    np++;
  }

  for (let low = start; low < hi; low += 2 * <u64>SEG) {
    const high = min<u64>(low + 2 * <u64>SEG, hi);
    const len = <usize>((high - low + 1) >> 1);
    memory.fill(seg, 1, len);
    for (let q: usize = 0; q < np; q++) {
      const p = <u64>load<u32>(primes + (q << 2));
      if (p * p >= high) break;
      let j = <usize>((load<u64>(next + (q << 3)) - low) >> 1);
      const step = <usize>p;
      // Four multiples a step while they all fit (step ≤ len / 4, so len − 3·step cannot wrap), then the rest one
      // by one. The plain loop was 21 bytes of JavaScriptCore OMG code at a fixed offset in a 32-byte-aligned
      // function: in one placement of two it straddled a 64-byte line and π(2·10^7) took 13 (up to 30) ms of CPU
      // instead of 9 (Bun 1.4.5). The unrolled loop (47 bytes) straddles one in both placements and took 7 ms in
      // both; V8 went from 10 to 7 ms.
      if (step <= len >> 2) {
        const lim = len - 3 * step;
        for (; j < lim; j += 4 * step) {
          store<u8>(seg + j, 0);
          store<u8>(seg + j + step, 0);
          store<u8>(seg + j + 2 * step, 0);
          store<u8>(seg + j + 3 * step, 0);
        }
      }
      for (; j < len; j += step) store<u8>(seg + j, 0);
      store<u64>(next + (q << 3), low + 2 * <u64>j);
    }
    // Flags are 0 or 1 per byte, so the popcount of eight bytes is how many of them are set.
    const len8 = len & ~(<usize>7);
    let j: usize = 0;
    for (; j < len8; j += 8) count += <u32>popcnt<u64>(load<u64>(seg + j));
    for (; j < len; j++) count += load<u8>(seg + j);
  }
  return count;
}
