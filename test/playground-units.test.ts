// The playground's own logic, in Node: the arguments field's parser (values, types, errors with
// their column; nothing outside its grammar is run), the URL state (any text survives the round trip;
// a damaged link falls back field by field), and the type stripper that gives the race its plain
// function (every example, stripped, gives jit's answers; lines and columns stay where they were).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { ArgsError, parseArgs } from "../examples/playground/src/args.ts";
import { EXAMPLES } from "../examples/playground/src/examples.ts";
import { isRangeSignature } from "../examples/playground/src/race-protocol.ts";
import { asFunctionSpec, SignatureError, specText } from "../examples/playground/src/as-signature.ts";
import { decodeState, defaultState, encodeState, type PlaygroundState } from "../examples/playground/src/state.ts";
import { StripError, stripTypes } from "../examples/playground/src/strip-types.ts";

const values = (text: string) => parseArgs(text).map((a) => a.make());
const types = (text: string) => parseArgs(text).map((a) => a.type);

describe("playground arguments field", () => {
  it("reads numbers, bigints and booleans as JavaScript would, with jit's types", () => {
    expect(values("0n, 10n ** 7n, 2n ** 64n - 1n, -5n")).toEqual([0n, 10_000_000n, 2n ** 64n - 1n, -5n]);
    expect(values("1e6, 1_000, 0x10, 0b101, 1.5, -(2 ** 31), 7 % 4, 1 / 4")).toEqual([1e6, 1000, 16, 5, 1.5, -(2 ** 31), 3, 0.25]);
    expect(values("2 ** 3 ** 2, -2 * 3 + 1, (1 + 2) * 3")).toEqual([512, -5, 9]);
    expect(values("true, false, Infinity")).toEqual([true, false, Infinity]);
    expect(types("1n, 7, 2 ** 31, 1.5, -0, true")).toEqual(["u64", "i32", "f64", "f64", "f64", "bool"]);
    expect(values("")).toEqual([]);
  });

  it("makes typed arrays of every element type, seeded: the same text gives the same array", () => {
    const [a, b, c] = values("randomF64(1000), randomF64(1000), randomF64(1000, 1)") as Float64Array[];
    expect(a).toBeInstanceOf(Float64Array);
    expect(a.length).toBe(1000);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(990);
    expect(b).not.toEqual(a); // the second random call has the next seed
    expect(c).toEqual(a); // seed 1 is the first call's
    expect(values("randomF64(1000)")[0]).toEqual(a);
    expect(types("zerosF64(2), zerosF32(2), zerosI32(2), zerosU32(2), zerosU8(2), zerosI64(2), zerosU64(2)")).toEqual([
      "f64[]",
      "f32[]",
      "i32[]",
      "u32[]",
      "u8[]",
      "i64[]",
      "u64[]",
    ]);
    expect(values("rangeU64(3), rangeI32(4), zerosU8(2)")).toEqual([
      new BigUint64Array([0n, 1n, 2n]),
      new Int32Array([0, 1, 2, 3]),
      new Uint8Array(2),
    ]);
    const bytes = values("randomU8(5000)")[0] as Uint8Array;
    expect(Math.max(...bytes)).toBeGreaterThan(200);
  });

  it("refuses anything outside its grammar, with the column and what was expected", () => {
    const fails = (text: string, column: number, message: RegExp) => {
      let error: unknown;
      try {
        parseArgs(text);
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(ArgsError);
      expect((error as ArgsError).column, text).toBe(column);
      expect((error as ArgsError).message, text).toMatch(message);
    };
    fails("alert(1)", 1, /unknown name `alert`/);
    fails("1, fetch(2)", 4, /unknown name `fetch`/);
    fails("fetch('x')", 7, /got `'`/);
    fails("1; 2", 2, /got `;`/);
    fails("[1, 2]", 1, /got `\[`/);
    fails("1n + 1", 4, /cannot mix bigint and number/);
    fails("(1", 3, /expected `\)`, got the end/);
    fails("randomF64()", 1, /takes a length and an optional seed, got 0/);
    fails("zerosU8(-1)", 1, /from 0 to 2\^27, got -1/);
    fails("zerosU8(1.5)", 1, /got 1.5/);
    fails("zerosU8(2 ** 28)", 1, /from 0 to 2\^27/);
    fails("1.5n", 1, /bigint literal must be an integer/);
    fails("1n / 0n", 4, /division by zero/);
    fails("zerosU8(2) + 1", 12, /not an array/);
    fails("1,", 3, /expected a value, got the end/);
  });

  it("reads back any bigint or safe integer it is given as a literal (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), fc.maxSafeInteger(), (big, n) => {
        expect(values(`${big}n, ${n}`)).toEqual([big, n]);
      }),
    );
  });
});

