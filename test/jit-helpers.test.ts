// Helpers with a body of statements declared inside the function (`function clamp(x) { if (x < 0)
// return 0; … }`, `const smooth = (t) => { … }`), each compiled as a wasm function of its own: JavaScript's
// answers (hoisting, outer locals read as they are at each call, helpers calling helpers, arrays,
// bigints), what is refused by name, and the WAT.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { u64 } from "./support/arbitraries.ts";
import { expectRefusal } from "./support/refusal.ts";
import { createPool } from "../src/index.ts";
import { jit, prange } from "../src/jit/index.ts";

function smoothSum(a: Float64Array, n: number) {
  function clamp(x: number) {
    if (x < 0) return 0;
    if (x > 1) return 1;
    return x;
  }
  const smooth = (t: number) => {
    const u = clamp(t);
    return u * u * (3 - 2 * u);
  };
  let s = 0;
  for (let i = 0; i < n; i++) s += smooth(a[i]);
  return s;
}

/** A loop with an early return, over an array it is given; called before its declaration (hoisted). */
function firstAbove(a: Float64Array, t: number) {
  const k = find(a, t);
  return k < 0 ? -1 : k + find(a, t + 1);
  function find(xs: Float64Array, limit: number) {
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] > limit) return i;
      if (xs[i] !== xs[i]) return -2;
    }
    return -1;
  }
}

/** The closure reads the outer `scale` (and the array `w`) as they are at each call. */
function running(xs: Float64Array, w: Float64Array) {
  let scale = 1;
  const scaled = function (v: number, j: number) {
    let r = v * scale;
    if (j < w.length) r += w[j];
    return r;
  };
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    s += scaled(xs[i], i);
    scale = scale * 0.5 + xs[i];
  }
  return s;
}

/** Signs, zeros and NaN through several returns; one helper calling another that reads an outer local. */
function signs(x: number, y: number) {
  const eps = y;
  function sign(v: number) {
    if (v > eps) return 1;
    if (v < -eps) return -1;
    if (v !== v) return NaN;
    return v * 0;
  }
  const both = (p: number, q: number) => {
    const a = sign(p);
    const b = sign(q);
    return a === b ? a : a - b;
  };
  return both(x, y) + sign(x / y) / 3 + both(1 / x, -y);
}

/** A helper over an outer xorshift state: read as a number in the helper, declared before the state. */
function hashed(a: Int32Array) {
  function add(v: number) {
    const w = v * 2;
    return w + st;
  }
  let st = 2463534242;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += add(a[i]);
    st ^= st << 13;
    st ^= st >>> 17;
    st ^= st << 5;
  }
  return s + (st | 0);
}

function mix64(a: BigUint64Array) {
  const rot = (x: bigint, r: bigint) => {
    const left = BigInt.asUintN(64, x << r);
    return left | (x >> (64n - r));
  };
  function step(h: bigint, v: bigint) {
    let z = rot(h ^ v, 27n);
    if (z === 0n) return 1n;
    z = BigInt.asUintN(64, z * 0x94d049bb133111ebn);
    return z;
  }
  let h = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < a.length; i++) h = step(h, a[i]);
  return h;
}

/** An arrow compiled into its calls, called from a helper (there a function of its own); a block inside the helper hides the outer `s`. */
function windowed(a: Float64Array, w: number) {
  const at = (i: number) => a[i * w];
  let s = 0.5;
  function total(n: number) {
    let t = 0;
    for (let j = 0; j < n; j++) {
      let s = at(j);
      if (s !== s) return -1;
      t += s;
    }
    return t + s;
  }
  s = total(Math.floor(a.length / w));
  return a.length > 0 ? s + total(1) : s;
}

const value = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 0.5, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 53),
);
/** Always the compiled function (adaptive.ts may otherwise run the original). */
const compiled = (f: (...args: any[]) => unknown) => jit(f as (...args: unknown[]) => unknown, undefined, { adaptive: false });
const same = (a: unknown, b: unknown) => expect(Object.is(a, b) || a === b).toBe(true);

