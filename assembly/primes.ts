// Prime counting over all of u64 by a segmented sieve of Eratosthenes in the style of primesieve (Kim
// Walisch, doc/ALGORITHMS.md): a wheel of 30 (one byte per 30 numbers, wheel.ts), segments pre-sieved by
// 7, 11, 13 and 17 from a repeating pattern, small primes crossed off in unrolled rounds of eight
// multiples, medium ones one multiple at a time, and primes above a segment's span by a bucket sieve
// (Tomás Oliveira e Silva): each sits in the bucket of the segment its next multiple falls in, so it is
// touched only when it hits. The sieving primes (up to √hi < 2^32) are generated per call by a small
// segmented odd-only sieve. The host provides countPrimesScratch(lo, hi) bytes per call, so concurrent
// calls on one shared memory never touch each other's state; nothing is allocated.
import { DC, DQ, MASK, NEXTD, NEXTT, PATTERN_BYTES, W, fillPattern, rIndex } from "./wheel";
import { countPrimesByTest } from "./prime-test";
import { crossMedium, crossSmall, crossedT, crossedTo } from "./sieve-cross";

/** Sieve bytes per segment: 32 KiB, a typical L1 data cache; a segment spans 30 times as many numbers. */
const SEG_BYTES: usize = 1048576;
/** A bucket entry's second word: the byte in its segment (OFF_BITS bits, so segments of up to 4 MiB), t (3 bits), r (3 bits). */
const OFF_BITS: u32 = 22;
const OFF_MASK: u32 = (1 << OFF_BITS) - 1;
/** Sieve bytes of the generator's blocks (it lists the sieving primes above 2^16 for each pass). */
const GEN_BYTES: usize = 32768;
/** Bucket entries per block (8 bytes each, after an 8-byte header: next block, count). */
const BLOCK_ENTRIES: usize = 255;
const BLOCK_BYTES: usize = 8 + BLOCK_ENTRIES * 8;
/** At most this many bytes of bucket blocks per call (near 2^64 a pass then covers fewer numbers). */
const MAX_POOL_BYTES: f64 = 128 * 1024 * 1024;
/** A pass (one setup of the sieving primes) covers at most this many sieve bytes: 2^31 · 30 numbers. */
const MAX_PASS_BYTES: u64 = 1 << 31;
/** Calls of at least this many sieve bytes (3·10^7 numbers) pre-sieve by every prime up to 107 (the patterns cost ≈3 MB and ≈1–2 ms to build). */
const BIG_BYTES: u64 = 1 << 20;
/** The pre-sieve groups ANDed into a segment after the 7·11·13·17 pattern, for big calls. */
const GROUPS = memory.data<u32>([19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107]);
const N_GROUPS: usize = 7;

/** Small-prime state: q (u32), next byte relative to the current segment (u32), r, t (u8), padding: 12 bytes. */
const SMALL_BYTES: usize = 12;
/** Small primes sieve the segment in chunks this size (a typical L1 data cache) … */
const L1_BYTES: usize = 65536;
/** … up to this prime: a round of eight multiples spans p bytes, so larger ones would rarely fit a round in a chunk. */
const L1_PRIME_MAX: u32 = 16384;
/** Primes up to segment bytes / ROUND_FRACTION cross whole rounds over the segment; larger ones go one multiple at a time. */
const ROUND_FRACTION: usize = 16;

/** ⌊√x⌋ for a u64, exact (the f64 square root can be off by one near perfect squares). */
function isqrt(x: u64): u64 {
  let r = <u64>Math.sqrt(<f64>x);
  if (r > 0xffffffff) r = 0xffffffff;
  while (r * r > x) r--;
  while (r < 0xffffffff && (r + 1) * (r + 1) <= x) r++;
  return r;
}

/** An upper bound on π(x) (Rosser & Schoenfeld: π(x) < 1.25506 x / ln x for x > 1), plus slack for small x. */
function piUpper(x: f64): f64 {
  return x < 17 ? x : (1.25506 * x) / Math.log(x) + 16;
}

