// Number locals read only through ToInt32 (src/jit/analysis/bits.ts) live in an i32 holding those 32
// bits: xorshift and hash loops written with number bit operators. Each shape against the plain
// function on random seeds, including seeds past 2^31, negative, fractional, NaN, ±Infinity and −0;
// locals read any other way keep their number; the WAT shows the i32 code.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";

const seeds = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(2463534242, 2 ** 32, 2 ** 53 + 2, -(2 ** 40) - 7, 1.5, -0, NaN, Infinity, -Infinity, 0),
);

function xorshift(seed: number, n: number) {
  let x = seed;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    if ((x & 1023) === 0) hits++;
  }
  return hits;
}

function fnv1a(data: Uint8Array, basis: number) {
  let h = basis;
  for (let i = 0; i < data.length; i++) {
    h ^= data[i];
    h = Math.imul(h, 16777619);
  }
  return h >>> 0 === 0 ? -1 : (h & 0xffff) + (Math.clz32(h) << 16);
}

function mixed(seed: number, n: number) {
  // k is read only through ToInt32; y is also compared and returned: it keeps its number.
  const k = seed * 3;
  let y = seed;
  for (let i = 0; i < n; i++) y = (y ^ k) + 0.5;
  return y > 1e9 ? y : y + (~k & 7);
}

describe("jit: number locals read only through ToInt32", () => {
  it("xorshift with a number state: JavaScript's answer for every seed, and i32 code in the loop", () => {
    const fast = jit(xorshift);
    fc.assert(
      fc.property(seeds, fc.integer({ min: 0, max: 3000 }), (seed, n) => fast(seed, n) === xorshift(seed, n)),
      { numRuns: 300 },
    );
    expect(fast(2463534242, 100_000)).toBe(xorshift(2463534242, 100_000));
    // Each specialization (an i32 seed, an f64 seed): from its loop on, i32 instructions only.
    const specializations = fast.inspect().split(/^;; /m).filter(Boolean);
    expect(specializations.length).toBeGreaterThan(0);
    for (const wat of specializations) {
      const loop = wat.slice(wat.indexOf("loop"));
      expect(loop).not.toMatch(/trunc_sat_f64|f64\.floor/);
      expect(loop).toMatch(/i32\.shl[\s\S]*i32\.shr_u/);
    }
  });

  it("FNV-1a with Math.imul and Math.clz32 on a number hash", () => {
    const fast = jit(fnv1a);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), seeds, (bytes, basis) => Object.is(fast(bytes, basis), fnv1a(bytes, basis))),
      { numRuns: 300 },
    );
  });

  it("a local read any other way keeps its number (compared, returned, added)", () => {
    const fast = jit(mixed);
    fc.assert(
      fc.property(seeds, fc.integer({ min: 0, max: 50 }), (seed, n) => Object.is(fast(seed, n), mixed(seed, n))),
      { numRuns: 300 },
    );
  });

  it("shadowing: an inner local of the same name is another local", () => {
    function shadow(seed: number, n: number) {
      let x = seed;
      let out = 0;
      for (let i = 0; i < n; i++) {
        x ^= x << 7;
        {
          const x = i * 1.5; // a different x, read as a number
          out += x;
        }
      }
      return out + (x & 255);
    }
    const fast = jit(shadow);
    fc.assert(
      fc.property(seeds, fc.integer({ min: 0, max: 40 }), (seed, n) => Object.is(fast(seed, n), shadow(seed, n))),
      { numRuns: 200 },
    );
  });
});

