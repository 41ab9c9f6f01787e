// The code generator's exact optimizations (src/jit): each one is checked two ways, that it is applied
// (the WAT has the cheaper instructions) and that the result is still the original function's, on
// random inputs with u64 and f64 edges (bigints through BigInt.asUintN(64, …), numbers with Object.is).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { agrees } from "./support/agrees.ts";
import { answersWithin } from "./support/answers-within.ts";
import { ConstantGlobals, hoistLoopConstants } from "../src/jit/codegen/constants.ts";

const U64_MAX = (1n << 64n) - 1n;
const EDGES = [0n, 1n, 2n, 3n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, (1n << 63n) - 1n, 1n << 63n, U64_MAX - 1n, U64_MAX];
const u64 = fc.oneof(fc.constantFrom(...EDGES), fc.bigInt({ min: 0n, max: U64_MAX }), fc.bigInt({ min: 0n, max: 1000n }));
const num = fc.oneof(
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    2 ** 53,
    2 ** 1023,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    2 ** -1022,
    2 ** -1060,
    NaN,
    Infinity,
    -Infinity,
  ),
);
const RUNS = { numRuns: 300 };

const count = (wat: string, op: string) => wat.split("\n").filter((line) => line.trim().split(" ")[0] === op).length;

describe("jit: division by a constant power of two is a multiplication by its reciprocal", () => {
  it("gives the same doubles (NaN, ±∞, ±0, subnormals, overflow) and uses f64.mul", () => {
    for (const fn of [
      (x: number) => x / 8,
      (x: number) => x / 2 ** 53,
      (x: number) => x / -0.25,
      (x: number) => x / 2 ** 1023,
      (x: number) => x / 2 ** -1022,
      (x: number) => x / 2 ** -1023,
      (x: number) => (3 * x) / 1024 + 1,
    ]) {
      const wat = agrees(fn, [num], "f64(f64)");
      expect(count(wat, "f64.div"), fn.toString()).toBe(0);
      expect(count(wat, "f64.mul"), fn.toString()).toBeGreaterThan(0);
    }
  });

  it("keeps the division where the reciprocal is not an exact double, or the divisor is not a constant power of two", () => {
    for (const fn of [(x: number) => x / 3, (x: number) => x / 2 ** -1074, (x: number) => x / 0]) {
      const wat = agrees(fn, [num], "f64(f64)");
      expect(count(wat, "f64.div"), fn.toString()).toBe(1);
    }
    expect(
      count(
        agrees((x: number, y: number) => x / y, [num, num], "f64(f64, f64)"),
        "f64.div",
      ),
    ).toBe(1);
  });
});

describe("jit: Number() of a u64 shifted right by a constant is the signed conversion", () => {
  it("matches JavaScript on u64 edges and uses f64.convert_i64_s only when the shift is ≥ 1", () => {
    const draw = (s: bigint) => Number(s >> 11n) / 2 ** 53;
    expect(count(agrees(draw, [u64]), "f64.convert_i64_s")).toBe(1);
    expect(
      count(
        agrees((s: bigint) => Number(s >> 1n), [u64]),
        "f64.convert_i64_s",
      ),
    ).toBe(1);
    expect(
      count(
        agrees((s: bigint) => Number(s >> 63n), [u64]),
        "f64.convert_i64_s",
      ),
    ).toBe(1);
    const unshifted = agrees((s: bigint) => Number(s >> 0n) + Number(s), [u64]);
    expect(count(unshifted, "f64.convert_i64_s")).toBe(0);
    expect(count(unshifted, "f64.convert_i64_u")).toBe(2);
  });
});

