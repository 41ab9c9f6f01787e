// Every supported construct against the original function on random inputs (u64 edges included):
// bigint results are compared through BigInt.asUintN(64, …) (u64) as the docs promise, numbers with Object.is.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";

const U64_MAX = (1n << 64n) - 1n;
const EDGES = [0n, 1n, 2n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, (1n << 63n) - 1n, 1n << 63n, U64_MAX - 1n, U64_MAX];
const u64 = fc.oneof(fc.constantFrom(...EDGES), fc.bigInt({ min: 0n, max: U64_MAX }), fc.bigInt({ min: 0n, max: 1000n }));
const i64 = fc.oneof(fc.constantFrom(0n, 1n, -1n, -(1n << 63n), (1n << 63n) - 1n), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }));
const num = fc.oneof(
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    -0.5,
    2.5,
    2 ** 31,
    -(2 ** 31),
    2 ** 32,
    2 ** 53,
    2 ** 63,
    2 ** 64 + 2 ** 12,
    1e300,
    -1e300,
    NaN,
    Infinity,
    -Infinity,
  ),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.integer({ min: -100, max: 100 }),
);
const RUNS = { numRuns: 300 };

/** The jitted function gives what the original gives (bigints reduced as the signature's result says). */
function agrees<A extends unknown[]>(fn: (...args: A) => unknown, arbs: { [K in keyof A]: fc.Arbitrary<A[K]> }, signature?: string) {
  const fast = jit(fn, signature) as unknown as (...args: A) => unknown;
  const resultType = signature?.split("(")[0];
  fc.assert(
    fc.property(...(arbs as unknown as [fc.Arbitrary<unknown>]), (...args: unknown[]) => {
      const want = fn(...(args as A));
      const got = fast(...(args as A));
      if (typeof want === "bigint") expect(got).toBe(resultType === "i64" ? BigInt.asIntN(64, want) : BigInt.asUintN(64, want));
      else expect(Object.is(got, want) ? "same" : `${String(got)} vs ${String(want)} for ${args.map(String)}`).toBe("same");
    }),
    RUNS,
  );
}

describe("jit: u64 arithmetic wraps modulo 2^64", () => {
  it("+ - * and unary - ~ match asUintN of the JS result", () => {
    agrees((a: bigint, b: bigint) => a + b, [u64, u64]);
    agrees((a: bigint, b: bigint) => a - b, [u64, u64]);
    agrees((a: bigint, b: bigint) => a * b + 3n * a, [u64, u64]);
    agrees((a: bigint) => -a, [u64]);
    agrees((a: bigint) => ~a, [u64]);
  });
  it("& | ^ << and chains of them", () => {
    agrees((a: bigint, b: bigint) => (a & b) ^ (a | 7n), [u64, u64]);
    agrees((a: bigint, s: bigint) => a << s, [u64, fc.bigInt({ min: 0n, max: 130n })]);
    agrees((a: bigint, b: bigint) => BigInt.asUintN(64, a * 0x9e3779b97f4a7c15n) ^ (b << 13n), [u64, u64]);
  });
  it("/ % >> and comparisons are unsigned", () => {
    agrees((a: bigint, b: bigint) => a / b, [u64, u64.filter((b) => b !== 0n)]);
    agrees((a: bigint, b: bigint) => a % b, [u64, u64.filter((b) => b !== 0n)]);
    agrees((a: bigint, s: bigint) => a >> s, [u64, fc.bigInt({ min: 0n, max: 200n })]);
    agrees(
      (a: bigint, b: bigint) =>
        (a < b ? 1n : 0n) + (a <= b ? 2n : 0n) + (a > b ? 4n : 0n) + (a >= b ? 8n : 0n) + (a === b ? 16n : 0n) + (a !== b ? 32n : 0n),
      [u64, u64],
    );
  });
  it("conversions: Number(u64), BigInt(integer), asUintN / asIntN", () => {
    agrees((a: bigint) => Number(a), [u64]);
    // Number(u64 >> k) for k ≥ 1 is below 2^63 (compiled as the signed conversion): the same doubles.
    agrees((a: bigint) => Number(a >> 1n) + Number(a >> 11n) / 2 ** 53 + Number(a >> 63n), [u64]);
    agrees((a: bigint) => Number(a >> 0n), [u64]);
    agrees((x: number) => BigInt(Math.trunc(x) % 2 ** 53), [fc.double({ min: -1e15, max: 1e15, noNaN: true })]);
    agrees((a: bigint) => BigInt.asUintN(32, a) + BigInt.asUintN(7, a), [u64]);
    agrees((a: bigint) => BigInt.asIntN(64, a) < 0n, [u64]);
  });
  it("constants beyond 64 bits (`2n ** 64n`, `1n << 64n`, a const of one) give JavaScript's % / and comparisons, not the wrapped 0's", () => {
    agrees((a: bigint, b: bigint) => (a + b) % 2n ** 64n, [u64, u64]);
    agrees((a: bigint, b: bigint) => (a * b) % (1n << 64n), [u64, u64]);
    agrees((a: bigint) => a % 18446744073709551616n, [u64]);
    agrees((a: bigint) => a / 2n ** 64n + (a % -(2n ** 70n)), [u64]);
    agrees(
      (a: bigint) => (a < 2n ** 64n ? 1n : 0n) + (2n ** 64n > a ? 2n : 0n) + (a === 1n << 64n ? 4n : 0n) + (a >= -(2n ** 65n) ? 8n : 0n),
      [u64],
    );
    agrees((a: bigint) => (a % 2n ** 64n) + (a > -(2n ** 64n) ? 1n : 0n), [i64], "i64(i64)");
    function fibMod(n: bigint) {
      const MOD = 1n << 64n;
      let a = 0n;
      let b = 1n;
      for (let i = 0n; i < n; i++) {
        const t = (a + b) % MOD;
        a = b;
        b = t;
      }
      return a;
    }
    agrees(fibMod, [fc.bigInt({ min: 0n, max: 2000n })]);
    expect(jit(fibMod)(1000n)).toBe(fibMod(1000n));
  });
  it("the tutorial's sum loop, with its edges", () => {
    function f(n: bigint) {
      let total = 0n;
      for (let i = 0n; i < n; i++) total += i;
      return total;
    }
    agrees(f, [fc.bigInt({ min: 0n, max: 3000n })]);
  });
});

