// First-order recurrences by scalar replacement (src/jit/transforms/recurrence.ts): `a[i] op= a[i - 1]`
// and `a[i] = a[i] op a[i - 1]` / `a[i - 1] op a[i]` carry the value stored in a local instead of
// loading it back; every element is JavaScript's (NaN, ±0, ±Infinity, int32 wrapping, ToInt32 of a
// rounded product), and a bound past the array's end runs the loop as written (which traps).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { prefixSum } from "../src/bench/jit/loops.ts";

const value = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e308, -1e308, 1e-310, -5e-324, 2 ** 53 + 2),
  fc.double({ min: -4, max: 4, noNaN: true }),
);
const int32 = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1, 2 ** 31 - 1, -(2 ** 31), 46341, -46341, 65536));
const uint32 = fc.oneof(fc.nat({ max: 2 ** 32 - 1 }), fc.constantFrom(0, 1, 2 ** 32 - 1, 2 ** 31, 65536));
const lengths = { minLength: 0, maxLength: 12 };
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
const RUNS = { numRuns: 150 };

function subInPlace(a: Float64Array) {
  for (let i = 1; i < a.length; i++) a[i] -= a[i - 1];
}
function product(a: Float64Array) {
  for (let i = 1; i < a.length; i++) {
    a[i] *= a[i - 1];
  }
}
function previousFirst(a: Float64Array) {
  for (let i = 1; i < a.length; i++) a[i] = a[i - 1] - a[i];
}
function currentFirst(a: Float64Array) {
  for (let i = 1; i < a.length; i++) a[i] = a[i] * a[i - 1];
}
function fromTwo(a: Float64Array, n: number) {
  for (let i = 2; i < n; i++) a[i] += a[i - 1];
}
function otherBound(a: Float64Array, b: Float64Array) {
  for (let i = 1; i < b.length; i++) a[i] += a[i - 1];
}
function intSum(a: Int32Array) {
  for (let i = 1; i < a.length; i++) a[i] += a[i - 1];
}
function intDifference(a: Int32Array) {
  for (let i = 1; i < a.length; i++) a[i] = a[i - 1] - a[i];
}
function intProduct(a: Int32Array) {
  for (let i = 1; i < a.length; i++) a[i] *= a[i - 1];
}
function uintSum(a: Uint32Array) {
  for (let i = 1; i < a.length; i++) a[i] += a[i - 1];
}

/** The carried loop: the element is loaded once and combined with a local (f64 or i32), no second load before the operation. */
const CARRIED = (op: string) => new RegExp(`(f64|i32)\\.load\\s+local\\.get \\d+\\s+\\1\\.${op}\\s+local\\.set`);
const CARRIED_PREVIOUS_FIRST = (op: string) =>
  new RegExp(`local\\.get \\d+\\s+local\\.get \\d+\\s+(f64|i32)\\.load\\s+\\1\\.${op}\\s+local\\.set`);

