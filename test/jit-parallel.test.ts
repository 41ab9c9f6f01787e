// jit(f, { parallel: true }): the function's prange loop split over a pool. On 1, 2 and 3 workers, in
// shared and message mode, every integer reduction gives the answer of the plain function (bigints as
// u64, as jit's bigints are), float sums stay within the documented rounding rule, arrays are read (both
// modes) and written (shared mode), and what cannot be split is a JitError with its line and column.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, KernelError, createPool, type Pool } from "../src/index.ts";
import { JitError, closeDefaultPool, jit, prange } from "../src/jit/index.ts";

const U64 = 2n ** 64n - 1n;
const u64 = (x: bigint) => BigInt.asUintN(64, x);

function mix(z: bigint): bigint {
  z = (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n;
  z = (z ^ (z >> 27n)) * 0x94d049bb133111ebn;
  return z ^ (z >> 31n);
}
jit(mix, "u64(u64)");
/** mix as plain JavaScript computes it with jit's u64 wrap-around. */
function mixU64(z: bigint): bigint {
  z = u64((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = u64((z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

// The functions under test, as a user writes them. Each is also run as plain JavaScript (prange is an iterator there).
function sumSquares(lo: bigint, hi: bigint): bigint {
  let s = 0n;
  for (const i of prange(lo, hi)) s += i * i;
  return s;
}
function xorHashes(n: bigint): bigint {
  let h = 0n;
  for (const i of prange(n)) h ^= mix(i);
  return h;
}
function andOr(n: bigint): bigint {
  let a = 0xffffffffffffffffn;
  let o = 0n;
  for (const i of prange(n)) a &= mix(i) | (i & 1n);
  for (let k = 0n; k < 3n; k++) o |= a >> k;
  return o;
}
function product(lo: bigint, hi: bigint): bigint {
  let p = 3n;
  for (const i of prange(lo, hi)) p *= i | 1n;
  return p;
}
function bestHash(n: bigint): bigint {
  let best = 0n;
  for (const i of prange(n)) {
    const h = mix(i) >> 3n;
    if (h > best) best = h;
  }
  return best;
}
function countOdd(n: number): number {
  let c = 0;
  for (const i of prange(n)) if (i % 3 === 1) c++;
  return c;
}
function minMax(xs: Int32Array): number {
  let lo = 1e9;
  let hi = -1e9;
  for (const i of prange(xs.length)) lo = Math.min(lo, xs[i]);
  for (let i = 0; i < xs.length; i++) hi = Math.max(hi, xs[i]);
  return hi - lo;
}
function budget(xs: Int32Array, start: number): number {
  let left = start;
  for (const i of prange(0, xs.length)) left -= xs[i];
  return left * 2;
}
function meanOf(xs: Float64Array): number {
  let s = 0;
  for (const i of prange(xs.length)) s += xs[i];
  return s / xs.length;
}
/** Several reductions in one loop: a sum, a count, a max and an xor. */
function summary(xs: Int32Array, seed: bigint): number {
  let sum = 0;
  let count = 0;
  let top = -1e9;
  let mixed = seed;
  for (const i of prange(xs.length)) {
    if (xs[i] > 0) {
      sum += xs[i];
      count++;
    }
    top = Math.max(top, xs[i]);
    mixed ^= BigInt(xs[i] & 1023) * 0x9e3779b97f4a7c15n;
  }
  return sum * 3 + count + top + Number(mixed & 255n);
}

function roots(out: Float64Array, xs: Float64Array): void {
  for (const i of prange(xs.length)) out[i] = Math.sqrt(xs[i]) + i;
}

const bigRange = fc
  .tuple(fc.bigInt({ min: 0n, max: 2n ** 20n }), fc.bigInt({ min: 0n, max: 3000n }))
  .map(([lo, len]) => [lo, lo + len] as const);

describe.each([
  [1, "shared"],
  [2, "shared"],
  [3, "shared"],
  [1, "message"],
  [2, "message"],
  [3, "message"],
] as const)("prange on %i worker(s), %s mode", (workers, mode) => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers, mode, warmUp: false });
  });
  afterAll(() => pool?.close());

  it("integer reductions give the plain function's answer (+=, ^=, &=, |=, *=, if (h > best), ++, Math.min, -=)", async () => {
    const options = { parallel: true, pool } as const;
    const pSum = jit(sumSquares, options);
    const pXor = jit(xorHashes, options);
    const pAndOr = jit(andOr, options);
    const pProduct = jit(product, options);
    const pBest = jit(bestHash, options);
    const pCount = jit(countOdd, options);
    const pMinMax = jit(minMax, options);
    const pBudget = jit(budget, options);
    await fc.assert(
      fc.asyncProperty(bigRange, async ([lo, hi]) => {
        expect(await pSum(lo, hi)).toBe(u64(sumSquares(lo, hi)));
        expect(await pProduct(lo, hi)).toBe(u64(product(lo, hi)));
        const n = hi - lo;
        let x = 0n;
        let best = 0n;
        let a = U64;
        for (let i = 0n; i < n; i++) {
          x ^= mixU64(i);
          if (mixU64(i) >> 3n > best) best = mixU64(i) >> 3n;
          a &= mixU64(i) | (i & 1n);
        }
        expect(await pXor(n)).toBe(x);
        expect(await pBest(n)).toBe(best);
        expect(await pAndOr(n)).toBe(a | (a >> 1n) | (a >> 2n));
        expect(await pCount(Number(n))).toBe(countOdd(Number(n)));
      }),
      { numRuns: 12 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 500 }), fc.integer(), async (values, start) => {
        const xs = Int32Array.from(values);
        expect(await pMinMax(xs)).toBe(minMax(xs));
        expect(await pBudget(xs, start)).toBe(budget(xs, start));
      }),
      { numRuns: 12 },
    );
  });

  it("u64 edges: empty and one-element ranges, ranges ending at 2^64 − 1, wrap-around", async () => {
    const pSum = jit(sumSquares, { parallel: true, pool });
    for (const [lo, hi] of [
      [0n, 0n],
      [5n, 5n],
      [9n, 3n],
      [0n, 1n],
      [1n, 2n],
      [2n ** 53n - 1n, 2n ** 53n + 2n],
      [U64 - 40n, U64],
      [2n ** 32n - 3n, 2n ** 32n + 3n],
    ])
      expect(await pSum(lo, hi)).toBe(u64(sumSquares(lo, hi)));
    await expect(pSum(0n, 2n ** 64n)).rejects.toThrow(/u64/);
  });

  it("float sums: chunk partials added in chunk order, within n·ε·Σ|x| of one thread's sum", async () => {
    const pMean = jit(meanOf, { parallel: true, pool });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 2000 }), async (values) => {
        const xs = Float64Array.from(values);
        const bound = (xs.length * Number.EPSILON * xs.reduce((s, x) => s + Math.abs(x), 0)) / xs.length;
        expect(Math.abs((await pMean(xs)) - meanOf(xs))).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 15 },
    );
    // Integer-valued floats are exact in any order.
    const xs = Float64Array.from({ length: 10_001 }, (_, i) => i % 97);
    expect(await pMean(xs)).toBe(meanOf(xs));
  });

  it(
    mode === "shared"
      ? "several reductions in one loop (+=, ++, Math.max, ^=) give the plain answer"
      : "refuses several reductions, which need shared memory, by name",
    async () => {
      const pSummary = jit(summary, { parallel: true, pool });
      if (mode === "shared")
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: -5000, max: 5000 }), { maxLength: 700 }),
            fc.bigInt({ min: 0n, max: U64 }),
            async (values, seed) => {
              const xs = Int32Array.from(values);
              expect(await pSummary(xs, seed)).toBe(summary(xs, seed));
            },
          ),
          { numRuns: 15 },
        );
      else {
        const error = await pSummary(Int32Array.from([1, 2, 3]), 5n).catch((e) => e);
        expect(error).toBeInstanceOf(JitError);
        expect(error.message).toMatch(
          /reduces `sum`, `count`, `top`, `mixed`: a parallel loop with several reductions needs the pool's shared memory/,
        );
      }
    },
  );

  it(
    mode === "shared" ? "writes arrays (disjoint elements), ordinary and jit.array ones" : "refuses a loop that writes an array, by name",
    async () => {
      const pRoots = jit(roots, { parallel: true, pool });
      const xs = Float64Array.from({ length: 4099 }, (_, i) => i * 1.5);
      const expected = new Float64Array(xs.length);
      roots(expected, xs);
      if (mode === "shared") {
        const out = new Float64Array(xs.length);
        const before = pool.sharedBytesInUse;
        await pRoots(out, xs);
        expect(out).toEqual(expected);
        expect(pool.sharedBytesInUse).toBe(before); // the copies of out and xs were given back
        const zOut = jit.array(Float64Array, xs.length);
        const zXs = jit.array(Float64Array, xs);
        await pRoots(zOut, zXs);
        expect(Array.from(zOut)).toEqual(Array.from(expected));
        jit.free(zOut);
        jit.free(zXs);
      } else {
        const error = await pRoots(new Float64Array(xs.length), xs).catch((e) => e);
        expect(error).toBeInstanceOf(JitError);
        expect(error.message).toMatch(
          /roots's prange loop writes `out`: a parallel loop that writes an array needs the pool's shared memory/,
        );
        expect(error.line).toBe(2); // the store, in the function's own text
      }
    },
  );
});

