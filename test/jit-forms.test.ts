// Everyday forms lowered before the analyses (front/lower.ts `lowerForms`) and `**=`: JavaScript's
// answers on random inputs and edge values, the fast path kept (WAT), and every refusal by name with
// its line:column.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { u64 } from "./support/arbitraries.ts";
import { expectRefusal } from "./support/refusal.ts";
import { jit } from "../src/jit/index.ts";

const double = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32, 2 ** 53 + 1, 0.5, -1),
);
const int32 = fc.oneof(fc.integer(), fc.constantFrom(0, 1, -1, 2 ** 31 - 1, -(2 ** 31)));
const same = (a: unknown, b: unknown) => expect(Object.is(a, b) || a === b).toBe(true);

/** The JitError of compiling and calling `source`; its position must be where `needle` starts (the `nth` occurrence). */
const refusal = (source: string, args: unknown[], needle: string, message: RegExp, nth = 0) =>
  expectRefusal(source, args, message, needle, nth);

function fib(n: number) {
  let a = 0;
  let b = 1;
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}
function fibBig(n: bigint) {
  let a = 0n;
  let b = 1n;
  for (let i = 0n; i < n; i++) [a, b] = [b, a + b];
  return a;
}
/** Bounded Euclid on any doubles (NaN or Infinity would loop for ever unbounded). */
function gcd(x: number, y: number) {
  for (let k = 0; k < 80 && y !== 0; k++) [x, y] = [y, x % y];
  return x;
}
function mixBig(a: bigint, b: bigint) {
  for (let i = 0; i < 5; i++) [a, b] = [b, a ^ (b << 7n)];
  return a;
}
/** Reversal in place: elements swapped, bounds declared by destructuring. */
function reverse(a: Float64Array) {
  let [lo, hi] = [0, a.length - 1];
  while (lo < hi) {
    [a[lo], a[hi]] = [a[hi], a[lo]];
    lo++;
    hi--;
  }
  return a.length;
}
/** Every right element first, then the targets in order: a[k]'s index is read at its turn. */
function order(a: Float64Array, x: number) {
  let k = 0;
  [a[k], k, a[k]] = [x + 10, k + 1, a[0] * 2];
  const [p, q] = [k * x, x - k];
  return p + q;
}
/** A swap as a loop's update, alone and in a sequence. */
function updates(n: number, x: number) {
  let a = x;
  let b = 1;
  for (let i = 0; i < n; [a, b] = [b, a - b]) i++;
  let c = 0;
  let d = x;
  for (let i = 0; i < n; i++, [c, d] = [d * 0.5, c + 1]);
  return a + b * 3 + c * 7 + d;
}