describe("jit: first-order recurrences through an array, by scalar replacement", () => {
  const f64Cases: [string, (a: Float64Array) => void, RegExp][] = [
    ["the bench's prefix sum a[i] += a[i - 1]", prefixSum, CARRIED("add")],
    ["a[i] -= a[i - 1]", subInPlace, CARRIED("sub")],
    ["a[i] *= a[i - 1] (in a block)", product, CARRIED("mul")],
    ["a[i] = a[i - 1] - a[i]", previousFirst, CARRIED_PREVIOUS_FIRST("sub")],
    ["a[i] = a[i] * a[i - 1]", currentFirst, CARRIED("mul")],
  ];
  for (const [name, fn, wat] of f64Cases) {
    it(`${name}: JavaScript's doubles for every length (0, 1, 2 included), with the carried loop in the WAT`, () => {
      const fast = jit(fn);
      fc.assert(
        fc.property(fc.array(value, lengths), (values) => {
          const [a, b] = [Float64Array.from(values), Float64Array.from(values)];
          fn(a);
          fast(b);
          return same(a, b);
        }),
        RUNS,
      );
      expect(fast.inspect()).toMatch(wat);
    });
  }

  it("on arrays in jit's memory (zero-copy) too", () => {
    const fast = jit(prefixSum);
    fc.assert(
      fc.property(fc.array(value, lengths), (values) => {
        const a = Float64Array.from(values);
        const b = jit.array(Float64Array, values);
        prefixSum(a);
        fast(b);
        return same(a, b);
      }),
      RUNS,
    );
  });

  it("int32 and uint32 elements: wrapping + and −, and * as ToInt32 of the rounded double product", () => {
    const cases: [(a: Int32Array) => void, RegExp | undefined][] = [
      [intSum, CARRIED("add")],
      [intDifference, CARRIED_PREVIOUS_FIRST("sub")],
      [intProduct, undefined],
    ];
    for (const [fn, wat] of cases) {
      const fast = jit(fn);
      fc.assert(
        fc.property(fc.array(int32, lengths), (values) => {
          const [a, b] = [Int32Array.from(values), Int32Array.from(values)];
          fn(a);
          fast(b);
          return same(a, b);
        }),
        RUNS,
      );
      if (wat) expect(fast.inspect()).toMatch(wat);
    }
    const big = Int32Array.from([2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1, -(2 ** 31), 3]);
    const expected = Int32Array.from(big);
    intProduct(expected);
    const fastProduct = jit(intProduct);
    fastProduct(big);
    expect(Array.from(big)).toEqual(Array.from(expected));
    expect(fastProduct.inspect()).toMatch(/i32\.load\s+(f64\.convert_i32_s\s+)?local\.get \d+\s+(f64\.convert_i32_s\s+)?f64\.mul/);
    const fastU = jit(uintSum);
    fc.assert(
      fc.property(fc.array(uint32, lengths), (values) => {
        const [a, b] = [Uint32Array.from(values), Uint32Array.from(values)];
        uintSum(a);
        fastU(b);
        return same(a, b);
      }),
      RUNS,
    );
    expect(fastU.inspect()).toMatch(CARRIED("add"));
  });

  it("a bound n from 2: the same elements when n ≤ length (a negative or small n runs no trip); past the end, the trap of the loop as written", () => {
    const fast = jit(fromTwo);
    fc.assert(
      fc.property(
        fc.array(value, lengths).chain((values) => fc.tuple(fc.constant(values), fc.integer({ min: -3, max: values.length }))),
        ([values, n]) => {
          const [a, b] = [Float64Array.from(values), Float64Array.from(values)];
          fromTwo(a, n);
          fast(b, n);
          return same(a, b);
        },
      ),
      RUNS,
    );
    expect(fast.inspect()).toMatch(CARRIED("add"));
    expect(() => fast(new Float64Array(4), 5)).toThrow(/trapped/);
    const other = jit(otherBound);
    const [a, b] = [Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 2, 3, 4])];
    otherBound(a, new Float64Array(3));
    other(b, new Float64Array(3));
    expect(same(a, b)).toBe(true);
    expect(() => other(new Float64Array(3), new Float64Array(4))).toThrow(/trapped/);
  });

  it("leaves other shapes to the loop as written: a[i - 2], two arrays, a labelled loop", () => {
    function back2(a: Float64Array) {
      for (let i = 2; i < a.length; i++) a[i] += a[i - 2];
    }
    function two(a: Float64Array, b: Float64Array) {
      for (let i = 1; i < a.length; i++) a[i] += b[i - 1];
    }
    function labelled(a: Float64Array) {
      outer: for (let i = 1; i < a.length; i++) a[i] += a[i - 1];
    }
    for (const fn of [back2, labelled] as ((a: Float64Array) => void)[]) {
      const fast = jit(fn);
      const [a, b] = [Float64Array.from([1, -0, 3, NaN, 5]), Float64Array.from([1, -0, 3, NaN, 5])];
      fn(a);
      fast(b);
      expect(same(a, b)).toBe(true);
      expect(fast.inspect()).not.toMatch(CARRIED("add"));
    }
    const fastTwo = jit(two);
    const [a, b, c] = [Float64Array.from([1, 2, 3]), Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6])];
    two(a, c);
    fastTwo(b, c);
    expect(same(a, b)).toBe(true);
  });
});

function runningSum(c: Float64Array, x: Float64Array) {
  for (let i = 1; i < c.length; i++) c[i] = c[i - 1] + x[i];
}
function runningDifference(c: Float64Array, x: Float64Array, n: number) {
  for (let i = 1; i < n; i++) c[i] = x[i] - c[i - 1];
}
function intFromDoubles(c: Int32Array, x: Float64Array) {
  for (let i = 1; i < c.length; i++) c[i] = c[i - 1] * x[i];
}

