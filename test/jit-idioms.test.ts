// jit's loop idioms (src/jit/transforms/idioms.ts) beyond the halving loop (test/jit-optimizations.test.ts): the
// Collatz loop written one step a trip, whose halving branch runs all its trips at once (i64.ctz, one
// shift, one add per counter). Checked against the JavaScript function with fast-check, at the u64 and
// i64 edges and on powers of two; m = 0 still never returns; shapes where it would not be exact are
// compiled as written.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { answersWithin } from "./support/answers-within.ts";

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const POWERS = Array.from({ length: 64 }, (_, k) => 1n << BigInt(k));
const U64_EDGES = [
  1n,
  2n,
  3n,
  4n,
  6n,
  27n,
  (1n << 53n) - 1n,
  (1n << 53n) + 2n,
  I64_MAX,
  1n << 63n,
  (1n << 63n) + 2n,
  U64_MAX - 1n,
  U64_MAX,
];
const u64 = fc.oneof(
  fc.constantFrom(...U64_EDGES),
  fc.constantFrom(...POWERS),
  fc.bigInt({ min: 1n, max: U64_MAX }),
  fc.bigInt({ min: 1n, max: 1000n }),
  // An odd number times a power of two: long runs of halvings.
  fc.tuple(fc.bigInt({ min: 0n, max: 1n << 20n }), fc.integer({ min: 0, max: 40 })).map(([o, k]) => (o * 2n + 1n) << BigInt(k)),
);
const I64_EDGES = [I64_MIN, I64_MIN + 2n, -6n, -4n, -3n, -2n, -1n, 1n, 2n, 4n, I64_MAX - 1n, I64_MAX];
const i64 = fc.oneof(
  fc.constantFrom(...I64_EDGES),
  fc.constantFrom(...POWERS.slice(0, 63), ...POWERS.slice(0, 64).map((p) => BigInt.asIntN(64, -p))),
  fc.bigInt({ min: I64_MIN, max: I64_MAX }),
  fc.bigInt({ min: -1000n, max: 1000n }),
);

/** A bigint function compiled from `source` (TypeScript) and the same function in JavaScript. */
function both(source: string, signature?: string) {
  const js = new Function(`return ${source.replace(/: (bigint|i64)/g, "")}`)() as (m: bigint) => bigint;
  return { js, fast: jit(source, signature) as ((m: bigint) => bigint) & { inspect(): string } };
}

// The odd branch: a wrapping Collatz step (as the jitted u64/i64 arithmetic does), leaving when it
// wraps to 0 or after 300 odd steps (negative i64 values cycle for ever).
const odd = (wrap: string) => `{ m = BigInt.${wrap}(64, 3n * m + 1n); if (m === 0n || ++o > 300n) break; }`;
const ODD = "ODD";

/** Spellings of the loop; each keeps counters `c` (every trip) and `e` (some in the halving branch) and `o` (odd trips). */
const SHAPES = [
  `while (m !== 1n) { if ((m & 1n) === 1n) ${ODD} else m >>= 1n; c++; }`,
  `while (m != 1n) { if ((m & 1n) === 0n) m /= 2n; else ${ODD} c += 1n; }`,
  `while (1n !== m) { if (m % 2n === 0n) { m = m / 2n; } else ${ODD} c = c + 1n; e++; }`,
  `while (m > 1n) { if (!(m & 1n)) m = m >> 1n; else ${ODD} ++c; }`,
  `while (1n < m) { if (m & 1n) ${ODD} else { e++; m >>= 1n; } c++; }`,
  `while (m >= 2n) { if ((m & 1n) !== 1n) m >>= 1n; else ${ODD} c = 1n + c; }`,
  `while (m !== 0n) { if (m % 2n !== 0n) ${ODD} else m >>= 1n; c++; }`,
  `while (m > 0n) { if (!((1n & m) === 0n)) ${ODD} else m >>= 1n; c++; c++; }`,
  // For odd m (negative in i64) m % 2n === 1n is false: the halving branch then halves an odd m (as
  // written: -3n / 2n is -1n, -3n >> 1n is -2n); negative values go to -1n (an odd K) and stop.
  `while (m !== -1n) { if (m % 2n === 1n) ${ODD} else m /= 2n; c++; }`,
  `while (-1n != m) { if (m % 2n === 1n) ${ODD} else m >>= 1n; c++; }`,
  `while (m !== 1n) { if ((m & 1n) === 1n) ${ODD} else m >>= 1n; }`,
  `while (m !== 3n) { if ((m & 1n) == 1n) ${ODD} else { m >>= 1n; c++; } }`,
];

const program = (shape: string, wrap: string, result: string) =>
  `function collatz(m: bigint): bigint { let c = 0n; let e = 0n; let o = 0n; ${shape.replace(ODD, odd(wrap))} return ${result}; }`;

