// The dispatcher and the API around it: one compile per type tuple, declared signatures, argument
// checks, traps, verify, fallback, inspect/compile, the in-memory cache and callee invalidation, jitClass.
import { describe, expect, it, vi } from "vitest";
import { KernelError } from "../src/errors.ts";
import { jit, jitClass, JitError, JitMismatchError } from "../src/jit/index.ts";

/** Never defined: the name of warm-up.ts's samples. */
declare function w(n: bigint): bigint;
/** Jitted below by name; jitted code calls them by name. */
declare function later(n: number): number;
declare class Vec2 {
  constructor(x: number);
  x: number;
}

describe("jit: the dispatcher", () => {
  it("compiles once per tuple of argument types", () => {
    const add = jit((a: any, b: any) => a + b);
    expect(add(1n, 2n)).toBe(3n);
    expect(add(5n, 6n)).toBe(11n);
    expect(add.stats.compiled).toBe(1);
    expect(add(1.5, 2.5)).toBe(4);
    expect(add(3.25, -0)).toBe(3.25); // −0 is not an int32 value: f64
    expect(add.stats.compiled).toBe(2);
    // int32 values are i32 parameters (a loop they bound can count in i32); arithmetic stays f64, as in JavaScript.
    expect(add(3, 4)).toBe(7);
    expect(add(2 ** 31 - 1, 2 ** 31 - 1)).toBe(2 ** 32 - 2);
    expect(add.stats.compiled).toBe(3);
    expect(add.signatures).toEqual(["u64(u64, u64)", "f64(f64, f64)", "f64(i32, i32)"]);
  });

  it("a declared signature compiles at jit() and converts: u64 results unsigned, i64 signed", () => {
    function f(n: bigint) {
      let total = 0n;
      for (let i = 0n; i < n; i++) total += i;
      return total;
    }
    const typed = jit(f, "u64(u64)");
    expect(typed.signatures).toEqual(["u64(u64)"]);
    expect(typed(100 as unknown as bigint)).toBe(4950n); // a safe integer number is a u64 too
    expect(jit((a: bigint) => a - 1n, "u64(u64)")(0n)).toBe(2n ** 64n - 1n);
    expect(jit((a: bigint) => a - 1n, "i64(i64)")(0n)).toBe(-1n);
    expect(jit((a: number) => a < 0, "bool(f64)")(-1)).toBe(true);
  });

  it("checks arguments at the boundary with hotpath's messages", () => {
    const typed = jit((n: bigint) => n, "u64(u64)");
    expect(() => typed(-1 as unknown as bigint)).toThrow("Expected `n` to be a u64 (0 ≤ n < 2^64), got -1 (number)");
    expect(() => typed(2n ** 64n)).toThrow(RangeError);
    expect(() => typed("1" as unknown as bigint)).toThrow(TypeError);
    expect(() => jit((a: number) => a, "f64(i32)")(1.5)).toThrow("Expected `a` to be an i32");
    // −0 is no i32 or u32 (the compiled function would see +0: 1 / x would be +∞, not −∞).
    const inv = (x: number) => 1 / x;
    expect(() => jit(inv, "f64(i32)")(-0)).toThrow(
      "Expected `x` to be an i32 (an integer from −2^31 to 2^31 − 1, not −0), got -0 (number)",
    );
    expect(() => jit(inv, "f64(u32)")(-0)).toThrow("Expected `x` to be a u32");
    expect(jit(inv, "f64(i32)")(0)).toBe(Infinity);
    // Several signatures: the first the arguments fit exactly, else the first's error.
    const id = (x: any) => x;
    const either = jit(id, ["i32(i32)", "f64(f64)"]);
    expect(either(3)).toBe(3);
    expect(either(1.5)).toBe(1.5);
    expect(Object.is(either(-0), -0)).toBe(true);
    expect(jit(inv, ["f64(i32)", "f64(f64)"])(-0)).toBe(-Infinity);
    expect(jit(id, ["u64(u64)", "i64(i64)"])(-1n)).toBe(-1n);
    expect(() => jit(id, ["i32(i32)", "u32(u32)"])(2 ** 40)).toThrow("Expected `x` to be an i32");
    const kinds =
      "a bigint, number, boolean, jitClass instance or one of Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array, BigInt64Array, BigUint64Array, Int16Array, Uint16Array, Int8Array, Uint8ClampedArray";
    expect(() => jit((a: any) => a)({})).toThrow(`Expected \`a\` to be ${kinds}, got an object`);
    // A view of a kind jit has not: the message names those it has.
    expect(() => jit((a: any) => a[0])(new DataView(new ArrayBuffer(2)))).toThrow(`Expected \`a\` to be ${kinds}, got DataView`);
    expect(() => jit((a: number) => a, undefined, { bogus: 1 } as never)).toThrow("Unknown option `bogus`");
  });

  it("refuses by name what it cannot run: empty source, wrong argument counts, null arrays, bad compile() types, options given twice", () => {
    for (const text of ["", "   "])
      expect(() => jit(text)).toThrow(`Expected \`fn\` to be a function, or the source text of one, got ${JSON.stringify(text)} (string)`);
    expect(() => jit("// no function here")).toThrow(JitError);
    const add = (x: number, y: number) => x + y;
    expect(() => (jit(add) as any)(1)).toThrow("add takes 2 arguments (x, y), got 1");
    expect(() => (jit(add) as any)(1, 2, 3)).toThrow("add takes 2 arguments (x, y), got 3");
    const first = (a: Float64Array, i: number) => a[i];
    const declared = jit(first, "f64(f64[], i32)");
    for (const bad of [null, undefined])
      expect(() => declared(bad as never, 0)).toThrow(`Expected \`a\` to be a Float64Array, got ${String(bad)}`);
    // A plain array of numbers is an f64[] (copied); one holding anything else is refused, by element.
    expect(declared([1, 2] as never, 1)).toBe(2);
    expect(() => declared([1, "2"] as never, 0)).toThrow(
      "Expected `a` to be an array of numbers (or a typed array); element 1 is a string",
    );
    // Even where a call of that size would be measured against the original (2 KiB or more of arrays).
    expect(() => declared([...Array(4096).fill(1), null] as never, 0)).toThrow(
      "Expected `a` to be an array of numbers (or a typed array); element 4096 is null",
    );
    const lazy = jit(add);
    for (const bad of [5, undefined, null, [1]]) expect(() => lazy.compile(bad as never)).toThrow("Expected `types` to be a signature");
    lazy.compile(["i32", "i32"]);
    expect(() => lazy.compile("i32(i32, i32)")).toThrow("Expected `types` to be the result type add has for (i32, i32): f64");
    expect(lazy.compile("f64(i32, i32)").signature).toBe("f64(i32, i32)");
    expect(() => jit(add, "f64(f64, f64)").compile("(u64, u64)")).toThrow(
      "Expected `types` to be one of the signatures add was declared with (f64(f64, f64))",
    );
    expect(() => (jit as any)(add, { fastmath: true }, { verify: 1 })).toThrow("Expected `options` to be given once");
  });

  it("jit.array with values it cannot hold gives its block back", () => {
    const arenaBytes = () => {
      const probe = jit.array(Uint8Array, 1);
      const bytes = probe.buffer.byteLength;
      jit.free(probe);
      return bytes;
    };
    const values = Array(1 << 18).fill(1); // numbers for a BigInt64Array: 2 MiB each try
    expect(() => jit.array(BigInt64Array, values)).toThrow("Expected `lengthOrValues` to be values a BigInt64Array can hold");
    const before = arenaBytes();
    for (let i = 0; i < 40; i++) expect(() => jit.array(BigInt64Array, values)).toThrow(TypeError);
    expect(arenaBytes()).toBe(before);
  });

  it("a wasm trap is a KernelError naming the function", () => {
    function divide(a: bigint, b: bigint) {
      return a / b;
    }
    const error = (() => {
      try {
        jit(divide)(1n, 0n);
      } catch (e) {
        return e as KernelError;
      }
    })();
    expect(error).toBeInstanceOf(KernelError);
    expect(error!.kernel).toBe("divide");
    expect(error!.message).toMatch(/divide.*trapped: .*divide by zero/);
    expect(() => jit((a: Float64Array) => a[a.length])(new Float64Array(3))).toThrow(KernelError);
  });

  it("a trap says which check failed, where, and on what index and length", () => {
    const shade = jit(function shade(a: Float64Array, w: number) {
      let s = 0;
      for (let i = 0; i < w; i++) s += a[i + 1];
      return s;
    });
    expect(() => shade(new Float64Array(5), 5)).toThrow(
      /^jit function `shade` trapped: an index outside \[0, length\) or not an integer in `a\[i \+ 1\]` \(at 3:\d+\): 5, where the length is 5 \(JavaScript reads undefined there, and ignores a write\)$/,
    );
    expect(shade(new Float64Array(6), 5)).toBe(0); // the next call is not told the last one's reason
    expect(() => jit((a: Float64Array, x: number) => a[x])(new Float64Array(3), 1.5)).toThrow(
      /`a\[x\]` \(at 1:\d+\): 1\.5, where the length is 3/,
    );
    const store = jit((a: Int32Array, x: number) => {
      a[x] = 1;
      return 0;
    });
    expect(() => store(new Int32Array(3), -1)).toThrow(/`a\[x\]` \(at 2:\d+\): -1, where the length is 3/);
    expect(() => jit((a: BigUint64Array, i: bigint) => a[i as never])(new BigUint64Array(2), 7n)).toThrow(": 7, where the length is 2");
    const pos = jit(function pos(x: number) {
      if (x > 0) return 1;
    } as (x: number) => number);
    expect(() => pos(-1)).toThrow(
      "trapped: the end of a function that returns a value, reached without a `return` (JavaScript returns undefined): `pos`",
    );
    // BigInt() of a number that is not a finite integer: the engine's own RangeError (the host does it).
    const big = jit((x: number) => BigInt(x), "u64(f64)");
    for (const x of [1.5, NaN, Infinity, -Infinity]) {
      const error = (() => {
        try {
          BigInt(x);
        } catch (e) {
          return e as Error;
        }
      })()!;
      expect(() => big(x)).toThrow(error);
      expect(() => big(x)).toThrow(RangeError);
    }
    // An integer past 64 bits is taken modulo 2^64, as every bigint result is.
    for (const x of [2 ** 64, 2 ** 64 + 4096, -(2 ** 63) - 2048, -(2 ** 70), 1e300, 2 ** 63])
      expect(big(x)).toBe(BigInt.asUintN(64, BigInt(x)));
    expect(jit((x: number) => BigInt(x), "i64(f64)")(2 ** 63 + 2048)).toBe(BigInt.asIntN(64, BigInt(2 ** 63 + 2048)));
  });

  it("inspect() gives the WAT per signature; compile() the module and export for the pool", () => {
    function sumRange(lo: bigint, hi: bigint) {
      let s = 0n;
      for (let i = lo; i < hi; i++) s += i;
      return s;
    }
    const fast = jit(sumRange);
    const compiled = fast.compile("u64(u64, u64)");
    expect(compiled.signature).toBe("u64(u64, u64)");
    expect(compiled.exportName).toBe("sumRange");
    expect(WebAssembly.Module.imports(compiled.module)).toEqual([]);
    const instance = new WebAssembly.Instance(compiled.module);
    expect((instance.exports.sumRange as (a: bigint, b: bigint) => bigint)(0n, 10n)).toBe(45n);
    expect(fast.inspect()).toMatch(
      /^;; sumRange: u64\(u64, u64\)\n\(module\n  \(import "env" "memory" \(memory 0 65536 shared\)\)\n(  \(global .*\n)*  \(func \$sumRange \(export "sumRange"\) \(param i64\) \(param i64\) \(result i64\)/,
    );
    expect(fast.compile(["u64", "u64"]).module).toBe(compiled.module);
  });

  it("the compiler's warm-up at the first jit() leaves nothing behind: its samples are not callable by name", () => {
    const caller = jit(function caller(n: bigint) {
      return w(n);
    });
    expect(() => caller(3n)).toThrow(/calling `w`, which is not a jit function/);
  });

  it("the in-memory cache: a second jit of the same source compiles nothing", () => {
    const source = (n: bigint) => n * 3n + 1n;
    const a = jit(source);
    a(1n);
    const b = jit(source);
    expect(b(2n)).toBe(7n);
    expect(b.stats).toEqual({ compiled: 0, memoryHits: 1, diskHits: 0, plainCalls: 0 });
  });

  it("a callee's name given to a second, different function: a caller jitted before keeps its callee; one jitted after both is refused", () => {
    function step(n: number) {
      return n + 1;
    }
    jit(step);
    const twice = jit(function twice(n: number) {
      return step(step(n));
    });
    expect(twice(1)).toBe(3);
    // Another scope (another module) jits its own `step`, then its own caller.
    const tenfold = (() => {
      function step(n: number) {
        return n * 10;
      }
      jit(step);
      return jit(function twice(n: number) {
        return step(step(n));
      });
    })();
    // The caller jitted before keeps the definition it saw (it went on to call the new one: 100).
    expect(twice(1)).toBe(3);
    expect(twice.stats.compiled).toBe(1);
    // Jitted after both: which `step` its JavaScript calls, jit cannot see (it gave the latest's answer,
    // wrong for a caller of the first): refused by name.
    expect(() => tenfold(1)).toThrow("`step` names 2 different functions given to jit by the time this function was jitted");
    // A name not defined yet when its caller is jitted: the definition made after it.
    const early = jit(function early(n: number) {
      return later(n) + 1;
    });
    jit(function later(n: number) {
      return n * 2;
    });
    expect(early(5)).toBe(11);
    // The same source given to jit again is no second definition.
    jit(function later(n: number) {
      return n * 2;
    });
    expect(jit((n: number) => later(n))(4)).toBe(8);
    // A jitClass name the same way, for `new` in jitted code.
    const make = (text: string) => new Function(`return ${text}`)();
    jitClass({ x: "f64" }, make("class Vec2 { constructor(x) { this.x = x; } }"));
    const first = jit((a: number) => new Vec2(a).x);
    expect(first(1)).toBe(1);
    jitClass({ x: "f64" }, make("class Vec2 { constructor(x) { this.x = x * 2; } }"));
    expect(first(1)).toBe(1);
    expect(() => jit((a: number) => new Vec2(a).x + 0)(1)).toThrow(
      "`Vec2` names 2 different jitClass classes by the time this function was jitted",
    );
  });

  it("verify: n runs the original beside the first n calls and reports a difference", () => {
    // In JavaScript the bigint grows past 2^64 before `>>`; in wasm it wrapped: the documented difference.
    const shifted = (a: bigint) => (a * a) >> 64n;
    const checked = jit(shifted, undefined, { verify: 2 });
    expect(checked(3n)).toBe(0n);
    const error = (() => {
      try {
        checked(2n ** 40n);
      } catch (e) {
        return e as JitMismatchError;
      }
    })();
    expect(error).toBeInstanceOf(JitMismatchError);
    expect(error!.code).toBe("JIT_MISMATCH");
    expect(error!.inputs).toEqual([2n ** 40n]);
    expect(error!.expectedValue).toBe(2n ** 16n);
    expect(error!.actualValue).toBe(0n);
    expect(checked(2n ** 40n)).toBe(0n); // past the verified calls
  });

  it("fallback: true runs the original for an unsupported function and says so once", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const fn = jit((s: number) => String(s).length, undefined, { fallback: true });
    expect(fn(1234)).toBe(4);
    expect(fn(12)).toBe(2);
    expect(fn.fallbackReason).toMatch(/calling `String`/);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    expect(() => jit((s: number) => String(s).length)(1)).toThrow(JitError);
  });

  it("fallback: true runs the original for arguments jit has no type for (that call only), and says so once", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const sum = jit(
      (a: ArrayLike<number>) => {
        let s = 0;
        for (let i = 0; i < a.length; i++) s += a[i];
        return s;
      },
      undefined,
      { fallback: true },
    );
    expect(sum([1, "2", 3] as never)).toBe("123"); // an array of numbers only is compiled: this one runs as JavaScript
    expect(sum([1, 2, 3])).toBe(6); // compiled, as a copy (an f64[])
    expect(sum(Float64Array.of(1, 2, 3))).toBe(6); // compiled
    expect(sum.signatures).toEqual(["f64(f64[])"]);
    expect(sum.fallbackReason).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/for arguments jit cannot take: Expected `a` to be/);
    warn.mockRestore();
    // Without fallback, or with a declared signature, they are refused.
    expect(() => jit((a: ArrayLike<number>) => a[0])(["1"] as never)).toThrow(TypeError);
    expect(() => jit((a: ArrayLike<number>) => a[0], "f64(f64[])", { fallback: true })(["1"] as never)).toThrow(TypeError);
  });
});