describe("jit: bit locals compared with 0, tested, and stepped by constants", () => {
  // Kernighan's popcount keeps a Uint32Array element in a `let`: `v !== 0`, `while (v)` and `v - 1`
  // under `&=` see only v's 32 bits while v holds integers in (−2^32, 2^32), which the analysis proves
  // here; a v that can be 2^32 (bits 0, value not 0) keeps its number.
  function kernighan(a: Uint32Array) {
    let total = 0;
    for (let i = 0; i < a.length; i++) {
      let v = a[i];
      while (v !== 0) {
        v &= v - 1;
        total++;
      }
      let w = a[i] ^ 0x5a5a5a5a;
      while (w) {
        w &= w + -1;
        total += 2;
      }
    }
    return total;
  }
  function wide(scale: number) {
    // v = 2^32 · scale: ToInt32(v) is 0 where v is not.
    let v = scale * 4294967296 + 0;
    let steps = 0;
    while (v !== 0 && steps < 5) {
      v &= v - 1;
      steps++;
    }
    return steps;
  }
  function murmur(a: Uint32Array, seed: number) {
    let h = seed;
    for (let i = 0; i < a.length; i++) {
      let k = a[i];
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    return h >>> 0;
  }

  it("popcounts, a value past 2^32, and a murmur round: JavaScript's answers, i32 code in the loops", () => {
    const [fast, big, mix] = [jit(kernighan), jit(wide), jit(murmur)];
    const words = fc.uint32Array({ maxLength: 40 });
    fc.assert(
      fc.property(words, (a) => fast(a) === kernighan(Uint32Array.from(a))),
      { numRuns: 200 },
    );
    expect(fast(Uint32Array.from([0, 1, 0xffffffff, 0x80000000, 0x7fffffff]))).toBe(
      kernighan(Uint32Array.from([0, 1, 0xffffffff, 0x80000000, 0x7fffffff])),
    );
    for (const scale of [0, 1, 3, -1, 0.5]) expect(big(scale), String(scale)).toBe(wide(scale));
    fc.assert(
      fc.property(
        words,
        fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
        (a, seed) => mix(a, seed) === murmur(Uint32Array.from(a), seed),
      ),
      { numRuns: 200 },
    );
    // From the first loop of each specialization to its end.
    const loop = (wat: string) =>
      wat
        .split(/^;; /m)
        .filter(Boolean)
        .map((w) => w.slice(w.indexOf("loop"), w.lastIndexOf("return")))
        .join("\n");
    // v and w in i32s (total, a count, stays a number: its f64.add is the only f64 arithmetic).
    expect(loop(fast.inspect())).not.toMatch(/f64\.sub|trunc_sat_f64/);
    expect(loop(fast.inspect())).toMatch(/i32\.const 1\s+i32\.sub\s+i32\.and/);
    expect(loop(fast.inspect())).toMatch(/i32\.const -1\s+i32\.add\s+i32\.and/);
    expect(loop(mix.inspect())).not.toMatch(/f64/);
    // The value past 2^32 keeps its number: an f64 test against 0.
    expect(big.inspect()).toMatch(/f64\.ne|f64\.eq/);
  });
});

describe("jit: rotations", () => {
  it("`(x >>> r) | (x << (32 - r))` (and `& 31`, and `<<` first) are i32.rotr / i32.rotl with JavaScript's bits for every r", () => {
    function rotations(x: number, r: number) {
      const a = (x >>> r) | (x << ((32 - r) & 31));
      const b = (x << r) | (x >>> (32 - r));
      const c = (x >>> 7) | (x << 25); // constant amounts: not this shape (25 is not 32 - 7 written out)
      return [a, b, c, (x >>> r) ^ (x << (32 - r))];
    }
    const fast = jit(function packed(x: number, r: number, out: Int32Array) {
      out[0] = (x >>> r) | (x << ((32 - r) & 31));
      out[1] = (x << r) | (x >>> (32 - r));
      out[2] = (x >>> 7) | (x << 25);
      out[3] = (x >>> r) ^ (x << (32 - r));
    });
    const out = new Int32Array(4);
    const words = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.double());
    fc.assert(
      fc.property(words, fc.oneof(fc.integer({ min: -40, max: 70 }), fc.constantFrom(0, 31, 32, -1)), (x, r) => {
        fast(x, r, out);
        return rotations(x, r).every((v, i) => v === out[i]);
      }),
      { numRuns: 400 },
    );
    const wat = fast.inspect();
    expect(wat).toMatch(/i32\.rotr/);
    expect(wat).toMatch(/i32\.rotl/);
  });
});