describe("jit: i64 by signature is signed", () => {
  it("division, remainder, >> and comparisons are signed; results come back signed", () => {
    agrees((a: bigint, b: bigint) => a / b, [i64, i64.filter((b) => b !== 0n && b !== -1n)], "i64(i64, i64)");
    agrees((a: bigint, b: bigint) => a % b, [i64, i64.filter((b) => b !== 0n && b !== -1n)], "i64(i64, i64)");
    agrees((a: bigint, s: bigint) => a >> s, [i64, fc.bigInt({ min: 0n, max: 100n })], "i64(i64, i64)");
    agrees((a: bigint, b: bigint) => (a < b ? a - b : b * a), [i64, i64], "i64(i64, i64)");
  });
});

describe("jit: numbers are JavaScript numbers", () => {
  it("+ - * / % give exactly what JS gives, NaN, ±0 and ±∞ included", () => {
    agrees((a: number, b: number) => a + b * a - b / 3, [num, num]);
    agrees((a: number, b: number) => a % b, [num, num]);
    agrees((a: number, b: number) => -a / b, [num, num]);
  });
  it("a NaN result has the bits JavaScript's has (sign and payload), stored into a typed array", () => {
    // Operands read from an array, so that NaNs keep their payloads on the way in.
    function ops(input: Float64Array, out: Float64Array) {
      const a = input[0];
      const b = input[1];
      out[0] = a % b;
      out[1] = a * b;
      out[2] = a - b;
      out[3] = a / b;
      out[4] = b % a;
    }
    const fast = jit(ops, undefined, { adaptive: false });
    const bits = (hi: number, lo = 0) => new Float64Array(new BigUint64Array([(BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)]).buffer)[0];
    const nans = [NaN, bits(0xfff80000), bits(0x7ff80000, 1), bits(0xfff80000, 0xabc), bits(0x7ff4dead, 7)];
    const values = fc.oneof(num, fc.constantFrom(...nans));
    fc.assert(
      // Two NaN operands: which one x86 passes on depends on the operands' order in the machine code,
      // which engines choose freely (V8's own tiers differ): only one NaN at a time has one answer.
      fc.property(values, values, (a, b) => {
        fc.pre(!(Number.isNaN(a) && Number.isNaN(b)));
        const [mine, theirs] = [new Float64Array(5), new Float64Array(5)];
        ops(Float64Array.of(a, b), theirs);
        fast(Float64Array.of(a, b), mine);
        expect(new Uint8Array(mine.buffer)).toEqual(new Uint8Array(theirs.buffer));
      }),
      { numRuns: 600 },
    );
  });
  it("Number.isNaN / isFinite / isInteger / isSafeInteger and the global isNaN / isFinite answer as JavaScript's", () => {
    const safe = fc.constantFrom(2 ** 53 - 1, 2 ** 53, -(2 ** 53 - 1), -(2 ** 53), 2 ** 53 + 2, 1e300, 5e-324, -0.5);
    const any = fc.oneof(num, safe);
    agrees((x: number) => (Number.isNaN(x) ? 1 : 0) + (Number.isFinite(x) ? 2 : 0) + (Number.isInteger(x) ? 4 : 0), [any]);
    agrees((x: number) => (Number.isSafeInteger(x) ? 1 : 0) + (isNaN(x) ? 2 : 0) + (isFinite(x) ? 4 : 0), [any]);
    // As booleans, on int32 arguments, on values computed in the function, and counted in a loop.
    agrees((x: number, y: number) => Number.isInteger(x / y) && !isNaN(x * y), [num, num]);
    agrees(
      (n: number) => {
        let c = 0;
        for (let i = 0; i < n; i++) if (Number.isInteger(Math.sqrt(i)) || !isFinite(1 / (i - 7))) c++;
        return c;
      },
      [fc.integer({ min: 0, max: 3000 })],
    );
    // Not numbers: Number.* is false; the global ones convert a boolean (0 or 1).
    agrees(
      (b: boolean) => (Number.isNaN(b) ? 1 : 0) + (Number.isFinite(b) ? 2 : 0) + (isFinite(b as unknown as number) ? 4 : 0),
      [fc.boolean()],
    );
    agrees((a: bigint) => (Number.isInteger(a) ? 1n : 0n) + a, [u64]);
    expect(() => jit((a: bigint) => isNaN(a as unknown as number))(1n)).toThrow(
      /isNaN\(\) of a bigint \(u64\) \(JavaScript throws a TypeError\)/,
    );
  });
  it("bitwise operators are ToInt32 / ToUint32 exact for any double", () => {
    agrees((a: number) => a | 0, [num]);
    agrees((a: number) => a >>> 0, [num]);
    agrees((a: number, b: number) => (a & b) ^ (a << b) ^ (a >> b), [num, num]);
    agrees((a: number, b: number) => (a >>> b) + ~a, [num, num]);
  });
  it("comparisons, truthiness, && || ! and ?:", () => {
    agrees(
      (a: number, b: number) => (a < b ? 1 : 0) + (a <= b ? 2 : 0) + (a === b ? 4 : 0) + (a !== b ? 8 : 0) + (a >= b ? 16 : 0),
      [num, num],
    );
    agrees((a: number, b: number) => (a && b) + (a || b) + (!a ? 100 : 0), [num, num]);
    agrees((a: number, b: number) => (a > 0 && b > 0) || a === b, [num, num]);
  });
  it("Math functions with a wasm instruction", () => {
    agrees((a: number, b: number) => Math.sqrt(a) + Math.abs(b) + Math.floor(a) - Math.ceil(b) + Math.trunc(a * b), [num, num]);
    agrees((a: number, b: number) => Math.min(a, b, 3) + Math.max(a, b), [num, num]);
    agrees((a: number) => Math.round(a), [fc.oneof(num, fc.constantFrom(0.49999999999999994, -0.5, 2.5, -2.5, -0.4))]);
    agrees((a: number) => Math.sign(a) + Math.fround(a), [num]);
    agrees((a: number, b: number) => Math.imul(a, b) + Math.clz32(a), [num, num]);
    agrees((a: number) => Math.PI * a + Number.EPSILON + 2 ** 53, [num]);
  });
  it("i32 parameters by signature", () => {
    agrees(
      (a: number, b: number) => a * b + (a < b ? a : b),
      [fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })],
      "f64(i32, i32)",
    );
  });
});

