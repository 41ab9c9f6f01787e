// `return { lo, hi }` and `return [q, r]`: a function's result of several numbers, bigints or booleans
// (statements.ts returnRecord). Compiled as several wasm results; the boundary builds a fresh plain
// object (keys in source order) or a fresh Array per call. Every return gives the same shape.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { u64 } from "./support/arbitraries.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kernelRefOf } from "../src/kernels/contract.ts";
import { expectRefusal } from "./support/refusal.ts";
import { createPool } from "../src/index.ts";
import { jit, prange } from "../src/jit/index.ts";

const RUNS = { numRuns: 200 };
const EDGES = [NaN, 0, -0, Infinity, -Infinity, 1, -1, 0.5, -2.5, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 31, -(2 ** 31)];
const double = fc.oneof(fc.constantFrom(...EDGES), fc.double());
const doubles = fc.array(double, { maxLength: 40 }).map((a) => Float64Array.from(a));
const INT32_EDGES = [0, 1, -1, 2, -2, 7, -7, 2 ** 31 - 1, -(2 ** 31), 2 ** 30, -(2 ** 30) - 1];
const int32 = fc.oneof(fc.constantFrom(...INT32_EDGES), fc.integer());

/** JavaScript's value as jit gives it: bigints modulo 2^64 (u64). */
const asJit = (v: unknown) => (typeof v === "bigint" ? BigInt.asUintN(64, v) : v);

/** Same kind (plain object or Array), same keys in the same order, each value the same by Object.is (bigints mod 2^64). */
function expectSame(got: unknown, want: unknown, args: unknown[]) {
  const show = (v: unknown) =>
    JSON.stringify(v, (_, x) =>
      typeof x === "bigint" ? `${x}n` : typeof x === "number" && !Number.isFinite(x) ? String(x) : Object.is(x, -0) ? "-0" : x,
    );
  const kind = (v: unknown) => (Array.isArray(v) ? "Array" : Object.getPrototypeOf(v) === Object.prototype ? "object" : "other");
  expect(kind(got)).toBe(kind(want));
  expect(Object.keys(got as object)).toEqual(Object.keys(want as object));
  for (const k of Object.keys(want as object)) {
    const [g, w] = [(got as Record<string, unknown>)[k], asJit((want as Record<string, unknown>)[k])];
    if (!Object.is(g, w)) expect(`${k}: ${show(g)} vs ${show(w)} for ${args.map(show).join(", ")}`).toBe("same");
  }
}

/** Checks `fn` jitted against `fn` on `arbs` (each side on its own copies of the arrays); returns the jitted function. */
function agrees<A extends unknown[]>(fn: (...args: A) => unknown, arbs: { [K in keyof A]: fc.Arbitrary<A[K]> }, signature?: string) {
  const fast = jit(fn, signature) as unknown as ((...args: A) => unknown) & { inspect(): string; signatures: readonly string[] };
  const copy = (args: unknown[]) => args.map((v) => (ArrayBuffer.isView(v) ? (v as Float64Array).slice() : v)) as A;
  fc.assert(
    fc.property(...(arbs as unknown as [fc.Arbitrary<unknown>]), (...args: unknown[]) => {
      expectSame(fast(...copy(args)), fn(...copy(args)), args);
    }),
    RUNS,
  );
  return fast;
}

function minMax(a: Float64Array) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return { lo, hi };
}
function minMaxMath(a: Float64Array) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]);
    hi = Math.max(hi, a[i]);
  }
  return { min: lo, max: hi, count: a.length };
}
function meanVariance(a: Float64Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - mean) * (a[i] - mean);
  return { mean, variance: v / a.length };
}
function divmod(a: number, b: number) {
  return [(a / b) | 0, a % b];
}
function floorDivmod(a: number, b: number) {
  const q = Math.floor(a / b);
  return [q, a - q * b, b === 0];
}

