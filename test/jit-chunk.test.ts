// Chunked loops (src/jit/codegen/chunk.ts): where wasm starts in V8's baseline tier (Deno, browsers),
// a top-level counted loop of the entry function is moved into a function called with growing bounds.
// Node compiles with the optimizing tier up front and does not chunk; HOTPATH_JIT_CHUNK=1 makes it
// chunk here, so that every way out of a moved loop is checked against the original function.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelError } from "../src/errors.ts";
import { agrees } from "./support/agrees.ts";
import { jit } from "../src/jit/index.ts";

const RUNS = { numRuns: 150 };
let before: string | undefined;
beforeAll(() => {
  before = process.env.HOTPATH_JIT_CHUNK;
  process.env.HOTPATH_JIT_CHUNK = "1";
});
afterAll(() => {
  if (before === undefined) delete process.env.HOTPATH_JIT_CHUNK;
  else process.env.HOTPATH_JIT_CHUNK = before;
});

const moved = (wat: string) => (wat.match(/\(func \$\w+_loop_\d+/g) ?? []).length;
const U64_MAX = 2n ** 64n - 1n;
/** Two u64 bounds at most 3000 apart (the original runs the loop too), near 0 or near 2^64 − 1. */
const bounds = fc
  .tuple(
    fc.oneof(fc.bigInt({ min: 0n, max: 3000n }), fc.bigInt({ min: U64_MAX - 3000n, max: U64_MAX })),
    fc.bigInt({ min: -3000n, max: 3000n }),
  )
  .map(([from, delta]) => [from, from + delta < 0n ? 0n : from + delta > U64_MAX ? U64_MAX : from + delta] as const);

describe("jit chunked loops: every way out of a moved loop gives the original's answer", () => {
  it("a bigint sum, up to the top of u64 (the bounds E − i and i + trips exact there)", () => {
    function total(from: bigint, to: bigint): bigint {
      let s = 0n;
      for (let i = from; i < to; i++) s += i * 3n + 1n;
      return s;
    }
    const fast = jit(total);
    fc.assert(
      fc.property(bounds, ([from, to]) => {
        expect(fast(from, to)).toBe(BigInt.asUintN(64, total(from, to)));
      }),
      RUNS,
    );
    expect(moved(fast.inspect())).toBe(1);
    // Long enough for many calls of the moved loop (its bounds grow by an eighth from 64 trips).
    expect(jit(total)(0n, 200_000n)).toBe(total(0n, 200_000n));
    expect(jit(total)(U64_MAX - 100_000n, U64_MAX)).toBe(BigInt.asUintN(64, total(U64_MAX - 100_000n, U64_MAX)));
  });

  it("break, return from inside, continue, the counter read after the loop, two loops in a row", () => {
    function search(n: number, stop: number, skip: number): number {
      let hits = 0;
      let i = 0;
      for (i = 0; i < n; i++) {
        if (i % 7 === skip) continue;
        if (i === stop) break;
        if (hits > 400) return -hits - i;
        hits++;
      }
      let after = 0;
      for (let j = 0; j < n; j++) after += j & 3;
      return hits * 1000 + i + after;
    }
    const ints = fc.integer({ min: -5, max: 3000 });
    expect(moved(agrees(search, [ints, ints, fc.integer({ min: 0, max: 7 })], undefined, RUNS.numRuns))).toBeGreaterThanOrEqual(1);
  });

  it("nested loops move as one; a void function; writes to arrays, and a trap halfway (jit.array keeps the writes made before it)", () => {
    function fill(a: Float64Array, rows: number, cols: number): void {
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) {
          if (c === r) continue;
          a[r * cols + c] = r - c * 0.5;
        }
    }
    // Arrays long enough: past the end, JavaScript ignores a write where jit traps (the test below).
    const fast0 = jit(fill);
    fc.assert(
      fc.property(fc.integer({ min: -2, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.nat(5), (rows, cols, extra) => {
        const [a, b] = [new Float64Array(Math.max(0, rows) * cols + extra), new Float64Array(Math.max(0, rows) * cols + extra)];
        fast0(a, rows, cols);
        fill(b, rows, cols);
        expect([...a]).toEqual([...b]);
      }),
      RUNS,
    );
    expect(moved(fast0.inspect())).toBeGreaterThanOrEqual(1);
    const fast = jit(fill);
    const a = jit.array(Float64Array, 50);
    expect(() => fast(a, 10, 10)).toThrow(KernelError);
    const b = new Float64Array(50);
    for (let r = 0; r < 5; r++) for (let c = 0; c < 10; c++) if (c !== r) b[r * 10 + c] = r - c * 0.5;
    expect([...a]).toEqual([...b]);
    jit.free(a);
  });

  it("an int32 counter against an array's length, a declared i64 signature with negative bounds", () => {
    function dot(a: Float64Array, b: Float64Array): number {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * b[i % b.length];
      return s;
    }
    const arr = fc.array(fc.double({ noNaN: false }), { maxLength: 300 }).map((v) => Float64Array.from(v));
    expect(moved(agrees(dot, [arr, arr.filter((b) => b.length > 0)], undefined, RUNS.numRuns))).toBeGreaterThanOrEqual(1);
    function signed(from: bigint, to: bigint): bigint {
      let s = 0n;
      for (let i = from; i < to; i++) s = s * 3n + i;
      return s;
    }
    const i64 = fc.bigInt({ min: -2000n, max: 2000n });
    const fast = jit(signed, "i64(i64, i64)");
    fc.assert(
      fc.property(i64, i64, (from, to) => {
        expect(fast(from, to)).toBe(BigInt.asIntN(64, signed(from, to)));
      }),
      RUNS,
    );
    expect(moved(fast.inspect())).toBe(1);
  });

  it("a moved loop takes and gives back only the locals it carries: 4 of 1,100 moves; 950 carried keeps the loop (past 1000, V8 would refuse the moved one)", () => {
    const names = Array.from({ length: 1100 }, (_, k) => `v${k}`);
    const many = (used: number) =>
      `function many(n) { ${names.map((v, k) => `let ${v} = ${k};`).join(" ")} let s = 0; for (let i = 0; i < n; i++) s += ${names.slice(0, used).join(" + ")} + i; return s + ${names.at(-1)}; }`;
    const few = jit(many(4));
    expect(few(1000)).toBe(1000 * 6 + (999 * 1000) / 2 + 1099);
    expect(moved(few.inspect())).toBe(1);
    // The moved loop's parameters: the 4 locals, s, i, n and the bound (not 1,100).
    const params = /\(func \$many_loop_\d+((?: \(param \w+\))*)/.exec(few.inspect())?.[1] ?? "";
    expect(params.split("(param").length - 1).toBeLessThan(20);
    const all = jit(many(950));
    expect(all(10)).toBe(10 * ((949 * 950) / 2) + 45 + 1099);
    expect(moved(all.inspect())).toBe(0);
  });

  it("a loop inside another loop of the function is not moved on its own; without HOTPATH_JIT_CHUNK Node moves nothing", () => {
    function inner(n: number): number {
      let s = 0;
      let k = 0;
      // A do-while: a \`while (k < 3) { …; k++; }\` is a counted loop (front/loops.ts), moved as a whole.
      do {
        for (let i = 0; i < n; i++) s += i;
        k++;
      } while (k < 3);
      return s;
    }
    expect(moved(agrees(inner, [fc.integer({ min: -3, max: 500 })], undefined, RUNS.numRuns))).toBe(0);
    process.env.HOTPATH_JIT_CHUNK = "0";
    try {
      const plain = jit((n: number) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += i;
        return s;
      });
      expect(plain(10)).toBe(45);
      expect(moved(plain.inspect())).toBe(0);
    } finally {
      process.env.HOTPATH_JIT_CHUNK = "1";
    }
  });
});
