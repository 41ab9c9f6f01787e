// Counted loops written other ways (front/loops.ts): `while (… && i < N) { …; i++; }` and
// `for (n = 0; …)` after `let …, n = 0` are lowered to the `for` the transforms know. JavaScript's
// answers on random inputs and edges, the vectorized Mandelbrot kept (WAT), and the loops that must
// stay as written (a `continue`, the counter written in the body, a shadowing declaration, a test
// that reads memory). Also `x % c` on doubles with an integer constant c (codegen/operators.ts), a
// stride loop to `j <= n` in a u32 (transforms/strided.ts), and `.fill` storing one converted value.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KernelError } from "../src/errors.ts";
import { jit } from "../src/jit/index.ts";

const double = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(
    0,
    -0,
    NaN,
    Infinity,
    -Infinity,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 31,
    2 ** 32,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 63,
    2 ** 64,
    0.5,
    -1.5,
  ),
);
const same = (a: unknown, b: unknown) => expect(Object.is(a, b) || a === b).toBe(true);

/** Escape time as a `while` with `&&` and the counter last in its body. */
function mandelWhile(w: number, h: number, maxIter: number) {
  let total = 0;
  for (let py = 0; py < h; py++)
    for (let px = 0; px < w; px++) {
      const x0 = (px / w) * 3.5 - 2.5,
        y0 = (py / h) * 2 - 1;
      let x = 0,
        y = 0,
        i = 0;
      while (x * x + y * y <= 4 && i < maxIter) {
        const xt = x * x - y * y + x0;
        y = 2 * x * y + y0;
        x = xt;
        i++;
      }
      total += i;
    }
  return total;
}
/** Escape time as `for (n = 0; …)` on a counter declared with the other locals. */
function mandelForAssign(out: Int32Array, w: number, h: number, maxIter: number) {
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const cr = -2.0 + (3.0 * i) / w;
      const ci = -1.5 + (3.0 * j) / h;
      let zr = 0,
        zi = 0,
        n = 0;
      for (n = 0; n < maxIter; n++) {
        const zr2 = zr * zr,
          zi2 = zi * zi;
        if (zr2 + zi2 > 4.0) break;
        zi = 2 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
      }
      out[j * w + i] = n;
    }
  }
  return out[0];
}
/** Escape time as `for (; i < maxIter && x * x + y * y <= 4; i++)`, the counter declared without a value. */
function mandelForAnd(w: number, h: number, maxIter: number) {
  let total = 0;
  for (let py = 0; py < h; py++)
    for (let px = 0; px < w; px++) {
      const cx = (px / w) * 3 - 2,
        cy = (py / h) * 2 - 1;
      let x = 0,
        y = 0,
        i;
      for (i = 0; i < maxIter && x * x + y * y <= 4; i++) {
        const xt = x * x - y * y + cx;
        y = 2 * x * y + cy;
        x = xt;
      }
      total += i;
    }
  return total;
}
/** Products shared across a trip: `y * x` is `x * y`; x changes halfway, so its later products are new ones; a continue after the split test. */
function shared(a: number, b: number, n: number) {
  let x = a;
  let y = b;
  let s = 0;
  for (let k = 0; k < n && x * y < 1e300; k++) {
    const p = x * y + y * x;
    if (p !== p) break;
    s += p - x * x;
    x = x * x * 0.5 + 1;
    const q = x * x - y * y;
    if (q > 1e200) continue;
    y = y * y * 0.25 - x * y;
    s += q + y * y;
  }
  return s + x + y;
}
/** A product whose first use declares one of its names stays as written. */
function declaresFirst(n: number) {
  let t = 0;
  for (let i = 0; i < n; i++) {
    const a = i * 0.5,
      b = a * a + a * a;
    t += b;
  }
  return t;
}

