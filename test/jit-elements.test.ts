// The narrow element types: Int8Array, Int16Array, Uint16Array (stores wrap as ToInt8/ToInt16/ToUint16,
// reads sign- or zero-extend) and Uint8ClampedArray (stores round half to even and clamp to [0, 255],
// NaN to 0): JavaScript's values on random inputs and at the edges, copied, in place and made.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { arenaUsed } from "../src/jit/runtime/memory.ts";

const CTORS = [Int8Array, Int16Array, Uint16Array, Uint8ClampedArray] as const;
type Narrow = InstanceType<(typeof CTORS)[number]>;

const EDGES = [0, -0, 1, -1, 0.5, 1.5, 2.5, -0.5, -1.5, 126.5, 127.5, 128, -128.5, -129, 254.5, 255.5, 256, 32767.5, 32768, -32769];
const SPECIAL = [NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 32 + 3, 2 ** 53 + 2, 1e300];

function gain(px: Narrow, g: number, bias: number) {
  for (let i = 0; i < px.length; i++) px[i] = px[i] * g + bias;
}
function mixInto(a: Narrow, b: Narrow) {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
  let s = 0;
  for (const x of a) s += x;
  return s;
}
function storeRead(a: Narrow, v: number) {
  a[0] = v;
  a[1] = v | 0;
  a[2] = -v;
  return a[0] * 1e6 + a[1] * 1e3 + a[2];
}

describe("jit: Int8Array, Int16Array, Uint16Array, Uint8ClampedArray", () => {
  it("stores and reads as JavaScript does (random values and the edges of each width)", () => {
    const value = fc.oneof(fc.double(), fc.integer({ min: -70000, max: 70000 }), fc.constantFrom(...EDGES, ...SPECIAL));
    for (const C of CTORS) {
      const [fGain, fMix, fStore] = [jit(gain), jit(mixInto), jit(storeRead)];
      fc.assert(
        fc.property(fc.array(value, { minLength: 3, maxLength: 60 }), value, value, (xs, g, bias) => {
          const [p, q] = [C.from(xs), C.from(xs)];
          gain(p, g, bias);
          fGain(q, g, bias);
          expect([...q]).toEqual([...p]);
          const [r, s] = [C.from(xs), C.from(xs)];
          expect(fMix(s, C.from(xs.slice().reverse()))).toBe(mixInto(r, C.from(xs.slice().reverse())));
          expect([...s]).toEqual([...r]);
          const [t, u] = [new C(3), new C(3)];
          expect(fStore(u, g)).toBe(storeRead(t, g));
          expect([...u]).toEqual([...t]);
        }),
        { numRuns: 80 },
      );
    }
  });

  it("works on jit.array arrays in place, makes them (`new Int16Array(n)`) and returns them", () => {
    for (const C of CTORS) {
      const zero = jit.array(C, [1, 200, 300, -5]);
      jit(gain)(zero, 2, 0.5);
      const expected = C.from([1, 200, 300, -5]);
      gain(expected, 2, 0.5);
      expect([...zero]).toEqual([...expected]);
      jit.free(zero);
    }
    const toPcm = (xs: Float64Array) => {
      const out = new Int16Array(xs.length);
      for (let i = 0; i < xs.length; i++) out[i] = Math.round(xs[i] * 32767);
      return out;
    };
    const xs = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i / 7) * 1.01);
    const fast = jit(toPcm);
    expect(fast(xs)).toBeInstanceOf(Int16Array);
    expect([...fast(xs)]).toEqual([...toPcm(xs)]);
    expect(arenaUsed()).toBe(0);
  });

  it("takes them in signatures: i8[], i16[], u16[], u8c[]", () => {
    const sum = jit(
      function total(a: Int16Array) {
        let s = 0;
        for (let i = 0; i < a.length; i++) s += a[i];
        return s;
      },
      ["f64(i16[])", "f64(u16[])", "f64(i8[])", "f64(u8c[])"],
    );
    expect(sum(Int16Array.from([-32768, 32767, 5]))).toBe(4);
    expect(sum(Uint16Array.from([65535, 1]) as unknown as Int16Array)).toBe(65536);
    expect(sum(Int8Array.from([-128, 127]) as unknown as Int16Array)).toBe(-1);
    expect(sum(Uint8ClampedArray.from([300, -4]) as unknown as Int16Array)).toBe(255);
    expect(() => jit((x: number) => x, "f64(i16)")).toThrow(/Unknown type "i16"/);
  });
});