describe("jit: objects and arrays of scalars as results", () => {
  it("min and max over arrays with NaN, ±0 and ±Infinity", () => {
    expect(agrees(minMax, [doubles]).signatures).toEqual(["{lo: f64, hi: f64}(f64[])"]);
    expect(agrees(minMaxMath, [doubles]).signatures).toEqual(["{min: f64, max: f64, count: u32}(f64[])"]);
  });

  it("mean and variance (two passes), NaN for an empty array", () => {
    agrees(meanVariance, [doubles]);
  });

  it("[q, r] of int32 edges: truncated and floored, -2^31 / -1, division by 0, -0 remainders", () => {
    expect(agrees(divmod, [int32, int32]).signatures).toEqual(["[i32, f64](i32, i32)"]);
    expect(agrees(floorDivmod, [int32, int32]).signatures).toEqual(["[f64, f64, bool](i32, i32)"]);
    expect(jit(divmod)(-(2 ** 31), -1)).toEqual([-(2 ** 31), -0]);
    expect(Object.is(jit(divmod)(-(2 ** 31), -1)[1], -0)).toBe(true);
  });

  it("a bigint pair of u64 edges (modulo 2^64, as unsigned bigints)", () => {
    const f = agrees((a: bigint, b: bigint) => ({ sum: a + b, product: a * b, q: a / (b | 1n), r: a % (b | 1n) }), [u64, u64]);
    expect(f.signatures).toEqual(["{sum: u64, product: u64, q: u64, r: u64}(u64, u64)"]);
    expect(f(2n ** 64n - 1n, 2n ** 64n - 1n)).toEqual({ sum: 2n ** 64n - 2n, product: 1n, q: 1n, r: 0n });
  });

  it("boolean, i32 and u32 fields come back as true/false and their JavaScript numbers", () => {
    const f = agrees((x: number) => ({ negative: x < 0, finite: Number.isFinite(x), low: x | 0, unsigned: x >>> 0, x }), [double]);
    expect(f.signatures).toContain("{negative: bool, finite: bool, low: i32, unsigned: u32, x: f64}(f64)");
    expect(f(-1)).toEqual({ negative: true, finite: true, low: -1, unsigned: 2 ** 32 - 1, x: -1 });
  });

  it("numbers of several returns join to f64, elements are computed in source order", () => {
    function clamp(x: number, lo: number, hi: number) {
      if (x < lo) return { value: lo, clamped: true };
      if (x > hi) return { value: hi, clamped: true };
      return { value: x * 0.5, clamped: false };
    }
    expect(agrees(clamp, [double, int32, int32]).signatures).toContain("{value: f64, clamped: bool}(f64, i32, i32)");
    function order(a: Float64Array) {
      let i = 0;
      return [a[i++], a[i++] * 2, i];
    }
    agrees(order, [fc.array(double, { minLength: 2, maxLength: 4 }).map((a) => Float64Array.from(a))]);
    // An arrow's expression body, shorthand keys, a one-field object and a one-element array.
    agrees((x: number, y: number) => ({ x, y, sum: x + y }), [double, double]);
    agrees((x: number) => ({ only: x * 2 }), [double]);
    agrees((x: number) => [x - 1], [double]);
  });

  it("returns from inside loops, in a moved (chunked) loop too", () => {
    function find(a: Float64Array, t: number) {
      for (let i = 0; i < a.length; i++) if (a[i] === t) return { index: i, found: true };
      return { index: -1, found: false };
    }
    const arrays = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 300 }).map((a) => Float64Array.from(a));
    agrees(find, [arrays, fc.integer({ min: 0, max: 6 })]);
    const before = process.env.HOTPATH_JIT_CHUNK;
    process.env.HOTPATH_JIT_CHUNK = "1";
    try {
      const chunked = jit(function findChunked(a: Float64Array, t: number) {
        for (let i = 0; i < a.length; i++) if (a[i] === t) return [i, a[i] * 2];
        return [-1, NaN];
      });
      const a = Float64Array.from({ length: 5000 }, (_, i) => i % 4000);
      expect(chunked(a, 3999)).toEqual([3999, 7998]);
      expect(chunked(a, -5)).toEqual([-1, NaN]);
      expect(chunked(a, 0.5)).toEqual([-1, NaN]);
      expect(chunked.inspect()).toMatch(/\(func \$\w+_loop_\d+/);
    } finally {
      if (before === undefined) delete process.env.HOTPATH_JIT_CHUNK;
      else process.env.HOTPATH_JIT_CHUNK = before;
    }
  });

  it("a fresh plain object (or Array) per call: changing one result changes no other", () => {
    const f = jit(minMax);
    const a = Float64Array.of(3, -1, 8);
    const first = f(a);
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    first.lo = 100;
    (first as Record<string, unknown>).extra = 1;
    const second = f(a);
    expect(second).not.toBe(first);
    expect(second).toEqual({ lo: -1, hi: 8 });
    const g = jit(divmod);
    const r1 = g(7, 2);
    expect(Array.isArray(r1)).toBe(true);
    r1[0] = 99;
    r1.push(5);
    expect(g(7, 2)).toEqual([3, 1]);
    const one = jit((x: number) => [x]);
    const o1 = one(1);
    o1[0] = 5;
    expect(one(1)).toEqual([1]);
  });

  it("a declared signature with a shape, the function's TypeScript return type, verify and adaptive", () => {
    const declared = jit(minMax, "{lo: f64, hi: f64}(f64[])");
    expect(declared(Float64Array.of(2, -0, 0))).toEqual({ lo: -0, hi: 2 });
    expect(declared.signatures).toEqual(["{lo: f64, hi: f64}(f64[])"]);
    expect(jit(divmod, "[f64, f64](f64, f64)")(7.5, 2)).toEqual([3, 1.5]);
    // Declared i32 where a return gives any number: refused, as for a scalar result.
    expect(() => jit(divmod, "[i32, i32](i32, i32)")).toThrow(/element 1 of the return value: a f64 number where i32 is required/);
    expect(() => jit(minMax, "{hi: f64, lo: f64}(f64[])")).toThrow(
      /an object with the keys lo, hi where the function returns \{hi: f64, lo: f64\}/,
    );
    expect(() => jit(minMax, "{lo: f64, lo: f64}(f64[])")).toThrow(/Key lo given twice/);
    expect(() => jit(minMax, "{lo: f64[]}(f64[])")).toThrow(TypeError);
    const ts = jit(
      "function span(a: Float64Array): { lo: number; hi: number } {\n  let lo = Infinity, hi = -Infinity;\n  for (const x of a) { lo = Math.min(lo, x); hi = Math.max(hi, x); }\n  return { lo, hi };\n}",
    );
    expect(ts(Float64Array.of(1, 5))).toEqual({ lo: 1, hi: 5 });
    expect(ts.signatures).toEqual(["{lo: f64, hi: f64}(f64[])"]);
    const verified = jit(meanVariance, undefined, { verify: 50 });
    for (let n = 0; n < 50; n++)
      expectSame(
        verified(Float64Array.from({ length: n }, (_, i) => Math.sin(i) * n)),
        meanVariance(Float64Array.from({ length: n }, (_, i) => Math.sin(i) * n)),
        [n],
      );
    const verifiedBig = jit((a: bigint, b: bigint) => [a * b, a < b], undefined, { verify: 5 });
    expect(verifiedBig(2n ** 63n, 2n)).toEqual([0n, false]);
    // Scalar calls of code calling Math: adaptive measures the original too; every answer is the same.
    const polar = (x: number, y: number) => ({ r: Math.hypot(x, y), theta: Math.atan2(y, x), ok: Math.sin(x) > 0 });
    const adaptive = jit(polar);
    for (let i = 0; i < 3000; i++) expectSame(adaptive(i * 0.37 - 500, -i), polar(i * 0.37 - 500, -i), [i]);
  });

  it("on the disk cache: another process (here, fresh modules) reads the shape back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hotpath-jit-records-"));
    const before = process.env.HOTPATH_JIT_CACHE;
    process.env.HOTPATH_JIT_CACHE = dir;
    const source = "function split(a, b) { return { q: (a / b) | 0, r: a % b, big: a > b }; }";
    try {
      const load = async () => {
        vi.resetModules();
        return (await import("../src/jit/index.ts")).jit;
      };
      const first = (await load())(source, undefined, { cache: true });
      expect(first(-7, 2)).toEqual({ q: -3, r: -1, big: false });
      expect(first.stats.compiled).toBe(1);
      const second = (await load())(source, undefined, { cache: true });
      expect(second(-7, 2)).toEqual({ q: -3, r: -1, big: false });
      expect(second.stats).toMatchObject({ compiled: 0, diskHits: 1 });
      expect(second.signatures).toEqual(["{q: i32, r: f64, big: bool}(i32, i32)"]);
      expect(second.inspect()).toContain(";; split: {q: i32, r: f64, big: bool}(i32, i32)");
    } finally {
      if (before === undefined) delete process.env.HOTPATH_JIT_CACHE;
      else process.env.HOTPATH_JIT_CACHE = before;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the WAT: several results, left on the stack (no memory traffic for them)", () => {
    const f = jit(divmod);
    f(7, 2);
    const wat = f.inspect();
    expect(wat).toMatch(/\(func \$divmod \(export "divmod"\) \(param i32\) \(param i32\) \(result i32 f64\)/);
    expect(wat).not.toMatch(/\.(store|load)/);
    const g = jit(minMax);
    g(Float64Array.of(1));
    expect(g.inspect()).toMatch(/\(result f64 f64\)/);
    expect(g.inspect()).not.toMatch(/\.store/);
  });
});

