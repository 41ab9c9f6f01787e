// The code generator's exact optimizations (src/jit): each one is checked two ways, that it is applied
// (the WAT has the cheaper instructions) and that the result is still the original function's, on
// random inputs with u64 and f64 edges (bigints through BigInt.asUintN(64, …), numbers with Object.is).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";

const U64_MAX = (1n << 64n) - 1n;
const EDGES = [0n, 1n, 2n, 3n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, (1n << 63n) - 1n, 1n << 63n, U64_MAX - 1n, U64_MAX];
const u64 = fc.oneof(fc.constantFrom(...EDGES), fc.bigInt({ min: 0n, max: U64_MAX }), fc.bigInt({ min: 0n, max: 1000n }));
const num = fc.oneof(
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    2 ** 53,
    2 ** 1023,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    2 ** -1022,
    2 ** -1060,
    NaN,
    Infinity,
    -Infinity,
  ),
);
const RUNS = { numRuns: 300 };

/** The jitted function gives what the original gives; returns its WAT. */
function agrees<A extends unknown[]>(
  fn: (...args: A) => unknown,
  arbs: { [K in keyof A]: fc.Arbitrary<A[K]> },
  signature?: string,
): string {
  const fast = jit(fn, signature) as unknown as ((...args: A) => unknown) & { inspect(): string };
  fc.assert(
    fc.property(...(arbs as unknown as [fc.Arbitrary<unknown>]), (...args: unknown[]) => {
      const want = fn(...(args as A));
      const got = fast(...(args as A));
      if (typeof want === "bigint") expect(got).toBe(BigInt.asUintN(64, want));
      else expect(Object.is(got, want) ? "same" : `${String(got)} vs ${String(want)} for ${args.map(String)}`).toBe("same");
    }),
    RUNS,
  );
  return fast.inspect();
}

const count = (wat: string, op: string) => wat.split("\n").filter((line) => line.trim().split(" ")[0] === op).length;

describe("jit: division by a constant power of two is a multiplication by its reciprocal", () => {
  it("gives the same doubles (NaN, ±∞, ±0, subnormals, overflow) and uses f64.mul", () => {
    for (const fn of [
      (x: number) => x / 8,
      (x: number) => x / 2 ** 53,
      (x: number) => x / -0.25,
      (x: number) => x / 2 ** 1023,
      (x: number) => x / 2 ** -1022,
      (x: number) => x / 2 ** -1023,
      (x: number) => (3 * x) / 1024 + 1,
    ]) {
      const wat = agrees(fn, [num], "f64(f64)");
      expect(count(wat, "f64.div"), fn.toString()).toBe(0);
      expect(count(wat, "f64.mul"), fn.toString()).toBeGreaterThan(0);
    }
  });

  it("keeps the division where the reciprocal is not an exact double, or the divisor is not a constant power of two", () => {
    for (const fn of [(x: number) => x / 3, (x: number) => x / 2 ** -1074, (x: number) => x / 0]) {
      const wat = agrees(fn, [num], "f64(f64)");
      expect(count(wat, "f64.div"), fn.toString()).toBe(1);
    }
    expect(
      count(
        agrees((x: number, y: number) => x / y, [num, num], "f64(f64, f64)"),
        "f64.div",
      ),
    ).toBe(1);
  });
});

describe("jit: Number() of a u64 shifted right by a constant is the signed conversion", () => {
  it("matches JavaScript on u64 edges and uses f64.convert_i64_s only when the shift is ≥ 1", () => {
    const draw = (s: bigint) => Number(s >> 11n) / 2 ** 53;
    expect(count(agrees(draw, [u64]), "f64.convert_i64_s")).toBe(1);
    expect(
      count(
        agrees((s: bigint) => Number(s >> 1n), [u64]),
        "f64.convert_i64_s",
      ),
    ).toBe(1);
    expect(
      count(
        agrees((s: bigint) => Number(s >> 63n), [u64]),
        "f64.convert_i64_s",
      ),
    ).toBe(1);
    const unshifted = agrees((s: bigint) => Number(s >> 0n) + Number(s), [u64]);
    expect(count(unshifted, "f64.convert_i64_s")).toBe(0);
    expect(count(unshifted, "f64.convert_i64_u")).toBe(2);
  });
});

describe("jit: `if (c) x = …` on a local is a select (no branch)", () => {
  it("a counter of events: the same count, without a branch", () => {
    function hits(seed: bigint, n: bigint) {
      let s = seed;
      let inside = 0n;
      for (let i = 0n; i < n; i++) {
        s = BigInt.asUintN(64, s ^ (s << 13n));
        s ^= s >> 7n;
        s = BigInt.asUintN(64, s ^ (s << 17n));
        if (Number(s >> 11n) / 2 ** 53 < 0.7) inside++;
      }
      return inside;
    }
    const wat = agrees(hits, [u64.filter((s) => s !== 0n), fc.bigInt({ min: 0n, max: 200n })]);
    expect(count(wat, "select")).toBe(1);
    expect(count(wat, "if")).toBe(0);
  });

  it("keeps JavaScript's values: -0 stays -0 when the condition fails, numbers and bigints, += and =", () => {
    agrees(
      (x: number, c: number) => {
        let y = -0;
        if (c > 0) y += x;
        return y;
      },
      [num, num],
    );
    agrees(
      (a: bigint, b: bigint) => {
        let m = a;
        if (b > a) m = b * 3n + (a ^ b);
        return m;
      },
      [u64, u64],
    );
    agrees(
      (a: number, b: number) => {
        let m = a;
        if (!(b <= a)) m = b;
        return m;
      },
      [num, num],
    );
  });

  it("keeps the branch where the new value could trap or has an effect (no speculation)", () => {
    function quotient(n: bigint, d: bigint) {
      let q = 0n;
      if (d !== 0n) q = n / d;
      return q;
    }
    const wat = agrees(quotient, [u64, fc.oneof(fc.constant(0n), u64)]);
    expect(count(wat, "select")).toBe(0);
    function effects(a: Float64Array, k: number) {
      let n = 0;
      let m = 0;
      for (let i = 0; i < a.length; i++) if (a[i] > k) n = m++;
      return n + m;
    }
    const arr = fc.array(fc.double({ noNaN: true, min: -10, max: 10 }), { maxLength: 12 }).map((v) => Float64Array.from(v));
    expect(count(agrees(effects, [arr, fc.double({ min: -10, max: 10, noNaN: true })]), "select")).toBe(0);
  });
});
