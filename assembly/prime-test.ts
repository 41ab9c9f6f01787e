// Deterministic Miller–Rabin for any u64, for short ranges far out: there one test per candidate costs less
// than listing every sieving prime up to √hi (≈2·10^8 of them near 2^64). Montgomery multiplication on
// 64-bit halves, since wasm has no 64 × 64 → 128 multiply.

/** The high 64 bits of a · b. */
@inline
function mulhi(a: u64, b: u64): u64 {
  const a0 = a & 0xffffffff;
  const a1 = a >> 32;
  const b0 = b & 0xffffffff;
  const b1 = b >> 32;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

let modulus: u64 = 0;
let negInv: u64 = 0; // −n⁻¹ mod 2^64

/** a · b · 2^−64 mod n (REDC), for a, b < n. */
@inline
function montMul(a: u64, b: u64): u64 {
  const n = modulus;
  const lo = a * b;
  const hi = mulhi(a, b);
  const m = lo * negInv;
  // (a·b + m·n) / 2^64: the low halves sum to 0 mod 2^64, carrying 1 unless lo is 0.
  const mh = mulhi(m, n);
  let s = hi + mh;
  let carry = s < hi;
  const c: u64 = lo != 0 ? 1 : 0;
  const s2 = s + c;
  carry = carry || s2 < s;
  s = s2;
  return carry || s >= n ? s - n : s;
}

/** Bases that make Miller–Rabin exact for every n < 2^64 (Jim Sinclair, 2011). */
const BASES = memory.data<u64>([2, 325, 9375, 28178, 450775, 9780504, 1795265022]);

/** Whether an odd n > 47 with no factor below 50 is prime. */
function millerRabin(n: u64): bool {
  modulus = n;
  let inv: u64 = n; // Newton's iteration for n⁻¹ mod 2^64: each step doubles the correct bits (3 → 6 → … → 96)
  for (let i = 0; i < 5; i++) inv *= 2 - n * inv;
  negInv = 0 - inv;
  // 2^64 mod n and 2^128 mod n: Montgomery forms of 1 and the factor that converts into that form.
  const r1 = (0 - n) % n;
  const r2 = mulmodSlow(r1, r1, n);
  const oneM = r1;
  const minusOneM = n - r1;
  let d = n - 1;
  const s = <u32>ctz<u64>(d);
  d >>= s;
  for (let i = 0; i < 7; i++) {
    const a = load<u64>(BASES + (<usize>i << 3)) % n;
    if (a == 0) continue;
    // x = a^d in Montgomery form
    let base = montMul(a, r2);
    let x = oneM;
    for (let e = d; e != 0; e >>= 1) {
      if (e & 1) x = montMul(x, base);
      base = montMul(base, base);
    }
    if (x == oneM || x == minusOneM) continue;
    let witness = true;
    for (let j: u32 = 1; j < s; j++) {
      x = montMul(x, x);
      if (x == minusOneM) {
        witness = false;
        break;
      }
    }
    if (witness) return false;
  }
  return true;
}

/** a · b mod n by doubling (only for the one setup value per n). */
function mulmodSlow(a: u64, b: u64, n: u64): u64 {
  let r: u64 = 0;
  for (; b != 0; b >>= 1) {
    if (b & 1) r = r >= n - a ? r - (n - a) : r + a;
    a = a >= n - a ? a - (n - a) : a + a;
  }
  return r;
}

/** How many primes lie in [lo, hi), each candidate coprime to 30 tested on its own: for short ranges (hi − lo small next to √hi). */
export function countPrimesByTest(lo: u64, hi: u64): u64 {
  let count: u64 = 0;
  for (let n = lo; n < hi; n++) {
    if (n < 50) {
      if (n == 2 || n == 3 || n == 5 || n == 7 || n == 11 || n == 13 || n == 17 || n == 19 || n == 23 || n == 29 || n == 31 || n == 37 || n == 41 || n == 43 || n == 47) count++;
      continue;
    }
    if ((n & 1) == 0 || n % 3 == 0 || n % 5 == 0 || n % 7 == 0 || n % 11 == 0 || n % 13 == 0) continue;
    if (n % 17 == 0 || n % 19 == 0 || n % 23 == 0 || n % 29 == 0 || n % 31 == 0 || n % 37 == 0 || n % 41 == 0 || n % 43 == 0 || n % 47 == 0) continue;
    if (millerRabin(n)) count++;
  }
  return count;
}
