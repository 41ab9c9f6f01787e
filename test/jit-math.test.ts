// All of Math: the functions WebAssembly has no instruction for are the host's own, imported, so
// every result is JavaScript's, bit for bit, NaN, ±0 and ±Infinity included; `**` on numbers is
// Math.pow's operation, and on bigints x^y mod 2^64.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HOST_MATH } from "../src/jit/codegen/builtins.ts";
import { jit } from "../src/jit/index.ts";

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, Math.PI, -Math.PI, 1e-300, 5e-324, 1e300, 710, -745, NaN, Infinity, -Infinity];
const num = fc.oneof(fc.double(), fc.constantFrom(...SPECIAL), fc.double({ min: -10, max: 10, noNaN: true }));
const RUNS = { numRuns: 200 };
const U64_MAX = (1n << 64n) - 1n;

const UNARY = Object.entries(HOST_MATH)
  .filter(([, arity]) => arity === 1)
  .map(([name]) => name);

describe("jit: the host's Math functions, bit for bit", () => {
  it.each(UNARY)("Math.%s(x)", (name) => {
    const fast = jit(`function f(x: number): number { return Math.${name}(x); }`);
    const original = (Math as unknown as Record<string, (x: number) => number>)[name];
    fc.assert(
      fc.property(num, (x) => Object.is(fast(x), original(x))),
      RUNS,
    );
    expect(fast.inspect()).toContain(`(import "Math" "${name}"`);
  });

  it.each(["atan2", "pow"])("Math.%s(x, y)", (name) => {
    const fast = jit(`function f(x: number, y: number): number { return Math.${name}(x, y); }`);
    const original = (Math as unknown as Record<string, (x: number, y: number) => number>)[name];
    fc.assert(
      fc.property(num, num, (x, y) => Object.is(fast(x, y), original(x, y))),
      RUNS,
    );
  });

  it("Math.hypot with one, two and three arguments (one import per argument count)", () => {
    const fast = jit(function h(x: number, y: number, z: number) {
      return Math.hypot(x) + Math.hypot(x, y) * 2 + Math.hypot(x, y, z) * 3;
    }, "f64(f64, f64, f64)");
    fc.assert(
      fc.property(num, num, num, (x, y, z) => Object.is(fast(x, y, z), Math.hypot(x) + Math.hypot(x, y) * 2 + Math.hypot(x, y, z) * 3)),
      RUNS,
    );
    expect(fast.inspect().match(/\(import "Math" "hypot"/g)).toHaveLength(3);
  });

  it("x ** y on numbers is Math.pow's result, int32 operands included", () => {
    const fast = jit((x: number, y: number) => x ** y);
    fc.assert(
      fc.property(num, num, (x, y) => Object.is(fast(x, y), x ** y)),
      RUNS,
    );
    expect(fast(2, 10)).toBe(1024);
    expect(Object.is(fast(-0, 3), -0)).toBe(true);
  });

  it("x ** y on bigints wraps modulo 2^64 (u64) and keeps the sign (i64); a negative i64 exponent traps", () => {
    const u = jit((x: bigint, y: bigint) => x ** y, "u64(u64, u64)");
    const exponent = fc.bigInt({ min: 0n, max: 300n });
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: 0n, max: U64_MAX }), fc.constantFrom(0n, 1n, 2n, 3n, U64_MAX)), exponent, (x, y) => {
        return u(x, y) === BigInt.asUintN(64, x ** y);
      }),
      RUNS,
    );
    expect(u(2n, 64n)).toBe(0n);
    expect(u(0n, 0n)).toBe(1n);
    expect(u(3n, U64_MAX)).toBe(BigInt.asUintN(64, modPow(3n, U64_MAX)));
    const s = jit((x: bigint, y: bigint) => x ** y, "i64(i64, i64)");
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), exponent, (x, y) => s(x, y) === BigInt.asIntN(64, x ** y)),
      RUNS,
    );
    expect(() => s(2n, -1n)).toThrow(/trapped/);
  });

  it("Math.random() is the host's generator: numbers in [0, 1), not all equal", () => {
    const fill = jit(function fill(out: Float64Array) {
      for (let i = 0; i < out.length; i++) out[i] = Math.random();
    });
    const out = new Float64Array(1000);
    fill(out);
    expect(out.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(out).size).toBeGreaterThan(990);
  });

  it("a loop calling Math.sin and Math.exp over an array gives the plain function's sum", () => {
    function waves(a: Float64Array) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += Math.sin(a[i]) * Math.exp(-a[i] * a[i]);
      return s;
    }
    const fast = jit(waves);
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 200 }), (a) => Object.is(fast(a), waves(a))),
      RUNS,
    );
  });

  it("Math functions with the wrong argument count, or on bigints, are JitErrors at the call", () => {
    expect(() => jit((x: number) => (Math.atan2 as (y: number) => number)(x), "f64(f64)")).toThrow(/Math\.atan2\(\) with 1 arguments/);
    expect(() => jit((x: bigint) => Math.exp(x as unknown as number), "f64(u64)")).toThrow(/Math\.exp\(\) of a bigint/);
    expect(() => jit((x: number) => (Math.random as (n: number) => number)(x), "f64(f64)")).toThrow(/Math\.random\(\) takes no arguments/);
  });
});

function modPow(x: bigint, y: bigint): bigint {
  let acc = 1n;
  for (let e = y; e > 0n; e >>= 1n) {
    if (e & 1n) acc = BigInt.asUintN(64, acc * x);
    x = BigInt.asUintN(64, x * x);
  }
  return acc;
}