describe("jit: Collatz one step a trip runs its halving branch's trips at once (ctz)", () => {
  it("gives the JavaScript function's m and counters for every spelling, u64 and i64, and uses i64.ctz", () => {
    for (const shape of SHAPES) {
      for (const result of ["m", "c", "e", "o"]) {
        // (u64 has no -1n: there the shapes stop at 1n.)
        const unsigned = both(program(shape.replace("-1n", "1n"), "asUintN", result));
        expect(unsigned.fast.inspect(), shape).toContain("i64.ctz");
        fc.assert(
          fc.property(u64, (m) => {
            expect(unsigned.fast(m)).toBe(BigInt.asUintN(64, unsigned.js(m)));
          }),
          { numRuns: 150 },
        );
        const signed = both(program(shape, "asIntN", result).replace(/bigint/g, "i64"));
        expect(signed.fast.inspect(), shape).toContain("i64.ctz");
        fc.assert(
          fc.property(i64, (m) => {
            // m = 0 never ends in JavaScript unless the loop test stops it (the worker test below).
            if (m === 0n) return;
            expect(signed.fast(m)).toBe(BigInt.asIntN(64, signed.js(m)));
          }),
          { numRuns: 150 },
        );
      }
    }
  });

  it("counts k steps for 2^k, and the tutorial's longest chain as the JavaScript function finds it", () => {
    const { fast, js } = both(program(SHAPES[0], "asUintN", "c"));
    for (const [k, p] of POWERS.entries()) expect(fast(p)).toBe(BigInt(k));
    expect(fast(27n)).toBe(js(27n));
    function longest(lo: bigint, hi: bigint) {
      let best = 0n;
      let start = 0n;
      for (let s = lo; s < hi; s++) {
        let m = s;
        let steps = 0n;
        while (m !== 1n) {
          if ((m & 1n) === 1n) m = 3n * m + 1n;
          else m >>= 1n;
          steps++;
        }
        if (steps > best) {
          best = steps;
          start = s;
        }
      }
      return start * 1000n + best;
    }
    const tutorial = jit(longest);
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 3000n }), fc.bigInt({ min: 1n, max: 3000n }), (lo, hi) => {
        expect(tutorial(lo, hi)).toBe(longest(lo, hi));
      }),
      { numRuns: 100 },
    );
    expect(tutorial(1n, 100_000n)).toBe(longest(1n, 100_000n));
    expect(
      tutorial
        .inspect()
        .split("\n")
        .filter((l) => l.trim() === "i64.ctz").length,
    ).toBe(1);
  });

  it("still never returns for m = 0 when the loop test holds for 0, as the JavaScript loop", async () => {
    const source = program(SHAPES[0], "asUintN", "c");
    const fast = jit(source);
    const { module, exportName } = fast.compile("u64(u64)");
    const answers = (m: bigint, ms: number) => answersWithin(module, exportName, m, ms);
    expect(await answers(1n << 40n, 5000)).toEqual(["40"]);
    expect(await answers(0n, 500)).toEqual([]);
    // A loop test that fails for 0 leaves at once, as in JavaScript.
    const positive = jit(program(SHAPES[3], "asUintN", "c"));
    expect(positive(0n)).toBe(0n);
    expect(positive(1n << 40n)).toBe(40n);
  });

  it("compiles the loop as written where running the halvings at once would not be exact", () => {
    const nonZero = (m: bigint) => m !== 0n;
    for (const shape of [
      // 2 is even: the loop stops on it, in the middle of a run of halvings.
      `while (m !== 2n) { if ((m & 1n) === 1n) ${ODD} else m >>= 1n; c++; }`,
      `while (m > 2n) { if ((m & 1n) === 1n) ${ODD} else m >>= 1n; c++; }`,
      `while (m >= 3n) { if ((m & 1n) === 1n) ${ODD} else m >>= 1n; c++; }`,
      // Another statement in the trip.
      `while (m > 1n) { if ((m & 1n) === 1n) ${ODD} else m >>= 1n; e = e + m; c++; }`,
      `while (m > 1n) { if ((m & 1n) === 1n) ${ODD} else m >>= 1n; c++; if (c > 50n) break; }`,
      `while (m > 1n) { e ^= m; if ((m & 1n) === 1n) ${ODD} else m >>= 1n; c++; }`,
      // Not one halving, not a count by one, not m's low bit, not m's halving.
      `while (m > 1n) { if ((m & 1n) === 1n) ${ODD} else { m >>= 1n; m >>= 1n; } c++; }`,
      `while (m > 1n) { if ((m & 1n) === 1n) ${ODD} else m >>= 1n; c += 2n; }`,
      `while (m > 1n) { if ((m & 2n) === 0n) m >>= 1n; else ${ODD} c++; }`,
      `while (m > 1n) { if ((m & 1n) === 1n) ${ODD} else { m >>= 1n; e >>= 1n; } c++; }`,
      `while (m > 1n) { if ((e & 1n) === 1n) ${ODD} else m >>= 1n; c++; }`,
      // A counter that is a number (f64): adding z at once rounds differently past 2^53.
      `while (m > 1n) { if ((m & 1n) === 1n) ${ODD} else m >>= 1n; k++; }`,
    ]) {
      const source = program(shape, "asUintN", "m + c * 3n + e * 5n + o * 7n + BigInt(k)").replace("let o = 0n;", "let o = 0n; let k = 0;");
      const { fast, js } = both(source);
      expect(fast.inspect(), shape).not.toContain("i64.ctz");
      fc.assert(
        fc.property(u64.filter(nonZero), (m) => {
          expect(fast(m)).toBe(BigInt.asUintN(64, js(m)));
        }),
        { numRuns: 50 },
      );
    }
  });
});
