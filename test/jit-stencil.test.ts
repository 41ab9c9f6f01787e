// Stencils in f64x2 (src/jit/transforms/vectorize-map.ts with affine.ts): an inner loop whose indices
// are `base + x + c` runs two iterations per f64x2, every stored element bit-identical to JavaScript's
// (NaN, ±0, ±Infinity, subnormals included), for the spellings users write; the run-time guard sends
// overlapping arrays (in place, views of one buffer) and out-of-range indices to the loop as written:
// the same results, the same trap, the same elements written before it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { stencil } from "../src/bench/jit/loops.ts";

const value = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e308, -1e308, 5e-324, -2.5e-310, 2 ** 53 + 2),
  fc.double({ min: -100, max: 100, noNaN: true }),
);
const values = (n: number) => fc.array(value, { minLength: n, maxLength: n });
const same = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const RUNS = { numRuns: 100 };
/** A grid: width and height from 0 up (0–3 included, odd and even), its cells, and the destination's. */
const grid = fc
  .tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 6 }))
  .chain(([w, h]) => fc.tuple(fc.constant(w), fc.constant(h), values(w * h), values(w * h)));

type Kernel = (src: Float64Array, dst: Float64Array, w: number, h: number) => void;

/** `src[y * w + x - 1]` written out, no temporary. */
function direct(src: Float64Array, dst: Float64Array, w: number, h: number) {
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++)
      dst[y * w + x] = 0.2 * (src[y * w + x] + src[y * w + x - 1] + src[y * w + x + 1] + src[(y - 1) * w + x] + src[(y + 1) * w + x]);
}
/** Row offsets hoisted out of the inner loop, a temporary of the iteration, a compound store. */
function hoisted(src: Float64Array, dst: Float64Array, w: number, h: number) {
  for (let y = 1; y < h - 1; y++) {
    const row = y * w;
    const up = row - w;
    for (let x = 1; x < w - 1; x++) {
      const c = src[row + x];
      dst[row + x] = c * 0.5;
      dst[x + row] += (src[row + x - 1] - src[x + 1 + row]) * 0.25 + -src[up + x] / 3 + src[row + w + x] - c;
    }
  }
}
/** A row offset carried in an f64 `let` (`row += w`): checked to be an integer at run time. */
function carried(src: Float64Array, dst: Float64Array, w: number, h: number) {
  let row = w;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = row + x;
      dst[i] = Math.max(src[i - w], src[i + w]) - Math.min(src[i - 1], Math.sqrt(Math.abs(src[i + 1])));
    }
    row += w;
  }
}
/** A three-point smoothing in one dimension, the bound `n - 1` and `a.length - 1`. */
function smooth(a: Float64Array, out: Float64Array, n: number) {
  for (let i = 1; i < n - 1; i++) out[i] = (a[i - 1] + a[i] + a[i + 1]) / 3;
  for (let i = 0; i < a.length - 1; i++) out[i] -= a[i + 1];
}
/** The stencil in place, one array: each point reads a neighbour the iteration before wrote. */
function inPlace(a: Float64Array, w: number, h: number) {
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      a[i] = 0.2 * (a[i] + a[i - 1] + a[i + 1] + a[i - w] + a[i + w]);
    }
}
/** The bench's stencil with its inner loop labelled: the vectorizer leaves it alone, so this is the loop as written. */
function asWritten(src: Float64Array, dst: Float64Array, width: number, height: number) {
  for (let y = 1; y < height - 1; y++) {
    row: for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      dst[i] = 0.2 * (src[i] + src[i - 1] + src[i + 1] + src[i - width] + src[i + width]);
      if (x < 0) continue row;
    }
  }
}

/** The kernel's answer in JavaScript and jitted, on ordinary arrays and on jit.array ones (zero-copy). */
function agrees(plain: Kernel, fast: Kernel, w: number, h: number, s: number[], d: number[]): boolean {
  const [src, d1, d2] = [Float64Array.from(s), Float64Array.from(d), Float64Array.from(d)];
  plain(src, d1, w, h);
  fast(Float64Array.from(s), d2, w, h);
  const [js, jd] = [jit.array(Float64Array, s.length), jit.array(Float64Array, d.length)];
  js.set(s);
  jd.set(d);
  fast(js, jd, w, h);
  const ok = same(d1, d2) && same(d1, jd) && same(js, src);
  jit.free(js);
  jit.free(jd);
  return ok;
}

