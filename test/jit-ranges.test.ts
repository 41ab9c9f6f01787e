// Integer-range inference (src/jit/analysis/ranges.ts): a `let` number counts in an i32 only where it provably
// stays in int32 range; everywhere else it is an f64, so loops that pass 2^31 behave as in JavaScript.
// Each function is checked against the original on inputs at the int32 edges, and the WAT shows
// which representation was chosen.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";

const MAX = 2 ** 31 - 1;
const MIN = -(2 ** 31);
/** A start and an end at most 40 apart, near the int32 edges or anywhere. */
const nearEdge = fc.oneof(
  fc.integer({ min: MAX - 50, max: MAX }),
  fc.integer({ min: MIN, max: MIN + 50 }),
  fc.integer({ min: -100, max: 100 }),
);
const window = fc.tuple(nearEdge, fc.integer({ min: -5, max: 40 })).map(([a, d]) => [a, Math.max(MIN, Math.min(MAX, a + d))] as const);

function agrees(fn: (a: number, b: number) => number, args: fc.Arbitrary<readonly [number, number]>) {
  const fast = jit(fn);
  fc.assert(
    fc.property(args, ([a, b]) => Object.is(fast(a, b), fn(a, b))),
    { numRuns: 300 },
  );
  return fast;
}

describe("proven counters are i32", () => {
  it("`for (let i = lo; i < hi; i++)` with int32 bounds: i32 adds, the JavaScript results up to 2^31 − 1", () => {
    const fast = agrees(function up(lo: number, hi: number) {
      let s = 0;
      for (let i = lo; i < hi; i++) s += i;
      return s;
    }, window);
    expect(fast.signatures).toEqual(["f64(i32, i32)"]);
    expect(fast.inspect()).toMatch(/i32\.const 1\n\s+i32\.add/);
  });

  it("`for (let i = hi; i > lo; i--)` down to −2^31", () => {
    agrees(
      function down(hi: number, lo: number) {
        let s = 0;
        let i = hi;
        for (; i > lo; i--) s = s * 0.5 + i;
        return s + i;
      },
      window.map(([a, b]) => [b, a] as const),
    );
  });

  it("a dot product indexes its arrays with the i32 counter (no f64 index checks)", () => {
    const dot = jit(function dot(a: Float64Array, b: Float64Array) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * b[i];
      return s;
    });
    expect(dot(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6]))).toBe(32);
    expect(dot.inspect()).not.toMatch(/trunc_sat_f64/);
    expect(() => dot(new Float64Array(3), new Float64Array(2))).toThrow(/trapped/); // b[2]: still bounds checked
  });

  it("`a[i]` under `i < a.length` skips its bounds check only when i counts up from ≥ 0 and a is never reassigned", () => {
    const sum = jit(function sum(a: Float64Array) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i];
      return s;
    });
    expect(sum(new Float64Array([1, 2, 3.5]))).toBe(6.5);
    expect(sum.inspect()).not.toMatch(/i32\.ge_u/);
    const fromMinusOne = jit(function fromMinusOne(a: Float64Array) {
      let s = 0;
      for (let i = -1; i < a.length; i++) s += a[i];
      return s;
    });
    expect(() => fromMinusOne(new Float64Array([1, 2]))).toThrow(/trapped/); // a[-1]
    const swapped = jit(function swapped(a: Float64Array, b: Float64Array) {
      let s = 0;
      for (let i = 0; i < a.length; i++) {
        s += a[i];
        if (i === 1) {
          a = b;
          s += a[i];
        }
      }
      return s;
    });
    expect(() => swapped(new Float64Array(3), new Float64Array(1))).toThrow(/trapped/); // b[1] after a = b
  });
});

describe("anything not provable stays f64 (JavaScript past 2^31)", () => {
  it("`i <= hi` reaches hi + 1: f64", () => {
    const fast = agrees(function incl(lo: number, hi: number) {
      let i = lo;
      for (; i <= hi; i++);
      return i;
    }, window);
    expect(fast(MAX - 2, MAX)).toBe(2 ** 31);
  });

  it("a bound that is not an int32 (a fraction, 2^31): f64", () => {
    const f = function frac(lo: number, hi: number) {
      let i = lo;
      for (; i < hi; i++);
      return i;
    };
    const fast = jit(f);
    expect(fast(MAX - 3, MAX + 1.5)).toBe(f(MAX - 3, MAX + 1.5));
    expect(fast(MAX - 3, 2 ** 31 + 2)).toBe(2 ** 31 + 2);
    expect(fast.signatures).toEqual(["f64(i32, f64)"]);
    expect(fast(1, 3)).toBe(3); // (i32, i32): the same source, now provably i32
  });

  it("a counter written in the loop body, or by an inner loop, or with +=: f64", () => {
    agrees(function jump(lo: number, hi: number) {
      let n = 0;
      for (let i = lo; i < hi; i++) {
        n++;
        if (i === lo) i = hi - 2 > lo ? hi - 2 : i;
      }
      return n;
    }, window);
    agrees(function nested(lo: number, hi: number) {
      let i = lo;
      let n = 0;
      for (; i < hi; i++) for (; i < hi; i++) n++;
      return i + n;
    }, window);
    agrees(function step(lo: number, hi: number) {
      let i = lo;
      for (; i < hi; i += 7);
      return i;
    }, window);
  });

  it("the length of a Uint8Array (which may pass 2^31) makes a u32 counter, not an i32", () => {
    const sum = jit(function sumBytes(bytes: Uint8Array) {
      let s = 0;
      for (let i = 0; i < bytes.length; i++) s += bytes[i];
      return s;
    });
    expect(sum(new Uint8Array([1, 2, 250]))).toBe(253);
    const wat = sum.inspect();
    expect(wat).toMatch(/i32\.const 1\n\s+i32\.add/); // i + 1 ≤ 2^32 − 1: exact in 32 bits
    expect(wat).toMatch(/i32\.lt_u/); // compared as unsigned
    expect(wat).not.toMatch(/i32\.lt_s/);
  });

  it("an int32 argument the function assigns to takes any number afterwards", () => {
    const halve = jit(function halve(n: number) {
      n = n / 2;
      return n;
    });
    expect(halve(3)).toBe(1.5);
    expect(halve.signatures).toEqual(["f64(i32)"]);
  });

  it("−0 is not an int32 argument", () => {
    const inv = jit((x: number) => 1 / x);
    expect(inv(-0)).toBe(-Infinity);
    expect(inv(0)).toBe(Infinity);
  });
});
