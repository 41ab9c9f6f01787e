// Exact u64 twins on bigint: correct for every input. Each wraps with BigInt.asUintN(64, …) where the
// kernel's u64 arithmetic wraps; V8's optimizing tier turns `BigInt.asUintN(64, a * b)` into plain
// 64-bit machine arithmetic (measured on FNV-1a: 20–30× faster than masking with `& (2n ** 64n − 1n)`).
import type { CollatzResult, MonteCarloResult } from "../kernels/builtins.ts";
import { MONTE_CARLO_CHUNK } from "../kernels/abi.ts";
import type { BytesLike } from "../validate.ts";

const MASK = (1n << 64n) - 1n;
const utf8 = new TextEncoder();

function bytesOf(data: BytesLike): Uint8Array {
  if (typeof data === "string") return utf8.encode(data);
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** 0 + 1 + … + (n − 1) mod 2^64, by a loop over bigints (as arbitrary-precision Python computes it). */
export function sumIntegers(n: bigint): bigint {
  return sumRange(0n, n);
}

/** lo + … + (hi − 1) mod 2^64. */
export function sumRange(lo: bigint, hi: bigint): bigint {
  let total = 0n;
  for (let i = lo; i < hi; i++) total = BigInt.asUintN(64, total + i);
  return total;
}

/** FNV-1a 64: for each byte, xor it in, then multiply by the FNV prime. */
export function fnv1a64(data: BytesLike): bigint {
  let h = 0xcbf29ce484222325n;
  const bytes = bytesOf(data);
  for (let i = 0; i < bytes.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(bytes[i])) * 0x100000001b3n);
  return h;
}

const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

function rotl(x: bigint, r: bigint): bigint {
  return BigInt.asUintN(64, (x << r) | (x >> (64n - r)));
}

function round(acc: bigint, lane: bigint): bigint {
  return BigInt.asUintN(64, rotl(BigInt.asUintN(64, acc + lane * P2), 31n) * P1);
}

/** xxHash64, following the XXH64 specification step by step. */
export function xxhash64(data: BytesLike, seed: bigint = 0n): bigint {
  const bytes = bytesOf(data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.byteLength;
  const stripes = len - (len % 32);
  const h = len >= 32 ? stripesOf(view, stripes, seed) : BigInt.asUintN(64, seed + P5);
  return avalanche(tailOf(bytes, view, stripes, BigInt.asUintN(64, h + BigInt(len))));
}

// The tail's accumulator is reduced with `MASK &` rather than BigInt.asUintN on purpose. With asUintN,
// V8 11.3 (Node 20.20) aborted the whole process after ≈2,000 calls on lengths that are not a multiple
// of 32 ("RepresentationChangerError: Phi of kRepTagged (UnsignedBigInt64) cannot be changed to
// kRepWord64"): its optimizer lowers asUintN to a machine word but not the `^` that feeds the loop's
// accumulator back in. The same value, kept a tagged BigInt, never meets that lowering
// (test/twins-tiers.test.ts calls every bigint twin past the optimizing tier in Node, Deno and Bun).

/** The four accumulators over the 32-byte stripes [0, end), merged into one. */
function stripesOf(view: DataView, end: number, seed: bigint): bigint {
  let v1 = BigInt.asUintN(64, seed + P1 + P2);
  let v2 = BigInt.asUintN(64, seed + P2);
  let v3 = seed;
  let v4 = BigInt.asUintN(64, seed - P1);
  for (let p = 0; p < end; p += 32) {
    v1 = round(v1, view.getBigUint64(p, true));
    v2 = round(v2, view.getBigUint64(p + 8, true));
    v3 = round(v3, view.getBigUint64(p + 16, true));
    v4 = round(v4, view.getBigUint64(p + 24, true));
  }
  let h = BigInt.asUintN(64, rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n));
  h = merge(h, v1);
  h = merge(h, v2);
  h = merge(h, v3);
  return merge(h, v4);
}

function merge(h: bigint, v: bigint): bigint {
  return BigInt.asUintN(64, (h ^ round(0n, v)) * P1 + P4);
}

/** The bytes after the stripes: 8 at a time, then 4, then one by one. */
function tailOf(bytes: Uint8Array, view: DataView, start: number, h: bigint): bigint {
  const len = bytes.byteLength;
  let p = start;
  for (; p + 8 <= len; p += 8) h = MASK & (rotl(h ^ round(0n, view.getBigUint64(p, true)), 27n) * P1 + P4);
  if (p + 4 <= len) {
    h = MASK & (rotl(h ^ BigInt.asUintN(64, BigInt(view.getUint32(p, true)) * P1), 23n) * P2 + P3);
    p += 4;
  }
  for (; p < len; p++) h = MASK & (rotl(h ^ BigInt.asUintN(64, BigInt(bytes[p]) * P5), 11n) * P1);
  return h;
}

