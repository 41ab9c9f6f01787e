// Bounds checks taken out of counted loops whose indices are affine in the counter, behind a guard
// (src/jit/transforms/bounds.ts): records of 7 numbers (an n-body step), rows of a matrix, a reversed
// walk, an index that starts below 0. Each against the plain function on random lengths, including
// lengths that make the last record or row incomplete: there the jitted function must trap (a
// KernelError, as every out-of-range index does) exactly when JavaScript would have read past the end.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KernelError } from "../src/errors.ts";
import { jit } from "../src/jit/index.ts";
import { nbodyStep } from "../src/bench/jit/loops.ts";

const value = fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constantFrom(0, -0, 1, NaN, Infinity));

/** Runs the plain function on a copy of `args`' arrays with reads past the end recorded; undefined when one happened. */
function plainInBounds<A extends unknown[]>(fn: (...a: A) => unknown, args: A): { result: unknown; arrays: Float64Array[] } | undefined {
  const copies = args.map((a) => (a instanceof Float64Array ? a.slice() : a)) as A;
  let outside = false;
  const watched = copies.map((a) =>
    a instanceof Float64Array
      ? new Proxy(a, {
          get(target, key) {
            if (typeof key === "string" && /^-?\d+$/.test(key) && (Number(key) < 0 || Number(key) >= target.length)) outside = true;
            const v = Reflect.get(target, key, target);
            return typeof v === "function" ? v.bind(target) : v;
          },
          set(target, key, v) {
            if (typeof key === "string" && /^-?\d+$/.test(key) && (Number(key) < 0 || Number(key) >= target.length)) outside = true;
            return Reflect.set(target, key, v, target);
          },
        })
      : a,
  ) as A;
  const result = fn(...watched);
  return outside ? undefined : { result, arrays: copies.filter((a): a is Float64Array => a instanceof Float64Array) };
}

function checkAgainstPlain<A extends unknown[]>(fn: (...a: A) => unknown, args: A) {
  const fast = jit(fn as (...a: unknown[]) => unknown, undefined, { adaptive: false });
  const plain = plainInBounds(fn, args);
  const mine = args.map((a) => (a instanceof Float64Array ? a.slice() : a));
  if (!plain) {
    expect(() => fast(...mine)).toThrow(KernelError);
    return;
  }
  expect(Object.is(fast(...mine), plain.result)).toBe(true);
  const written = mine.filter((a): a is Float64Array => a instanceof Float64Array);
  // Element by element with Object.is: which NaN a computation leaves (its sign bit) is the engine's
  // choice, and engines differ (0 * Infinity stored into a Float64Array is 0xfff8… in V8, and
  // `x - x * 0` is 0x7ff8… in Node 20 but 0xfff8… in Deno and Bun).
  written.forEach((a, k) => expect([...a].every((x, e) => Object.is(x, plain.arrays[k][e]))).toBe(true));
}

function rows(a: Float64Array, w: number, h: number): number {
  let s = 0;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) s += a[i * w + j] * (j - i);
  }
  return s;
}

function reversed(a: Float64Array, out: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) out[j] = a[n - 1 - j] + a[2 * j];
}

function fromBelow(a: Float64Array, lo: number, hi: number): number {
  let s = 0;
  for (let j = lo; j < hi; j++) if (a[j] > 0) s += a[j - 1];
  return s;
}

function shadowed(a: Float64Array, n: number): number {
  const t = 5;
  let s = 0;
  for (let j = 0; j < n; j++) {
    {
      const t = j * 2; // a block's own t: not the loop body's temporary
      s += a[t];
    }
    s += a[t]; // the outer t, 5
  }
  return s;
}