/** Expected bucket entries of a pass of `numbers` numbers: large primes (span, s] with a multiple (cofactor coprime to 30) in it. */
function bucketEntries(s: f64, numbers: f64, span: f64): f64 {
  if (s <= span) return 0;
  const cl = (numbers * 8) / 30;
  const a = Math.min(s, Math.max(cl, span));
  let e = a > span ? piUpper(a) - span / Math.log(span) : 0;
  if (s > a) e += cl * (Math.log(Math.log(s)) - Math.log(Math.log(a)));
  return e * 1.25 + 1024;
}

// Everything a call needs to lay out its scratch, derived from (lo, hi) alone (module globals, not an
// object: the host owns the memory from heapBase() on, so nothing may be allocated).
let planSegBytes: usize = 0;
let planSqrt: u64 = 0; // sieving primes p ≤ ⌊√(hi − 1)⌋
let planTinyLimit: usize = 0; // primes up to here come from one plain sieve, the rest from the generator
let planSmallMax: usize = 0; // bound on the count of primes in [19, min(sqrt, span)]
let planRing: usize = 0; // buckets: a power of two above the largest jump, in segments
let planPoolBlocks: usize = 0;
let planTotal: usize = 0;
let planBig = false; // pre-sieve up to 107, not 17
let planPatternBytes: usize = 0;

function makePlan(lo: u64, hi: u64): void {
  const a0 = lo - (lo % 30);
  const bytes = (hi - a0) / 30 + 1;
  planSegBytes = <usize>min<u64>(<u64>SEG_BYTES, (bytes + 7) & ~(<u64>7));
  const span = <u64>planSegBytes * 30;
  planSqrt = hi > 1 ? isqrt(hi - 1) : 0;
  planTinyLimit = <usize>min<u64>(planSqrt, 65535);
  planBig = bytes >= BIG_BYTES;
  planPatternBytes = align(PATTERN_BYTES);
  if (planBig)
    for (let g: usize = 0; g < N_GROUPS; g++) {
      const gp = GROUPS + g * 12;
      planPatternBytes += align(<usize>load<u32>(gp) * <usize>load<u32>(gp + 4) * <usize>load<u32>(gp + 8));
    }
  planSmallMax = <usize>piUpper(<f64>min<u64>(planSqrt, span));
  let ring: usize = 1;
  let pool: usize = 0;
  if (planSqrt > span) {
    const jump = <usize>(((planSqrt / 30) * 6 + 8) / <u64>planSegBytes) + 2;
    while (ring < jump) ring <<= 1;
    const want = bucketEntries(<f64>planSqrt, Math.min(<f64>(hi - lo), <f64>MAX_PASS_BYTES * 30), <f64>span);
    pool = <usize>Math.min(want / <f64>BLOCK_ENTRIES + <f64>ring + 8, MAX_POOL_BYTES / <f64>BLOCK_BYTES);
    pool = max<usize>(pool, ring + 64);
  }
  planRing = ring;
  planPoolBlocks = pool;
  planTotal =
    align(planSegBytes + 16) +
    PATTERN_TABLE_BYTES +
    planPatternBytes +
    align((planTinyLimit >> 1) + 1) +
    align(min<usize>(planTinyLimit, 6542) * 4) +
    (planSqrt > 65535 ? align(GEN_BYTES + 16) + 6542 * SMALL_BYTES : 0) +
    planSmallMax * SMALL_BYTES +
    ring * 4 +
    pool * BLOCK_BYTES +
    64;
}

@inline
function align(n: usize): usize {
  return (n + 7) & ~(<usize>7);
}

/** Short ranges far out are tested number by number (prime-test.ts): the sieve would list ≈√hi / ln √hi primes for them. */
@inline
function byTest(lo: u64, hi: u64): bool {
  return hi - lo <= (hi >> 42) || (hi - lo < 1 << 20 && (hi - lo) * 1000 < isqrt(hi));
}