function avalanche(h: bigint): bigint {
  h = BigInt.asUintN(64, (h ^ (h >> 33n)) * P2);
  h = BigInt.asUintN(64, (h ^ (h >> 29n)) * P3);
  return h ^ (h >> 32n);
}

const GAMMA = 0x9e3779b97f4a7c15n;

function mix64(z: bigint): bigint {
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

/** The first `count` outputs of splitmix64 from state `seed`. */
export function splitmix64(seed: bigint, count: number): BigUint64Array {
  const out = new BigUint64Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = BigInt.asUintN(64, state + GAMMA);
    out[i] = mix64(state);
  }
  return out;
}

function xorshiftStep(s: bigint): bigint {
  s ^= BigInt.asUintN(64, s << 13n);
  s ^= s >> 7n;
  s ^= BigInt.asUintN(64, s << 17n);
  return s;
}

/** The first `count` outputs of xorshift64 (13, 7, 17) from state `seed` (≠ 0). */
export function xorshift64(seed: bigint, count: number): BigUint64Array {
  const out = new BigUint64Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) out[i] = state = xorshiftStep(state);
  return out;
}

/** Monte Carlo π with the kernel's streams: chunk c of MONTE_CARLO_CHUNK samples runs xorshift64 from splitmix64 output c of `seed`. */
export function monteCarloPi(samples: bigint, seed: bigint = 0n): MonteCarloResult {
  const chunks = (samples + BigInt(MONTE_CARLO_CHUNK) - 1n) / BigInt(MONTE_CARLO_CHUNK);
  const inside = Number(monteCarloHits(seed, 0n, chunks, samples));
  const total = Number(samples);
  return { pi: (4 * inside) / total, inside, samples: total };
}

/** The range form, as the kernel's monteCarloHits: hits of chunks [firstChunk, endChunk) of `total` samples. */
export function monteCarloHits(seed: bigint, firstChunk: bigint, endChunk: bigint, total: bigint): bigint {
  const chunk = BigInt(MONTE_CARLO_CHUNK);
  let inside = 0;
  for (let c = firstChunk; c < endChunk && c * chunk < total; c++) {
    let s = mix64(BigInt.asUintN(64, seed + (c + 1n) * GAMMA));
    if (s === 0n) s = GAMMA;
    const n = Number(total - c * chunk < chunk ? total - c * chunk : chunk);
    for (let i = 0; i < n; i++) {
      s = xorshiftStep(s);
      const x = Number(s >> 11n) / 2 ** 53;
      s = xorshiftStep(s);
      const y = Number(s >> 11n) / 2 ** 53;
      if (x * x + y * y < 1) inside++;
    }
  }
  return BigInt(inside);
}

const MAX_ODD = (MASK - 1n) / 3n;

/** The start in [lo, hi) with the longest Collatz chain, exact in u64; RangeError when a chain passes 2^64 − 1. */
export function longestCollatzRange(lo: bigint, hi: bigint): CollatzResult {
  let start = 0n;
  let most = -1;
  for (let s = lo; s < hi; s++) {
    let n = s;
    let steps = 0;
    while (n !== 1n) {
      if (n & 1n) {
        if (n > MAX_ODD) throw new RangeError(`The Collatz chain of ${s} passes 2^64 − 1 (u64 overflow)`);
        n = 3n * n + 1n;
      } else n >>= 1n;
      steps++;
    }
    if (steps > most) {
      most = steps;
      start = s;
    }
  }
  return { start, steps: most };
}

/** The start in [1, limit) with the longest Collatz chain. */
export function longestCollatz(limit: bigint): CollatzResult {
  return longestCollatzRange(1n, limit);
}

/** Σ popcount(i) for i in [lo, hi), modulo 2^64: each integer's one bits counted by clearing the lowest. */
export function popcountSum(lo: bigint, hi: bigint): bigint {
  let total = 0n;
  for (let i = lo; i < hi; i++) for (let x = i; x !== 0n; x &= x - 1n) total++;
  return BigInt.asUintN(64, total);
}

/** Bases that make Miller–Rabin exact for every n < 2^64 (Jim Sinclair, 2011). */
const MR_BASES = [2n, 325n, 9375n, 28178n, 450775n, 9780504n, 1795265022n];

/** b^e mod m by squaring, on bigints (no 64-bit overflow to worry about). */
function powMod(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
  }
  return r;
}

/** Whether n < 2^64 is prime: trial division by the primes below 50, then deterministic Miller–Rabin. */
export function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n]) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  if (n < 2209n) return true;
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  witness: for (const base of MR_BASES) {
    const a = base % n;
    if (a === 0n) continue;
    let x = powMod(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue witness;
    }
    return false;
  }
  return true;
}

/**
 * How many primes lie in [lo, hi), anywhere in u64: each number tested on its own (isPrime), sharing
 * nothing with the sieve. Meant for short ranges (≈10^4 numbers a second near 2^64).
 */
export function countPrimesRange(lo: bigint, hi: bigint): number {
  let count = 0;
  for (let n = lo; n < hi; n++) if (isPrime(n)) count++;
  return count;
}
