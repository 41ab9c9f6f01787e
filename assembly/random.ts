// 64-bit pseudo-random streams and the Monte Carlo estimate of π built on them.

const GAMMA: u64 = 0x9e3779b97f4a7c15;

/** Chunk size of monteCarloHits; src/kernels/abi.ts MONTE_CARLO_CHUNK must say the same. Chunk indices are u64: 2^48 samples are 2^32 chunks, one more than a u32 holds. */
const CHUNK: u64 = 1 << 16;

@inline
function mix64(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; Vigna's splitmix64.c): writes `count` outputs at `out`, returns the next state. */
export function splitmix64Fill(out: usize, count: usize, state: u64): u64 {
  for (let i: usize = 0; i < count; i++) {
    state += GAMMA;
    store<u64>(out + (i << 3), mix64(state));
  }
  return state;
}

/** xorshift64 (Marsaglia, "Xorshift RNGs", J. Stat. Softw. 2003, shifts 13, 7, 17): writes `count` outputs at `out`, returns the last state. */
export function xorshift64Fill(out: usize, count: usize, state: u64): u64 {
  for (let i: usize = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    store<u64>(out + (i << 3), state);
  }
  return state;
}

/** The xorshift64 seed of chunk `c`: output number c of the splitmix64 stream started at `seed` (never 0, which would stall xorshift). */
@inline
function chunkSeed(seed: u64, c: u64): u64 {
  const s = mix64(seed + (c + 1) * GAMMA);
  return s != 0 ? s : GAMMA;
}

// Top 53 bits times 2^-53: every double in [0, 1) on the 2^-53 grid, none rounded up to 1. The top
// bits fit in an i64, so the signed conversion (one instruction on x64) gives the same double as the
// unsigned one (a branchy sequence): ≈1.4× faster together with the paired streams below.
const TO_UNIT: f64 = 1.0 / 9007199254740992.0;

/** Hits among the first `n` samples of the stream seeded with `s`. */
@inline
function hitsOf(s: u64, n: u64): u64 {
  let inside: u64 = 0;
  for (let i: u64 = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    const x = <f64><i64>(s >> 11) * TO_UNIT;
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    const y = <f64><i64>(s >> 11) * TO_UNIT;
    inside += <u64>(x * x + y * y < 1.0);
  }
  return inside;
}

/** Monte Carlo π (dartboard method) on xorshift64 streams seeded per chunk by splitmix64: hits of chunks [firstChunk, endChunk) of `total` samples. */
export function monteCarloHits(seed: u64, firstChunk: u64, endChunk: u64, total: u64): u64 {
  let hits: u64 = 0;
  let c = firstChunk;
  // Two full chunks side by side: each xorshift step depends on the last, so one stream leaves the
  // CPU idle between steps; two independent streams fill those gaps. Each stream's draws are unchanged.
  for (; c + 1 < endChunk && (c + 2) * CHUNK <= total; c += 2) {
    let s = chunkSeed(seed, c);
    let t = chunkSeed(seed, c + 1);
    let inS: u64 = 0;
    let inT: u64 = 0;
    for (let i: u64 = 0; i < CHUNK; i++) {
      s ^= s << 13;
      t ^= t << 13;
      s ^= s >> 7;
      t ^= t >> 7;
      s ^= s << 17;
      t ^= t << 17;
      const xs = <f64><i64>(s >> 11) * TO_UNIT;
      const xt = <f64><i64>(t >> 11) * TO_UNIT;
      s ^= s << 13;
      t ^= t << 13;
      s ^= s >> 7;
      t ^= t >> 7;
      s ^= s << 17;
      t ^= t << 17;
      const ys = <f64><i64>(s >> 11) * TO_UNIT;
      const yt = <f64><i64>(t >> 11) * TO_UNIT;
      inS += <u64>(xs * xs + ys * ys < 1.0);
      inT += <u64>(xt * xt + yt * yt < 1.0);
    }
    hits += inS + inT;
  }
  for (; c < endChunk; c++) {
    const begin = c * CHUNK;
    if (begin >= total) break;
    hits += hitsOf(chunkSeed(seed, c), min<u64>(CHUNK, total - begin));
  }
  return hits;
}