describe("jit: nested functions with statements", () => {
  it("gives JavaScript's answers: hoisting, early returns, outer locals, helpers calling helpers (random inputs)", () => {
    const [fSmooth, fFirst, fRunning, fSigns, fWindowed] = [smoothSum, firstAbove, running, signs, windowed].map((f) => compiled(f));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), fc.array(value, { maxLength: 10 }), value, value, (xs, ws, x, y) => {
        const a = Float64Array.from(xs);
        const w = Float64Array.from(ws);
        same(fSmooth(a, a.length), smoothSum(a, a.length));
        same(fFirst(a, x), firstAbove(a, x));
        same(fRunning(a, w), running(a, w));
        same(fSigns(x, y), signs(x, y));
        for (const w of [1, 2, 3]) same(fWindowed(a, w), windowed(a, w));
      }),
      { numRuns: 200 },
    );
  });

  it("reads an outer local that only bit operators change as the number it is", () => {
    const fHashed = compiled(hashed);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 30 }), (xs) => {
        const a = Int32Array.from(xs);
        same(fHashed(a), hashed(a));
      }),
      { numRuns: 100 },
    );
  });

  it("bigints with u64 edges", () => {
    const fMix = jit(mix64, "u64(u64[])");
    fc.assert(
      fc.property(fc.array(u64, { maxLength: 20 }), (xs) => {
        const a = BigUint64Array.from(xs);
        expect(fMix(a)).toBe(BigInt.asUintN(64, mix64(a)));
      }),
      { numRuns: 100 },
    );
  });

  it("compiles each helper as a function of its own, called", () => {
    const wat = jit(smoothSum, "f64(f64[], i32)").inspect();
    expect(wat).toMatch(/\(func \$clamp_\d+ \(param f64\) \(result f64\)/);
    expect(wat).toMatch(/\(func \$smooth_\d+ \(param f64\) \(result f64\)[\s\S]*call \$clamp_\d+/);
    expect(wat).toMatch(/f64\.load\s+call \$smooth_\d+/);
  });

  it("refuses by name, at its position, what it cannot compile as JavaScript means it", () => {
    const refusal = (source: string, needle: string, message: RegExp, ...args: unknown[]) => expectRefusal(source, args, message, needle);
    refusal(
      "function f(n) {\n  let c = 0;\n  function g(x) {\n    c += x;\n    return c;\n  }\n  return g(n);\n}",
      "c += x",
      /assigning `c`, a variable outside the nested function `g`/,
      3,
    );
    refusal(
      "function f(n) {\n  const g = (x) => {\n    const y = x + 1;\n    return y;\n  };\n  return g;\n}",
      "g;",
      /`g`, a nested function, used other than by calling it directly/,
      3,
    );
    refusal(
      "function f(n) {\n  function fact(x) {\n    if (x < 2) return 1;\n    return x * fact(x - 1);\n  }\n  return fact(n);\n}",
      "fact(x - 1)",
      /`fact` calling itself: recursion between nested functions is not supported/,
      5,
    );
    refusal(
      "function f(n) {\n  function even(x) {\n    if (x === 0) return 1;\n    return odd(x - 1);\n  }\n  function odd(x) {\n    if (x === 0) return 0;\n    return even(x - 1);\n  }\n  return even(n);\n}",
      "even(x - 1)",
      /`even` calling itself \(through `even`, `odd`\)/,
      5,
    );
    // An inner `k` at the call would hide the closure's `k`.
    refusal(
      "function f(n) {\n  const k = 2;\n  const g = (x) => {\n    const y = x * k;\n    return y;\n  };\n  {\n    const k = 5;\n    return g(n) + k;\n  }\n}",
      "g(n)",
      /`k` names another variable at this call of `g` than where `g` is defined/,
      3,
    );
    // JavaScript's ReferenceError: `k` is read before its declaration is reached.
    refusal(
      "function f(n) {\n  const r = g(n);\n  const k = 2;\n  function g(x) {\n    const y = x * k;\n    return y;\n  }\n  return r;\n}",
      "g(n)",
      /`k`, read by `g`, is not declared yet at this call of `g`/,
      3,
    );
    refusal(
      "function f(n) {\n  function g(x) {\n    const y = arguments[0];\n    return y + x;\n  }\n  return g(n);\n}",
      "arguments",
      /`arguments` in a nested function/,
      3,
    );
    refusal(
      "function f(n) {\n  const g = (x) => {\n    const y = x + 1;\n    return y;\n  };\n  return g(n, n);\n}",
      "g(n, n)",
      /`g` takes 1 argument, given 2/,
      3,
    );
  });

  it("in a parallel function: helpers declared before the loop; one reading the reduction is refused", async () => {
    function total(xs: Float64Array): number {
      const cap = 2;
      function clip(v: number) {
        if (v > cap) return cap;
        return v < -cap ? -cap : v;
      }
      let s = 0;
      for (const i of prange(xs.length)) s += clip(xs[i]);
      return s;
    }
    const pool = await createPool({ workers: 1, mode: "shared", warmUp: false });
    try {
      const pTotal = jit(total, { parallel: true, pool });
      const xs = Float64Array.from([1, 5, -7, 0.5, -0]);
      expect(await pTotal(xs)).toBe(total(xs));
    } finally {
      await pool.close();
    }
    const reads =
      "function r(n: number): number {\n  let s = 0;\n  function g(x: number) {\n    const y = x + s;\n    return y;\n  }\n  for (const i of prange(n)) s += g(i);\n  return s;\n}";
    expect(() => jit(reads, { parallel: true })).toThrow(/`s`, which the prange loop writes, read in a nested function.*\(at 4:19\)/s);
  });
});