/** Bytes of scratch countPrimesRange(lo, hi, …) needs. */
export function countPrimesScratch(lo: u64, hi: u64): usize {
  if (hi <= lo || byTest(lo, hi)) return 8;
  makePlan(lo, hi);
  return planTotal;
}

// The call's state, laid out in scratch by countPrimesRange (module globals: one call at a time per instance).
let seg: usize = 0;
let pat: usize = 0;
let tiny: usize = 0;
let basePrimes: usize = 0;
let nBase: usize = 0;
let gen: usize = 0;
let gstate: usize = 0;
let small: usize = 0;
let nSmall: usize = 0;
let nL1: usize = 0;
let nRound: usize = 0;
let heads: usize = 0;
let pool: usize = 0;
let freeBlock: usize = 0;
let poolNext: usize = 0;
let poolEnd: usize = 0;
let overflow = false;
let presieveMax: u64 = 17;
let nPatterns: usize = 0;
/**
 * Per pattern (pre-sieve.ts order): address and period in bytes, in the call's scratch. Not a static
 * table (memory.data): in a pool's shared memory every worker's instance would write the one table,
 * and a worker starting up re-applies the module's data segments, zeroing it under the others' feet.
 */
let patternTable: usize = 0;
const PATTERN_TABLE_BYTES: usize = 16 * 8;

function addPattern(p1: u32, p2: u32, p3: u32, p4: u32, at: usize, tail: usize): usize {
  const size = fillPattern(at, p1, p2, p3, p4, tail);
  store<u32>(patternTable + nPatterns * 8, <u32>at);
  store<u32>(patternTable + nPatterns * 8 + 4, <u32>size);
  nPatterns++;
  return align(size + tail);
}

/** Builds the pre-sieve patterns the plan asks for, each followed by a segment's worth of its start. */
function fillPatterns(): void {
  const tail: usize = 0;
  let at = pat;
  nPatterns = 0;
  at += addPattern(7, 11, 13, 17, at, tail);
  presieveMax = 17;
  if (!planBig) return;
  for (let g: usize = 0; g < N_GROUPS; g++) {
    const gp = GROUPS + g * 12;
    at += addPattern(load<u32>(gp), load<u32>(gp + 4), load<u32>(gp + 8), 1, at, tail);
  }
  presieveMax = 107;
}

/** How many primes lie in [lo, hi), for any u64 lo and hi (hi ≤ lo: none), using countPrimesScratch(lo, hi) bytes at `scratch`. */
export function countPrimesRange(lo: u64, hi: u64, scratch: usize): u64 {
  if (hi <= lo) return 0;
  if (byTest(lo, hi)) return countPrimesByTest(lo, hi);
  makePlan(lo, hi);
  let count: u64 = 0;
  for (let p: u64 = 2; p <= 5; p += p == 2 ? 1 : 2) if (lo <= p && p < hi) count++;
  if (hi <= 7) return count;
  lo = max<u64>(lo, 7);

  let at = scratch;
  seg = at;
  at += align(planSegBytes + 16);
  patternTable = at;
  at += PATTERN_TABLE_BYTES;
  pat = at;
  at += planPatternBytes;
  tiny = at;
  at += align((planTinyLimit >> 1) + 1);
  basePrimes = at;
  at += align(min<usize>(planTinyLimit, 6542) * 4);
  gen = at;
  if (planSqrt > 65535) {
    at += align(GEN_BYTES + 16);
    gstate = at;
    at += 6542 * SMALL_BYTES;
  }
  small = at;
  at += planSmallMax * SMALL_BYTES;
  heads = at;
  at += planRing * 4;
  pool = at;
  fillPatterns();
  tinySieve();

  const segBytes = <u64>planSegBytes;
  const spanMax = <f64>(segBytes * 30);
  // Sieve bytes per pass, a multiple of the segment: as many as the bucket pool can hold.
  let passBytes = min<u64>(MAX_PASS_BYTES, ((hi - lo) / 30 / segBytes + 2) * segBytes);
  while (planPoolBlocks > 0 && passBytes > segBytes && bucketEntries(<f64>planSqrt, <f64>passBytes * 30, spanMax) / <f64>BLOCK_ENTRIES + <f64>planRing + 8 > <f64>planPoolBlocks)
    passBytes = max<u64>(segBytes, (passBytes >> 1) & ~(segBytes - 1));
  let plo = lo;
  while (plo < hi) {
    const a0 = plo - (plo % 30);
    // The pass ends at a multiple of 30 or at hi; a0 + 30·passBytes cannot pass 2^64 unless hi is near it.
    const room = (hi - a0) / 30;
    const phi = room <= passBytes ? hi : a0 + passBytes * 30;
    if (!setUpPass(a0, plo, phi)) {
      passBytes = max<u64>(segBytes, (passBytes >> 1) & ~(segBytes - 1));
      continue;
    }
    poolEnd += 2 * BLOCK_BYTES;
    count += sievePass(a0, plo, phi);
    plo = phi;
  }
  return count;
}

