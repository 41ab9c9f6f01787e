// `switch`: cases compared in order with `===`, falling through until a `break`, a default anywhere,
// `continue` to the loop around it, labeled breaks past it; JavaScript's answers on random inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { arenaUsed } from "../src/jit/runtime/memory.ts";

/** A small stack-free interpreter: fall-through, a block case, a `continue` of the loop, a default. */
function run(code: Int32Array, steps: number) {
  let acc = 0;
  let pc = 0;
  for (let s = 0; s < steps; s++) {
    const op = code[pc];
    pc = pc + 1 === code.length ? 0 : pc + 1;
    switch (op) {
      case 0:
        acc += 1;
        break;
      case 1:
        acc *= 2;
      // falls through
      case 2:
        acc -= 3;
        break;
      case 3: {
        const t = acc % 7;
        acc = t;
        break;
      }
      case 4:
        if (acc > 100) {
          pc = 0;
          continue;
        }
        acc += 0.5;
        break;
      default:
        acc = (acc ^ op) + 1;
    }
    acc = acc > 1e6 ? acc - 1e6 : acc;
  }
  return acc;
}

/** The default in the middle, no break after it; a labeled break out of the loop from a case. */
function classify(xs: Float64Array) {
  let score = 0;
  outer: for (let i = 0; i < xs.length; i++) {
    switch (Math.sign(xs[i])) {
      case 1:
        score += 10;
        break;
      default:
        score += 1;
      case 0:
        score += 100;
        break;
      case -1:
        if (xs[i] < -1000) break outer;
        score -= 5;
    }
  }
  return score;
}

function bigCase(x: bigint) {
  switch (x & 7n) {
    case 0n:
      return 1n;
    case 1n:
    case 2n:
      return x * 3n;
    case 7n:
      x += 1n;
    // falls through
    default:
      return x;
  }
}

describe("jit: switch", () => {
  it("gives JavaScript's answers: fall-through, default anywhere, continue and labeled break (random inputs)", () => {
    const [fRun, fClassify, fBig] = [jit(run), jit(classify), jit(bigCase, "u64(u64)")];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -2, max: 7 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 2000 }),
        (ops, steps) => {
          const code = Int32Array.from(ops);
          expect(fRun(code, steps)).toBe(run(code, steps));
        },
      ),
      { numRuns: 150 },
    );
    const value = fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, -5000));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), (xs) => {
        const a = Float64Array.from(xs);
        expect(fClassify(a)).toBe(classify(a));
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 7n, 2n ** 64n - 1n)), (x) => {
        expect(fBig(x)).toBe(BigInt.asUintN(64, bigCase(x)));
      }),
      { numRuns: 150 },
    );
  });

  it("gives the cases a scope of their own: a `let` there does not hide the outer name after the switch", () => {
    function shadow(k: number, seed: number) {
      let h = seed * 1.5;
      let x = h | 0;
      switch (k) {
        case 1:
          let h = 5;
          x += h << 2;
          break;
      }
      return h + x;
    }
    const fast = jit(shadow);
    for (const [k, seed] of [
      [1, 3],
      [0, 3],
      [1, 2 ** 31],
      [2, -7.25],
    ])
      expect(fast(k, seed)).toBe(shadow(k, seed));
  });

  it("matches with === (NaN matches no case, −0 matches 0) and gives back an array a case made when it breaks", () => {
    const pick = (x: number) => {
      let out = -1;
      for (let k = 0; k < 3; k++) {
        switch (x) {
          case 0: {
            const scratch = new Float64Array(4);
            scratch[k] = x + k;
            out = scratch[k];
            break;
          }
          case NaN:
            out = 99;
            break;
          default:
            out = k;
        }
      }
      return out;
    };
    const fast = jit(pick);
    for (const x of [0, -0, NaN, 1, 2.5]) expect(Object.is(fast(x), pick(x))).toBe(true);
    expect(fast.inspect()).toMatch(/__hp_free/);
    expect(arenaUsed()).toBe(0);
  });
});