describe("jit: `if (c) x = …` on a local is a select (no branch)", () => {
  it("a counter of events: the same count, without a branch", () => {
    function hits(seed: bigint, n: bigint) {
      let s = seed;
      let inside = 0n;
      for (let i = 0n; i < n; i++) {
        s = BigInt.asUintN(64, s ^ (s << 13n));
        s ^= s >> 7n;
        s = BigInt.asUintN(64, s ^ (s << 17n));
        if (Number(s >> 11n) / 2 ** 53 < 0.7) inside++;
      }
      return inside;
    }
    const wat = agrees(hits, [u64.filter((s) => s !== 0n), fc.bigInt({ min: 0n, max: 200n })]);
    expect(count(wat, "select")).toBe(1);
    expect(count(wat, "if")).toBe(0);
  });

  it("keeps JavaScript's values: -0 stays -0 when the condition fails, numbers and bigints, += and =", () => {
    agrees(
      (x: number, c: number) => {
        let y = -0;
        if (c > 0) y += x;
        return y;
      },
      [num, num],
    );
    agrees(
      (a: bigint, b: bigint) => {
        let m = a;
        if (b > a) m = b * 3n + (a ^ b);
        return m;
      },
      [u64, u64],
    );
    agrees(
      (a: number, b: number) => {
        let m = a;
        if (!(b <= a)) m = b;
        return m;
      },
      [num, num],
    );
  });

  it("keeps the branch where the new value could trap or has an effect (no speculation)", () => {
    function quotient(n: bigint, d: bigint) {
      let q = 0n;
      if (d !== 0n) q = n / d;
      return q;
    }
    const wat = agrees(quotient, [u64, fc.oneof(fc.constant(0n), u64)]);
    expect(count(wat, "select")).toBe(0);
    function effects(a: Float64Array, k: number) {
      let n = 0;
      let m = 0;
      for (let i = 0; i < a.length; i++) if (a[i] > k) n = m++;
      return n + m;
    }
    const arr = fc.array(fc.double({ noNaN: true, min: -10, max: 10 }), { maxLength: 12 }).map((v) => Float64Array.from(v));
    expect(count(agrees(effects, [arr, fc.double({ min: -10, max: 10, noNaN: true })]), "select")).toBe(0);
  });
});

