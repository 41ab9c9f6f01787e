// `throw new RangeError(message)` (front/throw.ts, codegen/throw.ts, the boundary) and `typeof
// parameter === "number"` (front/typeof.ts): the argument checks functions start with. The error is
// JavaScript's (class and message, values written as ToString writes them), what the call wrote
// before it stays written, its memory is given back, and code for another type of argument is dropped.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit, prange, vectorize, JitError } from "../src/jit/index.ts";
import { arenaUsed } from "../src/jit/runtime/memory.ts";
import { createPool } from "../src/index.ts";

/** What a call gives: its value, or the class and message of what it threw. */
function outcome(f: (...args: any[]) => unknown, args: unknown[]): unknown {
  try {
    return { value: f(...args) };
  } catch (e) {
    return { threw: (e as Error).constructor.name, message: (e as Error).message, own: Object.hasOwn(e as Error, "message") };
  }
}

function firstN(a: Float64Array, n: number) {
  if (!(n >= 0)) throw new RangeError(`n must be >= 0, got ${n}`);
  if (n > a.length) throw new RangeError("n (" + n + ") is past the end, " + a.length);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += a[i];
    a[i] = -a[i];
    if (s > 1.5e308) throw new Error(`overflow near ${i}: ${s} (finite: ${s < Infinity})`);
  }
  return s;
}

function steps(k: number, limit: number) {
  if ((k | 0) !== k) throw new TypeError(k + " is not an int32; " + (k >>> 0) + " as a uint32");
  let c = 0;
  while (k !== 1) {
    if (c >= limit) throw new Error();
    k = k % 2 === 0 ? k / 2 : 3 * k + 1;
    c++;
  }
  return c;
}

function wrapped(x: bigint, y: bigint) {
  if (x < y) throw new RangeError(`x ${x} < y ${y}, difference ${x - y}`);
  return x - y;
}

function scratch(n: number) {
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = i * 0.5;
    if (t[i] > 100) throw new RangeError(`too long: ${n}`);
  }
  return t[n - 1];
}

function twice(n: any) {
  if (typeof n !== "number" && typeof n !== "bigint") throw new TypeError("twice takes a number or a bigint");
  return typeof n === "bigint" ? n * 2n : n * 2;
}

function kindOf(a: any, b: any) {
  return (
    (typeof a === "object" ? 1 : 0) +
    (typeof b === "boolean" ? 10 : 0) +
    (typeof b == "number" ? 100 : 0) +
    ("bigint" === typeof a ? 1000 : 0)
  );
}

const edgeNumber = fc.oneof(
  fc.double(),
  fc.integer({ min: -5, max: 40 }),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32, 1e21, 2 ** 53 + 1, 0.1),
);

