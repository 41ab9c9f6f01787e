// vectorize (src/jit/parallel/ufunc.ts), Numba's @vectorize: every signature kind against a plain map of the
// scalar function (fast-check inputs, integer edges), broadcasting, `out`, empty and all-scalar calls,
// the named errors, and the parallel target on pools of 1, 2 and 3 workers in both modes (shared:
// forRows; message: slices through pool.map). No timing assertions.
// (test/jit-vectorize.test.ts is the outer-loop vectorizer of the jit compiler, an older file.)
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, KernelError } from "../src/errors.ts";
import { createPool } from "../src/index.ts";
import { closeDefaultPool } from "../src/jit/parallel/default-pool.ts";
import { jit, vectorize } from "../src/jit/index.ts";
import { plainLoop } from "../src/jit/parallel/ufunc.ts";
import type { Pool } from "../src/pool/types.ts";

const gauss = (x: number, s: number) => Math.exp(-(x * x) / (2 * s * s));
const doubles = fc.double({ noNaN: false, min: -1e6, max: 1e6 });
const f64s = fc.array(doubles, { maxLength: 40 }).map((a) => Float64Array.from(a));
const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const U64_EDGES = [0n, 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n];
const u64 = fc.oneof(fc.constantFrom(...U64_EDGES), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));

/** The plain map: element i of every array argument, scalars as they are, into an array of type C. */
function plainMap<T>(C: { from(a: T[]): ArrayBufferView }, fn: (...a: any[]) => T, args: unknown[], n: number): unknown[] {
  const values = Array.from({ length: n }, (_, i) => fn(...args.map((a) => (ArrayBuffer.isView(a) ? (a as unknown as T[])[i] : a))));
  return [...(C.from(values) as unknown as unknown[])];
}

