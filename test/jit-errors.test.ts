// Every construct outside the subset is a JitError at compile time that names it and points at it:
// `line` and `column` (1-based, in fn.toString()), and the source line with a caret in the message.
import { describe, expect, it } from "vitest";
import { HotpathError } from "../src/errors.ts";
import { jit, JitError } from "../src/jit/index.ts";

let outer = 3;

/** Where `needle` starts in the function's own source text. */
function positionOf(fn: Function, needle: string): { line: number; column: number } {
  const text = fn.toString();
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`${needle} not in ${text}`);
  const lines = text.slice(0, at).split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function compileError(fn: (...args: any[]) => unknown, args: unknown[]): JitError {
  try {
    jit(fn)(...args);
  } catch (e) {
    return e as JitError;
  }
  throw new Error("compiled without an error");
}

const CASES: [string, (...args: any[]) => unknown, unknown[], string, RegExp][] = [
  ["a string", (n: number) => ("abc" as unknown as number) + n, [1], '"abc"', /a string/],
  ["an object literal", (n: number) => ({ n }).n, [1], "{", /an object literal/],
  ["an array literal", (n: number) => [n].length, [1], "[n]", /an array literal/],
  ["a closure over an outer variable", (n: number) => n + outer, [1], "outer", /closures over outer variables/],
  ["mixed bigint and number", (n: bigint, x: number) => n + (x as unknown as bigint), [1n, 2], "n +", /mixing bigint and number/],
  ["a call to an unknown function", (n: number) => parseInt(String(n)), [1], "parseInt", /not a jit function/],
  [
    "a Math function that does not exist",
    (x: number) => (Math as unknown as { sine(x: number): number }).sine(x),
    [1],
    "Math",
    /Math\.sine/,
  ],
  [
    // (one only called compiles: test/jit-inline.test.ts, test/jit-helpers.test.ts)
    "a nested function",
    (n: number) => {
      const g = (x: number) => {
        x++;
        return x;
      };
      const h = g;
      return h === g ? n : 0;
    },
    [1],
    "g;",
    /`g`, a nested function, used other than by calling it directly/,
  ],
  [
    // (`typeof parameter === "number"` compiles: test/jit-throw.test.ts)
    "typeof",
    (n: number) => {
      const m = n;
      return typeof m === "number" ? 1 : 0;
    },
    [1],
    "typeof",
    /`typeof` other than a parameter's compared with a string/,
  ],
  [
    "** between a number and a bigint",
    (a: number, b: bigint) => a ** (b as unknown as number),
    [1, 2n],
    "a **",
    /`\*\*` between a number \(i32\) and a bigint/,
  ],
];

describe("jit: unsupported constructs are JitErrors with their position", () => {
  it.each(CASES)("%s", (_, fn, args, needle, message) => {
    const error = compileError(fn, args);
    expect(error).toBeInstanceOf(JitError);
    expect(error).toBeInstanceOf(HotpathError);
    expect(error.code).toBe("JIT_UNSUPPORTED");
    expect(error.message).toMatch(message);
    const { line, column } = positionOf(fn, needle);
    expect([error.line, error.column]).toEqual([line, column]);
    const frame = error.message.split("\n").slice(-2);
    expect(frame[0]).toBe(`${line} | ${fn.toString().split("\n")[line - 1]}`);
    expect(frame[1].indexOf("^") - frame[1].indexOf("|") - 2).toBe(column - 1);
  });

  it("statements: try/throw, a case test with effects, for…of, var, a local without initial value, on the right line of a long function", () => {
    function manyLines(n: number) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        s += i;
      }
      try {
        s += 1;
      } catch {
        s = 0;
      }
      return s;
    }
    const error = compileError(manyLines, [3]);
    expect(error.message).toMatch(/try\/catch/);
    expect([error.line, error.column]).toEqual(Object.values(positionOf(manyLines, "try")));
    expect(error.line).toBeGreaterThan(1);
    // (`throw new RangeError(message)` compiles: test/jit-throw.test.ts)
    function thrower(n: number) {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what jit refuses
      if (n < 0) throw n;
      return n;
    }
    expect(compileError(thrower, [1]).message).toMatch(/`throw` of anything but `new Error\(message\)`/);
    // (a switch compiles, but for a case test with effects: test/jit-switch.test.ts)
    let calls = 0;
    function switcher(n: number) {
      switch (n) {
        case (calls = 1):
          return 1;
      }
      return 0;
    }
    expect(compileError(switcher, [1]).message).toMatch(/a `case` test with effects/);
    expect(calls).toBe(0);
    // (over a typed array it compiles: test/jit-forof.test.ts)
    function forOf(n: number) {
      let s = n;
      for (const x of [1, 2]) s += x;
      return s;
    }
    expect(compileError(forOf, [1]).message).toMatch(/for…of/);
    // (a `var` where `let` means the same compiles: test/jit-forms.test.ts)
    function withVar(n: number) {
      let s = 0;
      for (var k = 0; k < n; k++) s += k;
      for (var k = 0; k < n; k++) s += k;
      return s;
    }
    expect(compileError(withVar, [1]).message).toMatch(/`var k` declared more than once/);
    function noInit(n: number) {
      let x;
      if (n > 0) x = n;
      else x = -n;
      return x;
    }
    expect(compileError(noInit, [1]).message).toMatch(/`x` needs an initial value: .*`x = …` as the first statement/);
    const dynamic = (a: Float64Array, n: number) => (n as unknown as Record<string, number>)["k"] + a[0];
    expect(compileError(dynamic, [new Float64Array(1), 1]).message).toMatch(/dynamic property access/);
  });

  it("errors at compile time: a declared signature throws from jit() itself, before any call", () => {
    expect(() => jit((n: bigint) => n + ("x" as unknown as bigint), "u64(u64)")).toThrow(JitError);
  });
});

describe("jit: a negative bigint constant in a u64 function", () => {
  function lastAboveSentinel(l: bigint) {
    let best = -1n;
    let s = 0n;
    for (let i = 0n; i < l; i++)
      if (i > best) {
        best = i;
        s = i;
      }
    return s;
  }

  it("is a JitError naming it (it would compare as 2^64 − 1), not a wrong answer", () => {
    expect(() => jit(lastAboveSentinel)(10n)).toThrow(/`-1n` is a negative bigint in a function compiled for u64/);
  });

  it("with an i64 signature it is −1, and the answer is JavaScript's", () => {
    expect(jit(lastAboveSentinel, "i64(i64)")(10n)).toBe(lastAboveSentinel(10n));
  });
});