describe("jit: throw", () => {
  it("throws JavaScript's error: its class and message (random numbers, NaN, ±0, ±Infinity, int32 edges)", () => {
    const [fFirst, fSteps] = [jit(firstN), jit(steps)];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constantFrom(1e308, -0, NaN)), { maxLength: 20 }), edgeNumber, (xs, n) => {
        const [a, b] = [Float64Array.from(xs), Float64Array.from(xs)];
        expect(outcome(fFirst, [b, n])).toEqual(outcome(firstN, [a, n]));
        // What the call wrote before it threw is written, as in JavaScript.
        expect(b).toEqual(a);
        expect(outcome(fSteps, [n, 50])).toEqual(outcome(steps, [n, 50]));
      }),
      { numRuns: 300 },
    );
    expect(outcome(fFirst, [new Float64Array(2), -0])).toEqual({ value: 0 });
    expect(outcome(fFirst, [new Float64Array(2), NaN])).toEqual({ threw: "RangeError", message: "n must be >= 0, got NaN", own: true });
    expect(outcome(fFirst, [new Float64Array([1e308, 1e308]), 2])).toEqual({
      threw: "Error",
      message: "overflow near 1: Infinity (finite: false)",
      own: true,
    });
    expect(outcome(fSteps, [2 ** 31, 5])).toEqual(outcome(steps, [2 ** 31, 5]));
    expect(outcome(fSteps, [-1.5, 5])).toEqual({ threw: "TypeError", message: "-1.5 is not an int32; 4294967295 as a uint32", own: true });
    // `new Error()` has no message of its own, as in JavaScript.
    expect(outcome(fSteps, [27, 5])).toEqual({ threw: "Error", message: "", own: false });
    const e = (() => {
      try {
        fFirst(new Float64Array(1), -1);
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(RangeError);
  });

  it("writes bigints as u64 or i64 values, as the function computes them", () => {
    const u = jit(wrapped, "u64(u64, u64)");
    const i = jit(wrapped, "i64(i64, i64)");
    expect(outcome(u, [1n, 2n ** 64n - 1n])).toEqual({
      threw: "RangeError",
      // x - y wraps modulo 2^64 in u64 code (README: values past [0, 2^64) are wrapped).
      message: "x 1 < y 18446744073709551615, difference 2",
      own: true,
    });
    expect(outcome(i, [-5n, 7n])).toEqual(outcome(wrapped, [-5n, 7n]));
    expect(outcome(i, [-(2n ** 63n), -5n])).toEqual({
      threw: "RangeError",
      message: "x -9223372036854775808 < y -5, difference -9223372036854775803",
      own: true,
    });
    expect(outcome(i, [9n, 5n])).toEqual({ value: 4n });
  });

  it("copies back what the call wrote before throwing, also for arrays of jit's memory, and gives its memory back", () => {
    const f = jit(firstN, undefined, { adaptive: false });
    const a = jit.array(Float64Array, 4);
    a.set([1, 2, 1e308, 1e308]);
    expect(() => f(a, 4)).toThrow("overflow near 3: Infinity (finite: false)");
    expect([...a]).toEqual([-1, -2, -1e308, -1e308]);
    jit.free(a);
    const g = jit(scratch, undefined, { adaptive: false });
    for (let k = 0; k < 50; k++) expect(() => g(1000 + k)).toThrow(new RangeError(`too long: ${1000 + k}`));
    expect(g(10)).toBe(4.5);
    expect(arenaUsed()).toBe(0);
  });

  it("is a call to the host only where it throws", () => {
    const f = jit(firstN);
    f(new Float64Array(3), 3);
    const wat = f.inspect();
    // `overflow near ${i}: ${s} (finite: ${s < Infinity})`: an i32, an f64 and a boolean, then the site.
    expect(wat).toMatch(
      /\(import "env" "__hp_throw" \(func \$env\.__hp_throw_\d \(param i32\) \(param f64\) \(param i32\) \(param i32\)\)\)/,
    );
    expect(wat).toMatch(/call \$env\.__hp_throw/);
    const plain = jit((a: Float64Array) => a.length);
    plain(new Float64Array(1));
    expect(plain.inspect()).not.toMatch(/__hp_throw/);
  });

  it('writes a const of text that only messages read into them (`const msg = "…"; throw new Error(msg)`)', () => {
    function at(a: Float64Array, i: number) {
      const msg = "index out of range";
      const where = `in at()`;
      if (!(i >= 0 && i < a.length)) throw new RangeError(msg + " " + where + ": " + i);
      return a[i];
    }
    const f = jit(at);
    for (const i of [0, 1, 2, -1, 2.5, NaN])
      expect(outcome(f, [Float64Array.of(4, 5), i])).toEqual(outcome(at, [Float64Array.of(4, 5), i]));
    // Read elsewhere too: still a string local, refused by name.
    function both(n: number) {
      const msg = "bad";
      if (n < 0) throw new Error(msg);
      return msg.length + n;
    }
    expect(() => jit(both, undefined, { adaptive: false })(1)).toThrow(JitError);
  });

  it("refuses other throws, and messages it cannot write, by name", () => {
    const compileError = (f: (...args: any[]) => unknown, args: unknown[]) => {
      try {
        jit(f, undefined, { adaptive: false })(...args);
      } catch (e) {
        return e as JitError;
      }
      throw new Error("compiled");
    };
    const thrower = (n: number) => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what jit refuses
      if (n < 0) throw n;
      return n;
    };
    expect(compileError(thrower, [1])).toBeInstanceOf(JitError);
    expect(compileError(thrower, [1]).message).toMatch(/`throw` of anything but `new Error\(message\)`.* \(at 3:\d+\)/);
    const withOptions = (n: number) => {
      if (n < 0) throw new Error("negative", { cause: n });
      return n;
    };
    expect(compileError(withOptions, [1]).message).toMatch(/`Error` with options \(a second argument\)/);
    const called = (n: number) => {
      if (n < 0) throw new Error(String(n));
      return n;
    };
    expect(compileError(called, [1]).message).toMatch(/`throw` of anything but/);
    const anArray = (a: Float64Array) => {
      if (a.length === 0) throw new Error(`empty: ${a}`);
      return a[0];
    };
    expect(compileError(anArray, [new Float64Array(1)]).message).toMatch(/a Float64Array in a thrown error's message/);
  });

  it("refuses throw in parallel functions and a parallel vectorize; on the pool a throw fails its task with a KernelError", async () => {
    expect(() =>
      jit(
        function par(n: number) {
          if (n < 0) throw new RangeError("negative");
          let s = 0;
          for (const i of prange(0, n)) s += i;
          return s;
        },
        { parallel: true },
      ),
    ).toThrow(/`throw` in a parallel function .*\(at 2:\d+\)/);
    expect(() =>
      vectorize(
        (x: number) => {
          if (x < 0) throw new RangeError("negative");
          return x;
        },
        "f64(f64)",
        { target: "parallel" },
      ),
    ).toThrow(/`throw` in the function of a parallel vectorize/);
    const pool = await createPool({ workers: 1 });
    try {
      const rows = jit(function rows(lo: number, hi: number, out: Float64Array) {
        if (hi > out.length) throw new RangeError("hi past the end");
        for (let i = lo; i < hi; i++) out[i] = i;
      }, "void(i32, i32, f64[])");
      await expect((async () => pool.forRows(rows, 0, 4, { args: [new Float64Array(4)] }))()).resolves.not.toThrow();
      // A worker has not the function's table of errors: the task fails with a KernelError saying so.
      await expect((async () => pool.forRows(rows, 0, 4, { args: [new Float64Array(2)] }))()).rejects.toThrow(
        /a jit function threw .*call it on this thread for the error itself/,
      );
      // The pool still works.
      const out = new Float64Array(4);
      await pool.forRows(rows, 0, 4, { args: [out] });
      expect([...out]).toEqual([0, 1, 2, 3]);
    } finally {
      await pool.close();
    }
  });

  it("throws the same error in a vectorize on this thread", () => {
    const root = vectorize((x: number) => {
      if (x < 0) throw new RangeError(`negative: ${x}`);
      return Math.sqrt(x);
    }, "f64(f64)");
    expect([...(root(new Float64Array([4, 9])) as Float64Array)]).toEqual([2, 3]);
    expect(() => root(new Float64Array([4, -2.5]))).toThrow(new RangeError("negative: -2.5"));
  });
});