describe("jit: what a result of several values refuses", () => {
  const refusal = (fn: (...args: any[]) => unknown, args: unknown[], message: RegExp, needle?: string) =>
    expectRefusal(fn, args, message, needle);

  it("returns of different shapes, naming both", () => {
    function keys(x: number) {
      if (x > 0) return { a: x, b: x };
      return { b: x, a: x };
    }
    refusal(
      keys,
      [1],
      /`return \{ b: x, a: x \}` \(at \d+:\d+\) returns \{b: i32, a: i32\}, another shape than \{a: i32, b: i32\} of `return \{ a: x, b: x \}` \(at 2:\d+\): every return/,
    );
    function lengths(x: number) {
      if (x > 0) return [x, x];
      return [x, x, x];
    }
    refusal(lengths, [1], /returns \[i32, i32, i32\], another shape than \[i32, i32\] of `return \[x, x\]`/);
    function scalar(x: number) {
      if (x > 0) return [x, x];
      return x;
    }
    refusal(scalar, [1], /`return x` \(at \d+:\d+\) returns i32 where \[i32, i32\] is returned by `return \[x, x\]` \(at 2:\d+\)/);
    function kinds(x: number) {
      if (x > 0) return { a: x, ok: true };
      return { a: x, ok: 1 };
    }
    refusal(kinds, [1], /gives `ok` a number \(i32\) where it is a boolean in `return \{ a: x, ok: true \}`/);
    function objectOrArray(x: number) {
      if (x > 0) return { 0: x };
      return [x];
    }
    refusal(objectOrArray, [1], /a key that is not a plain name/);
    function none(x: number) {
      if (x > 0) return [x];
      return;
    }
    refusal(none, [1], /`return;` \(at \d+:\d+\) returns void where \[i32\] is returned by/);
  });

  it("values other than numbers, bigints and booleans, and object forms beyond plain keys", () => {
    refusal((a: Float64Array) => ({ a }), [new Float64Array(1)], /`a` of a returned object is a Float64Array/, "a }");
    refusal((x: number) => [x, [x]], [1], /an array literal is not supported/, "[x]]");
    refusal((x: number) => ({ x, inner: { x } }), [1], /an object literal is not supported/, "{ x }");
    refusal((x: number) => ({ ...{ x } }), [1], /spread in a returned object literal is not supported/, "...");
    refusal((x: number) => [...[x]], [1], /spread in a returned array literal/);
    refusal((x: number) => [x, , x], [1], /a hole in a returned array literal/);
    refusal((x: number) => ({ ["k"]: x }), [1], /a computed key in a returned object literal/);
    expect(() => jit("function dup(x) { return { a: x, b: x, a: x }; }")(1)).toThrow(
      /the key `a` is given twice in this returned object literal \(at 1:40\)/,
    );
    refusal(
      (x: number) => ({
        f() {
          return x;
        },
      }),
      [1],
      /a method in a returned object literal/,
    );
    refusal(
      (x: number) => ({
        get g() {
          return x;
        },
      }),
      [1],
      /a getter in a returned object literal/,
    );
    refusal((x: number) => ({ __proto__: x }), [1], /the key `__proto__`/);
    refusal((x: number) => ({ "a b": x }), [1], /a key that is not a plain name/);
  });

  it("reading such a result in another jit function is refused by name", () => {
    const span = jit(minMax);
    span(Float64Array.of(1));
    refusal(
      (a: Float64Array) => minMax(a).hi - minMax(a).lo,
      [Float64Array.of(1, 2)],
      /reading the result of `minMax` in a jit function: it returns an object \(\{lo: f64, hi: f64\}\)/,
    );
  });

  it("the pool and compare() refuse it: the kernel contract returns one scalar", () => {
    const f = jit(minMax);
    expect(() => kernelRefOf(f, [new Float64Array(4)])).toThrow(
      /cannot be a kernel for the pool or compare\(\): it returns an object of several values \(\{lo: f64, hi: f64\}\)/,
    );
    expect(() => kernelRefOf(jit(divmod, "[i32, f64](i32, i32)"))).toThrow(/it returns an array of several values \(\[i32, f64\]\)/);
  });
});