describe("vectorize, target cpu: each signature kind against a plain map", () => {
  it("f64(f64, f64): the Gaussian, bit for bit", () => {
    const g = vectorize(gauss, "f64(f64, f64)");
    fc.assert(
      fc.property(f64s, fc.double({ min: 0.01, max: 100 }), (xs, s) => {
        const out = g(xs, s) as Float64Array;
        expect(out).toBeInstanceOf(Float64Array);
        expect([...out]).toEqual(plainMap(Float64Array, gauss, [xs, s], xs.length));
      }),
    );
    expect(g.signatures).toEqual(["f64(f64, f64)"]);
  });

  it("i32(i32, i32): an int32 result; a number result is stored as Int32Array stores it", () => {
    const mulAdd = (a: number, b: number) => (Math.imul(a, b) + 1) | 0;
    const half = (a: number, b: number) => (a + b) / 2; // an f64 result into i32: ToInt32, as a typed array does
    const g = vectorize(mulAdd, "i32(i32, i32)");
    const h = vectorize(half, "i32(i32, i32)");
    fc.assert(
      fc.property(fc.array(fc.tuple(i32, i32), { maxLength: 40 }), (pairs) => {
        const a = Int32Array.from(pairs.map((p) => p[0]));
        const b = Int32Array.from(pairs.map((p) => p[1]));
        expect([...(g(a, b) as Int32Array)]).toEqual(plainMap(Int32Array, mulAdd, [a, b], a.length));
        expect([...(h(a, b) as Int32Array)]).toEqual(plainMap(Int32Array, half, [a, b], a.length));
      }),
    );
  });

  it("u32(u32): results past 2^31 stay unsigned", () => {
    const mix = (a: number) => (a ^ (a >>> 7) ^ 0x9e3779b9) >>> 0;
    const g = vectorize(mix, "u32(u32)");
    fc.assert(
      fc.property(fc.array(fc.oneof(u32, fc.constantFrom(0, 1, 2 ** 31, 2 ** 32 - 1)), { maxLength: 40 }), (xs) => {
        const a = Uint32Array.from(xs);
        const out = g(a) as Uint32Array;
        expect(out).toBeInstanceOf(Uint32Array);
        expect([...out]).toEqual(plainMap(Uint32Array, mix, [a], a.length));
      }),
    );
  });

  it("u64(u64, u64): bigints wrap modulo 2^64 (edges 0, 1, 2^53±1, 2^64−1)", () => {
    const mulAdd = (a: bigint, b: bigint) => a * b + 1n;
    const g = vectorize(mulAdd, "u64(u64, u64)");
    const wrap = (a: bigint, b: bigint) => BigInt.asUintN(64, mulAdd(a, b));
    const all = U64_EDGES.flatMap((a) => U64_EDGES.map((b) => [a, b]));
    const a = BigUint64Array.from(all.map((p) => p[0]));
    const b = BigUint64Array.from(all.map((p) => p[1]));
    expect([...(g(a, b) as BigUint64Array)]).toEqual(plainMap(BigUint64Array, wrap, [a, b], a.length));
    expect((g(BigUint64Array.of(2n ** 64n - 1n), 1n) as BigUint64Array)[0]).toBe(0n); // (2^64−1)·1 + 1 wraps to 0
    fc.assert(
      fc.property(fc.array(u64, { maxLength: 30 }), u64, (xs, k) => {
        const arr = BigUint64Array.from(xs);
        expect([...(g(arr, k) as BigUint64Array)]).toEqual(plainMap(BigUint64Array, wrap, [arr, k], arr.length));
      }),
    );
  });

  it("i64(i64): signed bigints", () => {
    const dec = (a: bigint) => a - 1n;
    const g = vectorize(dec, "i64(i64)");
    const xs = BigInt64Array.of(0n, 1n, -1n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n);
    expect([...(g(xs) as BigInt64Array)]).toEqual(plainMap(BigInt64Array, (a: bigint) => BigInt.asIntN(64, dec(a)), [xs], xs.length));
  });

  it("f32(f32, f32): Float32Array in and out", () => {
    const f = (a: number, b: number) => a * b - a / 3;
    const g = vectorize(f, "f32(f32, f32)");
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.float({ noNaN: true }), fc.float({ noNaN: true })), { maxLength: 40 }), (pairs) => {
        const a = Float32Array.from(pairs.map((p) => p[0]));
        const b = Float32Array.from(pairs.map((p) => p[1]));
        const out = g(a, b) as Float32Array;
        expect(out).toBeInstanceOf(Float32Array);
        expect([...out]).toEqual(plainMap(Float32Array, f, [a, b], a.length));
      }),
    );
  });

  it("bool(f64) gives a Uint8Array of 0 and 1; bool parameters take a Uint8Array or a boolean", () => {
    const positive = vectorize((x: number) => x > 0, "bool(f64)");
    expect([...(positive(Float64Array.of(-1, 0, 2, NaN)) as Uint8Array)]).toEqual([0, 0, 1, 0]);
    const pick = vectorize((c: boolean, a: number, b: number) => (c ? a : b), "f64(bool, f64, f64)");
    expect([...(pick(Uint8Array.of(1, 0, 7), 1.5, Float64Array.of(9, 8, 7)) as Float64Array)]).toEqual([1.5, 8, 1.5]);
    expect([...(pick(false, Float64Array.of(1, 2), 3) as Float64Array)]).toEqual([3, 3]);
  });

  it("several signatures: the first whose types fit the arguments", () => {
    const twice = vectorize((x: any) => x + x, ["f64(f64)", "u64(u64)", "i32(i32)"]);
    expect([...(twice(Float64Array.of(1.25)) as Float64Array)]).toEqual([2.5]);
    expect([...(twice(BigUint64Array.of(2n ** 63n)) as BigUint64Array)]).toEqual([0n]);
    expect([...(twice(Int32Array.of(2 ** 30)) as Int32Array)]).toEqual([-(2 ** 31)]);
    expect(() => twice(Uint32Array.of(1))).toThrow(
      /no signature takes \(Uint32Array\); declared: "f64\(f64\)", "u64\(u64\)", "i32\(i32\)"/,
    );
  });
});

