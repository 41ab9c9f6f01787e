// jit's memory: arrays from jit.array are passed by address (no copy in or out), any other typed
// array is copied into a block for the call, and that block is given back however the call ends.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KernelError } from "../src/errors.ts";
import { jit } from "../src/jit/index.ts";
import { arenaShared, arenaUsed } from "../src/jit/runtime/memory.ts";

function scaleThenRead(a: Float64Array, k: number, at: number) {
  for (let i = 0; i < a.length; i++) a[i] *= k;
  return a[at]; // out of range: traps after the writes
}

describe("jit.array: typed arrays in jit's memory", () => {
  it("is passed without a copy: the function's writes are in the array even when the call then traps", () => {
    const fast = jit(scaleThenRead);
    const zero = jit.array(Float64Array, [1, 2, 3]);
    const copied = new Float64Array([1, 2, 3]);
    expect(fast(zero, 2, 0)).toBe(2);
    expect([...zero]).toEqual([2, 4, 6]);
    expect(() => fast(zero, 10, 99)).toThrow(KernelError);
    expect([...zero]).toEqual([20, 40, 60]); // written in place
    expect(() => fast(copied, 10, 99)).toThrow(KernelError);
    expect([...copied]).toEqual([1, 2, 3]); // a copy: a trapped call writes nothing back
    jit.free(zero);
  });

  it("gives the plain function's answers for every element type, in place", () => {
    const types = [Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array] as const;
    for (const ctor of types) {
      const bump = jit(function bump(a: Float64Array) {
        for (let i = 0; i < a.length; i++) a[i] = a[i] * 3 + 1;
      });
      fc.assert(
        fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 64 }), (values) => {
          const plain = new ctor(values);
          const zero = jit.array(ctor, values);
          try {
            bump(plain as unknown as Float64Array); // copied
            const expected = new ctor(values);
            for (let i = 0; i < expected.length; i++) expected[i] = expected[i] * 3 + 1;
            bump(zero as unknown as Float64Array);
            return [...zero].every((v, i) => Object.is(v, expected[i])) && [...plain].every((v, i) => Object.is(v, expected[i]));
          } finally {
            jit.free(zero);
          }
        }),
        { numRuns: 50 },
      );
    }
    const big = jit.array(BigUint64Array, [1n, 2n ** 64n - 1n]);
    const twice = jit((a: BigUint64Array) => {
      for (let i = 0; i < a.length; i++) a[i] = a[i] * 2n;
    });
    twice(big);
    expect([...big]).toEqual([2n, 2n ** 64n - 2n]);
    jit.free(big);
  });

  it("starts zeroed, also where a freed block is reused", () => {
    const a = jit.array(Float64Array, 1000);
    a.fill(7);
    jit.free(a);
    const b = jit.array(Float64Array, 1000);
    expect(b.every((x) => x === 0)).toBe(true);
    jit.free(b);
  });

  it("survives growth of jit's memory (shared memory here)", () => {
    expect(arenaShared()).toBe(true);
    const sum = jit(function sum(a: Float64Array) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i];
      return s;
    });
    const first = jit.array(Float64Array, [1, 2, 3]);
    const large = jit.array(Float64Array, 4 << 20); // 32 MiB: the memory grows
    expect(sum(first)).toBe(6);
    expect(sum(large)).toBe(0);
    const view = first.subarray(1); // a view into a jit.array is passed by address too
    expect(sum(view)).toBe(5);
    jit.free(large);
    jit.free(first);
  });

  it("gives back the copies of ordinary arrays whether the call returns, traps or is refused", () => {
    const fast = jit(scaleThenRead);
    const before = arenaUsed();
    fast(new Float64Array(1000), 2, 0);
    expect(arenaUsed()).toBe(before);
    expect(() => fast(new Float64Array(1000), 2, 5000)).toThrow(KernelError);
    expect(arenaUsed()).toBe(before);
    expect(() => fast(new Float64Array(1000), 2, 1.5 as unknown as number)).toThrow(KernelError);
    expect(arenaUsed()).toBe(before);
    const two = jit((a: Float64Array, b: Float64Array) => a.length + b.length, "f64(f64[], f64[])");
    expect(() => two(new Float64Array(10), "no" as unknown as Float64Array)).toThrow(/Expected `b` to be a Float64Array/);
    expect(arenaUsed()).toBe(before);
  });

  it("copies small arrays into a block kept between calls (no allocation a call): writes, traps, sizes and element types mixed", () => {
    // The compiled call every time (adaptive could run the original, which reads undefined past the end instead of trapping).
    const fast = jit(scaleThenRead, undefined, { adaptive: false });
    const mix = jit(
      (a: Float32Array, b: Uint8Array, c: Int32Array) => {
        let s = 0;
        for (let i = 0; i < a.length; i++) s += a[i] * b[i % b.length] - c[i % c.length];
        b[0] = s;
        return s;
      },
      undefined,
      { adaptive: false },
    );
    const before = arenaUsed();
    fc.assert(
      fc.property(fc.nat(600), fc.double({ noNaN: true, min: -1e3, max: 1e3 }), fc.integer({ min: -2, max: 700 }), (n, k, at) => {
        const a = Float64Array.from({ length: n }, (_, i) => i - n / 2);
        const copy = a.slice();
        const expected = at >= 0 && at < n ? scaleThenRead(copy, k, at) : undefined;
        if (expected === undefined) {
          expect(() => fast(a, k, at)).toThrow(KernelError);
          expect(a).toEqual(Float64Array.from({ length: n }, (_, i) => i - n / 2)); // nothing written back
        } else {
          expect(Object.is(fast(a, k, at), expected)).toBe(true);
          expect(a).toEqual(copy);
        }
        const [x, y, z] = [
          new Float32Array(n).fill(0.5),
          Uint8Array.from({ length: (n % 7) + 1 }, (_, i) => i * 40),
          new Int32Array(3).fill(-n),
        ];
        const [x2, y2, z2] = [x.slice(), y.slice(), z.slice()];
        expect(Object.is(mix(x, y, z), (mix.original as typeof mix)(x2, y2, z2))).toBe(true);
        expect(y).toEqual(y2);
        expect(arenaUsed()).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it("copies an array of a typed array's subclass (with a declared signature), whatever its constructor takes", () => {
    class Tagged extends Float64Array {
      constructor(
        readonly tag: string,
        values: number[],
      ) {
        super(values);
      }
    }
    const fast = jit(scaleThenRead, "f64(f64[], f64, i32)");
    const a = new Tagged("x", [1, 2, 3]);
    expect(fast(a, 3, 2)).toBe(9);
    expect([...a]).toEqual([3, 6, 9]);
    expect(a.tag).toBe("x");
  });

  it("keeps overlapping views of one buffer one memory, as in JavaScript: any offsets, element types, writes and traps", () => {
    // Each element reads what an earlier trip wrote through the other view when the two overlap.
    function smear(dst: Float64Array, src: Float64Array, k: number) {
      for (let i = 0; i < dst.length; i++) dst[i] = src[i % src.length] * k + 1;
      return dst[0] + src[src.length - 1];
    }
    // Writes bytes, then reads them back as doubles (and as int32s) through views of the same bytes.
    function bytes(u8: Uint8Array, f: Float64Array, n: Int32Array, at: number) {
      for (let i = 0; i < u8.length; i++) u8[i] = (u8[i] * 7 + i) & 255;
      let s = 0;
      for (let i = 0; i < f.length; i++) s += f[i];
      for (let i = 0; i < n.length; i++) s += n[i];
      return s + n[at]; // out of range: traps after the writes
    }
    const fastSmear = jit(smear);
    // `verify` runs the original on copies of the arguments: views that overlap must overlap there too.
    const verifiedSmear = jit(smear, undefined, { verify: 1e6 });
    const fastBytes = jit(bytes);
    const before = arenaUsed();
    const view = <C extends typeof Float64Array | typeof Int32Array | typeof Uint8Array>(
      buffer: ArrayBuffer,
      C: C,
      at: number,
      n: number,
    ) => {
      const per = C.BYTES_PER_ELEMENT;
      const offset = Math.floor(at / per) * per;
      return new C(buffer, offset, Math.max(0, Math.min(n, Math.floor((buffer.byteLength - offset) / per)))) as InstanceType<C>;
    };
    fc.assert(
      fc.property(
        fc.nat(255),
        fc.nat(255),
        fc.integer({ min: 1, max: 32 }),
        fc.nat(32),
        fc.integer({ min: 0, max: 40 }),
        (x, y, n, m, at) => {
          const [mine, theirs] = [0, 1].map(() => {
            const b = new ArrayBuffer(512);
            new Uint8Array(b).forEach((_, i, u) => (u[i] = (i * 31 + 7) & 255));
            return b;
          });
          // smear: two Float64Array views anywhere in the buffer, overlapping or not.
          const expectedValue = smear(view(theirs, Float64Array, x, n), view(theirs, Float64Array, y, m || 1), 1.5);
          expect(fastSmear(view(mine, Float64Array, x, n), view(mine, Float64Array, y, m || 1), 1.5)).toBe(expectedValue);
          expect(new Uint8Array(mine)).toEqual(new Uint8Array(theirs));
          expect(verifiedSmear(view(mine, Float64Array, x, n), view(mine, Float64Array, y, m || 1), -1)).toBe(
            smear(view(theirs, Float64Array, x, n), view(theirs, Float64Array, y, m || 1), -1),
          );
          // bytes: three views of three element types; `at` past the end traps, and then nothing is written back.
          const args = (b: ArrayBuffer) =>
            [view(b, Uint8Array, x, n * 3), view(b, Float64Array, y, m), view(b, Int32Array, x + y, n), at] as const;
          let plain: number | undefined;
          try {
            plain = bytes(...args(theirs));
          } catch {
            plain = undefined;
          }
          const copyOfMine = new Uint8Array(mine).slice();
          let result: number | undefined;
          try {
            result = fastBytes(...args(mine));
          } catch (e) {
            expect(e).toBeInstanceOf(KernelError);
            result = undefined;
          }
          const same = (p: number | undefined, q: number | undefined) => Object.is(p, q) || (Number.isNaN(p) && Number.isNaN(q));
          expect(same(result, bytes(...args(new Uint8Array(copyOfMine).buffer)) ?? NaN) || result === undefined).toBe(true);
          if (result !== undefined) {
            expect(same(result, plain)).toBe(true);
            expect(new Uint8Array(mine)).toEqual(new Uint8Array(theirs));
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(arenaUsed()).toBe(before);
  });

  it("refuses bad arguments by name", () => {
    expect(() => jit.array(Array as never, 3)).toThrow(/Expected `ctor` to be one of Float64Array/);
    expect(() => jit.array(DataView as never, 3)).toThrow(/Expected `ctor` to be one of Float64Array, .*, got "DataView"/);
    expect(() => jit.array(Float64Array, -1)).toThrow(/Expected `lengthOrValues` to be a length: an integer ≥ 0, got -1/);
    expect(() => jit.array(Float64Array, 1.5)).toThrow(RangeError);
    // 2^29 f64s are 4 GiB: more than wasm32 memory holds.
    expect(() => jit.array(Float64Array, 2 ** 29)).toThrow(/Expected `jit.array\(Float64Array, 536870912\)` to fit in jit's memory/);
    const a = jit.array(Int32Array, 4);
    jit.free(a);
    expect(() => jit.free(a)).toThrow(/this one was/);
    expect(() => jit.free(new Int32Array(4))).toThrow(/Expected `array` to be an array from jit.array/);
    const read = jit((x: Int32Array) => x.length, "f64(i32[])");
    expect(() => read(a)).toThrow(/Expected `x` to be an array from jit.array that was not freed yet/);
  });

  it("a detached ordinary array is a named error, not an empty one", () => {
    const read = jit((x: Float64Array) => x.length, "f64(f64[])");
    const a = new Float64Array(8);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    expect(() => read(a)).toThrow(/whose buffer is not detached/);
  });

  it("takes a large array (256 MiB) and gives it back", () => {
    const n = 32 << 20;
    const big = jit.array(Float64Array, n);
    big[n - 1] = 5;
    const last = jit((a: Float64Array) => a[a.length - 1], "f64(f64[])");
    expect(last(big)).toBe(5);
    jit.free(big);
  });
});