describe("jit: a loop halving an even bigint and counting is ctz, a shift and an add", () => {
  const nonZero = u64.filter((m) => m !== 0n);
  const loops = [
    "while ((m & 1n) === 0n) { m >>= 1n; c++; }",
    "while ((m & 1n) == 0n) { m = m >> 1n; c += 1n; }",
    "while (0n === (1n & m)) { m /= 2n; ++c; }",
    "while (m % 2n === 0n) { m = m / 2n; c = c + 1n; }",
    "while (!(m & 1n)) { c = 1n + c; m >>= 1n; c++; }",
    "while ((m & 1n) !== 1n) m >>= 1n;",
    "for (; (m & 1n) === 0n; m >>= 1n) c++;",
    "for (; (m & 1n) === 0n; c++) { m >>= 1n; }",
  ];

  it("gives the same m and counts for every spelling, u64 and i64, and uses i64.ctz", () => {
    for (const loop of loops) {
      for (const result of ["m", "c", "m * 3n + c"]) {
        const source = `function halve(m: bigint): bigint { let c = 0n; ${loop} return ${result}; }`;
        const js = new Function(`return ${source.replace(/: bigint/g, "")}`)() as (m: bigint) => bigint;
        const fast = jit(source);
        expect(fast.inspect(), loop).toContain("i64.ctz");
        fc.assert(
          fc.property(nonZero, (m) => {
            expect(fast(m)).toBe(BigInt.asUintN(64, js(m)));
          }),
          { numRuns: 100 },
        );
        const signed = jit(source.replace(/bigint/g, "i64"));
        expect(signed.inspect(), loop).toContain("i64.ctz");
        fc.assert(
          fc.property(nonZero, (m) => {
            const s = BigInt.asIntN(64, m);
            if (s === 0n) return;
            expect(signed(s)).toBe(BigInt.asIntN(64, js(s)));
          }),
          { numRuns: 100 },
        );
      }
    }
  });

  it("Collatz with the halvings in an inner loop: the same longest chain as the JavaScript function", () => {
    function longest(lo: bigint, hi: bigint) {
      let best = 0n;
      let start = 0n;
      for (let s = lo; s < hi; s++) {
        let m = s;
        let steps = 0n;
        while (m !== 1n) {
          if ((m & 1n) === 1n) {
            m = 3n * m + 1n;
            steps++;
          }
          while ((m & 1n) === 0n) {
            m >>= 1n;
            steps++;
          }
        }
        if (steps > best) {
          best = steps;
          start = s;
        }
      }
      return start * 1000n + best;
    }
    const wat = agrees(longest, [fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: 1n, max: 1000n })]);
    expect(count(wat, "i64.ctz")).toBe(1);
  });

  it("is left alone when the loop does more than halve and count (or counts in a number)", () => {
    for (const loop of [
      "while ((m & 1n) === 0n) { m >>= 1n; m >>= 1n; c++; }",
      "while ((m & 1n) === 0n) { m >>= 1n; c += 2n; }",
      "while ((m & 1n) === 0n) { m >>= 1n; c++; if (c > 100n) break; }",
      "while ((m & 3n) === 0n) { m >>= 1n; c++; }",
      "while ((m & 1n) === 0n) { m >>= 2n; c++; }",
      "while ((m & 1n) === 0n) { m >>= 1n; k++; }",
    ]) {
      const source = `function halve(m: bigint): bigint { let c = 0n; let k = 0; ${loop} return m + c + BigInt(k); }`;
      const js = new Function(`return ${source.replace(/: bigint/g, "")}`)() as (m: bigint) => bigint;
      const fast = jit(source);
      expect(fast.inspect(), loop).not.toContain("i64.ctz");
      // An odd number times 4^j: the loops that halve twice a trip stop too.
      const odd = fc.bigInt({ min: 0n, max: (1n << 57n) - 1n }).map((m) => (m * 2n + 1n) << (2n * (m % 3n)));
      fc.assert(
        fc.property(odd, (m) => {
          expect(fast(m)).toBe(BigInt.asUintN(64, js(m)));
        }),
        { numRuns: 50 },
      );
    }
  });

  it("still never ends for m = 0, as the JavaScript loop (the original loop is kept for that case)", async () => {
    const fast = jit("function halve(m: bigint): bigint { let c = 0n; while ((m & 1n) === 0n) { m >>= 1n; c++; } return c; }");
    const { module, exportName } = fast.compile("u64(u64)");
    expect(fast(12n)).toBe(2n);
    const answers = (m: bigint, ms: number) => answersWithin(module, exportName, m, ms);
    expect(await answers(8n, 5000)).toEqual(["3"]);
    expect(await answers(0n, 500)).toEqual([]);
  });
});

describe("jit: a counted loop tests i < E once, then i != E each trip", () => {
  it("gives JavaScript's results at the u64 and i64 edges (empty loops, loops that end at 2^64 − 1, breaks)", () => {
    function walk(a: bigint, n: bigint, stop: bigint) {
      let c = 0n;
      let i = a;
      for (; i < n; i++) {
        c += i;
        if (n - i < stop) continue;
        if (c > stop * 1000n) break;
      }
      return c ^ i;
    }
    const near = fc.oneof(u64, fc.constantFrom(U64_MAX - 5n, U64_MAX - 1n, (1n << 63n) - 3n));
    const wat = agrees(walk, [near, near, fc.bigInt({ min: 0n, max: 50n })]);
    expect(count(wat, "i64.ne")).toBe(1);
    const signed = agrees(
      (a: bigint, n: bigint) => {
        let c = 0n;
        for (let i = a; n > i; i++) if (++c > 20n) break;
        return c;
      },
      [fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), fc.constantFrom(-(1n << 63n), -1n, 0n, 5n, (1n << 63n) - 1n)],
      "i64(i64, i64)",
    );
    expect(count(signed, "i64.ne")).toBe(1);
  });

  it("int32 counters against an int32 bound or an array's length; left alone when the bound may change", () => {
    const int32 = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 2 ** 31 - 2));
    const ints = agrees(
      (a: number, n: number) => {
        let c = 0;
        for (let i = a; i < n; i++) if (++c > 30) break;
        return c;
      },
      [int32, int32],
      "f64(i32, i32)",
    );
    expect(count(ints, "i32.ne")).toBe(1);
    const computed = agrees(
      (a: number, n: number) => {
        let c = 0;
        for (let i = a | 0; i < (n | 0); i++) if (++c > 30) break;
        return c;
      },
      [int32, int32],
      "f64(i32, i32)",
    );
    expect(count(computed, "i32.ne")).toBe(0); // the bound `n | 0` is an expression, not a name: no rewrite
    const dot = agrees(
      (a: Float64Array, b: Float64Array) => {
        let s = 0;
        for (let i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
      },
      [
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 4, maxLength: 4 }).map((v) => Float64Array.from(v)),
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 4, maxLength: 4 }).map((v) => Float64Array.from(v)),
      ],
    );
    expect(count(dot, "i32.ne")).toBe(2); // two copies of the loop (versioned on b.length ≥ a.length)
    function moving(n: bigint) {
      let c = 0n;
      let end = n;
      for (let i = 0n; i < end; i++) {
        c++;
        if (i === 3n) end = 6n;
      }
      return c;
    }
    expect(count(agrees(moving, [fc.bigInt({ min: 0n, max: 40n })]), "i64.ne")).toBe(0);
  });
});