describe("vectorize: lazy signatures (types from the call)", () => {
  it("numbers → f64, typed arrays → their element type, bigints → u64; the result type is the function's", () => {
    const add = vectorize((a: any, b: any) => a + b);
    expect(add(Float64Array.of(1, 2), 0.5)).toEqual(Float64Array.of(1.5, 2.5));
    // i32 + i32 is a number (JavaScript's +): a Float64Array, no wrap
    expect(add(Int32Array.of(2 ** 31 - 1), Int32Array.of(1))).toEqual(Float64Array.of(2 ** 31));
    expect(add(BigUint64Array.of(2n ** 64n - 1n, 5n), 1n)).toEqual(BigUint64Array.of(0n, 6n));
    // only f32 arrays in, a number out: a Float32Array (as Numba's float32 loops)
    expect(add(Float32Array.of(1.5), Float32Array.of(2))).toEqual(Float32Array.of(3.5));
    const or = vectorize((a: number, b: number) => a | b);
    expect(or(Int32Array.of(1, -8), 2)).toEqual(Int32Array.of(3, -6));
    expect(add.signatures).toEqual(expect.arrayContaining(["f64(f64, f64)", "f64(i32, i32)", "u64(u64, u64)"]));
  });

  it("lazy and declared give the same answers", () => {
    const lazy = vectorize(gauss);
    const declared = vectorize(gauss, "f64(f64, f64)");
    fc.assert(
      fc.property(f64s, (xs) => {
        expect(lazy(xs, 0.5)).toEqual(declared(xs, 0.5));
      }),
    );
  });

  it("source text, TypeScript included, and a function with a block body", () => {
    const ts = vectorize("(x: number, k: number): number => x * k + 1", "f64(f64, f64)");
    expect(ts(Float64Array.of(1, 2), 3)).toEqual(Float64Array.of(4, 7));
    const block = vectorize(function clamp(x: number) {
      if (x < 0) return 0;
      return x > 1 ? 1 : x;
    });
    expect(block(Float64Array.of(-2, 0.5, 3))).toEqual(Float64Array.of(0, 0.5, 1));
    expect(block.name).toBe("vectorize(clamp)");
    expect(block.inspect()).toMatch(/call \$__hp_vec\d+_0/); // a function of statements: the loop calls it
  });

  it("a one-expression function is computed in the loop (no call); f64 arithmetic there runs in f64x2", () => {
    const g = vectorize(gauss, "f64(f64, f64)");
    expect(g.inspect()).not.toMatch(/call \$__hp_vec/);
    const axpy = vectorize((a: number, x: number, y: number) => a * x + y, "f64(f64, f64, f64)");
    expect(axpy(2, Float64Array.of(1, 2, 3), Float64Array.of(1, 1, 1))).toEqual(Float64Array.of(3, 5, 7));
    expect(axpy.inspect()).toContain("f64x2.mul");
  });
});

describe("vectorize: broadcasting, out, empty and all-scalar calls", () => {
  const f = vectorize((a: number, b: number, c: number) => a * b - c, "f64(f64, f64, f64)");
  it("scalars broadcast in any position", () => {
    const xs = Float64Array.of(1, 2, 3);
    expect(f(xs, 2, 1)).toEqual(Float64Array.of(1, 3, 5));
    expect(f(2, xs, xs)).toEqual(Float64Array.of(1, 2, 3));
    expect(f(2, 3, xs)).toEqual(Float64Array.of(5, 4, 3));
  });

  it("{ out } is written and returned; its type and length are checked", () => {
    const xs = Float64Array.of(1, 2, 3);
    const out = new Float64Array(3);
    expect(f(xs, 2, 1, { out })).toBe(out);
    expect([...out]).toEqual([1, 3, 5]);
    expect(() => f(xs, 2, 1, { out: new Float32Array(3) })).toThrow(TypeError);
    expect(() => f(xs, 2, 1, { out: new Float32Array(3) })).toThrow(/`options.out` to be a Float64Array \(the result type is f64\)/);
    expect(() => f(xs, 2, 1, { out: new Float64Array(4) })).toThrow(RangeError);
    expect(() => f(xs, 2, 1, { out: new Float64Array(4) })).toThrow(/`options.out` to be of length 3/);
    expect(() => f(xs, 2, 1, { out: [0, 0, 0] as never })).toThrow(/`options.out`/);
    // lazy: `out` picks the output type
    const lazy = vectorize((x: number) => x * 2.5);
    const ints = new Int32Array(2);
    expect(lazy(Float64Array.of(1, -3), { out: ints })).toEqual(Int32Array.of(2, -7));
  });

  it("empty arrays give an empty result; all-scalar calls give the scalar (as Numba)", () => {
    expect(f(new Float64Array(0), 1, 2)).toEqual(new Float64Array(0));
    expect(f(2, 3, 1)).toBe(5);
    const big = vectorize((a: bigint) => a * 2n, "u64(u64)");
    expect(big(2n ** 63n + 1n)).toBe(2n);
  });
});