describe("playground state in the URL", () => {
  const anyState = fc.record({
    example: fc.constantFrom("", ...EXAMPLES.map((e) => e.id)),
    code: fc.string({ unit: "grapheme", maxLength: 300 }),
    as: fc.string({ unit: "grapheme", maxLength: 100 }),
    engine: fc.constantFrom("jit", "as"),
    args: fc.string({ maxLength: 60 }),
    half: fc.string({ maxLength: 60 }),
    workers: fc.integer({ min: 0, max: 64 }),
    combine: fc.constantFrom("auto", "wrapAdd", "add", "min", "max"),
    preset: fc.constantFrom("quick", "full"),
  }) as fc.Arbitrary<PlaygroundState>;

  it("survives the round trip through the fragment for any text, Unicode included (property)", () => {
    fc.assert(
      fc.property(anyState, (state) => {
        const hash = `#${encodeState(state)}`;
        expect(hash).toMatch(/^#s=[A-Za-z0-9_-]*$/);
        expect(decodeState(hash, 2)).toEqual(state);
      }),
    );
  });

  it("opens a damaged or hand-edited link field by field, and ignores a fragment without state", () => {
    expect(decodeState("", 4)).toBeUndefined();
    expect(decodeState("#other=1", 4)).toBeUndefined();
    expect(decodeState("#s=!!!", 4)).toBeUndefined();
    const partial = `#s=${Buffer.from(JSON.stringify({ args: "1n, 2n", workers: -3, combine: "sum", preset: 7 })).toString("base64url")}`;
    const state = decodeState(partial, 4)!;
    const base = defaultState(4);
    expect(state).toEqual({ ...base, example: "", args: "1n, 2n" });
    expect(base.workers).toBe(4);
  });
});

describe("playground type stripper (the race's plain function)", () => {
  const small: Record<string, string> = {
    sum: "5n, 1000n",
    collatz: "1n, 2000n",
    "monte-carlo": "0n, 5000n",
    mandelbrot: "0, 40",
    dot: "randomF64(500), randomF64(500)",
    nbody: "randomF64(40), randomF64(40), randomF64(40), randomF64(40), zerosF64(40), zerosF64(40), zerosF64(40)",
    sieve: "zerosU8(10000)",
  };

  for (const example of EXAMPLES)
    it(`${example.id}: the stripped function gives jit's answer, and keeps every line where it was`, () => {
      const js = stripTypes(example.code);
      expect(js.split("\n").map((l) => l.length)).toEqual(example.code.split("\n").map((l) => l.length));
      const plain = new Function(`return (${js}\n)`)() as (...args: unknown[]) => unknown;
      const fast = jit(example.code);
      expect(isRangeSignature(fast.signatures[0])).toBe(example.combine !== undefined);
      const args = () => parseArgs(small[example.id]).map((a) => a.make());
      expect(fast(...args())).toEqual(plain(...args()));
    });

  it("blanks annotations, as/satisfies/!, type parameters and type declarations; keeps the code", () => {
    const ts =
      "function f<T>(a: number, b?: Float64Array): bigint { let x: i32 = (a as any)!; const y = b! satisfies X; return <bigint>x; }";
    const js = stripTypes(`${ts}\ntype Q = number;\ninterface I { a: number }`);
    expect(js.replace(/\s+/g, " ").trim()).toBe("function f (a , b ) { let x = (a ) ; const y = b ; return x; }");
    const f = new Function(`return (${js.split("\n")[0]})`)() as (a: number) => number;
    expect(f(7)).toBe(7);
  });

  it("refuses TypeScript with a run-time meaning, and reports a syntax error at its line", () => {
    expect(() => stripTypes("enum E { A }")).toThrow(StripError);
    expect(() => stripTypes("class A { constructor(private x: number) {} }")).toThrow(/parameter property/);
    try {
      stripTypes("function f() {\n  return 1 +;\n}");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StripError);
      expect([(e as StripError).line, (e as StripError).column]).toEqual([2, 13]);
    }
  });
});

describe("playground AssemblyScript tab: the function's boundary read from its source", () => {
  it("reads scalars and (xPtr, xLen) pairs as hotpath compile does, @buffer tags included", () => {
    expect(asFunctionSpec("export function sum(lo: u64, hi: u64): u64 { return lo; }")).toEqual({
      name: "sum",
      params: [
        { name: "lo", type: "u64" },
        { name: "hi", type: "u64" },
      ],
      result: "u64",
    });
    const dot = EXAMPLES.find((e) => e.id === "dot")!.as!;
    expect(specText(asFunctionSpec(dot))).toBe("f64(f64[], f64[])");
    expect(asFunctionSpec("/** @buffer out f32[] inout */\nexport function f(outPtr: usize, outLen: i32, k: f64): void {}").params).toEqual(
      [
        { name: "out", type: "f32[]", inout: true },
        { name: "k", type: "f64" },
      ],
    );
    expect(asFunctionSpec("export function g(dataPtr: usize, dataLen: i32): u32 { return 0; }").params[0].type).toBe("u8[]");
    // Several exports: the one named like the plain function.
    expect(asFunctionSpec("export function a(x: i32): i32 { return x; }\nexport function b(x: f64): f64 { return x; }", "b").name).toBe(
      "b",
    );
  });

  it("every example's AssemblyScript version has the TypeScript version's name and boundary", () => {
    for (const e of EXAMPLES.filter((x) => x.as)) {
      const spec = asFunctionSpec(e.as!);
      const ts = jit(e.code);
      expect(spec.name, e.id).toBe(ts.name);
      expect(specText(spec), e.id).toBe(ts.signatures[0]);
    }
  });

  it("refuses a type it cannot pass, at its line and column", () => {
    try {
      asFunctionSpec("// a\nexport function f(a: u64, s: string): u64 { return a; }");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SignatureError);
      expect((e as SignatureError).message).toMatch(/parameter `s`: expected one of .* got string/);
      expect([(e as SignatureError).line, (e as SignatureError).column]).toEqual([2, 27]);
    }
    expect(() => asFunctionSpec("function f() {}")).toThrow(/no `export function`/);
    expect(() => asFunctionSpec("export function f(): Array<i32> {}")).toThrow(SignatureError);
  });
});
