// Matrix multiply by loop interchange (src/jit/transforms/interchange.ts): the j/k nest of an i-j-k matmul runs as
// i-k-j with two columns per f64x2, every element of C bit-identical to JavaScript's (NaN, ±0, ±Infinity,
// overflow and underflow included); C overlapping A or B, and indices out of bounds, run the nest as
// written (the same results, the same trap).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { matmul } from "../src/bench/jit/loops.ts";

const value = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e308, -1e308, 1e-310, -5e-324, 2 ** 53 + 2),
  fc.double({ min: -100, max: 100, noNaN: true }),
);
const values = (n: number) => fc.array(value, { minLength: n, maxLength: n });
const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const RUNS = { numRuns: 150 };

/** m×q · q×p with other spellings: row offsets hoisted, `k + ai`, `j + k * p`, `sum = sum + B * A`, a start of −0. */
function rect(a: Float64Array, b: Float64Array, c: Float64Array, m: number, q: number, p: number) {
  for (let i = 0; i < m; i++) {
    const ai = i * q;
    const ci = i * p;
    for (let j = 0; j < p; j++) {
      let sum = -0;
      for (let k = 0; k < q; k++) sum = sum + b[j + k * p] * a[k + ai];
      c[ci + j] = sum;
    }
  }
}

/** The bench's matmul with its j loop labelled: the interchange leaves a labelled loop alone, so this is the nest as written. */
function asWritten(a: Float64Array, b: Float64Array, c: Float64Array, n: number) {
  for (let i = 0; i < n; i++) {
    cols: for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
      if (sum !== sum) continue cols;
    }
  }
}

/** C's element as the accumulator: set to 0, then `+=` in the k loop. */
function accumulate(a: Float64Array, b: Float64Array, c: Float64Array, n: number) {
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      c[i * n + j] = 0;
      for (let k = 0; k < n; k++) c[i * n + j] += a[i * n + k] * b[k * n + j];
    }
}
/** C's own values as the start (C += A·B), written `c[x] = b * a + c[x]`, rectangular. */
function addInto(a: Float64Array, b: Float64Array, c: Float64Array, m: number, q: number, p: number) {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < q; k++) c[i * p + j] = b[k * p + j] * a[i * q + k] + c[i * p + j];
    }
  }
}

