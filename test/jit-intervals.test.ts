// The numeric analysis (src/jit/analysis/intervals.ts) decides where number code runs in i32: locals whose
// every value is proven int32 (uint32), `+ - * %` whose exact result is proven in range, `+`/`-` under
// a ToInt32 store, f64 indices proven integral. Each is checked against the plain function on random
// inputs that sit at the edges the proofs depend on (2^31, 2^32, negative dividends, −0), and the WAT
// shows the i32 code was actually chosen.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { analyze } from "../src/jit/analysis/intervals.ts";
import { parseFunction } from "../src/jit/front/parse.ts";

const INT32_MAX = 2 ** 31 - 1;
const int32 = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: INT32_MAX }),
  fc.constantFrom(0, 1, -1, 2, INT32_MAX, INT32_MAX - 1, -(2 ** 31), -(2 ** 31) + 1, 46340, 46341),
  fc.integer({ min: -50, max: 50 }),
);
const RUNS = { numRuns: 150 };

function trialDivision(n: number) {
  let count = 0;
  for (let k = 2; k < n; k++) {
    let prime = true;
    for (let d = 2; d * d <= k; d++) {
      if (k % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

describe("jit: int32 proofs give JavaScript's answers", () => {
  it("trial division: `k % d` and `d * d <= k` in i32, the same counts", () => {
    const fast = jit(trialDivision);
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 3000 }), (n) => fast(n) === trialDivision(n)),
      { numRuns: 60 },
    );
    expect(fast(10_000)).toBe(1229);
    const wat = fast.inspect();
    // `k % d === 0` with a divisor that varies: the f64 divider (more throughput than the integer one).
    expect(wat).toMatch(/f64\.div\s+f64\.trunc/);
    expect(wat).not.toMatch(/call \$fmod/);
  });

  it("`x % y === 0` (and `==`, `!==`, `!=`, 0 on either side) on int32/uint32 values: JavaScript's answer for every pair", () => {
    function plain(x: number, y: number) {
      const u = x >>> 0;
      const v = y >>> 0;
      let bits = 0;
      if (x % y === 0) bits |= 1;
      if (0 == x % y) bits |= 2;
      if (x % y !== 0) bits |= 4;
      if (0 != x % y) bits |= 8;
      if (u % v === 0) bits |= 16;
      if (u % y === 0) bits |= 32;
      if (x % 7 === 0) bits |= 64; // a constant divisor: the integer remainder
      return bits;
    }
    const tests = jit(plain);
    fc.assert(
      fc.property(int32, int32, (x, y) => tests(x, y) === plain(x, y)),
      { numRuns: 400 },
    );
    for (const [x, y] of [
      [0, 0],
      [5, 0],
      [-(2 ** 31), -1],
      [-(2 ** 31), 2 ** 31 - 1],
      [2 ** 31 - 1, 2 ** 31 - 1],
      [-4, 2],
      [-1, -(2 ** 31)],
      [-2, -1],
    ])
      expect(tests(x, y), `${x} % ${y}`).toBe(plain(x, y));
    const wat = tests.inspect();
    expect(wat).toMatch(/f64\.div\s+f64\.trunc/);
    expect(wat).toMatch(/i32\.rem_[su]|call \$fmod/);
  });

  it("`d * d <= k` bounds d for every int32 k, up to 2^31 − 1", () => {
    const roots = jit(function roots(k: number) {
      let c = 0;
      for (let d = 1; d * d <= k; d++) c++;
      return c;
    });
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -10, max: 100000 }), fc.integer({ min: INT32_MAX - 1000, max: INT32_MAX })), (k) => {
        return roots(k) === (k < 1 ? 0 : Math.floor(Math.sqrt(k)));
      }),
      { numRuns: 40 },
    );
  });

  it("`%` keeps −0 and NaN where the dividend may be negative or the divisor 0", () => {
    const rem = jit((x: number, d: number) => x % d);
    fc.assert(
      fc.property(int32, int32, (x, d) => Object.is(rem(x, d), x % d)),
      RUNS,
    );
    expect(Object.is(rem(-4, 2), -0)).toBe(true);
    expect(rem(5, 0)).toBeNaN();
  });

  it("`%` on numbers not proven int32 (f64 locals): the inline int32 remainder or fmod, JavaScript's bits for every pair", () => {
    const rem = jit((x: number, d: number) => {
      const a = x * 1; // f64 locals: nothing proven
      const b = d * 1;
      return a % b;
    });
    const doubles = fc.oneof(
      int32,
      fc.double({ noNaN: false }),
      fc.constantFrom(-0, 0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, -1, 1, 0.5, -2.5, 2 ** 53, 1e300, 5e-324),
    );
    fc.assert(
      fc.property(doubles, doubles, (x, d) => Object.is(rem(x, d), x % d)),
      { numRuns: 600 },
    );
    for (const [x, d] of [
      [-(2 ** 31), -1],
      [-4, 2],
      [-0, 3],
      [7, -0],
      [2 ** 31, 3],
      [5.5, 2],
    ])
      expect(Object.is(rem(x, d), x % d), `${x} % ${d}`).toBe(true);
    expect(rem.inspect()).toMatch(/i32\.rem_s/);
  });

  it("Euclid's gcd on numbers (the remainder in f64 locals): the same sums", () => {
    function gcdSum(n: number) {
      let s = 0;
      for (let a = 1; a < n; a++) {
        let x = a;
        let y = n;
        while (y !== 0) {
          const t = x % y;
          x = y;
          y = t;
        }
        s += x;
      }
      return s;
    }
    const fast = jit(gcdSum);
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 3000 }), (n) => fast(n) === gcdSum(n)),
      { numRuns: 60 },
    );
    // `y !== 0` moves y's interval off 0 (the outer test gave n ≥ 2): the remainder is the i32 one.
    expect(fast.inspect()).toMatch(/i32\.rem_u/);
    expect(fast.inspect()).not.toMatch(/call \$fmod/);
  });

  it("`v !== c` and the false branch of `v === c` move an end of v's interval, and nothing else", () => {
    function ends(n: number, k: number) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const m = i % 5; // [0, 4]
        if (m === 0) s -= 1;
        else s += k % m; // m in [1, 4]
        if (m !== 4) s += 100 % (4 - m); // 4 - m in [1, 4]
      }
      let j = n;
      while (j != -7) j = j > -7 ? j - 1 : j + 1; // -7 inside the interval: no refinement
      return s + j;
    }
    const fast = jit(ends);
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 200 }), int32, (n, k) => Object.is(fast(n, k), ends(n, k))),
      { numRuns: 150 },
    );
  });

  it("products and sums past 2^31 stay exact (f64), in range they are i32", () => {
    function mix(a: number, b: number) {
      const p = a * b;
      const q = (a & 0xffff) * (b & 0x7fff); // < 2^31: proven int32
      let s = 0;
      for (let i = 0; i < 3; i++) s += p + q - i;
      return s + (q % 1000);
    }
    const fast = jit(mix);
    fc.assert(
      fc.property(int32, int32, (a, b) => Object.is(fast(a, b), mix(a, b))),
      RUNS,
    );
    expect(fast.inspect()).toMatch(/i32\.mul/);
  });

  it("a stride loop `j += step` passing 2^31 and 2^32 counts as JavaScript does", () => {
    function strides(start: number, n: number, step: number) {
      let c = 0;
      for (let j = start; j < n; j += step) c++;
      return c;
    }
    const fast = jit(strides);
    const big = fc.integer({ min: INT32_MAX - 5000, max: INT32_MAX });
    fc.assert(
      fc.property(big, big, fc.integer({ min: 1, max: 2 ** 30 }), (s, n, step) => {
        if (Math.abs(n - s) / step > 1e5) return true;
        return fast(s, n, step) === strides(s, n, step);
      }),
      RUNS,
    );
  });

  it("stride loops run in u32 where their values fit, as written elsewhere (negative or fractional starts, bounds near 2^32)", () => {
    function strided(start: number, n: number, step: number, flags: Uint8Array) {
      let c = 0;
      let last = -1;
      for (let j = start; j < n; j += step) {
        c++;
        last = j;
        if (j >= 0 && j < flags.length) flags[j | 0] += 1;
      }
      return c * 1e6 + last;
    }
    const fast = jit(strided);
    const flags = new Uint8Array(64);
    const start = fc.oneof(fc.integer({ min: -40, max: 60 }), fc.double({ min: -40, max: 60, noNaN: true }), fc.constant(2 ** 32 - 3));
    const bound = fc.oneof(fc.integer({ min: -10, max: 64 }), fc.constant(2 ** 32 - 1), fc.constant(2 ** 32 - 2));
    fc.assert(
      fc.property(start, bound, fc.integer({ min: 1, max: 9 }), (a, n, step) => {
        if ((n - a) / step > 1e5) return true;
        const [f1, f2] = [flags.slice(), flags.slice()];
        return Object.is(fast(a, n, step, f2), strided(a, n, step, f1)) && f1.every((v, i) => v === f2[i]);
      }),
      RUNS,
    );
    expect(fast.inspect()).toMatch(/i32\.trunc_f64_u/); // the u32 path exists
  });

  it("a body versioned for small int32 parameters gives the general version's answers on both sides of 46340", () => {
    function grid(w: number, h: number, lo: number) {
      let s = 0;
      for (let y = lo; y < h; y++) for (let x = lo; x < w; x++) s += (y * w + x) % 7;
      return s;
    }
    const fast = jit(grid);
    const around = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 46330, max: 46350 }), fc.integer({ min: -5, max: 5 }));
    fc.assert(
      fc.property(around, around, (w, h) =>
        Object.is(fast(w, h, Math.max(0, Math.min(w, h) - 3)), grid(w, h, Math.max(0, Math.min(w, h) - 3))),
      ),
      RUNS,
    );
    expect(fast(2 ** 31 - 1, 2, 2 ** 31 - 3)).toBe(grid(2 ** 31 - 1, 2, 2 ** 31 - 3)); // the general version, past int32
    expect(fast.inspect()).toMatch(/i32\.const 46340/); // the check that picks the version
  });

  it("counters going down (`i--` under `i > E`) and from negative starts", () => {
    function down(n: number, lo: number) {
      let s = 0;
      for (let i = n; i > lo; i--) s += i % 3;
      return s;
    }
    const fast = jit(down);
    const start = fc.oneof(
      fc.integer({ min: -(2 ** 31) + 400, max: -(2 ** 31) + 600 }),
      fc.integer({ min: -300, max: 300 }),
      fc.constant(INT32_MAX),
    );
    fc.assert(
      fc.property(start, fc.integer({ min: -5, max: 400 }), (n, below) => {
        const lo = n - below; // at most 400 trips
        return Object.is(fast(n, lo), down(n, lo));
      }),
      RUNS,
    );
    expect(fast(-(2 ** 31) + 3, -(2 ** 31))).toBe(down(-(2 ** 31) + 3, -(2 ** 31)));
  });

  it("integer arrays: `a[i] = a[i] + b[i]`, `a[i] += c`, `bins[k]++` wrap as the stores' ToInt32 does", () => {
    function addInto(a: Int32Array, b: Int32Array, c: number, bins: Uint32Array) {
      for (let i = 0; i < a.length; i++) {
        a[i] = a[i] + b[i];
        a[i] += c;
        bins[a[i] & 7]++;
      }
    }
    const fast = jit(addInto);
    const values = fc.array(int32, { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(values, int32, (xs, c) => {
        const [a1, b1, h1] = [Int32Array.from(xs), Int32Array.from(xs.map((x) => x ^ 0x5555)), new Uint32Array(8).fill(2 ** 32 - 2)];
        const [a2, b2, h2] = [a1.slice(), b1.slice(), h1.slice()];
        addInto(a1, b1, c, h1);
        fast(a2, b2, c, h2);
        return a1.every((v, i) => v === a2[i]) && h1.every((v, i) => v === h2[i]);
      }),
      RUNS,
    );
    expect(fast.inspect()).not.toMatch(/i64\.trunc_sat_f64_s/); // no ToInt32 of an f64 sum
  });

  it("`a[i - 1]` in a counted loop over `a` needs no bounds check, and `a[i + 1]` keeps one", () => {
    function prefix(a: Float64Array) {
      for (let i = 1; i < a.length; i++) a[i] += a[i - 1];
    }
    const fast = jit(prefix);
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 50 }), (xs) => {
        const [p, q] = [xs.slice(), xs.slice()];
        prefix(p);
        fast(q);
        return p.every((v, i) => Object.is(v, q[i]));
      }),
      RUNS,
    );
    expect(fast.inspect()).not.toMatch(/unreachable/);
    const ahead = jit((a: Float64Array) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i + 1];
      return s;
    });
    expect(() => ahead(new Float64Array(3))).toThrow(/trapped/); // a[3]: out of range
  });

  it("an f64 index proven an integer in [0, 2^32) is truncated without the integer check", () => {
    function sieve(flags: Uint8Array) {
      const n = flags.length;
      let count = 0;
      for (let i = 2; i < n; i++) {
        if (flags[i] === 0) {
          count++;
          for (let j = i * i; j < n; j += i) flags[j] = 1;
        }
      }
      return count;
    }
    const fast = jit(sieve);
    for (const n of [0, 1, 2, 3, 100, 10_000, 65_537]) expect(fast(new Uint8Array(n))).toBe(sieve(new Uint8Array(n)));
    expect(fast(new Uint8Array(1_000_000))).toBe(78_498);
    expect(fast.inspect()).not.toMatch(/f64\.ne/);
  });
});

