import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernels, twins } from "../src/index.ts";

const k = await kernels();

/** A deterministic pseudo-random matrix with values in [−1, 1) (fast-check drives the seeds). */
function matrix(length: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  return Float64Array.from({ length }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 31 - 1;
  });
}

const bitEqual = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe("dot", () => {
  it("dotScalar equals the left-to-right twin bit for bit; dot agrees within rounding", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (n, seed) => {
        const a = matrix(n, seed);
        const b = matrix(n, seed + 1);
        const twin = twins.number.dot(a, b);
        expect(Object.is(k.dotScalar(a, b), twin)).toBe(true);
        const bound = 4 * n * Number.EPSILON * a.reduce((s, x, i) => s + Math.abs(x * b[i]), 0);
        expect(Math.abs(k.dot(a, b) - twin)).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 200 },
    );
  });

  it("is exact where every partial sum is an integer", () => {
    const a = Float64Array.from({ length: 1001 }, (_, i) => i);
    const b = Float64Array.from({ length: 1001 }, (_, i) => 1001 - i);
    const exact = a.reduce((s, x, i) => s + x * b[i], 0);
    expect(k.dot(a, b)).toBe(exact);
    expect(k.dotScalar(a, b)).toBe(exact);
    expect(k.dot(new Float64Array(0), new Float64Array(0))).toBe(0);
  });
});

