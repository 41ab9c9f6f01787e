// Typed arrays a jitted function makes (`new Float64Array(n)`, `new Int32Array(a)`): JavaScript's
// values and errors, arrays returned as ordinary typed arrays (or as the very argument given), and
// every block given back: at the end of the block that made it, and at the end of the call whatever
// way it ended.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { KernelError } from "../src/errors.ts";
import { JitError } from "../src/jit/errors.ts";
import { jit, prange, vectorize, closeDefaultPool } from "../src/jit/index.ts";
import { arenaUsed } from "../src/jit/runtime/memory.ts";
import { createPool } from "../src/index.ts";

afterAll(() => closeDefaultPool());

/** Runs `f` plain and jitted on the same arguments (arrays copied for each): the same result and the same arrays after. */
function same<A extends unknown[]>(f: (...args: A) => unknown, jitted: (...args: A) => unknown, args: A) {
  const copy = () => args.map((a) => (ArrayBuffer.isView(a) ? (a as unknown as Float64Array).slice() : a)) as A;
  const [mine, theirs] = [copy(), copy()];
  const expected = f(...theirs);
  const got = jitted(...mine);
  if (ArrayBuffer.isView(expected)) {
    expect(got).toBeInstanceOf((expected as object).constructor);
    expect([...(got as Float64Array)]).toEqual([...(expected as unknown as Float64Array)]);
    expect(Object.is((got as Float64Array).length, (expected as unknown as Float64Array).length)).toBe(true);
  } else expect(got).toStrictEqual(expected);
  mine.forEach((a, i) => {
    if (ArrayBuffer.isView(a)) expect([...(a as unknown as Float64Array)]).toEqual([...(theirs[i] as unknown as Float64Array)]);
  });
}

function countingSort(a: Int32Array, k: number) {
  const counts = new Int32Array(k);
  for (let i = 0; i < a.length; i++) counts[a[i]]++;
  let j = 0;
  for (let v = 0; v < k; v++) for (let c = counts[v]; c > 0; c--) a[j++] = v;
  return j;
}

function runningMean(a: Float64Array, w: number) {
  const out = new Float64Array(a.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i];
    if (i >= w) s -= a[i - w];
    out[i] = s / Math.min(i + 1, w);
  }
  return out;
}

function editDistance(a: Uint8Array, b: Uint8Array) {
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length];
}

function scaledCopy(a: Float64Array, k: number) {
  const b = new Float64Array(a);
  for (let i = 0; i < b.length; i++) b[i] *= k;
  return b;
}

/** A scratch array per iteration, left by `continue` and `break` too. */
function scratchSum(n: number, stop: number) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const v = new Float64Array(3);
    v[0] = i;
    v[1] = v[0] * 0.5;
    if (i % 3 === 0) continue;
    if (i === stop) break;
    total += v[0] + v[1] + v[2];
  }
  return total;
}

function fibTable(n: number) {
  const t = new BigUint64Array(n + 2);
  t[1] = 1n;
  for (let i = 2; i < t.length; i++) t[i] = t[i - 1] + t[i - 2]; // wraps modulo 2^64, as the array stores
  return t;
}