/** Trial division in a helper with early returns, called with int32 counters. */
function primeCount(n: number) {
  let c = 0;
  for (let k = -3; k < n; k++) if (isPrime(k)) c++;
  return c + (isPrime(n + 0.5) ? 1000 : 0);
  function isPrime(m: number) {
    if (m < 2) return false;
    for (let d = 2; d * d <= m; d++) if (m % d === 0) return false;
    return m === Math.floor(m);
  }
}

describe("jit helpers and callees called with int32 values", () => {
  it("are compiled for int32 parameters (the integer remainder, no fmod), and again for a double: JavaScript's answers", () => {
    const fast = jit(primeCount);
    for (const n of [0, 1, 2, 3, 10, 97, 1000, 7919]) expect(fast(n)).toBe(primeCount(n));
    const wat = fast.inspect();
    // Two specializations of isPrime: (i32) for the counter, (f64) for n + 0.5.
    expect(wat.match(/\(func \$isPrime_\d+ \(param i32\)/g)).toHaveLength(1);
    expect(wat.match(/\(func \$isPrime_\d+ \(param f64\)/g)).toHaveLength(1);
  });

  it("an int32 or uint32 argument whose parameter is then assigned doubles: JavaScript's answers", () => {
    function gcdOf(a: number, b: number) {
      while (b !== 0) {
        const t = a % b;
        a = b;
        b = t;
      }
      return Math.abs(a);
    }
    jit(gcdOf);
    const lcm = jit(function lcm(xs: Uint32Array) {
      let l = 1;
      for (let i = 0; i < xs.length; i++) l = (l / gcdOf(l, xs[i])) * xs[i];
      return l;
    });
    const halves = jit((n: number) => {
      function half(x: number) {
        x = x / 2;
        return x;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += half(i);
      return s;
    });
    const plainLcm = (xs: Uint32Array) => xs.reduce((l, x) => (l / gcdOf(l, x)) * x, 1);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2 ** 32 - 1 }), { maxLength: 6 }), fc.integer({ min: -2, max: 50 }), (xs, n) => {
        const a = Uint32Array.from(xs);
        same(lcm(a), plainLcm(a));
        same(halves(n), n > 0 ? (n * (n - 1)) / 4 : 0);
      }),
      { numRuns: 100 },
    );
  });

  it("a jit function called by name from another with an int32 gets an (i32) specialization", () => {
    function sumDigits(x: number) {
      let s = 0;
      while (x > 0) {
        s += x % 10;
        x = Math.floor(x / 10);
      }
      return s;
    }
    jit(sumDigits);
    const total = jit(function total(n: number) {
      let t = 0;
      for (let i = 0; i < n; i++) t += sumDigits(i);
      return t;
    });
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 3000 }), (n) => {
        let want = 0;
        for (let i = 0; i < n; i++) want += sumDigits(i);
        expect(total(n)).toBe(want);
      }),
      { numRuns: 50 },
    );
    expect(total.inspect()).toMatch(/\(func \$sumDigits\w* \(param i32\)/);
  });
});