describe("jit: stencils in f64x2, exactly", () => {
  it("the bench's 5-point stencil stores JavaScript's doubles for every grid (0–3 wide or high included)", () => {
    const fast = jit(stencil);
    fc.assert(
      fc.property(grid, ([w, h, s, d]) => agrees(stencil, fast, w, h, s, d)),
      RUNS,
    );
    expect(fast.inspect()).toMatch(/v128\.load offset=16/);
    expect(fast.inspect()).toMatch(/f64x2\.mul/);
    // A grid big enough for many vector trips, odd and even widths.
    for (const [w, h] of [
      [64, 9],
      [67, 5],
    ]) {
      const s = Array.from({ length: w * h }, (_, i) => Math.sin(i) * 1e3);
      expect(agrees(stencil, fast, w, h, s, new Array<number>(w * h).fill(7))).toBe(true);
    }
  });

  it("other spellings: written out, row offsets hoisted (a compound store, a temporary), an f64 row carried", () => {
    for (const kernel of [direct, hoisted, carried]) {
      const fast = jit(kernel);
      fc.assert(
        fc.property(grid, ([w, h, s, d]) => agrees(kernel, fast, w, h, s, d)),
        RUNS,
      );
      expect(fast.inspect()).toMatch(/f64x2/);
    }
  });

  it("one dimension: bounds `n - 1` and `a.length - 1`, n larger or smaller than the arrays", () => {
    const fast = jit(smooth);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 13 }).chain((n) => fc.tuple(values(n), values(n), fc.integer({ min: -2, max: 15 }))),
        ([as, os, n]) => {
          const [a, o1, o2] = [Float64Array.from(as), Float64Array.from(os), Float64Array.from(os)];
          let error: unknown;
          try {
            smooth(a, o1, n);
          } catch {
            return false;
          }
          try {
            fast(a, o2, n);
          } catch (e) {
            error = e;
          }
          // JavaScript reads `undefined` past the end (NaN) where jit traps: only an n past the arrays traps.
          if (error) return n > as.length && /trapped/.test(String(error));
          return same(o1, o2);
        },
      ),
      RUNS,
    );
    expect(fast.inspect()).toMatch(/f64x2\.div/);
  });

  it("dst === src, in place: the guard sees the overlap, the loop runs as written, JavaScript's answer", () => {
    const fast = jit(stencil);
    fc.assert(
      fc.property(grid, ([w, h, s]) => {
        const [a, b] = [Float64Array.from(s), Float64Array.from(s)];
        stencil(a, a, w, h);
        fast(b, b, w, h);
        const c = jit.array(Float64Array, s.length);
        c.set(s);
        fast(c, c, w, h);
        const ok = same(a, b) && same(a, c);
        jit.free(c);
        return ok;
      }),
      RUNS,
    );
  });

  it("src and dst views of one jit.array buffer, dst k elements after src: as written where they overlap", () => {
    const fast = jit(stencil);
    fc.assert(
      fc.property(grid, fc.integer({ min: -40, max: 40 }), ([w, h, s], k) => {
        const n = w * h;
        const total = n + Math.abs(k);
        const init = Float64Array.from({ length: total }, (_, i) => s[i % Math.max(n, 1)] ?? i);
        const plain = init.slice();
        const base = jit.array(Float64Array, total);
        base.set(init);
        const [ps, pd] = k >= 0 ? [plain.subarray(0, n), plain.subarray(k, k + n)] : [plain.subarray(-k, -k + n), plain.subarray(0, n)];
        const [js, jd] = k >= 0 ? [base.subarray(0, n), base.subarray(k, k + n)] : [base.subarray(-k, -k + n), base.subarray(0, n)];
        stencil(ps, pd, w, h);
        fast(js, jd, w, h);
        const ok = same(plain, base);
        jit.free(base);
        return ok;
      }),
      RUNS,
    );
  });

  it("the in-place shape (one array read at i - 1 and written at i) is never vectorized; its answer is JavaScript's", () => {
    const fast = jit(inPlace);
    fc.assert(
      fc.property(grid, ([w, h, s]) => {
        const [a, b] = [Float64Array.from(s), Float64Array.from(s)];
        inPlace(a, w, h);
        fast(b, w, h);
        return same(a, b);
      }),
      RUNS,
    );
    expect(fast.inspect()).not.toMatch(/f64x2/);
  });

  it("arrays too short trap as the loop as written does, with the same elements written before the trap", () => {
    const fast = jit(stencil);
    const reference = jit(asWritten);
    expect(reference.inspect()).not.toMatch(/f64x2/);
    const [w, h] = [6, 5];
    // The last element read is src[29 - 1] (row 3, x 4, + w); the last written dst[22].
    for (const [ls, ld] of [
      [28, 30],
      [30, 22],
      [30, 15],
      [w * h - w, w * h],
      [3, 3],
    ]) {
      const run = (f: Kernel) => {
        const src = jit.array(Float64Array, ls);
        const dst = jit.array(Float64Array, ld);
        src.set(Float64Array.from({ length: ls }, (_, i) => i * 1.5 - 4));
        let error: unknown;
        try {
          f(src, dst, w, h);
        } catch (e) {
          error = e;
        }
        const written = [...dst];
        jit.free(src);
        jit.free(dst);
        return { error: String(error).replace(/`\w+`/, "the function"), written };
      };
      const [got, want] = [run(fast), run(reference)];
      expect(got.error).toMatch(/trapped/);
      expect(got).toEqual(want);
    }
    // Ordinary arrays: the trap, and dst left as it was (copies are written back only after a call returns).
    const dst = new Float64Array(30).fill(1);
    expect(() => fast(new Float64Array(28), dst, 6, 5)).toThrow(/trapped/);
    expect([...dst]).toEqual(new Array(30).fill(1));
    // A huge width with short arrays: the guard's exact arithmetic refuses it; the loop as written traps.
    expect(() => fast(new Float64Array(8), new Float64Array(8), 2 ** 31 - 1, 3)).toThrow(/trapped/);
    expect(() => fast(new Float64Array(8), new Float64Array(8), 46341, 3)).toThrow(/trapped/);
    // A negative width: nothing runs.
    const untouched = new Float64Array(4).fill(3);
    fast(new Float64Array(4), untouched, -5, 4);
    expect([...untouched]).toEqual([3, 3, 3, 3]);
  });
});