describe("jit: typed arrays made in the function", () => {
  it("gives JavaScript's answers: scratch tables, arrays returned, copies, double buffers (random inputs)", () => {
    const [sort, mean, edit, scaled] = [jit(countingSort), jit(runningMean), jit(editDistance), jit(scaledCopy)];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 300 }), fc.integer({ min: 41, max: 100 }), (values, k) =>
        same(countingSort, sort, [Int32Array.from(values), k]),
      ),
      { numRuns: 60 },
    );
    const double = fc.oneof(fc.double({ noNaN: false }), fc.constantFrom(0, -0, Infinity, -Infinity, NaN, 2 ** 53 + 1));
    fc.assert(
      fc.property(fc.array(double, { maxLength: 200 }), fc.integer({ min: 1, max: 20 }), (values, w) => {
        same(runningMean, mean, [Float64Array.from(values), w]);
        same(scaledCopy, scaled, [Float64Array.from(values), w - 0.5]);
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.uint8Array({ maxLength: 60 }), (a, b) => same(editDistance, edit, [a, b])),
      { numRuns: 60 },
    );
    expect(arenaUsed()).toBe(0);
  });

  it("stores as JavaScript's arrays do: bigint tables wrap modulo 2^64, int32 and u8 elements wrap", () => {
    const fib = jit(fibTable, "u64[](i32)");
    same(fibTable, fib, [100]);
    expect(fib(100)[100]).toBe(BigInt.asUintN(64, 354224848179261915075n));
    const wrap = (x: number) => {
      const a = new Int32Array(2);
      const b = new Uint8Array(2);
      a[0] = x;
      b[0] = x;
      a[1] = a[0] + 1;
      return a[1] * 1000 + b[0];
    };
    const fast = jit(wrap);
    for (const x of [0, 1, -1, 255, 256, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32 + 5, 2 ** 53 + 2, 1.5, -0, NaN, Infinity])
      expect(fast(x)).toBe(wrap(x));
  });

  it("takes lengths as JavaScript does: truncated, NaN and −0.5 as 0, no argument as 0", () => {
    const length = jit((n: number) => new Float64Array(n).length);
    for (const n of [0, 1, 2.7, 0.5, -0.5, -0, NaN, 1000]) expect(length(n)).toBe(new Float64Array(n).length);
    expect(jit(() => new Int32Array().length)()).toBe(0);
    expect(jit((n: number) => new Uint8Array(Math.floor(n / 8) + 1).length)(100)).toBe(13);
  });

  it("refuses a negative, infinite or too large length with a RangeError, and gives back what the call made", () => {
    const make = jit(function make(n: number, m: number) {
      const first = new Float64Array(m);
      first[0] = 1;
      const second = new Float64Array(n);
      return first[0] + second.length;
    });
    expect(make(3, 4)).toBe(4);
    expect(() => make(-1, 4)).toThrow(RangeError);
    expect(() => make(-1, 4)).toThrow("Invalid typed array length: -1");
    expect(() => make(Infinity, 4)).toThrow(RangeError);
    expect(() => make(2 ** 31, 4)).toThrow(/Expected `new Float64Array\(2147483648\)` to fit in jit's memory/);
    expect(arenaUsed()).toBe(0);
    // A fault in one call does not fail the next.
    expect(make(5, 1 << 16)).toBe(6);
    expect(arenaUsed()).toBe(0);
  });

  it("gives back the arrays of a call that trapped", () => {
    const outOfRange = jit(function outOfRange(n: number, at: number) {
      const a = new Float64Array(n);
      const b = new Float64Array(1 << 16);
      b[0] = a.length;
      return a[at] + b[0];
    });
    expect(() => outOfRange(10, 10)).toThrow(KernelError);
    expect(() => outOfRange(10, 10)).toThrow(/`a\[at\]` .*: 10, where the length is 10/);
    expect(arenaUsed()).toBe(0);
    expect(outOfRange(10, 9)).toBe(10);
  });

  it("gives back an array at the end of the block that made it, and at a break or continue out of it", () => {
    const fast = jit(scratchSum);
    same(scratchSum, fast, [1000, 500]);
    same(scratchSum, fast, [1000, -1]);
    const wat = fast.inspect();
    expect(wat).toMatch(/call \$env.__hp_free/);
    // 2^16 arrays of 64 KiB: 4 GiB if each stayed until the call ends, more than wasm32 holds.
    const big = jit(
      function big(n: number) {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const block = new Float64Array(8192);
          block[i & 8191] = i;
          s += block[i & 8191];
        }
        return s;
      },
      undefined,
      { adaptive: false },
    );
    expect(big(1 << 16)).toBe(((1 << 16) * ((1 << 16) - 1)) / 2);
    expect(arenaUsed()).toBe(0);
  });

  it("keeps an array that leaves its block through an outer local (a double buffer) until the call ends", () => {
    const life = (n: number, steps: number) => {
      let cur = new Uint8Array(n);
      cur[n >> 1] = 1;
      for (let s = 0; s < steps; s++) {
        const next = new Uint8Array(n);
        for (let i = 1; i < n - 1; i++) next[i] = cur[i - 1] ^ cur[i + 1];
        cur = next;
      }
      let live = 0;
      for (let i = 0; i < n; i++) live += cur[i];
      return live;
    };
    const fast = jit(life);
    expect(fast.inspect()).not.toMatch(/__hp_free/);
    for (const [n, steps] of [
      [64, 31],
      [101, 50],
      [7, 3],
    ])
      expect(fast(n, steps)).toBe(life(n, steps));
    expect(arenaUsed()).toBe(0);
  });

  it("returns the very array it was given when it returns an argument, jit.array or ordinary", () => {
    const fill = jit(function fill(a: Float64Array, v: number) {
      for (let i = 0; i < a.length; i++) a[i] = v;
      return a;
    });
    const plain = new Float64Array(4);
    expect(fill(plain, 2)).toBe(plain);
    expect([...plain]).toEqual([2, 2, 2, 2]);
    const zero = jit.array(Float64Array, 3);
    expect(fill(zero, 5)).toBe(zero);
    jit.free(zero);
    const pick = jit((a: Float64Array, b: Float64Array, first: boolean) => (first ? a : b));
    const [x, y] = [new Float64Array([1]), new Float64Array([2])];
    expect(pick(x, y, true)).toBe(x);
    expect(pick(x, y, false)).toBe(y);
  });

  it("passes made arrays to jitted callees and takes arrays they return", () => {
    jit(function ramp(n: number) {
      const r = new Float64Array(n);
      for (let i = 0; i < n; i++) r[i] = i * 0.5;
      return r;
    });
    jit(function total(a: Float64Array) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i];
      return s;
    });
    const user = (n: number) => {
      let s = 0;
      for (let k = 1; k <= 4; k++) {
        const r = ramp(n * k);
        s += total(r);
      }
      return s;
    };
    // In plain JavaScript the callees are the functions above.
    function ramp(n: number) {
      const r = new Float64Array(n);
      for (let i = 0; i < n; i++) r[i] = i * 0.5;
      return r;
    }
    function total(a: Float64Array) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i];
      return s;
    }
    expect(jit(user)(100)).toBe(user(100));
    expect(arenaUsed()).toBe(0);
  });

  it("measures the original of a function that makes its own arrays, though its arguments are small (adaptive)", () => {
    function knapsack(wt: Int32Array, val: Int32Array, cap: number) {
      const dp = new Int32Array(cap + 1);
      for (let i = 0; i < wt.length; i++) {
        const w = wt[i];
        const v = val[i];
        for (let c = cap; c >= w; c--) if (dp[c - w] + v > dp[c]) dp[c] = dp[c - w] + v;
      }
      return dp[cap];
    }
    const wt = Int32Array.from({ length: 40 }, (_, i) => 5 + ((i * 37) % 50));
    const val = Int32Array.from({ length: 40 }, (_, i) => 1 + ((i * 53) % 90));
    const fast = jit(knapsack);
    const expected = knapsack(wt, val, 30000);
    for (let r = 0; r < 8; r++) expect(fast(wt, val, 30000)).toBe(expected);
    // 320 bytes of arguments: below what `adaptive` measures by their copies, but the work is in `dp`.
    expect(fast.stats.plainCalls).toBeGreaterThanOrEqual(2);
  });

  it("compares array results under verify", () => {
    const fast = jit(runningMean, undefined, { verify: 3 });
    expect([...(fast(new Float64Array([1, 2, 3, 4]), 2) as Float64Array)]).toEqual([1, 1.5, 2.5, 3.5]);
  });

  it("refuses by name what runs elsewhere than this thread: the pool, parallel functions, a parallel vectorize", async () => {
    expect(() =>
      jit(
        function par(n: number) {
          let s = 0;
          for (const i of prange(0, n)) {
            const v = new Float64Array(2);
            v[0] = i;
            s += v[0];
          }
          return s;
        },
        { parallel: true },
      ),
    ).toThrow(/`new Float64Array` in a parallel function .*\(at 4:\d+\)/);
    expect(() => vectorize((x: number) => new Float64Array(2).length + x, "f64(f64)", { target: "parallel" })).toThrow(JitError);
    const pool = await createPool({ workers: 1 });
    try {
      const rows = jit(function rows(lo: number, hi: number, out: Float64Array) {
        const t = new Float64Array(2);
        for (let i = lo; i < hi; i++) out[i] = t.length;
      }, "void(i32, i32, f64[])");
      await expect((async () => pool.forRows(rows, 0, 4, { args: [new Float64Array(4)] }))()).rejects.toThrow(
        /makes typed arrays .* runs on this thread only/,
      );
    } finally {
      await pool.close();
    }
  });

  it("copies a typed array of another element type as JavaScript converts its values (wrap, round, clamp)", () => {
    const value = fc.oneof(
      fc.double(),
      fc.integer({ min: -70000, max: 70000 }),
      fc.constantFrom(0, -0, 0.5, 2.5, 255.5, -1, NaN, Infinity),
    );
    const convert = [
      (a: Float64Array) => new Int32Array(a),
      (a: Float64Array) => new Uint8ClampedArray(a),
      (a: Float64Array) => new Float32Array(a),
      (a: Float64Array) => new Int16Array(new Uint16Array(new Int8Array(a))),
      (a: Float64Array) => new Float64Array(new Uint32Array(a)),
    ];
    const fast = convert.map((f) => jit(f));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), (xs) =>
        convert.forEach((f, k) => same(f, fast[k] as typeof f, [Float64Array.from(xs)])),
      ),
      { numRuns: 80 },
    );
    expect(arenaUsed()).toBe(0);
  });

  it("fills as TypedArray.prototype.fill does: relative, truncated and clamped ranges, the value converted once", () => {
    function fillRange(a: Int32Array, b: Float64Array, c: Uint8ClampedArray, v: number, start: number, end: number) {
      a.fill(v, start, end);
      b.fill(v, start);
      c.fill(v);
      const d = new Float32Array(a.length + 1).fill(v, -2);
      return a[0] + b[b.length - 1] + c[0] + d[d.length - 1];
    }
    const fast = jit(fillRange);
    const value = fc.oneof(
      fc.double(),
      fc.integer({ min: -300, max: 70000 }),
      fc.constantFrom(0, -0, 2.5, 255.5, NaN, Infinity, 2 ** 32 + 7),
    );
    const index = fc.oneof(
      fc.integer({ min: -12, max: 12 }),
      fc.double({ min: -20, max: 20 }),
      fc.constantFrom(NaN, Infinity, -Infinity, -0),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), value, index, index, (n, v, start, end) =>
        same(fillRange, fast, [new Int32Array(n), new Float64Array(n), new Uint8ClampedArray(n), v, start, end]),
      ),
      { numRuns: 200 },
    );
    // A made array filled before use is given back at the end of its block too.
    const rows = jit((n: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const row = new Float64Array(4).fill(i);
        s += row[3];
      }
      return s;
    });
    expect(rows(100)).toBe(4950);
    expect(rows.inspect()).toMatch(/__hp_free/);
    expect(arenaUsed()).toBe(0);
  });

  it("refuses what JavaScript refuses or it does not make: bigint from number arrays, several arguments", () => {
    expect(() => jit((a: Float64Array) => new BigInt64Array(a as never).length)(new Float64Array(2))).toThrow(
      /`new BigInt64Array` of a Float64Array: bigint and number arrays do not convert/,
    );
    expect(() => jit("(n) => new Float64Array(n, 2).length")(2)).toThrow(/`new Float64Array` with 2 arguments/);
  });
});