describe("jit: bounds checks out of loops with affine indices", () => {
  it("an n-body step on 0–9 records plus 0–6 extra numbers: the plain answer, or a trap where it reads past the end", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(value, { minLength: 70, maxLength: 70 }),
        (m, r, xs) => {
          const bodies = Float64Array.from(xs.slice(0, 7 * m + r));
          checkAgainstPlain(nbodyStep, [bodies, 0.01] as [Float64Array, number]);
        },
      ),
      { numRuns: 200 },
    );
    const wat = jit(nbodyStep).compile(["f64[]", "f64"]).wat;
    expect(wat).toMatch(/f64\.ceil/); // the guard
  });

  it("rows of a matrix, with the array one short, exact and one long", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: -2, max: 2 }), (w, h, extra) => {
        const a = Float64Array.from({ length: Math.max(0, w * h + extra) }, (_, k) => Math.sin(k) * 10);
        checkAgainstPlain(rows, [a, w, h] as [Float64Array, number, number]);
      }),
      { numRuns: 200 },
    );
  });

  it("a reversed walk (a negative coefficient) and a stride of 2", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 30 }), (n, len) => {
        const a = Float64Array.from({ length: len }, (_, k) => k * 1.5 - 3);
        checkAgainstPlain(reversed, [a, new Float64Array(Math.max(n, 0) + 2), n] as [Float64Array, Float64Array, number]);
      }),
      { numRuns: 200 },
    );
  });

  it("loops counting down (`c >= w; c--`, `c > lo; c--`): the plain answer, or a trap where it reads past either end", () => {
    function downFrom(a: Float64Array, out: Float64Array, hi: number, w: number) {
      let s = 0;
      for (let c = hi; c >= w; c--) {
        const v = a[c - w] + out[c];
        if (v > out[c]) out[c] = v;
        s += v;
      }
      return s;
    }
    function downAbove(a: Float64Array, hi: number, lo: number) {
      let s = 0;
      for (let c = hi; c > lo; c--) s += a[2 * c - 1] - a[c];
      return s;
    }
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 14 }), fc.integer({ min: -4, max: 12 }), fc.integer({ min: 0, max: 12 }), (hi, w, len) => {
        const a = Float64Array.from({ length: len }, (_, k) => k * 0.75 - 2);
        const out = Float64Array.from({ length: len }, (_, k) => (k % 4) - 1);
        checkAgainstPlain(downFrom, [a, out, hi, w] as [Float64Array, Float64Array, number, number]);
        checkAgainstPlain(downAbove, [a, hi, w - 0.5] as [Float64Array, number, number]);
        checkAgainstPlain(downAbove, [a, hi, w] as [Float64Array, number, number]);
      }),
      { numRuns: 300 },
    );
    // The guard (the last value ⌈w⌉, the test at the first) and a copy of the loop without checks:
    // twice the loads of the loop as written.
    const wat = jit(downFrom, "f64(f64[], f64[], i32, i32)").inspect();
    expect(wat).toMatch(/f64\.ceil/);
    expect(wat).toMatch(/f64\.ge\n\s+i32\.eqz/);
    const asWritten = jit(downFrom, "f64(f64[], f64[], f64, f64)").inspect();
    const loads = (w: string) => (w.match(/f64\.load/g) ?? []).length;
    expect(loads(wat)).toBe(2 * 2 * loads(asWritten)); // two versions of the body (int32 sizes ≤ 2^26, any), each with two copies
  });

  it("a name declared again in a nested block is not the body's temporary", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 5 }), (len, n) => {
        const a = Float64Array.from({ length: len }, (_, k) => k + 0.5);
        checkAgainstPlain(shadowed, [a, n] as [Float64Array, number]);
      }),
      { numRuns: 100 },
    );
  });

  it("an index that starts below 0, or a range past the end: the loop as written, which traps", () => {
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 12 }), fc.integer({ min: -3, max: 14 }), (lo, hi) => {
        const a = Float64Array.from({ length: 10 }, (_, k) => (k % 3) - 0.5);
        checkAgainstPlain(fromBelow, [a, lo, hi] as [Float64Array, number, number]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("jit: `a[b + c]` as the address a + b·size with the offset c·size", () => {
  // Records of four: each read and write of a record shares one address computation.
  function records(a: Float64Array, out: Int32Array, k: number, n: number): number {
    let s = 0;
    for (let r = 0; r < n; r++) {
      const b = (r * k) | 0;
      s += a[b] * a[b + 1] - a[b + 3];
      a[b + 2] = s;
      out[b + 1] = s;
    }
    return s;
  }

  it("gives JavaScript's answers and writes, and traps where JavaScript reads or writes past the end", () => {
    const fast = jit(records, "f64(f64[], i32[], i32, i32)");
    expect(fast.inspect()).toMatch(/f64\.load offset=24/);
    expect(fast.inspect()).toMatch(/i32\.store offset=4/);
    fc.assert(
      fc.property(fc.nat(40), fc.nat(40), fc.integer({ min: -3, max: 5 }), fc.nat(12), (len, outLen, k, n) => {
        const a = Float64Array.from({ length: len }, (_, i) => (i % 5) - 1.5);
        const out = new Int32Array(outLen);
        const [a2, out2] = [a.slice(), out.slice()];
        // JavaScript reads undefined (NaN) and ignores writes past the end; jit traps there instead.
        const past = Array.from({ length: n }, (_, r) => r * k).some((b) => b < 0 || b + 3 >= len || b + 1 >= outLen);
        if (past) expect(() => fast(a, out, k, n)).toThrow(KernelError);
        else {
          expect(Object.is(fast(a, out, k, n), records(a2, out2, k, n))).toBe(true);
          expect([...a]).toEqual([...a2]);
          expect([...out]).toEqual([...out2]);
        }
      }),
      { numRuns: 400 },
    );
  });
});