describe("jit: booleans as numbers, and && || ! of any types as conditions", () => {
  it("a boolean in arithmetic, bitwise operators and order comparisons is 0 or 1 (JavaScript's ToNumber)", () => {
    // Plain JavaScript (TypeScript refuses arithmetic on booleans), as users write it.
    const js = (...text: string[]) => new Function(...text) as (...args: any[]) => number;
    const data = fc.float64Array({ maxLength: 30 });
    agrees(js("a", "t", "let c = 0; for (let i = 0; i < a.length; i++) c += a[i] > t; return c;"), [data, num]);
    agrees(js("x", "y", "return +(x > y) - (x < y) * 2 + ((x === y) | 0) * 4 + (~(x > 0) ^ (y >= 0));"), [num, num]);
    agrees(js("x", "y", "return (x > y) / (x < y) + (x > 0) * y - (y <= 0) + ((x > 1) < (y > 1));"), [num, num]);
    agrees(js("x", "y", "return x + y + (x << 3) + -x;"), [fc.boolean(), num]);
  });

  it("&& and || as a test take each side's truthiness with the short circuit, whatever their types", () => {
    const data = fc.float64Array({ maxLength: 30 });
    agrees(
      (a: Float64Array, t: number) => {
        let c = 0;
        for (let i = 0; i < a.length; i++) if (a[i] && a[i] > t) c++;
        return c;
      },
      [data, num],
    );
    agrees(
      (a: Float64Array, t: number) => {
        let c = 0;
        for (let i = 0; i < a.length; i++)
          if ((a[i] > t || a[i]) && !(a[i] < 0 && t)) c += 2;
          else c--;
        return c;
      },
      [data, num],
    );
    agrees((x: number, m: number) => (x > 0 && m ? 1 : 0) + (x || m > 1 ? 10 : 20) + (!(x && m) ? 100 : 0), [num, num]);
    agrees(
      (x: number, m: bigint) => {
        let n = 0;
        while ((x > n && m) || n < 3) n++;
        return n;
      },
      [fc.integer({ min: -5, max: 40 }), fc.constantFrom(0n, 1n, 5n)],
    );
    // The right side runs only where JavaScript runs it.
    agrees(
      (a: Float64Array) => {
        let calls = 0;
        for (let i = 0; i < a.length; i++) if (a[i] || (calls++, a[i] === 0)) calls += 10;
        return calls;
      },
      [data],
    );
  });
});