describe("saxpy", () => {
  it("updates y in place exactly as the twin does, SIMD and scalar, and returns y", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), fc.double({ min: -10, max: 10, noNaN: true }), (n, seed, alpha) => {
        const x = matrix(n, seed);
        const y = matrix(n, seed + 7);
        const want = twins.number.saxpy(alpha, x, y.slice());
        const xCopy = x.slice();
        for (const f of [k.saxpy, k.saxpyScalar]) {
          const yy = y.slice();
          expect(f(alpha, x, yy)).toBe(yy);
          expect(bitEqual(yy, want)).toBe(true);
        }
        expect(bitEqual(x, xCopy)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("computes 2·x + y on integers", () => {
    expect([...k.saxpy(2, Float64Array.of(1, 2, 3), Float64Array.of(10, 20, 30))]).toEqual([12, 24, 36]);
  });
});

describe("matmul", () => {
  it("multiplies a 2 × 3 by a 3 × 2 matrix (worked by hand)", () => {
    const a = Float64Array.of(1, 2, 3, 4, 5, 6);
    const b = Float64Array.of(7, 8, 9, 10, 11, 12);
    expect([...k.matmul(a, b, 2, 3, 2)]).toEqual([58, 64, 139, 154]);
    expect([...k.matmulScalar(a, b, 2, 3, 2)]).toEqual([58, 64, 139, 154]);
  });

  it("equals the naive i-k-j twin bit for bit on random shapes (edges of the 4 × 4 tiles)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 1, max: 23 }),
        fc.integer({ min: 1, max: 23 }),
        fc.integer(),
        (m, kk, n, seed) => {
          const a = matrix(m * kk, seed);
          const b = matrix(kk * n, seed + 3);
          const want = twins.number.matmul(a, b, m, kk, n);
          expect(bitEqual(k.matmul(a, b, m, kk, n), want)).toBe(true);
          expect(bitEqual(k.matmulScalar(a, b, m, kk, n), want)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("equals the twin bit for bit across the cache blocks (k > 128, n > 256)", () => {
    const [m, kk, n] = [37, 131, 261];
    const a = matrix(m * kk, 11);
    const b = matrix(kk * n, 12);
    const want = twins.number.matmul(a, b, m, kk, n);
    expect(bitEqual(k.matmul(a, b, m, kk, n), want)).toBe(true);
  });

  it("computes any row block of the raw kernel as the same rows of the whole product", () => {
    const [m, kk, n] = [13, 9, 11];
    const a = matrix(m * kk, 5);
    const b = matrix(kk * n, 6);
    const whole = k.matmul(a, b, m, kk, n);
    const ex = k.exports;
    const base = Math.ceil(ex.heapBase() / 16) * 16;
    if (ex.memory.buffer.byteLength < base + 8 * (m * kk + kk * n + m * n)) ex.memory.grow(1);
    const pa = base;
    const pb = pa + 8 * m * kk;
    const pc = pb + 8 * kk * n;
    new Float64Array(ex.memory.buffer, pa, m * kk).set(a);
    new Float64Array(ex.memory.buffer, pb, kk * n).set(b);
    for (const [r0, r1] of [
      [0, 5],
      [5, 6],
      [6, 13],
    ])
      ex.matmul(pa, pb, pc, m, kk, n, r0, r1);
    expect(bitEqual(new Float64Array(ex.memory.buffer, pc, m * n).slice(), whole)).toBe(true);
  });

  it("returns a fresh m × n Float64Array and leaves the inputs alone", () => {
    const a = matrix(6, 1);
    const b = matrix(6, 2);
    const [aa, bb] = [a.slice(), b.slice()];
    const c = k.matmul(a, b, 2, 3, 2);
    expect(c.length).toBe(4);
    expect(c.buffer).not.toBe(k.exports.memory.buffer);
    expect(bitEqual(a, aa) && bitEqual(b, bb)).toBe(true);
  });
});

describe("bad input", () => {
  const v = Float64Array.of(1, 2, 3);
  it("dot wants two Float64Arrays of one length", () => {
    expect(() => k.dot([1, 2, 3] as never, v)).toThrow(TypeError);
    expect(() => k.dot([1, 2, 3] as never, v)).toThrow("Expected `a` to be a Float64Array, got an Array of length 3");
    expect(() => k.dotScalar(v, new Float32Array(3) as never)).toThrow("Expected `b` to be a Float64Array, got Float32Array of length 3");
    expect(() => k.dot(v, new Float64Array(4))).toThrow(RangeError);
    expect(() => k.dot(v, new Float64Array(4))).toThrow(
      "Expected `b` to be a Float64Array of length 3 (the length of `a`), got Float64Array of length 4",
    );
  });

  it("saxpy checks alpha, x and y", () => {
    expect(() => k.saxpy(NaN, v, v.slice())).toThrow("Expected `alpha` to be a finite number, got NaN (number)");
    expect(() => k.saxpyScalar("2" as never, v, v.slice())).toThrow(TypeError);
    expect(() => k.saxpy(2, v, new Float64Array(2))).toThrow(
      "Expected `y` to be a Float64Array of length 3 (the length of `x`), got Float64Array of length 2",
    );
    expect(() => k.saxpy(2, null as never, v)).toThrow("Expected `x` to be a Float64Array, got null");
  });

  it("matmul checks the shape against the arrays", () => {
    const a = new Float64Array(6);
    expect(() => k.matmul(a, a, 0, 3, 2)).toThrow("Expected `m` to be an integer in [1, 4294967295], got 0 (number)");
    expect(() => k.matmul(a, a, 2, 1.5, 2)).toThrow("Expected `k` to be an integer, got 1.5 (number)");
    expect(() => k.matmul(a, a, 2, 3, "2" as never)).toThrow(TypeError);
    expect(() => k.matmul(a, a, 3, 3, 2)).toThrow("Expected `a` to be a Float64Array of length m·k = 9, got Float64Array of length 6");
    expect(() => k.matmulScalar(a, a, 2, 3, 3)).toThrow(
      "Expected `b` to be a Float64Array of length k·n = 9, got Float64Array of length 6",
    );
  });

  it("refuses a product too large for wasm memory with a RangeError naming c", () => {
    const column = new Float64Array(65536);
    expect(() => k.matmul(column, column, 65536, 1, 65536)).toThrow(RangeError);
    expect(() => k.matmul(column, column, 65536, 1, 65536)).toThrow("Expected `c (m·n f64s)` to fit in wasm memory");
  });
});
