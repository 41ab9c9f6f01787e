// Default parameter values (runtime/defaults.ts, front/lower.ts lowerDefaultParams): a left-out
// argument, or undefined, gets the default's value computed from the arguments before it, as in
// JavaScript; the compiled code is the one for every argument given.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit, JitError } from "../src/jit/index.ts";

function mean(a: Float64Array, n = a.length, scale = 1 / n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i];
  return s * scale;
}

function powMod(b: bigint, e: bigint, m = 1n << 61n) {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function clampAll(a: Float64Array, lo = 0, hi = lo + 1, out = new Float64Array(a.length)) {
  for (let i = 0; i < a.length; i++) out[i] = a[i] < lo ? lo : a[i] > hi ? hi : a[i];
  return out;
}

describe("jit: default parameter values", () => {
  it("computes a left-out argument's default as JavaScript does (random arrays and values, NaN, ±0, ±Infinity)", () => {
    const [fMean, fClamp] = [jit(mean), jit(clampAll)];
    const value = fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 31));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 30 }), value, value, fc.nat(40), (xs, lo, hi, k) => {
        const a = Float64Array.from(xs);
        const n = Math.min(k, xs.length);
        for (const args of [[a], [a, n], [a, undefined, lo], [a, n, lo]] as const)
          expect(Object.is(fMean(...(args as [Float64Array])), mean(...(args as [Float64Array])))).toBe(true);
        expect(fClamp(a)).toEqual(clampAll(a));
        expect(fClamp(a, lo)).toEqual(clampAll(a, lo));
        expect(fClamp(a, lo, hi)).toEqual(clampAll(a, lo, hi));
        expect(fClamp(a, undefined, hi)).toEqual(clampAll(a, undefined, hi));
      }),
      { numRuns: 150 },
    );
    const fPow = jit(powMod);
    for (const [b, e] of [
      [3n, 1000n],
      [2n ** 61n - 2n, 2n ** 62n],
      [0n, 0n],
    ])
      expect([fPow(b, e), fPow(b, e, 97n)]).toEqual([powMod(b, e), powMod(b, e, 97n)]);
  });

  it("writes into an array made by a default, and returns it", () => {
    const f = jit(clampAll);
    const out = f(new Float64Array([-1, 0.5, 3]), 0, 1);
    expect(out).toBeInstanceOf(Float64Array);
    expect([...out]).toEqual([0, 0.5, 1]);
    const given = new Float64Array(3);
    expect(f(new Float64Array([-1, 0.5, 3]), 0, 1, given)).toBe(given);
  });

  it("refuses by name a default that reads a name from outside the function, and a left-out argument without one", () => {
    const K = 3;
    function scaled(x: number, k = K) {
      return x * k;
    }
    const f = jit(scaled);
    expect(f(2, 5)).toBe(10);
    expect(() => f(2)).toThrow(JitError);
    expect(() => f(2)).toThrow(/the default value of `k` reads a name from outside the function .*pass `k`/);
    function two(a: number, b: number, c = 1) {
      return a + b + c;
    }
    expect(() => (jit(two) as (...args: number[]) => number)(1)).toThrow(/takes 3 arguments \(a, b, c\), got 1/);
    expect(jit(two)(1, 2)).toBe(4);
  });
});
