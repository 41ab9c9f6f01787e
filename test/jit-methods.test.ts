// Typed-array methods in jitted code (codegen/methods.ts): `.subarray` (a view of the same memory),
// `.set` (converted, overlapping copies as the spec makes them, JavaScript's RangeError) and `.slice`
// (a new array): JavaScript's values, arrays and errors, and every block of jit's memory given back.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { u64 } from "./support/arbitraries.ts";
import { JitError } from "../src/jit/errors.ts";
import { jit, prange, vectorize, closeDefaultPool } from "../src/jit/index.ts";
import { arenaUsed } from "../src/jit/runtime/memory.ts";

afterAll(() => closeDefaultPool());

type Arrayish = { length: number; slice(): Arrayish; [k: number]: number | bigint };

/** What a call did: its value (arrays as their elements and class) or its error (class and message), and the arrays after. */
function outcome(f: (...args: never[]) => unknown, args: unknown[]) {
  let result: unknown;
  try {
    const r = f(...(args as never[]));
    result = ArrayBuffer.isView(r) ? { ctor: r.constructor.name, elements: [...(r as unknown as Float64Array)] } : r;
  } catch (e) {
    result = { error: (e as Error).constructor.name, message: (e as Error).message };
  }
  return { result, arrays: args.map((a) => (ArrayBuffer.isView(a) ? [...(a as unknown as Float64Array)] : a)) };
}

/** The plain and the jitted function on copies of the same arguments: the same outcome. */
function same(f: (...args: never[]) => unknown, jitted: (...args: never[]) => unknown, args: unknown[]) {
  const copy = () => args.map((a) => (ArrayBuffer.isView(a) ? (a as unknown as Arrayish).slice() : a));
  expect(outcome(jitted, copy())).toStrictEqual(outcome(f, copy()));
}

/** Indices as a program gets them: small, negative, fractional, NaN, ±Infinity, −0, huge. */
const index = fc.oneof(
  fc.integer({ min: -12, max: 12 }),
  fc.double({ min: -20, max: 20 }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, -0.5, 2 ** 31, -(2 ** 31), 2 ** 32 + 1, 2 ** 53, -(2 ** 60)),
);
const double = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.5, 2.5, 255.5, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32 + 3),
);
const doubles = fc.array(double, { maxLength: 12 });

