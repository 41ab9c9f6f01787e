// Byte-buffer hashes. Both read the input with unaligned little-endian loads straight from linear
// memory, so the host copies a buffer once and nothing is allocated.

const FNV_OFFSET: u64 = 0xcbf29ce484222325;
const FNV_PRIME: u64 = 0x100000001b3;

/** FNV-1a 64 (Fowler, Noll, Vo; http://www.isthe.com/chongo/tech/comp/fnv/): xor the byte, then multiply. */
export function fnv1a64(ptr: usize, len: usize): u64 {
  let h = FNV_OFFSET;
  const end = ptr + len;
  // Eight bytes per load: the multiply chain is the bottleneck, but one load per byte adds to it.
  const end8 = ptr + (len & ~(<usize>7));
  let p = ptr;
  for (; p < end8; p += 8) {
    const w = load<u64>(p);
    h = (h ^ (w & 0xff)) * FNV_PRIME;
    h = (h ^ ((w >> 8) & 0xff)) * FNV_PRIME;
    h = (h ^ ((w >> 16) & 0xff)) * FNV_PRIME;
    h = (h ^ ((w >> 24) & 0xff)) * FNV_PRIME;
    h = (h ^ ((w >> 32) & 0xff)) * FNV_PRIME;
    h = (h ^ ((w >> 40) & 0xff)) * FNV_PRIME;
    h = (h ^ ((w >> 48) & 0xff)) * FNV_PRIME;
    h = (h ^ (w >> 56)) * FNV_PRIME;
  }
  for (; p < end; p++) h = (h ^ <u64>load<u8>(p)) * FNV_PRIME;
  return h;
}

const P1: u64 = 11400714785074694791;
const P2: u64 = 14029467366897019727;
const P3: u64 = 1609587929392839161;
const P4: u64 = 9650029242287828579;
const P5: u64 = 2870177450012600261;

// @inline keeps the four accumulators in locals: a call per lane would spill them.
@inline
function round(acc: u64, lane: u64): u64 {
  return rotl<u64>(acc + lane * P2, 31) * P1;
}

@inline
function mergeRound(h: u64, v: u64): u64 {
  return (h ^ round(0, v)) * P1 + P4;
}

/** xxHash64 (Yann Collet; the XXH64 algorithm as specified in github.com/Cyan4973/xxHash doc/xxhash_spec.md). */
export function xxhash64(ptr: usize, len: usize, seed: u64): u64 {
  const end = ptr + len;
  let p = ptr;
  let h: u64;
  if (len >= 32) {
    let v1 = seed + P1 + P2;
    let v2 = seed + P2;
    let v3 = seed;
    let v4 = seed - P1;
    const limit = end - 32;
    do {
      v1 = round(v1, load<u64>(p));
      v2 = round(v2, load<u64>(p, 8));
      v3 = round(v3, load<u64>(p, 16));
      v4 = round(v4, load<u64>(p, 24));
      p += 32;
    } while (p <= limit);
    h = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = seed + P5;
  }
  h += <u64>len;
  while (p + 8 <= end) {
    h ^= round(0, load<u64>(p));
    h = rotl<u64>(h, 27) * P1 + P4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= <u64>load<u32>(p) * P1;
    h = rotl<u64>(h, 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h ^= <u64>load<u8>(p) * P5;
    h = rotl<u64>(h, 11) * P1;
    p++;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}
