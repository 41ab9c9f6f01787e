import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Arena } from "../src/arena.ts";
import { U64_MAX, kernels, twins } from "../src/index.ts";

const k = await kernels();
const bytes = (text: string) => new TextEncoder().encode(text);

/** xxHash's sanity buffer: byteGen starts at PRIME32 and is multiplied by PRIME64 (mod 2^64) per byte; each byte is its top 8 bits. */
function sanityBuffer(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let gen = 2654435761n;
  for (let i = 0; i < length; i++) {
    out[i] = Number(gen >> 56n);
    gen = BigInt.asUintN(64, gen * 11400714785074694797n);
  }
  return out;
}

describe("fnv1a64", () => {
  // Published FNV-1a 64 vectors: the offset basis for "", and "a", "foobar" from the FNV reference test
  // suite (Landon Curt Noll, test_fnv.c, http://www.isthe.com/chongo/tech/comp/fnv/), also used by Zig's std.hash.Fnv1a_64.
  it.each([
    ["", 0xcbf29ce484222325n],
    ["a", 0xaf63dc4c8601ec8cn],
    ["foobar", 0x85944171f73967e8n],
  ])("hashes %j to the published value", (text, want) => {
    expect(k.fnv1a64(text)).toBe(want);
    expect(k.fnv1a64(bytes(text))).toBe(want);
    expect(twins.bigint.fnv1a64(text)).toBe(want);
  });

  it("matches the bigint twin on every length from 0 to 70 (the kernel reads 8 bytes at a time)", () => {
    const data = sanityBuffer(70);
    for (let n = 0; n <= 70; n++) expect(k.fnv1a64(data.subarray(0, n))).toBe(twins.bigint.fnv1a64(data.subarray(0, n)));
  });

  it("matches the bigint twin on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        expect(k.fnv1a64(data)).toBe(twins.bigint.fnv1a64(data));
      }),
      { numRuns: 200 },
    );
  });

  it("hashes a string as its UTF-8 bytes", () => {
    expect(k.fnv1a64("héllo ✓")).toBe(k.fnv1a64(bytes("héllo ✓")));
  });
});

describe("xxhash64", () => {
  // XXH64 sanity vectors from xxHash's own self-test (github.com/Cyan4973/xxHash, cli/xsum_sanity_check.c,
  // XSUM_XXH64_testdata), over the sanity buffer above, with seeds 0 and PRIME32.
  const PRIME32 = 2654435761n;
  it.each([
    [0, 0n, 0xef46db3751d8e999n],
    [0, PRIME32, 0xac75fda2929b17efn],
    [1, 0n, 0xe934a84adb052768n],
    [1, PRIME32, 0x5014607643a9b4c3n],
    [4, 0n, 0x9136a0dca57457een],
    [14, 0n, 0x8282dcc4994e35c8n],
    [14, PRIME32, 0xc3bd6bf63deb6df0n],
    [222, 0n, 0xb641ae8cb691c174n],
    [222, PRIME32, 0x20cb8ab7ae10c14an],
  ])("hashes %i sanity bytes with seed %s to the published value", (length, seed, want) => {
    const data = sanityBuffer(length);
    expect(k.xxhash64(data, seed)).toBe(want);
    expect(twins.bigint.xxhash64(data, seed)).toBe(want);
  });

  // The widely published seed-0 values of "", "a" and "abc" (e.g. the examples of xxHash ports).
  it.each([
    ["", 0xef46db3751d8e999n],
    ["a", 0xd24ec4f1a98c6e5bn],
    ["abc", 0x44bc2cf5ad770999n],
  ])("hashes %j with the default seed 0 to the published value", (text, want) => {
    expect(k.xxhash64(text)).toBe(want);
  });

  it("matches the bigint twin around the 32-byte stripe and 8/4-byte tail boundaries, for several seeds", () => {
    const data = sanityBuffer(140);
    for (const seed of [0n, 1n, PRIME32, 0x9e3779b97f4a7c15n, U64_MAX]) {
      for (const n of [3, 4, 5, 7, 8, 9, 15, 16, 31, 32, 33, 35, 36, 39, 40, 63, 64, 65, 95, 96, 97, 127, 128, 129, 140]) {
        expect(k.xxhash64(data.subarray(0, n), seed)).toBe(twins.bigint.xxhash64(data.subarray(0, n), seed));
      }
    }
  });

  it("matches the bigint twin on random bytes and seeds", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.bigInt({ min: 0n, max: U64_MAX }), (data, seed) => {
        expect(k.xxhash64(data, seed)).toBe(twins.bigint.xxhash64(data, seed));
      }),
      { numRuns: 200 },
    );
  });

  it("accepts a number seed, and the same bytes through any view", () => {
    const data = sanityBuffer(100);
    const want = k.xxhash64(data, 7n);
    expect(k.xxhash64(data, 7)).toBe(want);
    const padded = new Uint8Array(105);
    padded.set(data, 3);
    expect(k.xxhash64(padded.subarray(3, 103), 7n)).toBe(want);
    expect(k.xxhash64(new DataView(padded.buffer, 3, 100), 7n)).toBe(want);
    expect(k.xxhash64(data.slice().buffer, 7n)).toBe(want);
  });

  it("is not fooled by an unaligned view of a larger buffer", () => {
    const big = sanityBuffer(1000);
    for (const offset of [1, 3, 5, 7])
      expect(k.xxhash64(big.subarray(offset, offset + 500))).toBe(twins.bigint.xxhash64(big.subarray(offset, offset + 500)));
  });
});