describe("jit: typeof of a parameter", () => {
  it("is the parameter's type in each specialization, and code for another type is dropped", () => {
    const f = jit(twice);
    fc.assert(
      fc.property(fc.oneof(edgeNumber, fc.bigInt({ min: 0n, max: 2n ** 62n })), (n) => {
        expect(f(n)).toEqual(twice(n));
      }),
      { numRuns: 200 },
    );
    expect(outcome(f, [true])).toEqual(outcome(twice, [true]));
    const g = jit(kindOf);
    const cases: [unknown, unknown][] = [
      [new Float64Array(1), true],
      [1, 2],
      [3n, false],
      [new Int32Array(2), 0.5],
    ];
    for (const [a, b] of cases) expect(g(a, b)).toBe(kindOf(a, b));
  });

  it('drops what follows a guard clause it decides (`if (typeof x !== "bigint") throw …; return x * 2n`)', () => {
    function double(x: any) {
      if (typeof x !== "bigint") throw new TypeError("double takes a bigint");
      return x * 2n;
    }
    function lowByte(x: any) {
      if (typeof x === "bigint") return Number(x & 255n);
      return x & 255;
    }
    const [fDouble, fLow] = [jit(double), jit(lowByte)];
    for (const v of [3, 2.5, 7n, 2n ** 62n + 5n, true])
      for (const [f, g] of [
        [fDouble, double],
        [fLow, lowByte],
      ] as const)
        expect(outcome(f, [v])).toEqual(outcome(g, [v]));
  });

  it("is refused where a local could be meant", () => {
    const hidden = (n: number) => {
      {
        const n = 2;
        if (typeof n === "number") return n;
      }
      return n;
    };
    expect(() => jit(hidden, undefined, { adaptive: false })(1)).toThrow(/`typeof` other than a parameter's compared with a string/);
  });
});