/** Primes 3 ≤ p ≤ tinyLimit by a plain odd-only sieve (byte i stands for 2i + 1), listed at basePrimes. */
function tinySieve(): void {
  const lim = planTinyLimit;
  const n = (lim >> 1) + 1;
  memory.fill(tiny, 1, n);
  for (let i: usize = 1; (i * 2 + 1) * (i * 2 + 1) <= lim; i++) {
    if (!load<u8>(tiny + i)) continue;
    const p = i * 2 + 1;
    for (let j = (p * p) >> 1; j < n; j += p) store<u8>(tiny + j, 0);
  }
  nBase = 0;
  for (let i: usize = 1; i < n && i * 2 + 1 <= lim; i++) {
    if (load<u8>(tiny + i)) {
      store<u32>(basePrimes + (nBase << 2), <u32>(i * 2 + 1));
      nBase++;
    }
  }
}

/** Places every sieving prime of the pass [plo, phi) (bytes from a0): small ones in the state array, large ones in buckets. False when the pool runs out. */
function setUpPass(a0: u64, plo: u64, phi: u64): bool {
  nSmall = 0;
  nL1 = 0;
  nRound = 0;
  memory.fill(heads, 0, planRing * 4);
  freeBlock = 0;
  poolNext = pool;
  // Two blocks stay free while filing: sieving may hold one more partial block than filing did.
  poolEnd = pool + (planPoolBlocks > 2 ? planPoolBlocks - 2 : 0) * BLOCK_BYTES;
  overflow = false;
  // The largest sieving prime this pass needs: p² ≤ phi − 1.
  const top = isqrt(phi - 1);
  for (let i: usize = 0; i < nBase; i++) {
    const p = <u64>load<u32>(basePrimes + (i << 2));
    if (p > top) return true;
    if (p > presieveMax) addPrime(p, a0, plo, phi);
    if (overflow) return false;
  }
  if (top <= 65535) return true;
  // Primes in (65535, top] from the generator: a wheel sieve of its own over [0, top], block by block, sieved by the
  // base primes (7 … 17 from the first pattern, the others from a state array like the small primes').
  let ng: usize = 0;
  for (let i: usize = 0; i < nBase; i++) {
    const p = load<u32>(basePrimes + (i << 2));
    if (<u64>p * <u64>p > top) break;
    if (p <= 17) continue;
    const g = gstate + ng * SMALL_BYTES;
    store<u32>(g, p / 30);
    store<u32>(g + 4, (p * p) / 30);
    store<u8>(g + 8, <u8>rIndex(p % 30));
    store<u8>(g + 9, <u8>rIndex(p % 30)); // its first multiple is p·p: cofactor p
    ng++;
  }
  const topByte = top / 30;
  for (let b0: u64 = 0; b0 <= topByte; b0 += <u64>GEN_BYTES) {
    const len = <usize>min<u64>(<u64>GEN_BYTES, topByte - b0 + 1);
    fillFrom(gen, b0, len, 1);
    for (let g = gstate, end = gstate + ng * SMALL_BYTES; g < end; g += SMALL_BYTES) {
      let j = <usize>load<u32>(g + 4);
      // The state's byte is absolute: the generator's blocks are its own and it runs once per pass.
      if (<u64>j >= b0 + <u64>len) continue;
      const rel = j - <usize>b0;
      if (load<u32>(g) * 30 < <u32>GEN_BYTES) crossSmall(gen, rel, len, <usize>load<u32>(g), <u32>load<u8>(g + 8), <u32>load<u8>(g + 9));
      else crossMedium(gen, rel, len, <usize>load<u32>(g), <u32>load<u8>(g + 8), <u32>load<u8>(g + 9));
      store<u32>(g + 4, <u32>(crossedTo + <usize>b0));
      store<u8>(g + 9, <u8>crossedT);
    }
    for (let j: usize = 0; j < len; j++) {
      let bits = <u32>load<u8>(gen + j);
      while (bits != 0) {
        const t = ctz<u32>(bits);
        bits &= bits - 1;
        const p = (b0 + <u64>j) * 30 + <u64>load<u8>(W + t);
        if (p > 65535 && p <= top) addPrime(p, a0, plo, phi);
      }
      if (overflow) return false;
    }
  }
  return !overflow;
}