describe("vectorize: named errors", () => {
  it("bad fn, signatures, options", () => {
    expect(() => vectorize(42 as never)).toThrow(/`fn` to be a function/);
    expect(() => vectorize(Math.exp)).toThrow(/not native or bound/);
    expect(() => vectorize(gauss, 3 as never)).toThrow(/`signatures`/);
    expect(() => vectorize(() => 1)).toThrow(/`fn` to be a function of at least one parameter/);
    expect(() => vectorize((x: number, k = 2) => x * k)).toThrow(/parameter 2 is not a plain name/);
    expect(() => vectorize(gauss, "f64(f64, nope)")).toThrow(/Unknown type "nope" in `signatures`/);
    expect(() => vectorize(gauss, ["f64(f64, f64)", "f64 f64"])).toThrow(/`signatures\[1\]`/);
    expect(() => vectorize(gauss, "f64(f64)")).toThrow(/has 1 parameter\(s\), the function 2 \(x, s\)/);
    expect(() => vectorize(gauss, undefined, { target: "gpu" as never })).toThrow(/`options.target` to be "cpu" or "parallel"/);
    expect(() => vectorize(gauss, undefined, { nopython: true } as never)).toThrow(/Unknown option `options.nopython`/);
    expect(() => vectorize(gauss, undefined, { pool: {} as never })).toThrow(/`options.pool` to be unset unless/);
    expect(() => vectorize(gauss, undefined, { target: "parallel", pool: {} as never })).toThrow(/`options.pool` to be a hotpath Pool/);
    expect(() => vectorize((x: bigint) => x + 1n, "f64(u64)")).toThrow(/returns u64 .* cannot be stored in an output of type f64/);
  });

  it("calls: argument count, lengths, types", () => {
    const g = vectorize(gauss, "f64(f64, f64)");
    expect(() => g(Float64Array.of(1))).toThrow(/takes 2 argument\(s\) \(x, s\)/);
    expect(() => g(Float64Array.of(1, 2), Float64Array.of(1))).toThrow(RangeError);
    expect(() => g(Float64Array.of(1, 2), Float64Array.of(1))).toThrow(/`x` has 2 elements, `s` has 1/);
    expect(() => g("1" as never, 2)).toThrow(/`x` to be a Float64Array/);
    // A freed jit.array, as an input or as out: refused under the caller's names.
    const freed = jit.array(Float64Array, 2);
    jit.free(freed);
    expect(() => g(freed, 1)).toThrow(/Expected `x` to be an array from jit.array that was not freed yet/);
    expect(() => g(Float64Array.of(1, 2), 1, { out: freed })).toThrow(
      /Expected `options.out` to be an array from jit.array that was not freed yet/,
    );
    // A plain array in last place is a value refused by name, not taken for the options.
    expect(() => g(1, [1, 2] as never)).toThrow(/Expected `s` to be a Float64Array, .* got an Array of length 2/);
    expect(() => g(new Int16Array(2) as never, 2)).toThrow(/`x` to be a Float64Array/);
    expect(() => g(Float64Array.of(1), 2n)).toThrow(/no signature takes \(Float64Array, bigint\)/);
    expect(() => g(Float64Array.of(1), 2, { out: new Float64Array(1), signal: undefined })).toThrow(/Unknown option `options.signal`/);
    const u = vectorize((a: bigint) => a, "u64(u64)");
    expect(() => u(BigUint64Array.of(1n), { out: new BigInt64Array(1) })).toThrow(/BigUint64Array/);
  });
});