/** The counter first in the test, `+= 1`, a break inside. */
function collatzSteps(x: number, limit: number) {
  let steps = 0;
  while (steps < limit && x !== 1) {
    if (!(x > 0)) break;
    x = x % 2 === 0 ? x / 2 : 3 * x + 1;
    steps += 1;
  }
  return steps * 1e6 + x;
}
/** `i = i + 1` and a test that calls Math. */
function sqrtWalk(a: number, n: number) {
  let i = 0;
  let s = 0;
  while (Math.abs(s) < a && i < n) {
    s += Math.sqrt(i) - 1.5;
    i = i + 1;
  }
  return s + i;
}
/** Stays a while: a `continue` would skip the last `i++`. */
function withContinue(n: number) {
  let i = 0;
  let odd = 0;
  while (i < n) {
    if (i % 3 === 0) {
      i += 2;
      continue;
    }
    odd += i;
    i++;
  }
  return odd;
}
/** Stays a while: the counter is also written in the body. */
function skipping(n: number, k: number) {
  let i = 0;
  let s = 0;
  while (i < n) {
    if (s > k) i += 3;
    s += i;
    i++;
  }
  return s;
}
/** Stays a while: its test reads memory (a read past the end is JavaScript's undefined: jit traps there as always). */
function untilZero(a: Float64Array) {
  let i = 0;
  while (i < a.length && a[i] !== 0) i++;
  return i;
}
/** Stays a for: the counter's declaration is not a literal. */
function startFrom(n: number, k: number) {
  let c = 0,
    j = k * 2;
  for (j = 1; j < n; j++) c += j;
  return c + j;
}

describe("jit: counted loops written as a while, or a for assigning its counter", () => {
  it("Mandelbrot as `let zr = 0, zi = 0, n = 0; for (n = 0; n < maxIter; n++)`: vectorized, the same image", () => {
    const fast = jit(mandelForAssign);
    for (const [w, h, m] of [
      [33, 17, 60],
      [5, 3, 1],
      [2, 2, 0],
    ]) {
      const [a, b] = [new Int32Array(w * h), new Int32Array(w * h)];
      expect(fast(a, w, h, m)).toBe(mandelForAssign(b, w, h, m));
      expect(a).toEqual(b);
    }
    expect(fast.inspect()).toContain("f64x2.mul");
  });

  it.each([
    ["`while (x * x + y * y <= 4 && i < maxIter) { …; i++; }`", mandelWhile],
    ["`for (i = 0; i < maxIter && x * x + y * y <= 4; i++)`", mandelForAnd],
  ])("Mandelbrot as %s: vectorized, the same count", (_, f) => {
    const fast = jit(f);
    for (const [w, h, m] of [
      [40, 30, 50],
      [9, 7, 200],
      [1, 1, 10],
      [3, 3, 0],
      [0, 4, 10],
    ])
      expect(fast(w, h, m)).toBe(f(w, h, m));
    expect(fast.inspect()).toContain("f64x2.mul");
  });

  it("products of two names used twice in a trip are computed once, with JavaScript's doubles", () => {
    const [s, d] = [jit(shared), jit(declaresFirst)];
    fc.assert(
      fc.property(double, double, fc.integer({ min: -2, max: 40 }), (a, b, n) => {
        same(s(a, b, n), shared(a, b, n));
        same(d(n), declaresFirst(n));
      }),
      { numRuns: 400 },
    );
    // `x * y` and `y * x` in one trip: one multiplication.
    const once = jit((x: number, y: number, n: number) => {
      let t = 0;
      for (let k = 0; k < n; k++) {
        t += x * y;
        t -= y * x;
      }
      return t;
    });
    same(once(3, 0.1, 5), 0);
    expect(once.inspect().match(/f64\.mul/g)).toHaveLength(1);
  });

  it("the lowered whiles give JavaScript's answers on any doubles (counter first or last, `+= 1`, `= i + 1`, a break)", () => {
    const steps = jit(collatzSteps);
    const walk = jit(sqrtWalk);
    fc.assert(
      fc.property(double, fc.integer({ min: -5, max: 400 }), (x, n) => {
        same(steps(x, n), collatzSteps(x, n));
        same(walk(x, n), sqrtWalk(x, n));
      }),
      { numRuns: 300 },
    );
  });

  it("loops that are not of the shape stay as written, with JavaScript's answers", () => {
    const [c, s, u, f] = [jit(withContinue), jit(skipping), jit(untilZero), jit(startFrom)];
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 300 }), fc.integer({ min: -10, max: 5000 }), (n, k) => {
        expect(c(n)).toBe(withContinue(n));
        expect(s(n, k)).toBe(skipping(n, k));
        expect(f(n, k)).toBe(startFrom(n, k));
      }),
      { numRuns: 200 },
    );
    for (const a of [[1, 2, 0, 4], [1, 2, 3], [], [0]]) expect(u(new Float64Array(a))).toBe(untilZero(new Float64Array(a)));
  });
});