/** Finds p's first multiple p·k in [max(plo, p²), phi) with k coprime to 30 and files p under it. */
function addPrime(p: u64, a0: u64, plo: u64, phi: u64): void {
  // k = ⌈plo / p⌉ without a u64 division: the f64 quotient is within 2 of ⌊plo / p⌋ (p ≥ 19, plo < 2^64).
  let k = <u64>(<f64>plo / <f64>p);
  let rem = <i64>(plo - k * p);
  while (rem < 0) {
    k--;
    rem += <i64>p;
  }
  while (rem >= <i64>p) {
    k++;
    rem -= <i64>p;
  }
  // The first multiple at or above plo is plo + gap; below p² it has a smaller factor, so start at p² then.
  let gap: u64 = rem == 0 ? 0 : p - <u64>rem;
  if (rem != 0) k++;
  if (k < p) {
    gap += (p - k) * p;
    k = p;
  }
  const km = <u32>(k % 30);
  const d = <u64>load<u8>(NEXTD + km);
  k += d;
  gap += d * p;
  if (gap > phi - 1 - plo) return;
  const t = <u32>load<u8>(NEXTT + km);
  const byte = (plo + gap - a0) / 30;
  const q = <u32>(p / 30);
  const r = rIndex(<u32>(p % 30));
  if (p <= <u64>planSegBytes * 30) {
    const s = small + nSmall * SMALL_BYTES;
    store<u32>(s, q);
    store<u32>(s + 4, <u32>byte);
    store<u8>(s + 8, <u8>r);
    store<u8>(s + 9, <u8>t);
    nSmall++;
    if (p <= <u64>L1_PRIME_MAX) nL1 = nSmall;
    if (p <= <u64>planSegBytes / ROUND_FRACTION) nRound = nSmall;
  } else {
    const segBytes = <u64>planSegBytes;
    push(<usize>(byte / segBytes), q, <u32>(byte % segBytes) | (t << OFF_BITS) | (r << (OFF_BITS + 3)));
  }
}

