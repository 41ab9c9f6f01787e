// The element-wise vectorizer (src/jit/transforms/vectorize-map.ts): loops that only touch element i of f64
// arrays run two iterations per f64x2, with every stored element bit-identical to the loop as written
// (NaN, ±0 and ±Infinity included), the run-time guard sending short or overlapping arrays to the loop
// as written; and with `fastmath: true`, sums reordered into SIMD partial sums, within the documented
// tolerance of JavaScript's result.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JitMismatchError } from "../src/jit/errors.ts";
import { jit } from "../src/jit/index.ts";

const value = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e308, -1e-310, 5e-324),
  fc.double({ min: -100, max: 100, noNaN: true }),
);
const arrays = (count: number) =>
  fc
    .integer({ min: 0, max: 37 })
    .chain((n) => fc.tuple(...Array.from({ length: count }, () => fc.array(value, { minLength: n, maxLength: n }))));
const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const RUNS = { numRuns: 120 };

function saxpy(y: Float64Array, x: Float64Array, a: number) {
  for (let i = 0; i < y.length; i++) y[i] = a * x[i] + y[i];
}
function mixed(out: Float64Array, a: Float64Array, b: Float64Array, k: number) {
  for (let i = 1; i < out.length; i++) {
    const d = a[i] - b[i];
    out[i] += Math.sqrt(Math.abs(d)) * k - Math.min(a[i], b[i]) / (2 + Math.max(d, -d));
    out[i] *= -0.5;
  }
}

describe("jit: element-wise loops in f64x2, exactly", () => {
  it("saxpy stores JavaScript's doubles, for every length (odd ones end in the loop as written)", () => {
    const fast = jit(saxpy);
    fc.assert(
      fc.property(arrays(2), value, ([ys, xs], a) => {
        const [y1, y2, x] = [Float64Array.from(ys), Float64Array.from(ys), Float64Array.from(xs)];
        saxpy(y1, x, a);
        fast(y2, x, a);
        return same(y1, y2);
      }),
      RUNS,
    );
    expect(fast.inspect()).toMatch(/f64x2\.mul/);
  });

  it("temporaries, compound stores, sqrt/abs/min/max, a start of 1, an int32 scalar", () => {
    const fast = jit(mixed);
    fc.assert(
      fc.property(arrays(3), fc.integer({ min: -5, max: 5 }), ([o, a, b], k) => {
        const [o1, o2] = [Float64Array.from(o), Float64Array.from(o)];
        mixed(o1, Float64Array.from(a), Float64Array.from(b), k);
        fast(o2, Float64Array.from(a), Float64Array.from(b), k);
        return same(o1, o2);
      }),
      RUNS,
    );
    expect(fast.inspect()).toMatch(/f64x2\.sqrt/);
  });

  it("arrays in jit's memory that overlap run as written: `y[i] = x[i] + 1` with y one element ahead of x", () => {
    const fast = jit(function shift(y: Float64Array, x: Float64Array) {
      for (let i = 0; i < y.length; i++) y[i] = x[i] + 1;
    });
    const base = jit.array(Float64Array, 10);
    const plain = new Float64Array(10);
    const [y, x] = [base.subarray(1), base.subarray(0, 9)];
    fast(y, x); // each element is the one before plus one, as the sequential loop makes it
    for (let i = 0; i < 9; i++) plain[i + 1] = plain[i] + 1;
    expect([...base]).toEqual([...plain]);
    const same2 = base.subarray(0, 9);
    fast(same2, same2); // the very same array: element-wise, exact
    expect([...base.subarray(0, 9)]).toEqual([...plain.subarray(0, 9)].map((v) => v + 1));
    jit.free(base);
  });

  it("an array shorter than the loop's bound traps where the loop as written does", () => {
    const fast = jit((y: Float64Array, x: Float64Array) => {
      for (let i = 0; i < y.length; i++) y[i] = x[i] * 2;
    });
    expect(() => fast(new Float64Array(8), new Float64Array(5))).toThrow(/trapped/);
  });

  it("a sum is left as written without fastmath (exact, no f64x2 add into a partial sum)", () => {
    const dot = jit((a: Float64Array, b: Float64Array) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * b[i];
      return s;
    });
    dot(new Float64Array(4), new Float64Array(4));
    expect(dot.inspect()).not.toMatch(/f64x2/);
  });
});

describe("jit: fastmath", () => {
  function dot(a: Float64Array, b: Float64Array) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  it("reorders a dot product into SIMD partial sums, within 1e-9 relative of JavaScript's result", () => {
    const fast = jit(dot, "f64(f64[], f64[])", { fastmath: true });
    expect(fast.inspect()).toMatch(/f64x2\.add/);
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 300 })
          .chain((n) => fc.tuple(fc.array(finite, { minLength: n, maxLength: n }), fc.array(finite, { minLength: n, maxLength: n }))),
        ([xs, ys]) => {
          const [a, b] = [Float64Array.from(xs), Float64Array.from(ys)];
          const [js, wasm] = [dot(a, b), fast(a, b)];
          let magnitude = 0;
          for (let i = 0; i < a.length; i++) magnitude += Math.abs(a[i] * b[i]);
          return Math.abs(js - wasm) <= 1e-12 * magnitude + 1e-300;
        },
      ),
      RUNS,
    );
  });

  it("verify accepts a reordered sum within the tolerance, and reports one that reordering changed beyond it", () => {
    const checked = jit(dot, "f64(f64[], f64[])", { fastmath: true, verify: 5 });
    const a = Float64Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 1e3);
    const b = Float64Array.from({ length: 1001 }, (_, i) => Math.cos(i));
    expect(Math.abs(checked(a, b) - dot(a, b))).toBeLessThan(1e-6);
    // 1e16 + 1 rounds back to 1e16 in order; in partial sums the ones land in other lanes: 0 against 7.
    const cancel = new Float64Array(16);
    cancel.set([1e16, 1, 1, 1, 1, 1, 1, 1, -1e16]);
    const ones = new Float64Array(16).fill(1);
    expect(dot(cancel, ones)).toBe(0);
    expect(() => checked(cancel, ones)).toThrow(JitMismatchError);
    expect(jit(dot, "f64(f64[], f64[])", { fastmath: true })(cancel, ones)).toBe(7);
  });

  it("is an option checked like the others", () => {
    expect(() => jit(dot, undefined, { fastmath: "yes" as unknown as boolean })).toThrow(/Expected `options.fastmath` to be a boolean/);
  });
});