describe("jit: control flow", () => {
  it("for, while, do-while, break, continue, labels, ++/-- values, compound assignment", () => {
    function loops(n: number) {
      let s = 0;
      let k = 0;
      outer: for (let i = 0; i < n; i++) {
        if (i % 3 === 0) continue;
        let j = i;
        while (j > 0) {
          j -= 2;
          if (j === 5) continue outer;
          s += j++ * 2;
          s -= --j;
        }
        do {
          k += 1;
        } while (k < i);
        if (s > 1e6) break;
        s *= 1.5;
        s /= 1.25;
        s %= 1e5;
      }
      return s + k;
    }
    agrees(loops, [fc.integer({ min: 0, max: 60 })]);
  });
  it("jit functions call jit functions (compiled into the same module), recursion by signature", () => {
    function collatzSteps(n: bigint) {
      let steps = 0n;
      while (n !== 1n) {
        n = n % 2n === 0n ? n / 2n : 3n * n + 1n;
        steps++;
      }
      return steps;
    }
    jit(collatzSteps);
    function longestBelow(limit: bigint) {
      let best = 0n;
      let arg = 1n;
      for (let i = 1n; i < limit; i++) {
        const s = collatzSteps(i);
        if (s > best) [best, arg] = [s, i];
      }
      return arg;
    }
    // (a swap by destructuring compiles: test/jit-forms.test.ts)
    expect(jit(longestBelow)(300n)).toBe(longestBelow(300n));
    function longest(limit: bigint) {
      let best = 0n;
      let arg = 1n;
      for (let i = 1n; i < limit; i++) {
        const s = collatzSteps(i);
        if (s > best) {
          best = s;
          arg = i;
        }
      }
      return arg;
    }
    agrees(longest, [fc.bigInt({ min: 1n, max: 500n })]);
    const fast = jit(longest);
    fast(10n);
    expect(fast.inspect()).toMatch(/call \$collatzSteps/);
    function fib(n: bigint): bigint {
      return n < 2n ? n : fib(n - 1n) + fib(n - 2n);
    }
    expect(jit(fib, "u64(u64)")(20n)).toBe(6765n);
  });
});