describe("jit: loop versioning drops the bounds checks of other arrays indexed by the counter", () => {
  const arr = (min: number, max: number) =>
    fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: min, maxLength: max }).map((v) => Float64Array.from(v));

  it("the same results when the other arrays are long enough, and a trap only where the checked loop traps", () => {
    function dotUpTo(a: Float64Array, b: Float64Array, c: Float64Array, k: number) {
      let s = 0;
      for (let i = 0; i < a.length; i++) {
        if (i >= k) break;
        s += a[i] * b[i];
        c[i] = s;
      }
      return s;
    }
    const fast = jit(dotUpTo);
    fc.assert(
      fc.property(arr(0, 12), arr(0, 12), arr(0, 12), fc.integer({ min: 0, max: 14 }), (a, b, c, k) => {
        const reach = Math.min(a.length, k); // the loop indexes b and c below this
        const [c1, c2] = [c.slice(), c.slice()];
        if (reach > b.length || reach > c.length) {
          expect(() => fast(a, b, c2, k)).toThrow(/trapped/);
          return;
        }
        const want = dotUpTo(a, b, c1, k);
        expect(Object.is(fast(a, b, c2, k), want)).toBe(true);
        expect([...c2]).toEqual([...c1]);
      }),
      RUNS,
    );
    const wat = fast.inspect();
    // Two copies of the loop: one checks b and c (i32.ge_u then unreachable), the other does not.
    expect(count(wat, "loop")).toBe(2);
    expect(count(wat, "unreachable")).toBe(2);
  });
});

describe("jit: an index such as py * width + px is computed exactly in i64", () => {
  it("reads the element JavaScript reads, and traps exactly where JavaScript reads undefined", () => {
    const int32 = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.integer({ min: -20, max: 20 }),
      fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 2 ** 26, -(2 ** 26), 2 ** 27 + 1, 0, -0 + 0),
    );
    const data = Float64Array.from({ length: 64 }, (_, i) => i * 1.5);
    const forms = [
      (a: Float64Array, x: number, y: number, z: number) => a[x * y + z],
      (a: Float64Array, x: number, y: number, z: number) => a[z - x * y],
      (a: Float64Array, x: number, y: number, z: number) => a[x - y + z + a.length],
      (a: Float64Array, x: number, y: number, z: number) => a[z + y * x - (x + 3)],
    ];
    for (const form of forms) {
      const fast = jit(form, "f64(f64[], i32, i32, i32)");
      fc.assert(
        fc.property(int32, int32, int32, (x, y, z) => {
          const want = form(data, x, y, z);
          if (want === undefined) expect(() => fast(data, x, y, z)).toThrow(/trapped/);
          else expect(fast(data, x, y, z)).toBe(want);
        }),
        { numRuns: 500 },
      );
      // Near the edges of the product: x * y around 2^53 and 2^62, with z pulling it back.
      for (const [x, y, z] of [
        [2 ** 27, 2 ** 26, 5],
        [2 ** 31 - 1, 2 ** 31 - 1, -(2 ** 31)],
        [-(2 ** 31), -(2 ** 31), 2 ** 31 - 1],
        [3, 7, -10],
        [1, 0, 63],
      ]) {
        const want = form(data, x, y, z);
        if (want === undefined) expect(() => fast(data, x, y, z)).toThrow(/trapped/);
        else expect(fast(data, x, y, z)).toBe(want);
      }
      // Computed in i64 (a product as i64.mul; a.length extended as a u32), no f64 index.
      // (Once per version of the body: the general one, and one for parameters up to 2^26 where that proves more.)
      if (form.toString().includes("*")) expect(count(fast.inspect(), "i64.mul"), form.toString()).toBeGreaterThanOrEqual(1);
      else expect(count(fast.inspect(), "i64.mul"), form.toString()).toBe(0);
      expect(count(fast.inspect(), "i32.trunc_sat_f64_u"), form.toString()).toBe(0);
    }
  });
});