describe("jit: the facts of a compound assignment to an element", () => {
  it("`a[i] *= v` on an Int32Array is the double product's ToInt32, not i32.mul (the facts are a[i] * v's, not v's)", () => {
    function product(a: Int32Array, b: Int32Array) {
      for (let i = 0; i < a.length; i++) a[i] *= b[i];
    }
    const fast = jit(product);
    const int32 = fc.oneof(fc.integer(), fc.constantFrom(2 ** 31 - 1, -(2 ** 31), 32508117, -282610641));
    fc.assert(
      fc.property(fc.array(fc.tuple(int32, int32), { maxLength: 8 }), (pairs) => {
        const [a, b, c] = [
          Int32Array.from(pairs.map((p) => p[0])),
          Int32Array.from(pairs.map((p) => p[1])),
          Int32Array.from(pairs.map((p) => p[0])),
        ];
        product(a, b);
        fast(c, b);
        return a.every((v, i) => v === c[i]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("jit: the value of an assignment to an integer element", () => {
  it("`(a[i] += v)`, `(a[i] = a[i] + v)`, `++a[i]` read as values are the exact sums (the store alone wraps); as statements, the i32 instruction", () => {
    function compound(a: Int32Array, v: number) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] += v;
      return s;
    }
    function plain(a: Int32Array, v: number) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] = a[i] + v;
      return s;
    }
    function prefix(a: Int32Array, v: number) {
      let s = v;
      for (let i = 0; i < a.length; i++) s += ++a[i];
      return s;
    }
    function sequence(a: Int32Array, v: number) {
      let s = 0;
      for (let i = 0; i < a.length; i++) ((a[i] += v), (s += a[i]));
      return s;
    }
    const int32 = fc.oneof(fc.integer(), fc.constantFrom(2 ** 31 - 1, -(2 ** 31), -1, 0, 1));
    const fns = [compound, plain, prefix, sequence] as ((a: Int32Array, v: number) => number)[];
    const fast = fns.map((f) => jit(f));
    fc.assert(
      fc.property(fc.array(int32, { maxLength: 6 }), int32, (values, v) =>
        fns.every((f, k) => {
          const [a, b] = [Int32Array.from(values), Int32Array.from(values)];
          return Object.is(f(a, v), fast[k](b, v)) && a.every((x, i) => x === b[i]);
        }),
      ),
      { numRuns: 200 },
    );
    expect(fast[3].inspect()).toMatch(/i32\.add/);
  });
});

describe("jit: a compound assignment whose right side assigns the same local", () => {
  it("operates on the value read before the right side ran, as JavaScript does (it was taken for the new one, and wrapped to int32)", () => {
    const forms = [
      (x: number) => {
        let s = x;
        s += s = 5;
        return s;
      },
      (x: number) => {
        let s = x;
        s *= s = 3;
        return s;
      },
      (x: number) => {
        let s = x;
        s -= s = -7;
        return s;
      },
      (x: number) => {
        let s = x;
        s += s += 2147483600;
        return s;
      },
      (x: number) => {
        let s = x;
        s += s++;
        return s;
      },
      (x: number) => {
        let s = x | 0;
        for (let i = 0; i < 3; i++) s += s = 2147483600;
        return s;
      },
      (x: number) => {
        let s = x | 0;
        s |= s = 1 << 30;
        s += s;
        return s;
      },
    ];
    const ints = fc.oneof(fc.integer(), fc.constantFrom(0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 30));
    for (const form of forms)
      fc.assert(
        fc.property(ints, (x) => {
          expect(jit(form, undefined, { adaptive: false })(x)).toBe(form(x));
        }),
        { numRuns: 100 },
      );
  });
});

describe("jit: the analysis of nested loops", () => {
  // Each loop searches an invariant in a few rounds, and an outer loop's every round analyses the loops
  // inside it again: searched from scratch each time, the work grew as rounds^depth (an eight-deep nest:
  // 2.5 s to compile). A loop searched again starts from the invariant it found last time.
  const nest = (depth: number) => {
    const names = "abcdefghij".slice(0, depth).split("");
    const heads = names.map((v) => `for (let ${v} = 0; ${v} < n; ${v}++)`).join(" ");
    return `function deep(n) { let s = 0; ${heads} s += ${names.join(" * 2 - ")}; return s; }`;
  };

  it("grows with the depth about twice per level, not by the rounds' factor", () => {
    const work = (depth: number) => {
      const parsed = parseFunction(nest(depth));
      return analyze(parsed.params, ["i32"], parsed.body).evaluations;
    };
    const [four, eight] = [work(4), work(8)];
    expect(eight).toBeLessThan(four * 2 ** 4 * 2);
    expect(eight).toBeLessThan(100_000);
  });

  it("an eight-deep nest gives JavaScript's answer, its counters in i32", () => {
    const deep = new Function(`return ${nest(8)}`)() as (n: number) => number;
    const fast = jit(deep);
    for (const n of [0, 1, 2, 3]) expect(fast(n)).toBe(deep(n));
    expect(fast.inspect()).not.toMatch(/\(local[^)]*f64 f64 f64 f64 f64 f64 f64 f64/);
  });
});

describe("jit: `/` of int32 values as an integer division", () => {
  // ToInt32(a / b) of int32 (uint32) values is the truncated integer quotient wrapped to 32 bits, 0 for
  // b = 0; Math.floor(a / b) with b ≥ 1 the floored one. Both run on the integer divider (V8 does the
  // same for JavaScript); the edges: b = 0, −1, −2^31 / −1, values past 2^31, negative remainders, −0.
  const uint32 = fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1));
  const pair = (x: number, y: number) => `(${x}, ${y})`;

  it("`(a / b) | 0`, `~~`, `>> 0`, `>>> 0` on int32, uint32 and mixed operands: JavaScript's int32 for every pair", () => {
    function plain(a: number, b: number, u: Uint32Array) {
      const x = u[0];
      const y = u[1];
      let h = (a / b) | 0;
      h = Math.imul(h, 31) + ~~(b / a);
      h = Math.imul(h, 31) + ((x / y) >> 0);
      h = Math.imul(h, 31) + ((x / b) | 0);
      h = Math.imul(h, 31) + ((a / y) >>> 0);
      h = Math.imul(h, 31) + (((a & 0xffff) / ((b & 0xff) + 1)) | 0);
      h = Math.imul(h, 31) + ((a / ((b & 0xff) - 300)) | 0);
      return h | 0;
    }
    const fast = jit(plain);
    const u = new Uint32Array(2);
    const check = (a: number, b: number, x: number, y: number) => {
      u[0] = x;
      u[1] = y;
      const fresh = Uint32Array.from(u);
      return fast(a, b, u) === plain(a, b, fresh);
    };
    fc.assert(fc.property(int32, int32, uint32, uint32, check), { numRuns: 500 });
    for (const [a, b] of [
      [0, 0],
      [7, 0],
      [-(2 ** 31), -1],
      [-(2 ** 31), 1],
      [-7, 2],
      [7, -2],
      [INT32_MAX, -1],
    ])
      for (const [x, y] of [
        [0, 0],
        [2 ** 32 - 1, 1],
        [2 ** 31, 3],
        [5, 2 ** 32 - 1],
      ])
        expect(check(a, b, x, y), `${pair(a, b)} ${pair(x, y)}`).toBe(true);
    const wat = fast.inspect();
    expect(wat).toMatch(/i32\.div_s/);
    expect(wat).toMatch(/i32\.div_u/);
    expect(wat).toMatch(/i64\.div_s/);
    expect(wat).not.toMatch(/f64\.div/);
  });

  it("`Math.floor(a / b)` with b ≥ 1, `Math.trunc(a / b)` with a ≥ 0: integer division; other quotients keep −0 and fractions", () => {
    function plain(a: number, b: number) {
      const d = 1 + (b & 1023);
      const floors = Math.floor(a / d) + Math.floor(a / 10) * 3 + Math.floor((a & 0xfffff) / 7) * 5;
      // Not integer divisions: a negative dividend under trunc (−0.3 → −0), a divisor that may be 0.
      const others = [Math.trunc(a / 10), Math.floor(a / b), ((a / 4 + 5) | 0) + 0];
      return [floors, ...others];
    }
    const fast = jit(function values(a: number, b: number, out: Float64Array) {
      const d = 1 + (b & 1023);
      out[0] = Math.floor(a / d) + Math.floor(a / 10) * 3 + Math.floor((a & 0xfffff) / 7) * 5;
      out[1] = Math.trunc(a / 10);
      out[2] = Math.floor(a / b);
      out[3] = ((a / 4 + 5) | 0) + 0;
    });
    const out = new Float64Array(4);
    fc.assert(
      fc.property(int32, int32, (a, b) => {
        fast(a, b, out);
        return plain(a, b).every((v, i) => Object.is(v, out[i]));
      }),
      { numRuns: 500 },
    );
    for (const [a, b] of [
      [-3, 0],
      [-10, -1],
      [-(2 ** 31), 1],
      [-(2 ** 31), -1],
      [-5, 2],
      [0, -3],
    ]) {
      fast(a, b, out);
      expect([...out], pair(a, b)).toEqual(plain(a, b));
      expect(Object.is(out[1], Math.trunc(a / 10)), `trunc ${pair(a, b)}`).toBe(true);
    }
    const wat = fast.inspect();
    expect(wat).toMatch(/i32\.div_s/);
    expect(wat).toMatch(/i32\.div_u/);
    expect(wat).toMatch(/f64\.trunc/);
  });

  it("digit sums and integer square roots give JavaScript's answers, their divisions in i32", () => {
    function digitSum(n: number) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        let v = i;
        while (v > 0) {
          total += v % 10;
          v = Math.floor(v / 10);
        }
      }
      return total;
    }
    function isqrtSum(n: number) {
      let total = 0;
      for (let i = 1; i <= n; i++) {
        let x = i;
        let y = (x + 1) >> 1;
        while (y < x) {
          x = y;
          y = (x + ((i / x) | 0)) >> 1;
        }
        total += x;
      }
      return total;
    }
    const [digits, roots] = [jit(digitSum), jit(isqrtSum)];
    for (const n of [0, 1, 9, 10, 11, 12345]) {
      expect(digits(n)).toBe(digitSum(n));
      expect(roots(n)).toBe(isqrtSum(n));
    }
    expect(digits.inspect()).toMatch(/i32\.div_u/);
    expect(roots.inspect()).toMatch(/i32\.div_s/);
    expect(digits.inspect() + roots.inspect()).not.toMatch(/f64\.div/);
  });
});