/** Files a bucket entry under segment `s` of the pass. */
@inline
function push(s: usize, a: u32, b: u32): void {
  const h = heads + ((s & (planRing - 1)) << 2);
  let blk = <usize>load<u32>(h);
  if (blk == 0 || load<u32>(blk + 4) == <u32>BLOCK_ENTRIES) {
    let fresh = freeBlock;
    if (fresh != 0) freeBlock = <usize>load<u32>(fresh);
    else if (poolNext < poolEnd) {
      fresh = poolNext;
      poolNext += BLOCK_BYTES;
    } else {
      overflow = true;
      return;
    }
    store<u32>(fresh, <u32>blk);
    store<u32>(fresh + 4, 0);
    store<u32>(h, <u32>fresh);
    blk = fresh;
  }
  const c = <usize>load<u32>(blk + 4);
  store<u32>(blk + 8 + c * 8, a);
  store<u32>(blk + 12 + c * 8, b);
  store<u32>(blk + 4, <u32>(c + 1));
}

/** Sieves and counts the pass [plo, phi), whose byte 0 is the numbers a0 … a0 + 29. */
function sievePass(a0: u64, plo: u64, phi: u64): u64 {
  const segBytes = <usize>planSegBytes;
  const totalBytes = (phi - a0) / 30 + ((phi - a0) % 30 != 0 ? 1 : 0);
  let count: u64 = 0;
  for (let sIdx: usize = 0; <u64>sIdx * <u64>segBytes < totalBytes; sIdx++) {
    const start = <u64>sIdx * <u64>segBytes;
    const len = <usize>min<u64>(<u64>segBytes, totalBytes - start);
    fillFrom(seg, a0 / 30 + start, len, nPatterns);
    if (a0 == 0 && sIdx == 0) restoreSmallPrimes();
    sieveSmall(len);
    sieveLarge(sIdx, len, totalBytes);
    if (overflow) unreachable(); // the pool holds every pass it was set up for: entries only move between buckets
    // Numbers below plo (first segment) and from phi on (last segment) do not count.
    if (sIdx == 0) {
      const below = <u32>(plo - a0);
      const b = <u32>load<u8>(seg);
      store<u8>(seg, <u8>(b & ~lowBits(below)));
    }
    if (start + <u64>len == totalBytes) {
      const rem = <u32>((phi - a0) % 30);
      if (rem != 0) {
        const b = <u32>load<u8>(seg + len - 1);
        store<u8>(seg + len - 1, <u8>(b & lowBits(rem)));
      }
    }
    store<u64>(seg + len, 0);
    let c: u64 = 0;
    for (let j: usize = 0; j < len; j += 8) c += popcnt<u64>(load<u64>(seg + j));
    count += c;
  }
  return count;
}

/** The bits of a byte's residues below `x` (0 ≤ x < 30). */
@inline
function lowBits(x: u32): u32 {
  return (1 << load<u8>(NEXTT + x)) - 1;
}

/** Fills `len` sieve bytes at dst, whose first is absolute byte `byte0`: the first pattern copied, the next ones ANDed in (16 bytes at a time). */
function fillFrom(dst: usize, byte0: u64, len: usize, patterns: usize): void {
  for (let i: usize = 0; i < patterns; i++) {
    const src = <usize>load<u32>(patternTable + i * 8);
    const size = <usize>load<u32>(patternTable + i * 8 + 4);
    let off = <usize>(byte0 % <u64>size);
    for (let done: usize = 0; done < len; ) {
      const n = min<usize>(len - done, size - off);
      if (i == 0) memory.copy(dst + done, src + off, n);
      else andInto(dst + done, src + off, n);
      done += n;
      off = 0;
    }
  }
}

@inline
function andInto(d: usize, s: usize, n: usize): void {
  const end16 = d + (n & ~(<usize>15));
  for (; d < end16; d += 16, s += 16) v128.store(d, v128.and(v128.load(d), v128.load(s)));
  for (const end = d + (n & 15); d < end; d++, s++) store<u8>(d, load<u8>(d) & load<u8>(s));
}