/** A sieve to n inclusive, its array made inside, `!flags[i]`, `j <= n`. */
function sieveTo(n: number) {
  const composite = new Uint8Array(n + 1);
  let count = 0;
  for (let i = 2; i <= n; i++) {
    if (!composite[i]) {
      count++;
      for (let j = i * i; j <= n; j += i) composite[j] = 1;
    }
  }
  return count;
}
/** Steps from a to e inclusive, e read as a uint32 (up to 2^32 − 1, where e + s passes 2^32). */
function stepsTo(a: number, e: number, s: number) {
  const last = e >>> 0;
  let count = 0;
  for (let j = a; j <= last; j += s) if (++count > 50) break;
  return count;
}
/** `.fill` of every kind of array, with values each converts its own way. */
function fills(u8: Uint8Array, c8: Uint8ClampedArray, i16: Int16Array, f32: Float32Array, f64: Float64Array, x: number) {
  u8.fill(x);
  c8.fill(x, 1);
  i16.fill(x, -2);
  f32.fill(x, 0, 2);
  f64.fill(x);
  return u8[0] + c8[1] + i16[0] + f32[0] + f64[0];
}

describe("jit: stride loops to `<=`, and `.fill`", () => {
  it("a sieve to n inclusive counts JavaScript's primes (π(10^6) = 78498), its j a u32", () => {
    const fast = jit(sieveTo);
    for (const n of [0, 1, 2, 3, 4, 24, 25, 97, 1000]) expect(fast(n)).toBe(sieveTo(n));
    expect(fast(1_000_000)).toBe(78498);
    // The inner loop's test, on a u32 j (it was a double, with a conversion for each index).
    expect(fast.inspect()).toMatch(/i32\.le_u\n\s*i32\.eqz\n\s*br_if/);
  });

  it("a stride loop to an array's length indexes that array unchecked, and checks every other one", () => {
    const mark = jit((a: Uint8Array, b: Uint8Array, s: number) => {
      const n = a.length;
      let c = 0;
      for (let j = 3; j < n; j += s) {
        a[j] = 1;
        c += b[j];
      }
      for (let j = 1; j < a.length; j += s) a[j] += 2;
      return c;
    });
    const [a, b] = [new Uint8Array(20), new Uint8Array(20).fill(1)];
    expect(mark(a, b, 3)).toBe(6);
    expect([...a]).toEqual([0, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    // b shorter than a: its index is still checked.
    expect(() => mark(new Uint8Array(20), new Uint8Array(8), 2)).toThrow(/an index outside \[0, length\) or not an integer in `b\[j\]`/);
  });

  it("a stride loop whose last value passes 2^32 runs as written, with JavaScript's count", () => {
    const fast = jit(stepsTo);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -5, max: 100 }), fc.constantFrom(2 ** 32 - 3, 2 ** 32 - 1, 2 ** 31, 2 ** 32, 1.5)),
        fc.oneof(fc.integer({ min: -5, max: 120 }), fc.constantFrom(-1, -2, 2 ** 31 - 1)),
        fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(2 ** 31 - 1)),
        (a, e, st) => {
          expect(fast(a, e, st)).toBe(stepsTo(a, e, st));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("`.fill` stores the value converted once, as each array converts it (bytes by memory.fill)", () => {
    const fast = jit(fills);
    for (const x of [0, -0, 1, 255.5, 256, -1, 300, -129.7, 1e10, NaN, Infinity, -Infinity, 0.1, 2 ** 31]) {
      const make = () =>
        [new Uint8Array(5), new Uint8ClampedArray(4), new Int16Array(3), new Float32Array(3), new Float64Array(2)] as const;
      const [a, b] = [make(), make()];
      same(fast(...a, x), fills(...b, x));
      a.forEach((arr, k) => expect([...arr]).toEqual([...b[k]]));
    }
    expect(fast.inspect()).toContain("memory.fill");
  });
});

describe("jit: `x % c` on a double, c an integer constant", () => {
  it("is JavaScript's remainder for every double (±0, NaN, ±∞, 2^53, 2^63, fractions) and constants of both signs", () => {
    const fns = [(x: number) => x % 2, (x: number) => x % -3, (x: number) => x % 10, (x: number) => x % 2147483648, (x: number) => x % 1];
    const fast = fns.map((f) => jit(f));
    fc.assert(
      fc.property(double, (x) => {
        fns.forEach((f, k) => same(fast[k](x), f(x)));
      }),
      { numRuns: 500 },
    );
    for (const x of [2 ** 63, -(2 ** 63), 2 ** 64, -0, 5e-324, -4, 9007199254740993]) fns.forEach((f, k) => same(fast[k](x), f(x)));
    // The integer path divides by the constant itself (the engine turns that into shifts), not by a local.
    expect(fast[0].inspect()).toMatch(/i64\.const 2\n\s*i64\.rem_s/);
  });
});

/** `%` of int32 and uint32 values the analysis cannot bound away from 0 or negatives, as values. */
function remainders(n: number, m: number, k: number) {
  const u = m >>> 0;
  const w = k >>> 0;
  let s = 0;
  let z = 0;
  for (let i = 0 - n; i < n; i++) {
    s += (i % m) + (i % u) * 3 + (w % u) * 5 + (i % w) * 7 + (w % m) * 11;
    if (1 / (i % m) === -Infinity) z++;
  }
  return [s, z, n % m, n % u, (0 - n) % m];
}
/** `%` as an index: a ring buffer's `a[i % m]`, a bucket's `bins[v % bins.length]` with negative v. */
function ring(a: Float64Array, bins: Int32Array, data: Int32Array, m: number) {
  let s = 0;
  for (let i = 0; i < 3 * a.length; i++) s += a[i % m];
  for (let i = 0; i < data.length; i++) bins[data[i] % bins.length] += 1;
  return s;
}

describe("jit: `%` on int32 and uint32 values", () => {
  it("is JavaScript's remainder as a value: NaN for a divisor of 0, −0 for a negative dividend that divides evenly, mixed signedness", () => {
    const fast = jit(remainders);
    const int = fc.oneof(fc.integer({ min: -40, max: 40 }), fc.constantFrom(0, 1, -1, 16, -16, 2 ** 31 - 1, -(2 ** 31)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), int, int, (n, m, k) => {
        const [got, want] = [fast(n, m, k), remainders(n, m, k)];
        got.forEach((v: number, i: number) => same(v, want[i]));
      }),
      { numRuns: 400 },
    );
    // In the integers (it had gone through doubles and the fmod helper: 0.2× of V8's `s += i % m`).
    const rem = jit((i: number, m: number) => i % m);
    same(rem(-6, 3), -0);
    expect(rem.inspect()).not.toContain("call $fmod");
  });

  it("is the element JavaScript reads and writes as an index (powers of two masked), and a KernelError where the divisor is 0", () => {
    const fast = jit(ring);
    const element = fc.integer({ min: -1000, max: 1000 });
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.array(element, { maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }).map((b) => [1, 2, 3, 4, 5, 8, 16, 7][b - 1]),
        fc.integer({ min: 1, max: 50 }),
        (as, ds, nb, m) => {
          const a = Float64Array.from(as);
          // Negative elements divide evenly (their −0 is index 0); another negative remainder is an index JavaScript ignores and jit traps on.
          const data = Int32Array.from(ds, (e) => (e < 0 ? e - (e % nb) : e));
          // JavaScript reads undefined past the end (NaN sums); jit traps there: only indices in bounds.
          const mod = Math.min(m, a.length);
          const [b1, b2] = [new Int32Array(nb), new Int32Array(nb)];
          same(fast(a, b1, data, mod), ring(a, b2, data, mod));
          expect([...b1]).toEqual([...b2]);
        },
      ),
      { numRuns: 200 },
    );
    expect(() => fast(new Float64Array(4), new Int32Array(4), new Int32Array(0), 0)).toThrow(KernelError);
    expect(() => fast(new Float64Array(4), new Int32Array(4), new Int32Array(0), 0)).toThrow(/a remainder by 0 \(NaN\) as an index/);
  });
});