describe("jit: matmul by loop interchange, exactly", () => {
  it("C's element as the accumulator (`c[x] = 0; for k: c[x] += …`, and C += A·B with no start): JavaScript's doubles, the same array aliased runs as written", () => {
    const [acc, into] = [jit(accumulate), jit(addInto)];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }).chain((n) => fc.tuple(fc.constant(n), values(n * n), values(n * n), values(n * n))),
        ([n, as, bs, cs]) => {
          const [a, b] = [Float64Array.from(as), Float64Array.from(bs)];
          const [c1, c2, c3, c4] = [0, 1, 2, 3].map(() => Float64Array.from(cs));
          accumulate(a, b, c1, n);
          acc(a, b, c2, n);
          addInto(a, b, c3, n, n, n);
          into(a, b, c4, n, n, n);
          // C the same object as A: every += reads what the earlier ones wrote, as JavaScript does.
          const [x1, x2] = [Float64Array.from(as), Float64Array.from(as)];
          addInto(x1, b, x1, n, n, n);
          into(x2, b, x2, n, n, n);
          return same(c1, c2) && same(c3, c4) && same(x1, x2);
        },
      ),
      RUNS,
    );
    fc.assert(
      fc.property(
        fc
          .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 6 }))
          .chain(([m, q, p]) => fc.tuple(fc.constant([m, q, p] as const), values(m * q), values(q * p), values(m * p))),
        ([[m, q, p], as, bs, cs]) => {
          const [a, b] = [Float64Array.from(as), Float64Array.from(bs)];
          const [c1, c2] = [Float64Array.from(cs), Float64Array.from(cs)];
          addInto(a, b, c1, m, q, p);
          into(a, b, c2, m, q, p);
          return same(c1, c2);
        },
      ),
      RUNS,
    );
    expect(acc.inspect()).toMatch(/f64x2\.mul/);
    expect(into.inspect()).toMatch(/f64x2\.mul/);
  });

  it("the bench's i-j-k matmul stores JavaScript's doubles for every n (odd ones end in an f64 column)", () => {
    const fast = jit(matmul);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }).chain((n) => fc.tuple(fc.constant(n), values(n * n), values(n * n), values(n * n))),
        ([n, as, bs, cs]) => {
          const [a, b] = [Float64Array.from(as), Float64Array.from(bs)];
          const [c1, c2] = [Float64Array.from(cs), Float64Array.from(cs)];
          matmul(a, b, c1, n);
          fast(a, b, c2, n);
          return same(c1, c2);
        },
      ),
      RUNS,
    );
    expect(fast.inspect()).toMatch(/f64x2\.mul/);
    expect(fast.inspect()).toMatch(/f64x2\.add/);
  });

  it("sums of ordinary doubles, where any reordering of the additions shows in the last bits", () => {
    const fast = jit(matmul);
    const finite = fc.double({ min: -10, max: 10, noNaN: true });
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 14 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(finite, { minLength: n * n, maxLength: n * n }),
              fc.array(finite, { minLength: n * n, maxLength: n * n }),
            ),
          ),
        ([n, as, bs]) => {
          const [a, b] = [Float64Array.from(as), Float64Array.from(bs)];
          const [c1, c2] = [new Float64Array(n * n), new Float64Array(n * n)];
          matmul(a, b, c1, n);
          fast(a, b, c2, n);
          return same(c1, c2);
        },
      ),
      RUNS,
    );
    for (const n of [37, 64]) {
      const a = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i) * 1e3);
      const b = Float64Array.from({ length: n * n }, (_, i) => Math.cos(i * 1.3) / 7);
      const [c1, c2] = [new Float64Array(n * n), new Float64Array(n * n)];
      matmul(a, b, c1, n);
      fast(a, b, c2, n);
      expect(same(c1, c2)).toBe(true);
    }
  });

  it("0 + (−0) is +0, as `let sum = 0; sum += x` gives; an empty k loop stores the start", () => {
    const fast = jit(matmul);
    const [a, b] = [Float64Array.of(-0, -0, -0, -0), Float64Array.of(1, 1, 1, 1)];
    const c = new Float64Array(4).fill(7);
    fast(a, b, c, 2);
    expect([...c].map((v) => Object.is(v, 0))).toEqual([true, true, true, true]);
    const c0 = new Float64Array(4).fill(7);
    jit(rect)(new Float64Array(0), new Float64Array(0), c0, 2, 0, 2);
    expect([...c0].map((v) => Object.is(v, -0))).toEqual([true, true, true, true]);
  });

  it("m×q · q×p, other spellings, random shapes (0 and 1 included)", () => {
    const fast = jit(rect);
    fc.assert(
      fc.property(
        fc
          .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 7 }))
          .chain(([m, q, p]) => fc.tuple(fc.constant([m, q, p] as const), values(m * q), values(q * p), values(m * p))),
        ([[m, q, p], as, bs, cs]) => {
          const [a, b] = [Float64Array.from(as), Float64Array.from(bs)];
          const [c1, c2] = [Float64Array.from(cs), Float64Array.from(cs)];
          rect(a, b, c1, m, q, p);
          fast(a, b, c2, m, q, p);
          return same(c1, c2);
        },
      ),
      RUNS,
    );
    expect(fast.inspect()).toMatch(/f64x2\.mul/);
  });

  it("sizes past the small-parameter version (n > 46340 with a short k) and longer arrays than the nest reads", () => {
    const fast = jit(rect);
    const [m, q, p] = [1, 2, 50001];
    const a = Float64Array.of(0.1, -3, 99);
    const b = Float64Array.from({ length: q * p + 5 }, (_, i) => Math.sin(i) * 1e3);
    const [c1, c2] = [new Float64Array(m * p + 3).fill(5), new Float64Array(m * p + 3).fill(5)];
    rect(a, b, c1, m, q, p);
    fast(a, b, c2, m, q, p);
    expect(same(c1, c2)).toBe(true);
  });

  it("C the very array A is (the same object), or overlapping B in jit's memory: run as written, JavaScript's result", () => {
    const fast = jit(matmul);
    const n = 5;
    const init = Float64Array.from({ length: n * n }, (_, i) => (i % 7) - 2.5);
    const b = Float64Array.from({ length: n * n }, (_, i) => 1 / (i + 1));
    const [x1, x2] = [init.slice(), init.slice()];
    matmul(x1, b, x1, n);
    fast(x2, b, x2, n);
    expect(same(x1, x2)).toBe(true);

    // B and C views of one jit.array block, C three elements ahead of B; and A apart.
    const total = n * n + 3;
    const plain = Float64Array.from({ length: total }, (_, i) => Math.cos(i));
    const base = jit.array(Float64Array, total);
    base.set(plain);
    const a = jit.array(Float64Array, n * n);
    a.set(init);
    matmul(init, plain.subarray(0, n * n), plain.subarray(3), n);
    fast(a, base.subarray(0, n * n), base.subarray(3), n);
    expect(same(base, plain)).toBe(true);
    // Adjacent, not overlapping: the fast path, still JavaScript's result.
    const both = jit.array(Float64Array, 2 * n * n);
    both.set(b);
    const ref = new Float64Array(2 * n * n);
    ref.set(b);
    matmul(init, ref.subarray(0, n * n), ref.subarray(n * n), n);
    fast(a, both.subarray(0, n * n), both.subarray(n * n), n);
    expect(same(both, ref)).toBe(true);
    jit.free(base);
    jit.free(a);
    jit.free(both);
  });

  it("an array too short for n traps as the nest as written does, with the same elements of C written before the trap", () => {
    const fast = jit(matmul);
    const reference = jit(asWritten);
    expect(reference.inspect()).not.toMatch(/f64x2/);
    const n = 4;
    for (const [la, lb, lc] of [
      [n * n - 1, n * n, n * n],
      [n * n, n * n - 3, n * n],
      [n * n, n * n, n * n - 1],
      [2, 2, 2],
    ]) {
      const run = (f: typeof matmul) => {
        const a = jit.array(Float64Array, la);
        const b = jit.array(Float64Array, lb);
        const c = jit.array(Float64Array, lc);
        a.set(Float64Array.from({ length: la }, (_, i) => i + 0.5));
        b.set(Float64Array.from({ length: lb }, (_, i) => 2 - i));
        let error: unknown;
        try {
          f(a, b, c, n);
        } catch (e) {
          error = e;
        }
        const written = [...c];
        [a, b, c].forEach((x) => jit.free(x));
        return { error: String(error).replace(/`\w+`/, "the function"), written };
      };
      const [got, want] = [run(fast), run(reference)];
      expect(got.error).toMatch(/trapped/);
      expect(got).toEqual(want);
    }
    // Ordinary arrays: the trap, and C left as it was (copies are written back only after a call returns).
    const c = new Float64Array(9).fill(1);
    expect(() => fast(new Float64Array(8), new Float64Array(9), c, 3)).toThrow(/trapped/);
    expect([...c]).toEqual(new Array(9).fill(1));
    // A huge n with short arrays: the guard's exact arithmetic refuses it; the nest as written traps.
    expect(() => fast(new Float64Array(4), new Float64Array(4), new Float64Array(4), 2 ** 31 - 1)).toThrow(/trapped/);
    // A negative n: nothing runs.
    const untouched = new Float64Array(4).fill(3);
    fast(new Float64Array(4), new Float64Array(4), untouched, -2);
    expect([...untouched]).toEqual([3, 3, 3, 3]);
  });

  it("a nest with anything more in it is compiled as written", () => {
    const more = jit(function more(a: Float64Array, b: Float64Array, c: Float64Array, d: Float64Array, n: number) {
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
          c[i * n + j] = sum;
          d[j] = sum;
        }
    });
    const one = Float64Array.of(1, 2, 3, 4);
    const [c, d] = [new Float64Array(4), new Float64Array(2)];
    more(one, one, c, d, 2);
    expect([...c]).toEqual([7, 10, 15, 22]);
    expect([...d]).toEqual([15, 22]);
    expect(more.inspect()).not.toMatch(/f64x2/);
  });
});