describe.each([
  [1, "shared"],
  [2, "shared"],
  [3, "shared"],
  [1, "message"],
  [2, "message"],
  [3, "message"],
] as const)("vectorize, target parallel: %i worker(s), %s mode", (workers, mode) => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers, mode, warmUp: false });
  });
  afterAll(() => pool.close());

  it("gives the cpu target's answer (f64, u64, i32, broadcast, out, empty)", async () => {
    const cpu = vectorize(gauss, "f64(f64, f64)");
    const par = vectorize(gauss, "f64(f64, f64)", { target: "parallel", pool });
    const big = vectorize((a: bigint, b: bigint) => a * b + 1n, "u64(u64, u64)", { target: "parallel", pool });
    const ints = vectorize((a: number) => (a * 3) | 0, undefined, { target: "parallel", pool });
    await fc.assert(
      fc.asyncProperty(f64s, fc.double({ min: 0.1, max: 10 }), fc.array(u64, { maxLength: 30 }), async (xs, s, ys) => {
        expect(await par(xs, s)).toEqual(cpu(xs, s));
        const b = BigUint64Array.from(ys);
        const wrap = (a: bigint, k: bigint) => BigInt.asUintN(64, a * k + 1n);
        expect([...((await big(b, 2n ** 64n - 1n)) as BigUint64Array)]).toEqual(
          plainMap(BigUint64Array, wrap, [b, 2n ** 64n - 1n], b.length),
        );
        const i = Int32Array.from(xs, (x) => x | 0);
        expect([...((await ints(i)) as Int32Array)]).toEqual([...Int32Array.from(i, (v) => (v * 3) | 0)]);
      }),
      { numRuns: 15 },
    );
    const out = new Float64Array(1000);
    const xs = Float64Array.from({ length: 1000 }, (_, i) => i / 100 - 5);
    expect(await par(xs, 1.5, { out })).toBe(out);
    expect(out).toEqual(cpu(xs, 1.5));
    // past SCRATCH_MIN (4096) the output is written in a scratch array (jit's memory, the pool's) and copied out once
    const long = Float64Array.from({ length: 5000 }, (_, i) => i / 500 - 5);
    const longAnswer = cpu(long, 0.9) as Float64Array;
    expect([...longAnswer]).toEqual(plainMap(Float64Array, gauss, [long, 0.9], long.length));
    expect(longAnswer.buffer).toBeInstanceOf(ArrayBuffer); // an ordinary array, not a view of jit's memory
    const longParallel = (await par(long, 0.9)) as Float64Array;
    expect(longParallel).toEqual(longAnswer);
    expect(longParallel.buffer).toBeInstanceOf(ArrayBuffer);
    expect(await par(new Float64Array(0), 1)).toEqual(new Float64Array(0));
    expect(await par(0.5, 1)).toBe(gauss(0.5, 1));
    await expect(par(Float64Array.of(1), Float64Array.of(1, 2))).rejects.toThrow(RangeError);
    if (mode === "shared") expect(pool.sharedBytesInUse).toBeLessThan(1 << 20); // nothing left behind
  });

  it("an aborted call rejects with AbortError, also past SCRATCH_MIN and with no element; the next call runs", async () => {
    const par = vectorize(gauss, "f64(f64, f64)", { target: "parallel", pool });
    const long = Float64Array.from({ length: 20_000 }, (_, i) => i / 2000 - 5);
    const aborted = AbortSignal.abort();
    // A rejection while the output's pages are touched (past SCRATCH_MIN) was unhandled, and ended the process.
    await expect(par(long, 0.9, { signal: aborted })).rejects.toThrow(AbortError);
    await expect(par(new Float64Array(0), 0.9, { signal: aborted })).rejects.toThrow(AbortError);
    const during = new AbortController();
    const running = par(long, 0.9, { signal: during.signal });
    during.abort();
    await expect(running).rejects.toThrow(AbortError);
    expect(await par(long, 0.9)).toEqual(vectorize(gauss, "f64(f64, f64)")(long, 0.9));
  });

  it("a trap in a chunk rejects with KernelError", async () => {
    const div = vectorize((a: bigint, b: bigint) => a / b, "u64(u64, u64)", { target: "parallel", pool });
    await expect(div(BigUint64Array.of(1n, 2n, 3n, 4n), BigUint64Array.of(1n, 1n, 0n, 1n))).rejects.toThrow(KernelError);
    expect([...((await div(BigUint64Array.of(9n, 8n), 2n)) as BigUint64Array)]).toEqual([4n, 4n]);
  });
});