describe("bad input", () => {
  it.each([
    ["a number", 5, "got 5 (number)"],
    ["null", null, "got null"],
    ["an array of numbers", [1, 2, 3], "got an Array of length 3"],
  ])("fnv1a64 and xxhash64 reject %s as data", (_, value, got) => {
    const message = "Expected `data` to be a Uint8Array, another ArrayBufferView, an ArrayBuffer or a string";
    expect(() => k.fnv1a64(value as never)).toThrow(TypeError);
    expect(() => k.fnv1a64(value as never)).toThrow(message);
    expect(() => k.xxhash64(value as never)).toThrow(got);
  });

  it.each([
    [-1n, RangeError, "Expected `seed` to be a u64 (0 ≤ n < 2^64), got -1n (bigint)"],
    [1n << 64n, RangeError, "Expected `seed` to be a u64 (0 ≤ n < 2^64), got 18446744073709551616n (bigint)"],
    [0.5, RangeError, "Expected `seed` to be an integer, got 0.5 (number)"],
    ["1", TypeError, 'Expected `seed` to be a bigint or a non-negative safe integer, got "1" (string)'],
  ])("xxhash64 rejects the seed %s", (seed, type, message) => {
    expect(() => k.xxhash64("abc", seed as never)).toThrow(type);
    expect(() => k.xxhash64("abc", seed as never)).toThrow(message);
  });

  it("refuses data larger than wasm memory with a RangeError naming `data`", () => {
    const huge = new Uint8Array(2 ** 32); // virtual zero pages: never touched, since the size check comes first
    expect(() => k.fnv1a64(huge)).toThrow(RangeError);
    expect(() => k.fnv1a64(huge)).toThrow("Expected `data` to fit in wasm memory");
    expect(k.fnv1a64("a")).toBe(0xaf63dc4c8601ec8cn);
  });

  it("refuses data whose end would reach 4 GiB, where the kernels' u32 `ptr + len` wraps to 0", () => {
    // 2^32 − 1024 bytes once hashed as the empty input (fnv1a64) or never returned (xxhash64).
    const edge = new Uint8Array(2 ** 32 - 1024);
    expect(() => k.fnv1a64(edge)).toThrow("Expected `data` to fit in wasm memory (at most 4294836224 bytes), got 4294966272 bytes");
    expect(() => k.xxhash64(edge, 1n)).toThrow(RangeError);
    expect(k.xxhash64("abc")).toBe(0x44bc2cf5ad770999n);
  });

  it("never hands out the last 64 KiB page of wasm32 memory (a buffer there would end at address 2^32)", () => {
    const arena = new Arena(new WebAssembly.Memory({ initial: 1 }), 1024);
    // Refused by the limit check, before any page is grown.
    expect(() => arena.alloc(2 ** 32 - 65536 - 1024 + 16, "data")).toThrow("Expected `data` to fit in wasm memory");
  });
});
