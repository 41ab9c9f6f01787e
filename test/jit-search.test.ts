// Early-exit search loops (src/jit/transforms/search.ts): `for (let d = S; COND; d++) if (TEST) { …; break }`
// runs two candidates per trip (f64x2 for `%`), and must give JavaScript's answers for every input:
// negative k, 0, 1, 2, ±2^31 edges, divisors crossing 0, odd numbers of candidates, the counter read
// after the loop, values that are not int32 (those specializations stay as written).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { countPrimesTrial } from "../src/bench/jit/loops.ts";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Values whose answers are edges: small, signs, squares and products of primes near 46341 (the root of 2^31). */
const EDGES = [
  0,
  1,
  2,
  3,
  4,
  5,
  9,
  25,
  49,
  -1,
  -2,
  -3,
  -4,
  -7,
  -9,
  INT32_MAX,
  INT32_MIN,
  INT32_MIN + 1,
  INT32_MAX - 1,
  46337 * 46337,
  46337 * 46327,
  46339 * 2,
  65521 * 32749,
  2147483629,
  2147483587,
  1 << 22,
  (1 << 22) - 3,
  4194301,
];
const int32 = fc.oneof(
  fc.integer({ min: INT32_MIN, max: INT32_MAX }),
  fc.integer({ min: -100, max: 5000 }),
  fc.integer({ min: 0, max: 1 << 22 }),
  fc.constantFrom(...EDGES),
);
const RUNS = { numRuns: 100 };

/** The bench's loop with an outer counter read after the loop: the smallest factor ≥ 2 of each value (or the value). */
function smallestFactors(values: Int32Array, out: Int32Array) {
  for (let i = 0; i < values.length; i++) {
    const k = values[i];
    let d = 2;
    for (; d * d <= k; d++) {
      if (k % d === 0) break;
    }
    out[i] = d * d <= k ? d : k;
  }
}

/** `return` in the body, a helper-like function of one number. */
function isPrime(k: number): boolean {
  if (k < 2) return false;
  for (let d = 2; d * d <= k; d++) if (k % d === 0) return false;
  return true;
}

/** Odd candidates only (`d += 2`), `==`, the guard for 2 before. */
function isPrimeOdd(k: number): boolean {
  if (k % 2 == 0) return k == 2;
  if (k < 3) return false;
  for (let d = 3; d * d <= k; d += 2) if (k % d == 0) return false;
  return true;
}

/** `d <= Math.sqrt(k)` and `!(k % d)`, the flag set with other assignments before the break. */
function sqrtSpelling(values: Int32Array): number {
  let count = 0;
  let last = -1;
  for (let i = 0; i < values.length; i++) {
    const k = values[i];
    let prime = k > 1;
    let witness = 0;
    for (let d = 2; d <= Math.sqrt(k); d++) {
      if (!(k % d)) {
        prime = false;
        witness = d;
        last = i;
        break;
      }
    }
    if (prime) count++;
    count += witness % 7;
  }
  return count * 1000 + last;
}

/** `continue outer` as the jump, and a test of two remainders. */
function labelled(values: Int32Array): number {
  let count = 0;
  outer: for (let i = 0; i < values.length; i++) {
    const k = values[i];
    if (k < 2) continue;
    for (let d = 2; d * d <= k; d++) if (k % d === 0 || (k - 1) % d === d - 1) continue outer;
    let witness = 0;
    search: for (let d = 3; d < 200; d += 2)
      if (k % d === 0) {
        witness = d;
        break search;
      }
    count += witness === 0 ? 1000 : witness;
  }
  return count;
}

/** Divisors in a range that crosses 0 (k % 0 is NaN: never === 0, but `!(k % 0)` is true), and `d < k`. */
function firstInRange(k: number, lo: number): number {
  let found = 1000;
  for (let d = -60; d < 60; d++) {
    if (!((k + lo) % d)) {
      found = d;
      break;
    }
  }
  let below = -1;
  for (let d = 2; d < k; d++) {
    if (k % d === 0) {
      below = d;
      break;
    }
  }
  return found * 100000 + below;
}

