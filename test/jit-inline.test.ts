// Arrow helpers written inside the function (`const at = (x, y) => src[y * w + x]`), compiled into each
// call: JavaScript's answers, the outer locals read at their current values, and what is refused.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";

function blur(src: Float64Array, dst: Float64Array, w: number, h: number) {
  const at = (x: number, y: number) => src[y * w + x];
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  // An arrow calling another.
  const cross = (x: number, y: number) => at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1);
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) dst[y * w + x] = clamp((cross(x, y) / 4) * 1.1 - 3);
  return dst[w + 1];
}

/** The closure reads the outer `scale` as it is at each call, not as it was when the arrow was made. */
function running(xs: Float64Array) {
  let scale = 1;
  const scaled = (v: number) => v * scale;
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    s += scaled(xs[i]);
    scale = scale * 0.5 + xs[i];
  }
  return s;
}

function mix64(a: BigUint64Array) {
  // Wrapped at each step, so that JavaScript's bigints stay in [0, 2^64) as jit's u64 do.
  const rot = (x: bigint, r: bigint) => BigInt.asUintN(64, x << r) | (x >> (64n - r));
  let h = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < a.length; i++) h = BigInt.asUintN(64, rot(h ^ a[i], 27n) * 0x94d049bb133111ebn);
  return h;
}

describe("jit: arrow helpers inside the function", () => {
  it("gives JavaScript's answers, nested helpers and outer locals included (random inputs)", () => {
    const [fBlur, fRunning, fMix] = [jit(blur), jit(running), jit(mix64, "u64(u64[])")];
    const value = fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity));
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }),
        fc.integer({ min: 3, max: 12 }),
        fc.array(value, { minLength: 144, maxLength: 144 }),
        (w, h, xs) => {
          const src = Float64Array.from(xs.slice(0, w * h));
          const [a, b] = [new Float64Array(w * h), new Float64Array(w * h)];
          expect(Object.is(fBlur(src, b, w, h), blur(src, a, w, h))).toBe(true);
          expect([...b]).toEqual([...a]);
          expect(Object.is(fRunning(src), running(src))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 20 }), (xs) => {
        const a = BigUint64Array.from(xs);
        expect(fMix(a)).toBe(BigInt.asUintN(64, mix64(a)));
      }),
      { numRuns: 100 },
    );
  });

  it("refuses by name what is not a helper compiled into its calls", () => {
    const error = (source: string, ...args: unknown[]) => {
      try {
        jit(source)(...args);
      } catch (e) {
        return (e as Error).message;
      }
      return "compiled";
    };
    // An inner `k` at the call would hide the closure's `k`.
    expect(error("function f(n) { const k = 2; const g = (x) => x * k; { const k = 5; return g(n) + k; } }", 3)).toMatch(
      /`k` names another variable at this call of `g` than where `g` is defined/,
    );
    expect(error("function f(n) { const g = (x) => x + 1; return g; }", 3)).toMatch(
      /`g`, an arrow function, used other than by calling it/,
    );
    expect(error("function f(n) { let c = 0; const g = (x) => (c += x); return g(n); }", 3)).toMatch(/an assignment in an arrow function/);
    expect(error("function f(n) { const g = (x, y) => x + y; return g(n); }", 3)).toMatch(/`g` takes 2 arguments, given 1/);
    expect(error("function f(n) { let g = (x) => x; return g(n); }", 3)).toMatch(/an arrow function in a `let`/);
    // (a body that is one `return E;` compiles: test/jit-forms.test.ts)
    expect(error("function f(n) { const g = (x) => { return x; }; return g(n); }", 3)).toBe("compiled");
    // (other block bodies compile as functions of their own: test/jit-helpers.test.ts)
    expect(error("function f(n) { const g = (x) => { x++; return x; }; return g(n); }", 3)).toBe("compiled");
  });
});