describe("prange: what cannot be split, faults, the default pool", () => {
  it("a value carried between iterations, a reduction read in the loop, a write before the loop: JitErrors with line and column", () => {
    const carried = `function carried(xs: Float64Array): number {
  let prev = 0;
  for (const i of prange(xs.length)) {
    xs[i] = prev;
    prev = i;
  }
  return prev;
}`;
    const error = (() => {
      try {
        jit(carried, { parallel: true });
      } catch (e) {
        return e as JitError;
      }
    })();
    expect(error).toBeInstanceOf(JitError);
    expect(error!.message).toMatch(/`prev` is carried from one iteration to the next/);
    expect([error!.line, error!.column]).toEqual([5, 5]);
    const readBack =
      "function r(n: number): number {\n  let s = 0;\n  for (const i of prange(n)) {\n    s += i;\n    const t = s + 1;\n  }\n  return s;\n}";
    expect(() => jit(readBack, { parallel: true })).toThrow(/`s` is a reduction \(\+=\): reading it inside the prange loop.*\(at 5:15\)/s);
    const before =
      "function b(xs: Float64Array): number {\n  xs[0] = 1;\n  let s = 0;\n  for (const i of prange(xs.length)) s += xs[i];\n  return s;\n}";
    expect(() => jit(before, { parallel: true })).toThrow(/run once in every chunk: they must not write an array parameter.*\(at 2:3\)/s);
    expect(() => jit("function none(n: number) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }", { parallel: true })).toThrow(
      /`parallel: true` needs a `for \(const i of prange\(lo, hi\)\)` loop/,
    );
    expect(() =>
      jit("function nested(n: number) { let s = 0; for (let k = 0; k < 2; k++) for (const i of prange(n)) s += i; return s; }", {
        parallel: true,
      }),
    ).toThrow(/must be a statement of the function's body itself/);
    expect(() =>
      jit("function early(n: number): number {\n  for (const i of prange(n)) {\n    if (i > 3) return i;\n  }\n  return -1;\n}", {
        parallel: true,
      }),
    ).toThrow(/`return` inside a prange loop: its iterations run in any order.*\(at 3:16\)/s);
    expect(() =>
      jit(
        "function brk(n: number): number {\n  let s = 0;\n  for (const i of prange(n)) {\n    for (let k = 0; k < 3; k++) if (k > i) break;\n    if (i > 3) break;\n    s += i;\n  }\n  return s;\n}",
        { parallel: true },
      ),
    ).toThrow(/`break` inside a prange loop.*\(at 5:16\)/s);
    expect(() => jit(sumSquares, { parallel: true, verify: 2 })).toThrow(/`options.verify` to be unset with `parallel: true`/);
    expect(() => jit(sumSquares, undefined, { pool: {} as never })).toThrow(/`options.pool` to be a pool from createPool\(\)/);
  });

  it("a trap rejects only its call with KernelError; an abort stops it; the pool goes on", async () => {
    const pool = await createPool({ workers: 2, warmUp: false });
    try {
      const divides = jit(
        "function divides(n: bigint): bigint { let s = 0n; for (const i of prange(n)) s += 100n / (5n - i); return s; }",
        { parallel: true, pool },
      );
      const before = pool.sharedBytesInUse;
      const readsArray = jit(
        "function readsArray(xs: Int32Array): number { let s = 0; for (const i of prange(xs.length)) s += (10 / xs[i]) | 0; return s; }",
        { parallel: true, pool },
      );
      expect(await readsArray(Int32Array.from([1, 2, 5]))).toBe(17);
      const error = await divides(10n).catch((e) => e);
      expect(error).toBeInstanceOf(KernelError);
      expect(error.message).toMatch(/trapped: divide by zero/);
      expect(pool.sharedBytesInUse).toBe(before);
      const spin = jit(
        "function spin(n: bigint): bigint { let s = 0n; for (const i of prange(n)) for (let k = 0n; k < 1000000n; k++) s += k ^ i; return s; }",
        { parallel: true, pool },
      );
      const controller = new AbortController();
      const running = spin.with({ signal: controller.signal })(100_000n);
      setTimeout(() => controller.abort(), 50);
      await expect(running).rejects.toThrow(AbortError);
      expect(await divides(3n)).toBe(u64(100n / 5n + 100n / 4n + 100n / 3n));
      expect(() => spin.with({ chunk: 3 } as never)).toThrow(/Unknown option `chunk` of a parallel call/);
      for (const chunks of [0, -2, 1.5, NaN, "4"])
        expect(() => spin.with({ chunks } as never)).toThrow(/Expected `options.chunks` to be a positive integer, got/);
      expect(() => spin.with({ signal: {} } as never)).toThrow("Expected `options.signal` to be an AbortSignal, got an object");
    } finally {
      await pool.close();
    }
  });

  it("without a pool: jit's default pool, started at the first call; jit without parallel runs the same loop on one thread", async () => {
    const hits = jit(
      `function hits(n: bigint): bigint {
        let inside = 0n;
        for (const i of prange(0n, n)) {
          const x = mix(i) >> 33n;
          const y = mix(i ^ 0x9e3779b97f4a7c15n) >> 33n;
          if (x * x + y * y < 1n << 62n) inside++;
        }
        return inside;
      }`,
      { parallel: true },
    );
    const single = jit(
      "function hits1(n: bigint): bigint { let inside = 0n; for (const i of prange(0n, n)) { const x = mix(i) >> 33n; const y = mix(i ^ 0x9e3779b97f4a7c15n) >> 33n; if (x * x + y * y < 1n << 62n) inside++; } return inside; }",
    );
    const plainHits = (n: bigint) => {
      let inside = 0n;
      for (let i = 0n; i < n; i++) {
        const x = mixU64(i) >> 33n;
        const y = mixU64(i ^ 0x9e3779b97f4a7c15n) >> 33n;
        if (x * x + y * y < 1n << 62n) inside++;
      }
      return inside;
    };
    expect(await hits(20_000n)).toBe(plainHits(20_000n));
    expect(single(20_000n)).toBe(plainHits(20_000n));
    expect(jit(countOdd)(1000)).toBe(countOdd(1000));
    // A declared signature, and a bound that is not an integer.
    expect(await jit(sumSquares, "u64(u64, u64)", { parallel: true })(0n, 100n)).toBe(328350n);
    await expect(jit(countOdd, { parallel: true })(10.5)).rejects.toThrow(
      "Expected the prange bounds of countOdd to be two safe integers or two bigints, got 0 (number) and 10.5 (number)",
    );
    expect(jit(sumSquares)(3n, 9n)).toBe(sumSquares(3n, 9n));
    // On one thread, number bounds must be safe integers too, as prange checks (it throws where the
    // loop would count from a fraction): a trap, a KernelError naming the function.
    function sumFrom(lo: number, hi: number): number {
      let s = 0;
      for (const i of prange(lo, hi)) s += i;
      return s;
    }
    const one = jit(sumFrom);
    expect(one(3, 10)).toBe(sumFrom(3, 10));
    for (const [lo, hi] of [
      [0.5, 10.5],
      [2 ** 53 - 10, 2 ** 53],
      [NaN, 3],
      [-Infinity, 3],
    ])
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) {
        expect(() => sumFrom(lo, hi)).toThrow(TypeError);
        expect(() => one(lo, hi)).toThrow(KernelError);
      }
    expect(one(-5, 5)).toBe(sumFrom(-5, 5));
    // The loop's variable is each iteration's own: assigning it changes that iteration only.
    function bumped(n: number): number {
      let s = 0;
      for (let i of prange(0, n)) {
        i++;
        s += i;
      }
      return s;
    }
    function reset(n: number): number {
      let s = 0;
      for (let i of prange(0, n)) {
        i = 3; // a counter would never reach n
        s += i;
      }
      return s;
    }
    for (const f of [bumped, reset]) {
      expect(jit(f)(1000)).toBe(f(1000));
      expect(await jit(f, { parallel: true })(1000)).toBe(f(1000));
    }
    // A parallel loop with no reduction, and a value returned after it.
    function fill(out: Float64Array, n: number): number {
      for (const i of prange(0, n)) out[i] = i * 2;
      return n + 1;
    }
    const [mine, theirs] = [new Float64Array(100), new Float64Array(100)];
    expect(await jit(fill, { parallel: true })(mine, 100)).toBe(fill(theirs, 100));
    expect(mine).toEqual(theirs);
    await closeDefaultPool();
    expect(await hits(100n)).toBe(plainHits(100n)); // a new default pool after closing
    await closeDefaultPool();
  });

  it("fallback: true runs the original JavaScript, said once, when the loop cannot be split or a piece cannot compile", async () => {
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (message: string) => void warnings.push(message);
    try {
      function carried(n: number): number {
        let prev = 0;
        let s = 0;
        for (const i of prange(n)) {
          s += prev;
          prev = i;
        }
        return s;
      }
      const a = jit(carried, { parallel: true, fallback: true });
      expect(await a(10)).toBe(carried(10));
      function strings(n: number): number {
        let s = 0;
        for (const i of prange(n)) s += "ab".length + i;
        return s;
      }
      const b = jit(strings, { parallel: true, fallback: true });
      expect(await b(10)).toBe(strings(10));
      expect(await b(12)).toBe(strings(12));
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/hotpath jit: running carried as plain JavaScript: `prev` is carried/);
    } finally {
      console.warn = warn;
    }
  });

  it("prange in plain JavaScript is a range iterator over numbers or bigints", () => {
    expect([...prange(4)]).toEqual([0, 1, 2, 3]);
    expect([...prange(2n, 5n)]).toEqual([2n, 3n, 4n]);
    expect([...prange(3, 1)]).toEqual([]);
    expect(() => prange(1.5)).toThrow(/`hi` to be a safe integer, like `lo`, got 1.5/);
    expect(() => prange(0.5, 2)).toThrow(/`lo` to be a safe integer or a bigint/);
    expect(() => prange(1n, 3 as never)).toThrow(/`hi` to be a bigint, like `lo`, got 3/);
    expect(() => prange(1, 2 ** 60)).toThrow(/`hi` to be a safe integer, like `lo`/);
  });
});