describe("jit: float constants of a loop are read from globals (the engine keeps them in registers)", () => {
  it("gives the same doubles (NaN, −0, ±∞ among the constants and the inputs), and no f64.const is left in the loop", () => {
    const wave = (xs: Float64Array, k: number) => {
      let s = 0;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        s += ((3 * x + 2) * x - 1) * x + 0.5 + (x < k ? -0 : 1e300 * x) + (x > 1e10 ? NaN : 0) + (x === 7 ? -Infinity : 0);
      }
      return s;
    };
    const wat = agrees(wave, [fc.float64Array({ maxLength: 40 }), num]);
    // The instructions inside loops: every f64 constant there but +0 is a local.get now.
    const open: boolean[] = [];
    const inLoops = wat.split("\n").filter((line) => {
      const op = line.trim().split(" ")[0];
      if (op === "block" || op === "if" || op === "loop") open.push(op === "loop");
      else if (op === "end") open.pop();
      return open.includes(true);
    });
    expect(inLoops.length).toBeGreaterThan(20);
    expect(inLoops.filter((l) => /^f64\.const (?!0$)/.test(l.trim()))).toEqual([]);
    // One global per value, read once where the function starts.
    for (const value of ["3", "2", "1", "0.5", "-0", "1e+300", "nan", "inf"]) expect(wat).toContain(`(mut f64) (f64.const ${value}))`);
    expect(count(wat, "global.get")).toBe(wat.split("\n").filter((l) => l.trim().startsWith("(global ") && !l.includes("(export")).length);
  });

  it("the pass: constants inside loops only (nested, after an inner loop ends), +0 left as it is, one local per value", () => {
    const globals = new ConstantGlobals();
    const fn = hoistLoopConstants(
      {
        name: "f",
        params: ["f64"],
        results: ["f64"],
        locals: ["i32"],
        exported: true,
        body: [
          ["f64.const", 5],
          ["drop"],
          ["block"],
          ["loop"],
          ["f64.const", 5],
          ["f64.const", 0],
          ["f64.const", -0],
          ["loop"],
          ["f64.const", 2.5],
          ["drop"],
          ["end"],
          ["f64.const", 5],
          ["end"],
          ["end"],
          ["f64.const", 2.5],
        ],
      },
      globals,
    );
    expect(globals.values).toEqual([5, -0, 2.5]);
    expect(fn.locals).toEqual(["i32", "f64", "f64", "f64"]);
    expect(fn.body).toEqual([
      ["global.get", 0],
      ["local.set", 2],
      ["global.get", 1],
      ["local.set", 3],
      ["global.get", 2],
      ["local.set", 4],
      ["f64.const", 5],
      ["drop"],
      ["block"],
      ["loop"],
      ["local.get", 2],
      ["f64.const", 0],
      ["local.get", 3],
      ["loop"],
      ["local.get", 4],
      ["drop"],
      ["end"],
      ["local.get", 2],
      ["end"],
      ["end"],
      ["f64.const", 2.5],
    ]);
    // A function without a constant in a loop is returned as it is.
    const plain = { name: "g", params: [], results: [], locals: [], exported: false, body: [["f64.const", 1], ["drop"]] as const };
    expect(hoistLoopConstants(plain as never, globals)).toBe(plain);
  });
});
