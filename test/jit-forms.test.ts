// Everyday forms lowered before the analyses (front/lower.ts `lowerForms`) and `**=`: JavaScript's
// answers on random inputs and edge values, the fast path kept (WAT), and every refusal by name with
// its line:column.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit, JitError } from "../src/jit/index.ts";

const double = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32, 2 ** 53 + 1, 0.5, -1),
);
const int32 = fc.oneof(fc.integer(), fc.constantFrom(0, 1, -1, 2 ** 31 - 1, -(2 ** 31)));
const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 53n + 1n));
const same = (a: unknown, b: unknown) => expect(Object.is(a, b) || a === b).toBe(true);

/** The JitError of compiling and calling `source`; its position must be where `needle` starts (the `nth` occurrence). */
function refusal(source: string, args: unknown[], needle: string, message: RegExp, nth = 0) {
  let error: unknown;
  try {
    jit(source)(...args);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(JitError);
  const e = error as JitError;
  expect(e.message).toMatch(message);
  let at = -1;
  for (let k = 0; k <= nth; k++) at = source.indexOf(needle, at + 1);
  expect(at).toBeGreaterThanOrEqual(0);
  const lines = source.slice(0, at).split("\n");
  expect([e.line, e.column]).toEqual([lines.length, lines[lines.length - 1].length + 1]);
}

function powers(x: number, y: number, a: Float64Array, ia: Int32Array) {
  let r = x;
  r **= y;
  // An int32 local until `**=`: the analyses see the write (a fraction, NaN, past 2^31).
  let m = 3;
  m **= y;
  a[0] **= y;
  ia[0] **= y;
  let p = 1.5;
  for (let i = 0; i < 4; i++) p **= 0.5 + i;
  return r + m * 2 + p + a[0] + ia[0];
}
function bigPow(b: bigint, e: bigint) {
  let r = b;
  r **= e;
  return r;
}

describe("jit: **=", () => {
  it("gives JavaScript's answers on numbers, elements and bigints", () => {
    const fPow = jit(powers);
    fc.assert(
      fc.property(double, double, (x, y) => {
        const [a, b] = [Float64Array.of(x), Float64Array.of(x)];
        const [ia, ib] = [Int32Array.of(x | 0), Int32Array.of(x | 0)];
        same(fPow(x, y, a, ia), powers(x, y, b, ib));
        expect([...a, ...ia]).toEqual([...b, ...ib]);
      }),
      { numRuns: 300 },
    );
    const [fU, fI] = [jit(bigPow, "u64(u64, u64)"), jit(bigPow, "i64(i64, i64)")];
    fc.assert(
      fc.property(u64, fc.bigInt({ min: 0n, max: 70n }), (b, e) => {
        expect(fU(b, e)).toBe(BigInt.asUintN(64, b ** e));
        expect(fI(BigInt.asIntN(64, b), e)).toBe(BigInt.asIntN(64, BigInt.asIntN(64, b) ** e));
      }),
      { numRuns: 200 },
    );
  });

  it("is `x = x ** y`: the same code as the written-out form", () => {
    function compound(x: number, y: number) {
      let r = x;
      r **= y;
      return r;
    }
    function written(x: number, y: number) {
      let r = x;
      r = r ** y;
      return r;
    }
    const body = (wat: string, name: string) => wat.replaceAll(name, "f");
    expect(body(jit(compound, "f64(f64, f64)").inspect(), "compound")).toBe(body(jit(written, "f64(f64, f64)").inspect(), "written"));
  });

  it("refuses a number `**=` a bigint by name", () => {
    refusal("function f(x, n) {\n  x **= n;\n  return x;\n}", [2, 3n], "x **=", /`\*\*=` between a number \(\w+\) and a bigint/);
  });
});