describe("jitClass", () => {
  it("the tutorial's Point2D: addPoints gives a Point2D with fields 4n, 6n", () => {
    const Point2D = jitClass(
      { x: "u64", y: "u64" },
      class Point2D {
        x: bigint;
        y: bigint;
        constructor(x: bigint, y: bigint) {
          this.x = x;
          this.y = y;
        }
      },
    );
    const addPoints = jit(
      (a: InstanceType<typeof Point2D>, b: InstanceType<typeof Point2D>) => new Point2D(a.x + b.x, a.y + b.y),
      "Point2D(Point2D, Point2D)",
    );
    const result = addPoints(new Point2D(1n, 2n), new Point2D(3n, 4n));
    expect(result).toBeInstanceOf(Point2D);
    expect([result.x, result.y]).toEqual([4n, 6n]);
    // Lazily typed too, and fields wrap as u64.
    const sum = jit((p: InstanceType<typeof Point2D>) => p.x + p.y);
    expect(sum(new Point2D(2n ** 64n - 1n, 2n))).toBe(1n);
    expect(() => addPoints({ x: 1n, y: 2n }, new Point2D(1n, 1n))).toThrow("Expected `a` to be a Point2D");
  });

  it("a jitClass defined again under the same name: functions compile for each definition's fields; a declared signature names an old instance as such", () => {
    const make = (text: string) => new Function(`return ${text}`)();
    const classText = "class Q { constructor(v) { this.v = v; } }";
    const halfText = "function half(q) { return q.v / 2; }";
    const Q1 = jitClass({ v: "i32" }, make(classText));
    const h1 = jit(make(halfText));
    expect(h1(new Q1(3))).toBe(1.5);
    const Q2 = jitClass({ v: "f64" }, make(classText));
    // A new jit of the same text does not reuse the module built for the i32 field (it returned 1).
    const h2 = jit(make(halfText));
    expect(h2(new Q2(2.5))).toBe(1.25);
    expect(h2.stats.memoryHits).toBe(0);
    // The function jitted before compiles for the new class too, and keeps the old one's.
    expect(h1(new Q2(2.5))).toBe(1.25);
    expect(h1(new Q1(3))).toBe(1.5);
    expect(h1.signatures).toHaveLength(2);
    // A signature naming Q means the Q defined when it was jitted (Q2 here).
    const declared = jit(make(halfText), "f64(Q)");
    expect(declared(new Q2(2.5))).toBe(1.25);
    expect(() => declared(new Q1(3))).toThrow(
      "Expected `q` to be a Q, got a Q of an earlier jitClass named Q (it was defined again since)",
    );
  });

  it("fields are assigned only in the constructor (values are flattened, passed by value)", () => {
    const Vec = jitClass(
      { x: "f64", y: "f64" },
      class Vec {
        x: number;
        y: number;
        constructor(x: number, y: number) {
          this.x = x;
          this.y = y * 2;
        }
      },
    );
    type V = InstanceType<typeof Vec>;
    const mutate = jit((v: V) => {
      v.x = 1;
      return v.x;
    });
    expect(() => mutate(new Vec(1, 2))).toThrow(/assigning to a field of a jitClass value outside its constructor/);
    const norm = jit((v: V) => {
      const w = new Vec(v.x, v.y);
      return Math.sqrt(w.x * w.x + w.y * w.y);
    });
    expect(norm(new Vec(3, 2))).toBe(Math.sqrt(9 + 64));
  });
});
