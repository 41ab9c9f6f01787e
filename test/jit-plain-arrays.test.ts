// Plain arrays of numbers: an f64[] parameter, copied into jit's memory as f64s for the call (a number
// is an f64: the copy is exact) and, when the function writes it, written back element by element into
// the caller's own array. Every answer is the original function's; arrays holding anything but numbers
// are refused by name, with the element and what it held.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { KernelError } from "../src/errors.ts";
import { jit, vectorize } from "../src/jit/index.ts";
import { KERNEL_REF } from "../src/kernels/contract.ts";
import { arenaUsed } from "../src/jit/runtime/memory.ts";

const EDGES = [
  0,
  -0,
  1,
  -1,
  0.5,
  -1.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53 + 1,
  -(2 ** 53) - 1,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 31,
  2 ** 32,
  1e300,
  5e-324,
];
const number = fc.oneof(fc.double(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(...EDGES));
const numbers = (maxLength = 40) => fc.array(number, { maxLength });

/** Element by element with Object.is (−0 is not 0, NaN is NaN), and the same length. */
function same(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function sum(arr: number[] | Float64Array) {
  let s = 0;
  for (let i = 0; i < arr.length; i++) s += arr[i];
  return s;
}
function stats(a: number[], k: number) {
  let lo = Infinity;
  let hi = -Infinity;
  let w = 0;
  for (const x of a) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    w = w * k + Math.abs(x);
  }
  return lo * 3 + hi * 5 + w;
}
function scale(a: number[] | Float64Array, k: number, b: number) {
  for (let i = 0; i < a.length; i++) a[i] = a[i] * k + b;
}
function prefix(a: number[]) {
  for (let i = 1; i < a.length; i++) a[i] += a[i - 1];
  return a.length > 0 ? a[a.length - 1] : -1;
}
function reverse(a: number[]) {
  for (let i = 0, j = a.length - 1; i < j; i++, j--) {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
function mix(out: Float64Array, a: number[], b: Int32Array, c: number[]) {
  let s = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = a[i] * b[i] - c[i];
    c[i] = out[i] / 2;
    s += a[i];
  }
  return s;
}

describe("jit: plain arrays of numbers", () => {
  it("reads them as JavaScript does (random numbers, NaN, ±0, ±Infinity, 2^53 + 1, int32 edges)", () => {
    const [fSum, fStats] = [jit(sum), jit(stats)];
    fc.assert(
      fc.property(numbers(), number, (xs, k) => {
        const copy = xs.slice();
        expect(Object.is(fSum(xs), sum(copy))).toBe(true);
        expect(Object.is(fStats(xs, k), stats(copy, k))).toBe(true);
        expect(same(xs, copy)).toBe(true); // read-only: untouched
      }),
      { numRuns: 200 },
    );
    expect(jit(sum)([1, 2, 3])).toBe(6);
  });

  it("gives the same answers as a Float64Array of the same values, with the same compiled code", () => {
    const fSum = jit(sum);
    const fScale = jit(scale);
    fc.assert(
      fc.property(numbers(), number, number, (xs, k, b) => {
        const typed = Float64Array.from(xs);
        expect(Object.is(fSum(xs), fSum(typed))).toBe(true);
        const plain = xs.slice();
        fScale(plain, k, b);
        fScale(typed, k, b);
        expect(same(plain, typed)).toBe(true);
      }),
      { numRuns: 100 },
    );
    expect(fSum.signatures).toEqual(["f64(f64[])"]);
  });

  it("writes a written parameter back into the caller's array: JavaScript's values afterwards", () => {
    const [fScale, fPrefix, fReverse] = [jit(scale), jit(prefix), jit(reverse)];
    fc.assert(
      fc.property(numbers(), number, number, (xs, k, b) => {
        const [mine, theirs] = [xs.slice(), xs.slice()];
        fScale(mine, k, b);
        scale(theirs, k, b);
        expect(same(mine, theirs)).toBe(true);
        const [p, q] = [xs.slice(), xs.slice()];
        expect(Object.is(fPrefix(p), prefix(q))).toBe(true);
        expect(same(p, q)).toBe(true);
        const [r, s] = [xs.slice(), xs.slice()];
        fReverse(r);
        reverse(s);
        expect(same(r, s)).toBe(true);
        expect(Array.isArray(r)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("mixes plain and typed arrays in one call", () => {
    const fMix = jit(mix);
    fc.assert(
      fc.property(fc.array(fc.tuple(number, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), number), { maxLength: 30 }), (rows) => {
        const a = rows.map((r) => r[0]);
        const b = Int32Array.from(rows.map((r) => r[1]));
        const c = rows.map((r) => r[2]);
        const [out1, out2] = [new Float64Array(rows.length), new Float64Array(rows.length)];
        const [c1, c2] = [c.slice(), c.slice()];
        expect(Object.is(fMix(out1, a, b, c1), mix(out2, a.slice(), b.slice(), c2))).toBe(true);
        expect(same(out1, out2)).toBe(true);
        expect(same(c1, c2)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("passes the same array given twice as one array (a write through one name is read through the other)", () => {
    const twice = jit(function twice(a: number[], b: number[]) {
      a[0] = 5;
      b[1] = a[0] + 1;
      return b[0] * 10 + a[1];
    });
    const xs = [1, 2, 3];
    expect(twice(xs, xs)).toBe(56);
    expect(xs).toEqual([5, 6, 3]);
    const [ys, zs] = [
      [1, 2],
      [1, 2],
    ];
    expect(twice(ys, zs)).toBe(12);
    expect([ys, zs]).toEqual([
      [5, 2],
      [1, 6],
    ]);
  });

  it("returns the very array it was given; an array it makes is a new Float64Array as before", () => {
    const bump = jit(function bump(a: number[]) {
      for (let i = 0; i < a.length; i++) a[i] += 1;
      return a;
    });
    const same1 = jit(function same1(a: number[], b: Float64Array) {
      return b.length > 1 ? a : b;
    });
    const made = jit(function made(a: number[]) {
      const out = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) out[i] = a[i] * 2;
      return out;
    });
    const xs = [1, -0, NaN];
    expect(bump(xs)).toBe(xs);
    expect(same([2, 1, NaN], xs)).toBe(true);
    const ys = [4, 5];
    expect(same1(ys, new Float64Array(2))).toBe(ys);
    const typed = new Float64Array(1);
    expect(same1(ys, typed)).toBe(typed);
    const out = made([1, 2.5]);
    expect(out).toBeInstanceOf(Float64Array);
    expect([...out]).toEqual([2, 5]);
    expect(arenaUsed()).toBe(0);
  });

  it("refuses an array holding anything but numbers, naming the parameter, the element and what it held", () => {
    const fSum = jit(sum);
    const refusal = (what: string) => `Expected \`arr\` to be an array of numbers (or a typed array); ${what}`;
    const cases: [unknown[], string][] = [
      [[1, 2, 3, "4"], "element 3 is a string"],
      [[1, , 3], "element 1 is empty (a hole)"],
      [[1, undefined], "element 1 is undefined"],
      [[1n, 2n], "element 0 is a bigint"],
      [[0, {}], "element 1 is an object"],
      [[0, [1]], "element 1 is an array"],
      [[null], "element 0 is null"],
      [[true], "element 0 is a boolean"],
      [new Array(3), "element 0 is empty (a hole)"],
    ];
    const before = arenaUsed();
    // Before any call (the dispatcher refuses), and after one (the boundary refuses as it copies).
    for (const [value, what] of cases) expect(() => fSum(value as number[])).toThrow(refusal(what));
    expect(fSum([1, 2])).toBe(3);
    for (const [value, what] of cases) expect(() => fSum(value as number[])).toThrow(refusal(what));
    const declared = jit(sum, "f64(f64[])");
    expect(declared([0.5, 0.25])).toBe(0.75);
    expect(() => declared([1, "x"] as unknown as number[])).toThrow(refusal("element 1 is a string"));
    expect(arenaUsed()).toBe(before);
    // An array of bigints is refused too (not an i64[]): BigInt64Array is the way.
    expect(() => jit(sum)([1n] as unknown as number[])).toThrow(TypeError);
  });

  it("runs the original for a refused array with `fallback: true`", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const fSum = jit(sum, undefined, { fallback: true });
      expect(fSum([1, 2])).toBe(3);
      expect(fSum(["a", "b"] as unknown as number[])).toBe(sum(["a", "b"] as unknown as number[]));
      expect(fSum([1, 2])).toBe(3); // the boundary's refusal on the dispatcher's fast path
      expect(fSum([1, "2"] as unknown as number[])).toBe("12");
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });

  it("traps past the end as it does for typed arrays (a named KernelError), writes nothing back, and gives its memory back", () => {
    const oob = jit(function oob(a: number[], i: number) {
      a[0] = 9;
      return a[i];
    });
    const grow = jit(function grow(a: number[]) {
      a[a.length] = 1;
    });
    const before = arenaUsed();
    const xs = [1, 2];
    expect(() => oob(xs, 5)).toThrow(KernelError);
    expect(() => oob(xs, 5)).toThrow(
      /^jit function `oob` trapped: an index outside \[0, length\) or not an integer in `a\[i\]` \(at \d+:\d+\): 5, where the length is 2 \(JavaScript reads undefined there, and a write is ignored by a typed array or grows a plain array\)$/,
    );
    expect(xs).toEqual([1, 2]);
    expect(() => grow(xs)).toThrow(KernelError);
    expect(xs).toEqual([1, 2]);
    const big = Array.from({ length: 300_000 }, (_, i) => i / 3);
    expect(() => oob(big, -1)).toThrow(KernelError);
    expect(arenaUsed()).toBe(before);
    // With typed arrays only, the message is what it always was.
    expect(() => oob(new Float64Array(2) as never, 5)).toThrow(
      "where the length is 2 (JavaScript reads undefined there, and ignores a write)",
    );
    expect(oob(xs, 1)).toBe(2);
    expect(xs).toEqual([9, 2]);
    expect(arenaUsed()).toBe(before);
  });

  it("works on large arrays (copies outside the call's scratch block; adaptive calls measured) and under `verify`", () => {
    const fScale = jit(scale);
    const fSum = jit(sum);
    const n = 200_000;
    const xs = Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3);
    for (let round = 0; round < 6; round++) {
      const [mine, theirs] = [xs.slice(), xs.slice()];
      fScale(mine, 1.5, round);
      scale(theirs, 1.5, round);
      expect(same(mine, theirs)).toBe(true);
      expect(fSum(mine)).toBe(sum(theirs));
    }
    expect(arenaUsed()).toBe(0);
    const checked = jit(prefix, undefined, { verify: 5 });
    fc.assert(
      fc.property(numbers(), (values) => {
        const [mine, theirs] = [values.slice(), values.slice()];
        expect(Object.is(checked(mine), prefix(theirs))).toBe(true);
        expect(same(mine, theirs)).toBe(true);
      }),
      { numRuns: 10 },
    );
    const echo = jit(
      function echo(a: number[]) {
        a[0] = -0;
        return a;
      },
      undefined,
      { verify: 2 },
    );
    const ys = [1, 2];
    expect(echo(ys)).toBe(ys);
    expect(Object.is(ys[0], -0)).toBe(true);
  });

  it("is refused by name where arrays are shared rather than copied: the pool's kernels, vectorize", () => {
    const fSum = jit(sum);
    const resolve = (fSum as unknown as Record<symbol, (args: unknown[]) => unknown>)[KERNEL_REF];
    expect(() => resolve([[1, 2]])).toThrow(/Expected `arr` to be a typed array for the pool or compare\(\)/);
    const twice = vectorize((x: number) => x * 2, "f64(f64)");
    expect(() => twice([1, 2] as unknown as Float64Array)).toThrow(/Expected `x` to be /);
  });
});