describe("jit: running sums into an array from another, by scalar replacement", () => {
  it("c[i] = c[i - 1] + x[i], x[i] - c[i - 1] (bound n), an Int32Array from doubles: JavaScript's elements, the carried loop in the WAT", () => {
    const [sum, difference, ints] = [jit(runningSum), jit(runningDifference), jit(intFromDoubles)];
    fc.assert(
      fc.property(
        fc
          .array(fc.tuple(value, value), lengths)
          .chain((pairs) => fc.tuple(fc.constant(pairs), fc.integer({ min: -2, max: pairs.length }))),
        ([pairs, n]) => {
          const x = Float64Array.from(pairs.map((p) => p[1]));
          const [c1, c2] = [Float64Array.from(pairs.map((p) => p[0])), Float64Array.from(pairs.map((p) => p[0]))];
          runningSum(c1, x);
          sum(c2, x);
          const [d1, d2] = [Float64Array.from(pairs.map((p) => p[0])), Float64Array.from(pairs.map((p) => p[0]))];
          runningDifference(d1, x, n);
          difference(d2, x, n);
          const [i1, i2] = [Int32Array.from(pairs.map((p) => p[0])), Int32Array.from(pairs.map((p) => p[0]))];
          intFromDoubles(i1, x);
          ints(i2, x);
          return same(c1, c2) && same(d1, d2) && same(i1, i2);
        },
      ),
      RUNS,
    );
    expect(sum.inspect()).toMatch(CARRIED_PREVIOUS_FIRST("add"));
    expect(difference.inspect()).toMatch(CARRIED("sub"));
    expect(() => sum(new Float64Array(4), new Float64Array(3))).toThrow(/trapped/);
    expect(() => difference(new Float64Array(4), new Float64Array(4), 5)).toThrow(/trapped/);
  });

  it("x the very array c, or a view of jit's memory overlapping it one element either way: the loop's elements", () => {
    const sum = jit(runningSum);
    fc.assert(
      fc.property(fc.array(value, { minLength: 2, maxLength: 12 }), fc.constantFrom(-1, 0, 1), (values, shift) => {
        const plain = Float64Array.from([0, ...values, 0]);
        const zero = jit.array(Float64Array, [0, ...values, 0]);
        const view = (a: Float64Array) => a.subarray(1, values.length + 1);
        const other = (a: Float64Array) => a.subarray(1 + shift, values.length + 1 + shift);
        runningSum(view(plain), other(plain));
        sum(view(zero), other(zero));
        const [a, b] = [Float64Array.from(values), Float64Array.from(values)];
        runningSum(a, a);
        sum(b, b);
        return same(plain, zero) && same(a, b);
      }),
      RUNS,
    );
  });
});

function ema(y: Float64Array, x: Float64Array, k: number) {
  for (let i = 1; i < y.length; i++) y[i] = k * x[i] + (1 - k) * y[i - 1];
}
function damped(a: Float64Array) {
  for (let i = 1; i < a.length; i++) a[i] += 0.5 * a[i - 1];
}
function mean(a: Float64Array) {
  for (let i = 1; i < a.length; i++) a[i] = (a[i - 1] + a[i]) / 2;
}
function intAffine(a: Int32Array, b: Int32Array, m: number) {
  for (let i = 1; i < a.length; i++) a[i] = a[i - 1] * m + b[i];
}
function withCounter(a: Float64Array) {
  for (let i = 1; i < a.length; i++) a[i] = a[i - 1] + i;
}

describe("jit: recurrences through expressions (smoothing filters, affine steps)", () => {
  it("y[i] = k·x[i] + (1 − k)·y[i − 1], a[i] += 0.5·a[i − 1], (a[i − 1] + a[i]) / 2: JavaScript's doubles, the carried value in the WAT", () => {
    const [fastEma, fastDamped, fastMean] = [jit(ema), jit(damped), jit(mean)];
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), lengths), value, (pairs, k) => {
        const x = Float64Array.from(pairs.map((p) => p[1]));
        const ys = () => Float64Array.from(pairs.map((p) => p[0]));
        const [y1, y2, d1, d2, m1, m2] = [ys(), ys(), ys(), ys(), ys(), ys()];
        ema(y1, x, k);
        fastEma(y2, x, k);
        damped(d1);
        fastDamped(d2);
        mean(m1);
        fastMean(m2);
        return same(y1, y2) && same(d1, d2) && same(m1, m2);
      }),
      RUNS,
    );
    // prev · (1 − k) added and kept: the value carried, not loaded.
    expect(fastEma.inspect()).toMatch(/local\.get (\d+)\s+f64\.mul\s+f64\.add\s+local\.set \1\b/);
    expect(fastDamped.inspect()).toMatch(/local\.get (\d+)\s+f64\.mul\s+f64\.add\s+local\.set \1\b/);
    expect(() => fastEma(new Float64Array(3), new Float64Array(2), 0.5)).toThrow(/trapped/);
  });

  it("an Int32Array's a[i − 1]·m + b[i] (the product's double rounded, then ToInt32); a loop reading the counter itself stays as written", () => {
    const fast = jit(intAffine);
    fc.assert(
      fc.property(fc.array(fc.tuple(int32, int32), lengths), int32, (pairs, m) => {
        const b = Int32Array.from(pairs.map((p) => p[1]));
        const [a1, a2] = [Int32Array.from(pairs.map((p) => p[0])), Int32Array.from(pairs.map((p) => p[0]))];
        intAffine(a1, b, m);
        fast(a2, b, m);
        return same(a1, a2);
      }),
      RUNS,
    );
    const counter = jit(withCounter);
    const [a, b] = [Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 2, 3, 4])];
    withCounter(a);
    counter(b);
    expect(same(a, b)).toBe(true);
  });
});