describe("vectorize, target parallel, the default pool", () => {
  afterAll(() => closeDefaultPool());
  it("runs on jit's default pool when not given one, and on jit.array arrays", async () => {
    const par = vectorize(gauss, "f64(f64, f64)", { target: "parallel" });
    const xs = jit.array(Float64Array, 257);
    xs.set(Float64Array.from({ length: 257 }, (_, i) => i / 50));
    const result = par(xs, 0.7);
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toEqual(vectorize(gauss)(xs, 0.7));
    jit.free(xs);
  });
});

describe("vectorize, target cpu: large copied calls may run the original (adaptive)", () => {
  it("the loop around the original gives the compiled loop's elements, for arrays, scalars and bool arrays", () => {
    const n = 6000;
    const x = Float64Array.from({ length: n }, (_, i) => (i % 11 === 0 ? NaN : i % 13 === 0 ? -0 : Math.sin(i) * 1e3));
    const flags = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : i % 5 === 0 ? 7 : 0));
    const pick = (v: number, on: boolean, k: number) => (on ? v * k : -v);
    const cases = [
      { fn: gauss, sig: "f64(f64, f64)", args: [x, 0.75], params: ["f64", "f64"], arrays: [true, false], out: "f64" },
      {
        fn: pick,
        sig: "f64(f64, bool, f64)",
        args: [x, flags, 3],
        params: ["f64", "bool", "f64"],
        arrays: [true, true, false],
        out: "f64",
      },
      { fn: (a: number) => a * 3.5, sig: "i32(f64)", args: [x], params: ["f64"], arrays: [true], out: "i32" },
    ] as const;
    for (const c of cases) {
      const compiled = vectorize(c.fn as (...a: any[]) => number, c.sig)(...(c.args as unknown as [Float64Array])) as Float64Array;
      const loop = plainLoop({ params: c.params, loopArrays: c.arrays, loop: { out: c.out } })!;
      expect(loop).toBeTypeOf("function");
      const out = new (compiled.constructor as Float64ArrayConstructor)(n);
      loop(c.fn as (...a: unknown[]) => unknown, out, n, ...c.args);
      expect(Buffer.from(out.buffer).equals(Buffer.from(compiled.buffer)), c.sig).toBe(true);
    }
    expect(plainLoop({ params: ["u64"], loopArrays: [true], loop: { out: "u64" } })).toBeUndefined();
  });

  it("every call of a large vectorize gives the plain map's result, whichever way ran", () => {
    const g = vectorize(gauss, "f64(f64, f64)");
    const n = 1 << 15; // 256 KiB in, 256 KiB out
    const x = Float64Array.from({ length: n }, (_, i) => (i - n / 2) / 1000);
    const expected = Float64Array.from(x, (v) => gauss(v, 0.5));
    for (let call = 0; call < 40; call++) {
      const out = g(x, 0.5) as Float64Array;
      expect(Buffer.from(out.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    }
  });
});