/** A negative start, `d <= E` with E from a parameter, remainders compared with `<` and `!==`. */
function negatives(k: number, n: number): number {
  let at = 99;
  for (let d = -30; d <= n; d++) {
    if (k % d < -5 && k % d !== -7) {
      at = d;
      break;
    }
  }
  return at;
}

/** A largest prime factor: the block writes k and goes on with `continue` before its last `break`. */
function largestFactor(n: number): number {
  let k = n | 0;
  if (k < 2) return k;
  let last = 1;
  for (let d = 2; d * d <= k; d++) {
    if (k % d === 0) {
      k = (k / d) | 0;
      last = d;
      d = 1;
      if (k > 1) continue;
      break;
    }
  }
  return k > 1 ? k : last;
}

/** The next prime from n: the block raises k (a stale k in the fast loop would miss divisors) and goes on. */
function nextPrime(n: number): number {
  let k = n | 0;
  if (k < 2) return 2;
  for (let d = 2; d * d <= k; d++) {
    if (k % d === 0) {
      k = (k + 1) | 0;
      d = 1;
      if (k > 1) continue;
      break;
    }
  }
  return k;
}

/** Candidates anywhere in int32, up to its limits (`d <= hi` with hi = 2^31 − 1 makes d a double: as written). */
function rangeSearch(k: number, lo: number, hi: number): number {
  for (let d = lo; d < hi; d++) if (k % d === 0 || (d + k) % 97 === 0) return d;
  let last = 0;
  for (let d = lo; d <= hi; d++)
    if (d % 89 === 0) {
      last = d;
      break;
    }
  return last;
}

/** Counting divisors has no jump: the loop stays as written. */
function divisorCount(k: number): number {
  let count = 0;
  for (let d = 1; d * d <= k; d++) if (k % d === 0) count++;
  return count;
}

/** `fn` jitted, after checking it against `fn` on random int32 arrays of up to `maxLength` elements. */
function checkedOnArrays(fn: (values: Int32Array) => number, maxLength: number) {
  const fast = jit(fn);
  fc.assert(
    fc.property(fc.array(int32, { maxLength }), (xs) => {
      const values = Int32Array.from(xs);
      return fast(values) === fn(values);
    }),
    RUNS,
  );
  return fast;
}

