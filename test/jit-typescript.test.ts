// jit(sourceText): JavaScript or TypeScript source text. Annotations give the signature (bigint → u64,
// number → f64, …) so none is needed; TypeScript-only expressions (`as`, `!`, `satisfies`) are their
// operand; the TypeScript parser is loaded only for text plain JavaScript parsing refuses.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit, jitClass, JitError } from "../src/jit/index.ts";
import { typescriptLoadMs } from "../src/jit/front/typescript.ts";

const U64_MAX = (1n << 64n) - 1n;

function thrown(run: () => unknown): JitError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(JitError);
    return e as JitError;
  }
  throw new Error("expected a JitError");
}

// First in this file (each file has its own module state): nothing so far needed the TypeScript parser.
it("JavaScript functions and JavaScript source text do not load the TypeScript parser", () => {
  expect(jit((n: number) => n * 2)(4)).toBe(8);
  expect(jit("function triple(n) { return n * 3; }")(4)).toBe(12);
  expect(jit("(a, b) => a + b")(1n, 2n)).toBe(3n);
  expect(typescriptLoadMs).toBeUndefined();
});

describe("TypeScript source text", () => {
  const sumText = `function sumTo(n: bigint): bigint {
    let total: bigint = 0n;
    for (let i: bigint = 0n; i < n; i++) total += i;
    return total;
  }`;

  it("annotations are the signature: compiled at jit(), u64 by default, results as the JavaScript function's mod 2^64", () => {
    const fast = jit(sumText);
    expect(typescriptLoadMs).toBeGreaterThan(0);
    expect(fast.signatures).toEqual(["u64(u64)"]); // eager, as with a signature string
    expect(fast.name).toBe("sumTo");
    expect(fast.original).toBeUndefined();
    const plain = (n: bigint) => {
      let total = 0n;
      for (let i = 0n; i < n; i++) total += i;
      return total;
    };
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 3000n }), (n) => fast(n) === BigInt.asUintN(64, plain(n))));
    expect(fast(100_000n)).toBe(4999950000n);
  });

  it("a signature string takes precedence over the annotations (i64 here)", () => {
    const neg = jit("function neg(x: bigint): bigint { return -x; }", "i64(i64)");
    expect(neg.signatures).toEqual(["i64(i64)"]);
    expect(neg(5n)).toBe(-5n);
    expect(jit("function neg2(x: bigint): bigint { return -x; }")(5n)).toBe(U64_MAX - 4n); // u64 by default
  });

  it("number, boolean, typed arrays, void, jit type names and jitClass names", () => {
    const scale = jit(`function scale(xs: Float64Array, k: number, on: boolean): void {
      if (!on) return;
      for (let i = 0; i < xs.length; i++) xs[i]! *= k;
    }`);
    expect(scale.signatures).toEqual(["void(f64[], f64, bool)"]);
    const xs = new Float64Array([1, 2, 3]);
    scale(xs, 2, true);
    scale(xs, 10, false);
    expect([...xs]).toEqual([2, 4, 6]);

    const mix = jit("function mix(a: i32, b: u32, c: Int32Array): f64 { return a + b + c[0]; }");
    expect(mix.signatures).toEqual(["f64(i32, u32, i32[])"]);
    expect(mix(-1, 2 ** 32 - 1, new Int32Array([5]))).toBe(2 ** 32 + 3);

    jitClass(
      { re: "f64", im: "f64" },
      class Complex {
        constructor(
          public re: number,
          public im: number,
        ) {}
      },
    );
    const norm = jit("function norm(z: Complex): number { return z.re * z.re + z.im * z.im; }");
    expect(norm.signatures).toEqual(["f64(Complex)"]);
  });

  it("`as`, `!`, `satisfies`, annotated locals and type declarations compile to their JavaScript meaning", () => {
    const f = jit(`function f(a: Float64Array, n: number): number {
      type Index = number;
      interface Unused { x: number }
      let s: number = 0;
      for (let i: Index = 0; i < n; i++) s += (a[i] as number)! + (<number>i satisfies number);
      return s;
    }`);
    expect(f(new Float64Array([1.5, 2.5, 3]), 3)).toBe(1.5 + 2.5 + 3 + 0 + 1 + 2);
  });

  it("without annotations, types come from the call (a specialization per type tuple)", () => {
    const twice = jit("function twice(x) { return x + x; }");
    expect(twice(2.5)).toBe(5);
    expect(twice(2n)).toBe(4n);
    expect(twice.signatures).toEqual(["f64(f64)", "u64(u64)"]);
  });

  it("text functions call each other by name, as jit functions do", () => {
    jit("function sq(x: number): number { return x * x; }");
    const hyp = jit("function hyp(a: number, b: number): number { return Math.sqrt(sq(a) + sq(b)); }");
    expect(hyp(3, 4)).toBe(5);
  });
});

describe("TypeScript source text: errors", () => {
  it("a type with no jit equivalent points at the annotation", () => {
    const e = thrown(() => jit("function len(s: string): number {\n  return 1;\n}"));
    expect(e.message).toMatch(/the type `string` has no jit equivalent/);
    expect([e.line, e.column]).toEqual([1, 17]);
  });

  it("some parameters annotated and some not is refused, naming the one without", () => {
    const e = thrown(() => jit("function f(a: number, b) { return a + b; }"));
    expect(e.message).toMatch(/parameter `b` has no type annotation/);
    expect([e.line, e.column]).toEqual([1, 23]);
  });

  it("a TypeScript syntax error is a JitError with its position", () => {
    const e = thrown(() => jit("function f(a: number): number {\n  return a +;\n}"));
    expect(e.message).toMatch(/cannot parse the function/);
    expect(e.line).toBe(2);
  });

  it("unsupported constructs in TypeScript text are the usual JitErrors", () => {
    const e = thrown(() => jit("function f(a: number): number {\n  const o = { a };\n  return a;\n}"));
    expect(e.message).toMatch(/an object literal is not supported by jit/);
    expect([e.line, e.column]).toEqual([2, 13]);
  });

  it("verify and fallback are refused for source text (there is no JavaScript function to run)", () => {
    expect(() => jit("function f(a: number) { return a; }", undefined, { verify: 1 })).toThrow(/options.verify/);
    expect(() => jit("function f(a: number) { return a; }", undefined, { fallback: true })).toThrow(/options.fallback/);
  });
});