describe("jit: typed-array methods", () => {
  describe(".subarray", () => {
    function viewSum(a: Float64Array, b: number, e: number) {
      const v = a.subarray(b, e);
      let s = 0;
      for (let i = 0; i < v.length; i++) {
        s += v[i];
        v[i] = s * 0.5; // written through the view: the caller's array
      }
      return s + v.length * 1000 + a.subarray(b).length * 100000 + a.subarray().length;
    }
    function intView(a: Int32Array, b: number, e: number) {
      const v = a.subarray(b, e).subarray(1);
      for (let i = 0; i < v.length; i++) v[i] = v[i] * 3 + 2 ** 31; // wraps as the store does
      return v.length;
    }
    function clampedView(a: Uint8ClampedArray, b: number, e: number, x: number) {
      const v = a.subarray(b, e);
      if (v.length > 0) v[0] = x;
      return v.length;
    }
    function bigView(a: BigUint64Array, b: number, e: number) {
      const v = a.subarray(b, e);
      let s = 0n;
      for (let i = 0; i < v.length; i++) {
        s = BigInt.asUintN(64, s + v[i]);
        v[i] = s;
      }
      return s;
    }

    it("is a view with JavaScript's bounds (relative, truncated, clamped), writes reaching the caller's array", () => {
      const [sum, ints, clamped, big] = [jit(viewSum), jit(intView), jit(clampedView), jit(bigView, "u64(u64[], f64, f64)")];
      fc.assert(
        fc.property(doubles, index, index, double, fc.array(u64, { maxLength: 8 }), (xs, b, e, x, bs) => {
          same(viewSum, sum, [Float64Array.from(xs), b, e]);
          same(intView, ints, [Int32Array.from(xs.map((v) => v | 0)), b, e]);
          same(clampedView, clamped, [Uint8ClampedArray.from(xs), b, e, x]);
          same(bigView, big, [BigUint64Array.from(bs), b, e]);
        }),
        { numRuns: 300 },
      );
      expect(arenaUsed()).toBe(0);
    });

    it("writes the caller's array through a view: an ordinary array (copied back) and a jit.array (in place)", () => {
      const shift = jit(function shift(a: Float64Array, k: number) {
        const tail = a.subarray(k);
        for (let i = 0; i < tail.length; i++) tail[i] += 10;
        return a[a.length - 1];
      });
      const plain = Float64Array.from([1, 2, 3, 4]);
      expect(shift(plain, 2)).toBe(14);
      expect([...plain]).toEqual([1, 2, 13, 14]);
      const shared = jit.array(Float64Array, [1, 2, 3, 4]);
      expect(shift(shared, -3)).toBe(14);
      expect([...shared]).toEqual([1, 12, 13, 14]);
      jit.free(shared);
      expect(arenaUsed()).toBe(0);
    });

    it("returns a view as a subarray of the caller's array (the same memory), and a view of a made array as a copy", () => {
      const middle = jit((a: Float64Array, b: number, e: number) => a.subarray(b, e));
      const a = Float64Array.from([1, 2, 3, 4, 5]);
      const v = middle(a, 1, -1);
      expect(v).toBeInstanceOf(Float64Array);
      expect([...v]).toEqual([2, 3, 4]);
      expect(v.buffer).toBe(a.buffer);
      expect(v.byteOffset).toBe(8);
      v[0] = 20;
      expect(a[1]).toBe(20);
      const made = jit((n: number) => {
        const t = new Int32Array(n);
        for (let i = 0; i < n; i++) t[i] = i * i;
        return t.subarray(2, -1);
      });
      expect([...made(6)]).toEqual([4, 9, 16]);
      expect(made(6)).toBeInstanceOf(Int32Array);
      expect(arenaUsed()).toBe(0);
      // A view of the whole argument is a new view, as in JavaScript; a function that may return the
      // argument itself by name returns it.
      const whole = middle(a, 0, 5);
      expect(whole).not.toBe(a);
      expect(whole.buffer).toBe(a.buffer);
      expect(whole.length).toBe(5);
      const either = jit((x: Float64Array, k: number) => {
        if (k > 0) return x.subarray(k);
        return x;
      });
      expect(either(a, 0)).toBe(a);
      expect(either(a, 2).length).toBe(3);
    });

    it("is a view of a made array while its block lives: in a loop's block, and kept when it leaves through an outer local", () => {
      function rows(n: number, w: number) {
        let last = new Float64Array(0);
        let s = 0;
        for (let r = 0; r < n; r++) {
          const row = new Float64Array(w + 2);
          const inner = row.subarray(1, -1);
          for (let i = 0; i < inner.length; i++) inner[i] = r + i;
          s += row[1] + row[row.length - 1];
          if (r === n - 2) last = inner;
        }
        return s + last[0] + last.length;
      }
      const fast = jit(rows);
      for (const [n, w] of [
        [5, 3],
        [40, 10],
        [2, 1],
      ])
        expect(fast(n, w)).toBe(rows(n, w));
      expect(arenaUsed()).toBe(0);
    });

    it("keeps the loop transforms exact when a view aliases its parameter (element-wise, recurrence, bounds)", () => {
      function aliased(a: Float64Array, k: number) {
        const out = a.subarray(1);
        for (let i = 0; i < out.length; i++) out[i] = a[i] * k + 1; // reads what the trip before wrote
        const run = a.subarray(2);
        for (let i = 1; i < run.length; i++) run[i] = run[i - 1] + a[i];
        const back = a.subarray(0, a.length - 1);
        for (let i = 0; i < back.length; i++) back[i] = a[i + 1] - back[i];
        return a[a.length - 1];
      }
      const fast = jit(aliased);
      fc.assert(
        fc.property(fc.array(double, { minLength: 3, maxLength: 40 }), double, (xs, k) => same(aliased, fast, [Float64Array.from(xs), k])),
        { numRuns: 100 },
      );
    });

    it("makes no host call (a new pointer and length into the same memory)", () => {
      const fast = jit((a: Float64Array, b: number) => a.subarray(b, -1).length);
      expect(fast(new Float64Array(8), 2)).toBe(5);
      const wat = fast.inspect();
      expect(wat).not.toMatch(/call \$env/);
      expect(wat).not.toMatch(/memory\.(copy|fill)/);
    });

    it("refuses a plain Array for a function calling it (an Array has no subarray)", () => {
      const first = jit((a: Float64Array) => a.subarray(1)[0]);
      expect(() => first([1, 2, 3] as never)).toThrow(TypeError);
      expect(() => first([1, 2, 3] as never)).toThrow(/`a` to be a typed array: the function calls `\.subarray` on it/);
      expect(first(Float64Array.from([1, 2]))).toBe(2);
      // Through a name assigned from it, too.
      const aliased = jit((a: Float64Array) => {
        const b = a;
        return b.subarray(1)[0];
      });
      expect(() => aliased([1, 2, 3] as never)).toThrow(/`a` to be a typed array/);
    });

    it("takes a plain Array where the function calls no typed-array method on it: the source of `.set`, another parameter", () => {
      function scaleInto(dst: Float64Array, src: number[], k: number) {
        dst.set(src);
        for (let i = 0; i < dst.length; i++) dst[i] *= k;
        return dst.subarray(1).length;
      }
      const fast = jit(scaleInto);
      const [mine, theirs] = [new Float64Array(4), new Float64Array(4)];
      expect(fast(mine, [1, 2.5, -0, NaN], 3)).toBe(scaleInto(theirs, [1, 2.5, -0, NaN], 3));
      expect(mine).toEqual(theirs);
      const [a, b] = [new Float64Array(2), new Float64Array(2)];
      expect(() => fast(a, [1, 2, 3], 1)).toThrow(RangeError);
      expect(() => scaleInto(b, [1, 2, 3], 1)).toThrow(RangeError);
      // The destination as a plain Array: JavaScript throws (an Array has no set), jit refuses by name.
      expect(() => fast([0, 0] as never, [1], 1)).toThrow(/`dst` to be a typed array: the function calls `\.set` on it/);
    });
  });

  describe(".set", () => {
    const setters = {
      f64: (a: Float64Array, s: Float64Array, o: number) => (a.set(s, o), a.length),
      i32: (a: Int32Array, s: Float64Array, o: number) => (a.set(s, o), a.length),
      u8c: (a: Uint8ClampedArray, s: Float64Array, o: number) => (a.set(s, o), a.length),
      f32: (a: Float32Array, s: Float64Array, o: number) => (a.set(s, o), a.length),
      u8: (a: Uint8Array, s: Int32Array, o: number) => (a.set(s, o), a.length),
      f64f32: (a: Float64Array, s: Float32Array) => (a.set(s), a.length),
      bigint: (a: BigInt64Array, s: BigUint64Array, o: number) => (a.set(s, o), a.length),
    };

    it("copies and converts as JavaScript's set does, with its RangeError for offsets out of bounds", () => {
      const fast = Object.fromEntries(Object.entries(setters).map(([k, f]) => [k, jit(f as (...a: never[]) => unknown)]));
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 10 }), doubles, index, fc.array(u64, { maxLength: 6 }), (n, xs, o, bs) => {
          const f64 = Float64Array.from(xs);
          same(setters.f64, fast.f64, [new Float64Array(n), f64, o]);
          same(setters.i32, fast.i32, [new Int32Array(n), f64, o]);
          same(setters.u8c, fast.u8c, [new Uint8ClampedArray(n), f64, o]);
          same(setters.f32, fast.f32, [new Float32Array(n), f64, o]);
          same(setters.u8, fast.u8, [new Uint8Array(n), Int32Array.from(f64), o]);
          same(setters.f64f32, fast.f64f32, [new Float64Array(n), Float32Array.from(f64)]);
          same(setters.bigint, fast.bigint, [new BigInt64Array(n), BigUint64Array.from(bs), o]);
        }),
        { numRuns: 300 },
      );
      const f = jit(setters.f64);
      expect(() => f(new Float64Array(2), new Float64Array(2), 1)).toThrow(RangeError);
      expect(() => f(new Float64Array(2), new Float64Array(2), 1)).toThrow(/^offset is out of bounds$/);
      expect(() => f(new Float64Array(2), new Float64Array(0), -1)).toThrow("offset is out of bounds");
      expect(arenaUsed()).toBe(0);
    });

    it("copies overlapping source and target as through a temporary: a.set(a.subarray(1)), views of one buffer of other types", () => {
      function within(a: Float64Array, b: number, o: number) {
        a.set(a.subarray(b), o);
        return a.length;
      }
      function across(t: Uint8Array, s: Int16Array, o: number) {
        t.set(s, o);
        return t.length;
      }
      const [w, x] = [jit(within), jit(across)];
      fc.assert(
        fc.property(doubles, index, index, (xs, b, o) => same(within, w, [Float64Array.from(xs), b, o])),
        { numRuns: 200 },
      );
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: -40000, max: 40000 }), { minLength: 4, maxLength: 12 }),
          fc.integer({ min: 0, max: 6 }),
          fc.integer({ min: 0, max: 6 }),
          (vs, at, o) => {
            const run = (f: typeof across) => {
              const buffer = new ArrayBuffer(32);
              const s = new Int16Array(buffer, 0, 4);
              s.set(vs.slice(0, 4));
              const t = new Uint8Array(buffer, at, 12);
              let r: unknown;
              try {
                r = f(t, s, o);
              } catch (e) {
                r = `${(e as Error).constructor.name}: ${(e as Error).message}`;
              }
              return [r, [...new Uint8Array(buffer)]];
            };
            expect(run(x)).toStrictEqual(run(across));
          },
        ),
        { numRuns: 200 },
      );
      expect(arenaUsed()).toBe(0);
    });

    it("writes back the parameter it writes, and gives back what the call made when it throws", () => {
      const fill = jit(function fill(a: Float64Array, n: number, o: number) {
        const t = new Float64Array(n).fill(7);
        a.set(t, o);
        return a[a.length - 1];
      });
      const a = new Float64Array(4);
      expect(fill(a, 2, 2)).toBe(7);
      expect([...a]).toEqual([0, 0, 7, 7]);
      expect(() => fill(a, 5000, 0)).toThrow(RangeError);
      expect(() => fill(a, 2, -1)).toThrow("offset is out of bounds");
      expect(arenaUsed()).toBe(0);
    });

    it("is one memory.copy when the element types match, and an element loop when they do not", () => {
      const same = jit((a: Int32Array, s: Int32Array) => (a.set(s, 1), a.length));
      expect(same(new Int32Array(3), Int32Array.from([1, 2]))).toBe(3);
      expect(same.inspect()).toMatch(/memory\.copy/);
      expect(same.inspect()).not.toMatch(/__hp_alloc/);
      const converting = jit((a: Int32Array, s: Float64Array) => (a.set(s, 1), a.length));
      expect(converting(new Int32Array(3), Float64Array.from([1.5, -(2 ** 31) - 1]))).toBe(3);
      expect(converting.inspect()).toMatch(/\bloop\b/);
    });

    it("refuses what JavaScript throws a TypeError for, and a plain array literal, by name", () => {
      expect(() => jit((a: Float64Array, s: BigInt64Array) => (a.set(s as never), 0))(new Float64Array(1), new BigInt64Array(1))).toThrow(
        /`\.set` of a BigInt64Array into a Float64Array: bigint and number arrays do not mix \(JavaScript throws a TypeError\)/,
      );
      expect(() => jit("(a) => { a.set([1, 2]); return a[0]; }")(new Float64Array(2))).toThrow(JitError);
    });
  });

  describe(".slice", () => {
    function slices(a: Float64Array, b: number, e: number) {
      const s = a.slice(b, e);
      if (s.length > 0) s[0] = 99; // a copy: a stays
      return s;
    }
    function intSlice(a: Uint8ClampedArray, b: number) {
      return a.slice(b);
    }
    function bigSlice(a: BigInt64Array, b: number, e: number) {
      return a.slice(b, e).length;
    }

    it("returns a new array of the same type holding the range (JavaScript's bounds), the argument untouched", () => {
      const [f, g, h] = [jit(slices), jit(intSlice), jit(bigSlice)];
      fc.assert(
        fc.property(doubles, index, index, (xs, b, e) => {
          same(slices, f, [Float64Array.from(xs), b, e]);
          same(intSlice, g, [Uint8ClampedArray.from(xs), b]);
          same(bigSlice, h, [BigInt64Array.from(xs.map((_, i) => BigInt(i) - 3n)), b, e]);
        }),
        { numRuns: 300 },
      );
      const a = Float64Array.from([1, 2, 3]);
      const s = f(a, 0, 3) as Float64Array;
      expect(s).toBeInstanceOf(Float64Array);
      expect(s.buffer).not.toBe(a.buffer);
      expect(arenaUsed()).toBe(0);
    });

    it("gives back a slice at the end of its block, of a jit.array and of a made array", () => {
      function windows(a: Float64Array, w: number) {
        let best = -Infinity;
        for (let i = 0; i + w <= a.length; i++) {
          const win = a.slice(i, i + w);
          let s = 0;
          for (let k = 0; k < win.length; k++) s += win[k];
          if (s > best) best = s;
        }
        return best + new Float64Array(a).slice(-1)[0];
      }
      const fast = jit(windows);
      const data = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i));
      expect(fast(data, 5)).toBe(windows(data, 5));
      const shared = jit.array(Float64Array, data);
      expect(fast(shared, 7)).toBe(windows(data, 7));
      jit.free(shared);
      expect(fast.inspect()).toMatch(/__hp_free/);
      expect(arenaUsed()).toBe(0);
    });
  });

  describe("what stays refused", () => {
    it("names other methods", () => {
      expect(() => jit((a: Float64Array) => (a.sort(), a[0]))(new Float64Array(2))).toThrow(
        /`\.sort\(\)` on a Float64Array is not supported by jit: .*\(at 1:\d+\)/,
      );
      expect(() => jit((a: Int32Array) => a.reduce((x, y) => x + y, 0))(new Int32Array(2))).toThrow(/`\.reduce\(\)` on a Int32Array/);
      expect(() => jit((a: Float64Array) => a.map((x) => x * 2)[0])(new Float64Array(2))).toThrow(JitError);
    });

    it("refuses .slice and .set where the code runs on the pool's workers, allows .subarray", async () => {
      expect(() =>
        jit(
          function par(a: Float64Array, n: number) {
            let s = 0;
            for (const i of prange(0, n)) s += a.slice(i, i + 1)[0];
            return s;
          },
          { parallel: true },
        ),
      ).toThrow(/`\.slice` in a parallel function .*\(at 3:\d+\)/);
      expect(() =>
        jit(
          function par2(a: Float64Array, b: Float64Array, n: number) {
            for (const i of prange(0, n)) a.set(b.subarray(i, i + 1), i);
          },
          { parallel: true },
        ),
      ).toThrow(/`\.set` in a parallel function/);
      expect(() => vectorize((x: Float64Array) => x.slice(1).length, "f64(f64[])", { target: "parallel" })).toThrow(JitError);
      const views = jit(
        function views(a: Float64Array, n: number) {
          let s = 0;
          for (const i of prange(0, n)) s += a.subarray(i, i + 2)[0];
          return s;
        },
        { parallel: true },
      );
      expect(await views(Float64Array.from([1, 2, 3, 4]), 3)).toBe(6);
    });
  });
});