describe("jit: early-exit search loops, two candidates per trip", () => {
  it("the bench's trial division counts JavaScript's primes, and its WAT divides in f64x2", () => {
    const fast = checkedOnArrays(countPrimesTrial, 60);
    const values = Int32Array.from({ length: 3000 }, (_, i) => (i * 2654435761) % (1 << 22));
    expect(fast(values)).toBe(countPrimesTrial(values));
    expect(fast(Int32Array.from(EDGES))).toBe(countPrimesTrial(Int32Array.from(EDGES)));
    expect(fast.inspect()).toMatch(/f64x2\.div/);
    expect(fast.inspect()).toMatch(/f64x2\.trunc/);
  });

  it("an outer counter read after the loop has the scalar loop's value (odd and even numbers of candidates)", () => {
    const fast = jit(smallestFactors);
    fc.assert(
      fc.property(fc.array(int32, { maxLength: 40 }), (xs) => {
        const values = Int32Array.from(xs);
        const [a, b] = [new Int32Array(values.length), new Int32Array(values.length)];
        smallestFactors(values, a);
        fast(values, b);
        return a.every((v, i) => v === b[i]);
      }),
      RUNS,
    );
    // Every count of candidates from 0 to 40 before the hit: squares of primes p (p − 1 candidates before p).
    const squares = Int32Array.from([2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43].flatMap((p) => [p * p, p * p - 1, p * p + 1]));
    const [a, b] = [new Int32Array(squares.length), new Int32Array(squares.length)];
    smallestFactors(squares, a);
    fast(squares, b);
    expect([...b]).toEqual([...a]);
    expect(fast.inspect()).toMatch(/f64x2\.div/);
  });

  it("isPrime with `return false` in the loop, and the `d += 2` spelling", () => {
    const [fast, odd] = [jit(isPrime), jit(isPrimeOdd)];
    fc.assert(
      fc.property(int32, (k) => fast(k) === isPrime(k) && odd(k) === isPrimeOdd(k)),
      { numRuns: 400 },
    );
    for (const k of EDGES) {
      expect(fast(k)).toBe(isPrime(k));
      expect(odd(k)).toBe(isPrimeOdd(k));
    }
    expect(fast.inspect()).toMatch(/f64x2\.div/);
    expect(odd.inspect()).toMatch(/f64x2\.div/);
  });

  it("numbers that are not int32 take a specialization that stays as written, with JavaScript's answers", () => {
    const fast = jit(isPrime);
    for (const k of [2 ** 31, 2 ** 31 + 11, 4294967291, 2 ** 32 + 15, 1e10 + 19, 2.5, -0, 0.5, 49.0000001, 1e12 + 39, NaN, -Infinity])
      expect(fast(k)).toBe(isPrime(k));
  });

  it("`d <= Math.sqrt(k)`, `!(k % d)` and several assignments before the break", () => {
    const fast = checkedOnArrays(sqrtSpelling, 50);
    expect(fast.inspect()).toMatch(/f64x2\.sqrt/);
  });

  it("`continue outer` and a test of two remainders, one of them of k − 1", () => {
    const fast = checkedOnArrays(labelled, 50);
    expect(fast.inspect()).toMatch(/f64x2\.div/);
  });

  it("divisors crossing 0, `d < k`, negative starts and remainders compared with `<`", () => {
    const [fast, neg] = [jit(firstInRange), jit(negatives)];
    const small = fc.oneof(fc.integer({ min: -3000, max: 3000 }), fc.constantFrom(0, 1, 2, 3, 4, 2999, 2971));
    fc.assert(
      fc.property(small, int32, (k, lo) => fast(k, lo) === firstInRange(k, lo)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(int32, fc.integer({ min: -40, max: 40 }), (k, n) => neg(k, n) === negatives(k, n)),
      { numRuns: 300 },
    );
    expect(fast.inspect()).toMatch(/f64x2\.div/);
    expect(neg.inspect()).toMatch(/f64x2\.div/);
  });

  it("candidates near the int32 limits, both ends, and a bound of 2^31 − 1", () => {
    const fast = jit(rangeSearch);
    const start = fc.oneof(
      fc.integer({ min: INT32_MIN, max: INT32_MAX }),
      fc.integer({ min: INT32_MIN, max: INT32_MIN + 300 }),
      fc.integer({ min: INT32_MAX - 300, max: INT32_MAX }),
      fc.integer({ min: -300, max: 300 }),
    );
    fc.assert(
      fc.property(int32, start, fc.integer({ min: 0, max: 400 }), (k, lo, span) => {
        const hi = Math.min(INT32_MAX, lo + span);
        return fast(k, lo, hi) === rangeSearch(k, lo, hi);
      }),
      { numRuns: 300 },
    );
    for (const k of EDGES) {
      expect(fast(k, INT32_MAX - 200, INT32_MAX)).toBe(rangeSearch(k, INT32_MAX - 200, INT32_MAX));
      expect(fast(k, INT32_MIN, INT32_MIN + 200)).toBe(rangeSearch(k, INT32_MIN, INT32_MIN + 200));
    }
    expect(fast.inspect()).toMatch(/f64x2\.div/);
  });

  it("a block that writes the values the test reads and goes on: the fast loop takes them up again", () => {
    const fast = jit(largestFactor);
    fc.assert(
      fc.property(int32, (n) => fast(n) === largestFactor(n)),
      { numRuns: 300 },
    );
    for (const n of [...EDGES, 2 * 2 * 2 * 3 * 3 * 1999, 46337 * 46337, 600851475]) expect(fast(n)).toBe(largestFactor(n));
    const next = jit(nextPrime);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -10, max: 1 << 24 }), fc.constantFrom(...EDGES.filter((n) => n < INT32_MAX - 200))),
        (n) => next(n) === nextPrime(n),
      ),
      { numRuns: 300 },
    );
    expect(fast.inspect()).toMatch(/f64x2\.div/);
    expect(next.inspect()).toMatch(/f64x2\.div/);
  });

  it("a loop without a jump (counting divisors) stays as written", () => {
    const fast = jit(divisorCount);
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 1 << 20 }), (k) => fast(k) === divisorCount(k)),
      RUNS,
    );
    expect(fast.inspect()).not.toMatch(/f64x2/);
  });
});