describe("jit: a counted loop that leaves at an int32 limit", () => {
  // `for (let c = cap; c >= w; c--)` with w an int32: only the exit value w − 1 could leave int32 (for
  // w = −2^31); the loop leaves at c = −2^31 before the update instead, so c stays an i32. The runs
  // below reach −2^31 (and 2^31 − 1 counting up, where the counter is a u32).
  function down(cap: number, w: Int32Array) {
    let count = 0;
    let sum = 0;
    for (let k = 0; k < w.length; k++) {
      const bound = w[k];
      for (let c = cap; c >= bound; c--) {
        count++;
        sum += c;
      }
    }
    return count * 1e10 + sum;
  }
  function up(start: number, n: number) {
    let count = 0;
    let last = 0;
    for (let i = start; i <= n; i++) {
      count++;
      last = i;
    }
    return count * 1e10 + last;
  }
  const INT32_MIN = -(2 ** 31);

  it("counts down to −2^31 (and up to 2^31 − 1) as JavaScript does, the counter an i32", () => {
    const [fastDown, fastUp] = [jit(down), jit(up)];
    const cases: [number, number[]][] = [
      [INT32_MIN + 5, [INT32_MIN, INT32_MIN + 3, INT32_MIN + 6]],
      [10, [3, 10, 11, -2]],
      [INT32_MIN, [INT32_MIN]],
    ];
    for (const [cap, ws] of cases) expect(fastDown(cap, Int32Array.from(ws)), `${cap} ${ws}`).toBe(down(cap, Int32Array.from(ws)));
    for (const [start, n] of [
      [INT32_MAX - 3, INT32_MAX],
      [INT32_MAX, INT32_MAX],
      [-5, 7],
      [3, 2],
    ])
      expect(fastUp(start, n), `${start} ${n}`).toBe(up(start, n));
    fc.assert(
      fc.property(int32, fc.array(int32, { maxLength: 4 }), (cap, ws) => {
        // Short runs only: the bound near the start.
        const w = Int32Array.from(ws.map((x) => Math.max(x, cap - 40)));
        return fastDown(cap, w) === down(cap, Int32Array.from(w));
      }),
      { numRuns: 150 },
    );
    expect(fastDown.inspect()).toMatch(/i32\.const -2147483648\s+i32\.eq\s+br_if/);
  });

  it("stores of int32 sums into an Int32Array wrap as JavaScript's ToInt32 does", () => {
    function sums(a: Int32Array, b: Int32Array, out: Int32Array, f: Float64Array) {
      for (let i = 0; i < a.length; i++) {
        out[i] = a[i] + b[i];
        out[i + a.length] = f[i];
      }
    }
    const fast = jit(sums);
    const edge = fc.oneof(int32, fc.constantFrom(INT32_MIN, INT32_MAX));
    const float = fc.oneof(fc.double(), fc.constantFrom(2 ** 31, 2 ** 32 + 5, -(2 ** 53), 1e300, Infinity, -Infinity, NaN, -0, 2 ** 63));
    fc.assert(
      fc.property(fc.array(fc.tuple(edge, edge, float), { minLength: 1, maxLength: 20 }), (rows) => {
        const a = Int32Array.from(rows.map((r) => r[0]));
        const b = Int32Array.from(rows.map((r) => r[1]));
        const f = Float64Array.from(rows.map((r) => r[2]));
        const [mine, theirs] = [new Int32Array(2 * rows.length), new Int32Array(2 * rows.length)];
        fast(a, b, mine, f);
        sums(a, b, theirs, f);
        return mine.every((v, i) => v === theirs[i]);
      }),
      { numRuns: 200 },
    );
  });
});

describe("jit: a version of the body for int32 parameters up to 2^26", () => {
  // `const o = i * 4` with i < n: for n up to 2^26, o is an int32, and the pixels are read at i32
  // indices; above, the general version (o an f64) runs. Both give JavaScript's answers.
  function tail(px: Uint8Array, n: number) {
    let s = 0;
    for (let i = n - 6; i < n; i++) {
      const o = i * 4 + 3;
      s += (o % 1000) * px[o & 15];
    }
    return s;
  }

  it("gives JavaScript's answers on both sides of 2^26, and reads at i32 indices in that version", () => {
    const fast = jit(tail);
    const px = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
    for (const n of [6, 46340, 46341, 2 ** 26 - 1, 2 ** 26, 2 ** 26 + 1, 2 ** 29, INT32_MAX])
      expect(fast(px, n), String(n)).toBe(tail(px, n));
    const wat = fast.inspect();
    expect(wat).toMatch(/i32\.const 67108864\s+i32\.le_u/);
    expect(wat).toMatch(/i32\.const 4\s+i32\.mul/);
  });
});