describe("jit: typed arrays are read and written back", () => {
  it("every element type: reads, writes with JS's conversions, .length", () => {
    const arrays = [Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array] as const;
    for (const Ctor of arrays) {
      function scaleAdd(a: Float64Array, k: number) {
        for (let i = 0; i < a.length; i++) a[i] = a[i] * k + i;
        return a.length;
      }
      const fast = jit(scaleAdd);
      fc.assert(
        fc.property(fc.array(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { maxLength: 40 }), num, (values, k) => {
          const mine = Ctor.from(values);
          const theirs = Ctor.from(values);
          expect(fast(mine as unknown as Float64Array, k)).toBe(scaleAdd(theirs as unknown as Float64Array, k));
          expect([...mine]).toEqual([...theirs]);
        }),
        { numRuns: 50 },
      );
    }
    for (const Ctor of [BigInt64Array, BigUint64Array] as const) {
      function mix(a: BigUint64Array, x: bigint) {
        let s = 0n;
        for (let i = 0n; i < a.length; i++) {
          // @ts-expect-error a bigint index: valid JavaScript, compiled as an element access
          s += a[i];
          // @ts-expect-error the same
          a[i] = a[i] * x + i;
        }
        return s;
      }
      const fast = jit(mix);
      fc.assert(
        fc.property(fc.array(u64, { maxLength: 20 }), u64, (values, x) => {
          const mine = Ctor.from(values.map((v) => (Ctor === BigInt64Array ? BigInt.asIntN(64, v) : v)));
          const theirs = mine.slice();
          expect(fast(mine as unknown as BigUint64Array, x)).toBe(BigInt.asUintN(64, mix(theirs as unknown as BigUint64Array, x)));
          expect([...mine]).toEqual([...theirs].map((v) => (Ctor === BigInt64Array ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v))));
        }),
        { numRuns: 50 },
      );
    }
  });
  it("the dot product over Float64Arrays", () => {
    function dot(a: Float64Array, b: Float64Array) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * b[i];
      return s;
    }
    const arr = fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 5, maxLength: 5 }).map((v) => Float64Array.from(v));
    agrees(dot, [arr, arr]);
  });
});

describe("jit: `let x;` declared where it is first assigned", () => {
  // jit infers a local's type from its initial value; `let x;` followed by `x = E;` (or `for (x = E; …)`)
  // before anything else in its block mentions x is `let x = E;` there, and a `let t;` used only inside
  // a loop's body, assigned first on every trip, is declared in that body. Nothing reads x before.
  function swaps(a: Float64Array) {
    let t;
    let s = 0,
      u;
    for (let i = 0; i + 1 < a.length; i += 2) {
      t = a[i];
      a[i] = a[i + 1];
      a[i + 1] = t;
      s += t;
    }
    u = s * 2;
    let i;
    for (i = 0; i < a.length && a[i] > 0; i++) u += a[i];
    return u + i;
  }
  function bigintLater(n: bigint) {
    let x, y;
    x = n * 3n;
    y = x + 1n;
    return x ^ y;
  }

  it("gives JavaScript's answers (swaps in a loop, a counter read after its loop, bigints)", () => {
    const [fast, big] = [jit(swaps), jit(bigintLater)];
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 9 }), (xs) => {
        const [mine, theirs] = [Float64Array.from(xs), Float64Array.from(xs)];
        return Object.is(fast(mine), swaps(theirs)) && mine.every((v, k) => Object.is(v, theirs[k]));
      }),
      { numRuns: 200 },
    );
    for (const n of [0n, 5n, 2n ** 62n]) expect(big(n)).toBe(BigInt.asUintN(64, bigintLater(n)));
  });

  it("a first use that reads it is still refused by name", () => {
    function readFirst(n: number) {
      let x;
      const y = n + 1;
      const s = y + (x as unknown as number);
      x = 2;
      return s + x;
    }
    expect(() => jit(readFirst)(1)).toThrow(/`x` needs an initial value/);
  });
});