/** After the pre-sieve crossed them off: the primes 7 … presieveMax are prime, and 1 is not (the first segment of [0, …)). */
function restoreSmallPrimes(): void {
  store<u8>(seg, load<u8>(seg) & 0xfe);
  for (let n: u32 = 7; <u64>n <= presieveMax; n += 2) {
    let prime = n % 3 != 0 && n % 5 != 0;
    for (let d: u32 = 7; prime && d * d <= n; d += 2) if (n % d == 0) prime = false;
    if (prime) store<u8>(seg + n / 30, load<u8>(seg + n / 30) | (<u8>1 << <u8>rIndex(n % 30)));
  }
}

/** Crosses off the small and medium primes' multiples in the segment: small ones chunk by chunk of L1_BYTES (each chunk stays in the L1 cache while every small prime passes over it), medium ones over the whole segment. */
function sieveSmall(len: usize): void {
  const l1End = small + nL1 * SMALL_BYTES;
  for (let from: usize = 0; from < len; from += L1_BYTES) {
    const to = min<usize>(len, from + L1_BYTES);
    const last = to == len;
    for (let s = small; s < l1End; s += SMALL_BYTES) {
      let j = <usize>load<u32>(s + 4);
      if (j < to) {
        crossSmall(seg, j, to, <usize>load<u32>(s), <u32>load<u8>(s + 8), <u32>load<u8>(s + 9));
        j = crossedTo;
        store<u8>(s + 9, <u8>crossedT);
      }
      store<u32>(s + 4, <u32>(last ? j - len : j));
    }
  }
  const roundEnd = max<usize>(l1End, small + nRound * SMALL_BYTES);
  for (let s = l1End; s < roundEnd; s += SMALL_BYTES) {
    let j = <usize>load<u32>(s + 4);
    if (j < len) {
      crossSmall(seg, j, len, <usize>load<u32>(s), <u32>load<u8>(s + 8), <u32>load<u8>(s + 9));
      j = crossedTo;
      store<u8>(s + 9, <u8>crossedT);
    }
    store<u32>(s + 4, <u32>(j - len));
  }
  for (let s = roundEnd, end = small + nSmall * SMALL_BYTES; s < end; s += SMALL_BYTES) {
    let j = <usize>load<u32>(s + 4);
    if (j < len) {
      crossMedium(seg, j, len, <usize>load<u32>(s), <u32>load<u8>(s + 8), <u32>load<u8>(s + 9));
      j = crossedTo;
      store<u8>(s + 9, <u8>crossedT);
    }
    store<u32>(s + 4, <u32>(j - len));
  }
}

/** Crosses off the multiples filed under segment sIdx and files each prime under the segment of its next one. */
function sieveLarge(sIdx: usize, len: usize, totalBytes: u64): void {
  const h = heads + ((sIdx & (planRing - 1)) << 2);
  let blk = <usize>load<u32>(h);
  store<u32>(h, 0);
  const segBytes = <usize>planSegBytes;
  const base = <u64>sIdx * <u64>segBytes;
  while (blk != 0) {
    const n = <usize>load<u32>(blk + 4);
    for (let e: usize = 0; e < n; e++) {
      const q = <usize>load<u32>(blk + 8 + e * 8);
      const b = load<u32>(blk + 12 + e * 8);
      const off = <usize>(b & OFF_MASK);
      const t = <usize>((b >> OFF_BITS) & 7);
      const r8 = <usize>(b >> (OFF_BITS + 3)) << 3;
      if (off < len) store<u8>(seg + off, load<u8>(seg + off) & load<u8>(MASK + r8 + t));
      const next = base + <u64>off + <u64>(q * <usize>load<u8>(DQ + t) + <usize>load<u8>(DC + r8 + t));
      if (next < totalBytes) {
        const t2 = <u32>((t + 1) & 7);
        push(<usize>(next / <u64>segBytes), <u32>q, <u32>(next % <u64>segBytes) | (t2 << OFF_BITS) | (<u32>(r8 >> 3) << (OFF_BITS + 3)));
      }
    }
    const after = <usize>load<u32>(blk);
    store<u32>(blk, <u32>freeBlock);
    freeBlock = blk;
    blk = after;
  }
}