/** `?:` whose arms are a few operations on locals: a Collatz step on bigints, and number arms (−0, NaN). */
function collatzSteps64(s: bigint) {
  let x = s;
  let steps = 0n;
  while (x > 1n && steps < 1000n) {
    x = (x & 1n) === 0n ? x >> 1n : 3n * x + 1n;
    steps++;
  }
  return steps;
}
function arms(a: number, b: number, n: number) {
  let t = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    t += a > b ? a * -0 : b - a;
    // The test writes k, which the arms read: as written (the arms see the new k).
    t += (k = k + a) > 3 ? k : -k;
    // An arm that divides or reads memory stays a branch.
    t += i % 2 === 0 ? a / b : b;
  }
  return t;
}

describe("jit: `?:` with cheap arms as `select`", () => {
  it("gives JavaScript's values: bigint Collatz steps, number arms with −0 and NaN, a test that writes what the arms read", () => {
    const [c, m] = [jit(collatzSteps64), jit(arms)];
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), double, double, fc.integer({ min: 0, max: 20 }), (s, a, b, n) => {
        expect(c(s)).toBe(collatzSteps64(s));
        same(m(a, b, n), arms(a, b, n));
      }),
      { numRuns: 300 },
    );
    expect(c.inspect()).toMatch(/i64\.shr_u\n(.*\n){1,12}\s*select/);
  });
});