describe("jit: destructuring from an array literal", () => {
  it("gives JavaScript's answers (swaps, elements, declarations, loop updates)", () => {
    const [fFib, fGcd, fRev, fOrder, fUpd] = [jit(fib), jit(gcd), jit(reverse), jit(order), jit(updates)];
    const [fFibBig, fMix] = [jit(fibBig, "u64(u64)"), jit(mixBig, "u64(u64, u64)")];
    fc.assert(
      fc.property(fc.integer({ min: -3, max: 100 }), double, double, fc.array(double, { minLength: 2, maxLength: 40 }), (n, x, y, xs) => {
        same(fFib(n), fib(n));
        same(fGcd(x, y), gcd(x, y));
        same(fUpd(n, x), updates(n, x));
        const [a, b] = [Float64Array.from(xs), Float64Array.from(xs)];
        same(fRev(a), reverse(b));
        expect([...a]).toEqual([...b]);
        same(fOrder(a, x), order(b, x));
        expect([...a]).toEqual([...b]);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(int32, int32, (x, y) => {
        same(fGcd(x, y), gcd(x, y));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 200n }), u64, u64, (n, a, b) => {
        expect(fFibBig(n)).toBe(BigInt.asUintN(64, fibBig(n)));
        expect(fMix(a, b)).toBe(BigInt.asUintN(64, mixBig(a, b)));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps a Fibonacci swap loop in i64 (f64) locals with no host calls", () => {
    const func = (wat: string) => wat.slice(wat.indexOf("(func"));
    const big = func(jit(fibBig, "u64(u64)").inspect());
    expect(big).not.toMatch(/\bcall\b|f64/);
    expect(big).toMatch(/i64\.add/);
    const num = func(jit(fib, "f64(i32)").inspect());
    expect(num).not.toMatch(/\bcall\b/);
    expect(num).toMatch(/f64\.add/);
  });

  it("refuses other destructuring by name, at its position", () => {
    const shape = /destructuring other than `\[a, b\] = \[x, y\];`/;
    refusal(
      "function f(a, b) {\n  let x = 0;\n  x = [a, b] = [b, a];\n  return x;\n}",
      [1, 2],
      "[a, b] =",
      /using the value of a destructuring assignment/,
    );
    refusal("function f(a, b) {\n  [a, b] = [b];\n  return a;\n}", [1, 2], "[a, b]", shape);
    refusal("function f(a, b) {\n  [a, , b] = [b, 1, a];\n  return a;\n}", [1, 2], "[a, ,", shape);
    refusal("function f(a, b) {\n  [a = 1, b] = [b, a];\n  return a;\n}", [1, 2], "[a = 1", shape);
    refusal("function f(a, b) {\n  [a, [b]] = [b, a];\n  return a;\n}", [1, 2], "[a, [b]]", shape);
    refusal(
      "function f(a, b) {\n  let [c, d] = [b, c];\n  return c + d;\n}",
      [1, 2],
      "c]",
      /`c` read in the destructuring that declares it/,
    );
    refusal("function f(a, b) {\n  const [c, d] = a;\n  return c + d;\n}", [1, 2], "[c, d]", shape);
    refusal(
      "function f(n) {\n  let a = 0, b = 1;\n  for (let i = 0; i < n; [a, b] = [b, a + b]) { i++; if (i === 2) continue; }\n  return a;\n}",
      [5],
      "[a, b] =",
      /destructuring as the update of a loop with `continue`/,
    );
  });
});

function powers(x: number, y: number, a: Float64Array, ia: Int32Array) {
  let r = x;
  r **= y;
  // An int32 local until `**=`: the analyses see the write (a fraction, NaN, past 2^31).
  let m = 3;
  m **= y;
  a[0] **= y;
  ia[0] **= y;
  let p = 1.5;
  for (let i = 0; i < 4; i++) p **= 0.5 + i;
  return r + m * 2 + p + a[0] + ia[0];
}
function bigPow(b: bigint, e: bigint) {
  let r = b;
  r **= e;
  return r;
}

describe("jit: **=", () => {
  it("gives JavaScript's answers on numbers, elements and bigints", () => {
    const fPow = jit(powers);
    fc.assert(
      fc.property(double, double, (x, y) => {
        const [a, b] = [Float64Array.of(x), Float64Array.of(x)];
        const [ia, ib] = [Int32Array.of(x | 0), Int32Array.of(x | 0)];
        same(fPow(x, y, a, ia), powers(x, y, b, ib));
        expect([...a, ...ia]).toEqual([...b, ...ib]);
      }),
      { numRuns: 300 },
    );
    const [fU, fI] = [jit(bigPow, "u64(u64, u64)"), jit(bigPow, "i64(i64, i64)")];
    fc.assert(
      fc.property(u64, fc.bigInt({ min: 0n, max: 70n }), (b, e) => {
        expect(fU(b, e)).toBe(BigInt.asUintN(64, b ** e));
        expect(fI(BigInt.asIntN(64, b), e)).toBe(BigInt.asIntN(64, BigInt.asIntN(64, b) ** e));
      }),
      { numRuns: 200 },
    );
  });

  it("is `x = x ** y`: the same code as the written-out form", () => {
    function compound(x: number, y: number) {
      let r = x;
      r **= y;
      return r;
    }
    function written(x: number, y: number) {
      let r = x;
      r = r ** y;
      return r;
    }
    const body = (wat: string, name: string) => wat.replaceAll(name, "f");
    expect(body(jit(compound, "f64(f64, f64)").inspect(), "compound")).toBe(body(jit(written, "f64(f64, f64)").inspect(), "written"));
  });

  it("refuses a number `**=` a bigint by name", () => {
    refusal("function f(x, n) {\n  x **= n;\n  return x;\n}", [2, 3n], "x **=", /`\*\*=` between a number \(\w+\) and a bigint/);
  });
});

function sumTo(n: number) {
  var s = 0;
  for (var i = 0; i < n; i++) s += i;
  return s * 1000 + i;
}
function blocks(a: Float64Array, x: number) {
  var r = 0;
  if (x > 0) {
    var y = x * 2;
    r = y;
  }
  for (var v of a) r += v;
  outer: for (var k = 0; k < a.length; k++) {
    for (var j = 0; j < k; j++) if (a[j] > a[k]) break outer;
  }
  return r + k;
}

describe("jit: var", () => {
  it("gives JavaScript's answers where `let` means the same", () => {
    const [fSum, fBlocks] = [jit(sumTo), jit(blocks)];
    fc.assert(
      fc.property(fc.oneof(int32, fc.integer({ min: -5, max: 3000 })), double, fc.array(double, { maxLength: 30 }), (n, x, xs) => {
        n = Math.min(n, 100000);
        same(fSum(n), sumTo(n));
        const a = Float64Array.from(xs);
        same(fBlocks(a, x), blocks(a, x));
      }),
      { numRuns: 200 },
    );
  });

  it("compiles `for (var i …)` as the `let` loop: i an i32 counter", () => {
    function withVar(n: number) {
      let s = 0;
      for (var i = 0; i < n; i++) s += i;
      return s + i;
    }
    function withLet(n: number) {
      let s = 0;
      let i = 0;
      for (; i < n; i++) s += i;
      return s + i;
    }
    const body = (wat: string, name: string) => wat.replaceAll(name, "f");
    const wat = jit(withVar, "f64(i32)").inspect();
    expect(body(wat, "withVar")).toBe(body(jit(withLet, "f64(i32)").inspect(), "withLet"));
    expect(wat).toMatch(/i32\.add/);
  });

  it("refuses every other `var`, saying which and why", () => {
    refusal(
      "function f(n) {\n  let s = 0;\n  for (var i = 0; i < n; i++) s += i;\n  for (var i = 0; i < n; i++) s += i;\n  return s;\n}",
      [3],
      "i = 0",
      /`var i` declared more than once/,
    );
    refusal("function f(n) {\n  var n = 2;\n  return n;\n}", [3], "n = 2", /`var n` with the name of a parameter/);
    refusal("function f(n) {\n  k = n;\n  var k = 1;\n  return k;\n}", [3], "k = n", /`var k` used before its declaration/);
    refusal("function f(n) {\n  var k = k + 1;\n  return k;\n}", [3], "k + 1", /`var k` used before its declaration/);
    refusal(
      "function f(n) {\n  if (n) {\n    var k = n;\n  }\n  return k;\n}",
      [3],
      "k;",
      /`var k` used outside the block that declares it/,
    );
    refusal(
      "function f(n) {\n  let s = 0;\n  {\n    for (var i = 0; i < n; i++) s += i;\n  }\n  return s + i;\n}",
      [3],
      "i;\n}",
      /`var i` used outside the loop that declares it/,
    );
    refusal(
      "function f(n) {\n  switch (n) {\n    case 1:\n      var k = 2;\n      return k;\n  }\n  return 0;\n}",
      [1],
      "var k",
      /`var` outside a block/,
    );
    refusal("function f(a) {\n  var { length } = a;\n  return length;\n}", [new Float64Array(2)], "{ length }", /`var` with destructuring/);
  });
});

function poly(x: number) {
  function sq(v: number) {
    return v * v;
  }
  const cube = (v: number) => {
    return v * v * v;
  };
  return sq(x) + cube(x) - sq(x - 1);
}
/** The helper reads the outer k as it is at each call. */
function running(a: Float64Array) {
  let k = 1;
  function addK(v: number) {
    return v + k;
  }
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    function twice(v: number) {
      return v * 2;
    }
    s += twice(addK(a[i]));
    k = a[i];
  }
  return s;
}
function bigHelper(a: bigint, b: bigint) {
  function mul(x: bigint, y: bigint) {
    return BigInt.asUintN(64, x * y + 1n);
  }
  return mul(mul(a, b), a);
}

describe("jit: nested functions and arrows whose body is `return E;`", () => {
  it("gives JavaScript's answers, outer locals read at the call", () => {
    const [fPoly, fRunning, fBig] = [jit(poly), jit(running), jit(bigHelper, "u64(u64, u64)")];
    fc.assert(
      fc.property(double, fc.array(double, { maxLength: 30 }), u64, u64, (x, xs, a, b) => {
        same(fPoly(x), poly(x));
        const arr = Float64Array.from(xs);
        same(fRunning(arr), running(arr));
        expect(fBig(a, b)).toBe(bigHelper(a, b));
      }),
      { numRuns: 200 },
    );
  });

  it("compiles to the same code as the expression-bodied arrow", () => {
    function declared(x: number) {
      function sq(v: number) {
        return v * v;
      }
      return sq(x) + sq(x + 1);
    }
    function arrow(x: number) {
      const sq = (v: number) => v * v;
      return sq(x) + sq(x + 1);
    }
    const body = (wat: string, name: string) => wat.replaceAll(name, "f");
    const wat = jit(declared, "f64(f64)").inspect();
    expect(body(wat, "declared")).toBe(body(jit(arrow, "f64(f64)").inspect(), "arrow"));
    expect(wat).not.toMatch(/\bcall\b/);
  });

  it("refuses the others by name, at their position", () => {
    // (one mentioned before its declaration, and one whose body is more than `return E;`, compile as
    // functions of their own: test/jit-helpers.test.ts)
    expect(jit("function f(n) {\n  return sq(n);\n  function sq(x) {\n    return x * x;\n  }\n}")(3)).toBe(9);
    refusal(
      "function f(n) {\n  if (n) {\n    function sq(x) {\n      return x * x;\n    }\n  }\n  return sq(n);\n}",
      [3],
      "sq(n)",
      /`sq` used outside the block that declares it/,
    );
    refusal(
      "function f(n) {\n  function fact(x) {\n    return x < 2 ? 1 : x * fact(x - 1);\n  }\n  return fact(n);\n}",
      [3],
      "fact(x - 1)",
      /`fact` calling itself/,
    );
    refusal(
      "function f(n) {\n  function g(x) {\n    return arguments.length + x;\n  }\n  return g(n);\n}",
      [3],
      "arguments",
      /`this`, `arguments` or `new.target` in a nested function/,
    );
    refusal(
      "function f(n) {\n  let c = 0;\n  function g(x) {\n    return (c += x);\n  }\n  return g(n);\n}",
      [3],
      "c += x",
      /an assignment in an arrow function/,
    );
  });
});