describe("jit: parallel functions and vectorize", () => {
  let pool: Awaited<ReturnType<typeof createPool>>;
  beforeAll(async () => {
    pool = await createPool({ workers: 2, warmUp: false });
  });
  afterAll(() => pool?.close());

  it("a parallel function's code after its prange loop returns an object", async () => {
    function moments(a: Float64Array) {
      let s = 0;
      let s2 = 0;
      for (const i of prange(0, a.length)) {
        s += a[i];
        s2 += a[i] * a[i];
      }
      const mean = s / a.length;
      return { mean, variance: s2 / a.length - mean * mean };
    }
    const p = jit(moments, { parallel: true, pool });
    const a = Float64Array.from({ length: 4096 }, (_, i) => i % 97);
    expect(await p(a)).toEqual(moments(a));
  });

  it("an object returned before the prange loop is refused by name (the statements before it start every piece)", () => {
    function early(a: Float64Array) {
      if (a.length === 0) return { s: 0, n: 0 };
      let s = 0;
      for (const i of prange(0, a.length)) s += a[i];
      return { s, n: a.length };
    }
    expect(() => jit(early, { parallel: true, pool })).toThrow(/an object or array returned before the prange loop of a parallel function/);
  });

  it("vectorize refuses a scalar function returning several values", async () => {
    const { vectorize } = await import("../src/jit/index.ts");
    const v = vectorize(((x: number) => ({ a: x, b: -x })) as never);
    expect(() => v(Float64Array.of(1, 2))).toThrow(
      /returns \{a: f64, b: f64\} for \(f64\); vectorize needs a number, bigint or boolean result/,
    );
  });
});
