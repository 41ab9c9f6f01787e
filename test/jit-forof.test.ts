// `for (const x of a)` over a typed array: the counted loop over its indices (front/lower.ts
// lowerArrayLoops), with JavaScript's answers, and the loop shapes the code generator knows.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { u64 } from "./support/arbitraries.ts";
import { jit } from "../src/jit/index.ts";

function sum(a: Float64Array) {
  let s = 0;
  for (const x of a) s += x;
  return s;
}
function maxAndReset(a: Float64Array) {
  let m = -Infinity;
  for (let x of a) {
    if (x > m) m = x;
    x = 0; // the iteration's own binding: the array is not written
  }
  return m;
}
/** The loop iterates the array it started with, though the body assigns the name; an outer x is assigned. */
function switched(a: Float64Array, b: Float64Array) {
  let x = 0;
  let s = 0;
  for (x of a) {
    s += x;
    a = b;
  }
  return s * 1000 + x + a.length;
}
function pairsBelow(a: Int32Array) {
  let c = 0;
  outer: for (const x of a) {
    for (const y of a) {
      if (y > x) continue outer;
      if (y === x) break;
      c++;
    }
  }
  return c;
}
function bigXor(a: BigUint64Array) {
  let h = 0n;
  for (const v of a) h = (h ^ v) * 0x100000001b3n;
  return h;
}

describe("jit: for…of over a typed array", () => {
  it("gives JavaScript's answers (random arrays, NaN, ±0, ±Infinity, u64 edges)", () => {
    const [fSum, fMax, fSwitched, fPairs, fXor] = [jit(sum), jit(maxAndReset), jit(switched), jit(pairsBelow), jit(bigXor, "u64(u64[])")];
    const double = fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 53 + 1));
    fc.assert(
      fc.property(fc.array(double, { maxLength: 100 }), fc.array(double, { maxLength: 5 }), (xs, ys) => {
        const [a, b] = [Float64Array.from(xs), Float64Array.from(ys)];
        expect(fSum(a)).toBe(sum(a));
        expect(fMax(a)).toBe(maxAndReset(a));
        expect([...a]).toEqual(xs);
        expect(fSwitched(a, b)).toBe(switched(a, b));
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 80 }), (xs) => {
        const a = Int32Array.from(xs);
        expect(fPairs(a)).toBe(pairsBelow(a));
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.array(u64, { maxLength: 50 }), (xs) => {
        const a = BigUint64Array.from(xs);
        expect(fXor(a)).toBe(BigInt.asUintN(64, bigXor(a)));
      }),
      { numRuns: 100 },
    );
  });

  it("compiles to the same code as the indexed loop (no bounds check on the element reads)", () => {
    function indexed(a: Float64Array) {
      let s = 0;
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        s += x;
      }
      return s;
    }
    const body = (wat: string, name: string) => wat.replaceAll(name, "f");
    expect(body(jit(sum, "f64(f64[])").inspect(), "sum")).toBe(body(jit(indexed, "f64(f64[])").inspect(), "indexed"));
  });

  it("refuses for…of over what is not an array by name", () => {
    expect(() =>
      jit((n: number) => {
        let s = 0;
        for (const x of n as unknown as Float64Array) s += x;
        return s;
      })(3),
    ).toThrow(/`\.length` of a number/);
  });
});
