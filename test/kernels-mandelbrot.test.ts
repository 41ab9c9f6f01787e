import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernels, twins } from "../src/index.ts";

const k = await kernels();

describe("mandelbrot", () => {
  it("matches the number twin exactly on the default view", () => {
    for (const [width, height, maxIter] of [
      [1, 1, 10],
      [7, 5, 50],
      [64, 48, 200],
      [161, 120, 1000],
    ]) {
      const options = { width, height, maxIter };
      expect(k.mandelbrot(options)).toEqual(twins.number.mandelbrot(options));
    }
  });

  it("matches the number twin exactly on random views, sizes and iteration limits", () => {
    const coord = fc.double({ min: -2.5, max: 2.5, noNaN: true });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 400 }),
        coord,
        coord,
        coord,
        coord,
        (width, height, maxIter, x0, y0, x1, y1) => {
          const options = { width, height, maxIter, x0, y0, x1, y1 };
          expect(k.mandelbrot(options)).toEqual(twins.number.mandelbrot(options));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("matches the twin far outside the set, where orbits overflow to Infinity and NaN", () => {
    for (const [x0, y0, x1, y1] of [
      [-1e200, -1e200, 1e200, 1e200],
      [-1e154, 3, 1e154, 4],
      [-3, -3, 3, 3],
    ]) {
      const options = { width: 21, height: 9, maxIter: 60, x0, y0, x1, y1 };
      expect(k.mandelbrot(options)).toEqual(twins.number.mandelbrot(options));
    }
  });

  it("counts each of the two SIMD lanes on its own: neighbours with very different counts, odd widths", () => {
    // Pixel pairs straddling the set's boundary: one lane runs to maxIter while the other escapes at once.
    for (const width of [2, 3, 5, 8, 9]) {
      const options = { width, height: 3, maxIter: 5000, x0: -2.5, y0: -0.25, x1: 1.5, y1: 0.25 };
      expect(k.mandelbrot(options)).toEqual(twins.number.mandelbrot(options));
    }
  });

  // Pixel (0, 0) sits exactly at c = (x0, y0), so single points can be checked by hand.
  const at = (x: number, y: number, maxIter = 100) => k.mandelbrot({ width: 1, height: 1, maxIter, x0: x, y0: y, x1: x + 1, y1: y + 1 })[0];

  it("counts iterations by hand-checked orbits: c = 1 escapes after 3, c = 2 after 2", () => {
    expect(at(1, 0)).toBe(3); // 0 → 1 → 2 → 5
    expect(at(2, 0)).toBe(2); // 0 → 2 → 6
    expect(at(3, 0)).toBe(1); // 0 → 3
  });

  it("keeps |z|² = 4 inside (iterate while |z|² ≤ 4): c = −2 never escapes", () => {
    expect(at(-2, 0)).toBe(100); // 0 → −2 → 2 → 2 → …
    expect(at(0, 0, 1234)).toBe(1234);
    expect(at(-1, 0)).toBe(100); // the period-2 cycle 0 ↔ −1
  });

  it("is symmetric about the real axis on a view centred on it", () => {
    const width = 60;
    const height = 41;
    const image = k.mandelbrot({ width, height, maxIter: 300, x0: -2, y0: -1.25, x1: 0.5, y1: 1.25 + 2.5 / (height - 1) });
    // Row r has cy = −1.25 + r·(2.5 + 2.5/40)/41 = −1.25 + r/16, so row 20 is the real axis, rows 20 ± d mirror.
    for (let d = 1; d <= 20; d++) {
      expect(image.subarray((20 - d) * width, (21 - d) * width)).toEqual(image.subarray((20 + d) * width, (21 + d) * width));
    }
  });

  it("writes any row range of the raw kernel exactly as those rows of the whole image", () => {
    const width = 33;
    const height = 20;
    const whole = k.mandelbrot({ width, height, maxIter: 150 });
    const ex = k.exports;
    const ptr = Math.ceil(ex.heapBase() / 16) * 16;
    if (ex.memory.buffer.byteLength < ptr + width * height * 4) ex.memory.grow(1);
    for (const [r0, r1] of [
      [0, 1],
      [3, 9],
      [19, 20],
      [0, 20],
    ]) {
      ex.mandelbrotRows(ptr, width, height, r0, r1, -2, -1.5, 1, 1.5, 150);
      expect(new Uint32Array(ex.memory.buffer, ptr, (r1 - r0) * width)).toEqual(whole.subarray(r0 * width, r1 * width));
    }
  });

  it("returns width × height counts, none above maxIter", () => {
    const image = k.mandelbrot({ width: 50, height: 30, maxIter: 77 });
    expect(image).toBeInstanceOf(Uint32Array);
    expect(image.length).toBe(1500);
    expect(Math.max(...image)).toBe(77);
    expect(Math.min(...image)).toBeGreaterThanOrEqual(1);
  });
});

describe("bad input", () => {
  const ok = { width: 4, height: 3, maxIter: 10 };
  it.each([
    ["no options", undefined, TypeError, "Expected `options` to be an options object with width, height and maxIter, got undefined"],
    ["a number", 5, TypeError, "Expected `options` to be an options object, got 5 (number)"],
    ["an unknown key", { ...ok, zoom: 2 }, TypeError, "Unknown option `options.zoom`"],
    ["a missing width", { height: 3, maxIter: 10 }, TypeError, "Expected `options.width` to be an integer number, got undefined"],
    ["width 0", { ...ok, width: 0 }, RangeError, "Expected `options.width` to be an integer in [1, 4294967295], got 0 (number)"],
    ["a fractional height", { ...ok, height: 2.5 }, RangeError, "Expected `options.height` to be an integer, got 2.5 (number)"],
    ["a string width", { ...ok, width: "4" }, TypeError, 'Expected `options.width` to be an integer number, got "4" (string)'],
    ["maxIter 0", { ...ok, maxIter: 0 }, RangeError, "Expected `options.maxIter` to be an integer in [1, 4294967295], got 0 (number)"],
    ["maxIter 2^32", { ...ok, maxIter: 2 ** 32 }, RangeError, "Expected `options.maxIter` to be an integer in [1, 4294967295]"],
    ["a NaN x0", { ...ok, x0: NaN }, RangeError, "Expected `options.x0` to be a finite number, got NaN (number)"],
    ["an infinite y1", { ...ok, y1: Infinity }, RangeError, "Expected `options.y1` to be a finite number, got Infinity (number)"],
    ["a bigint y0", { ...ok, y0: 1n }, TypeError, "Expected `options.y0` to be a finite number, got 1n (bigint)"],
    [
      "an image too large for wasm memory",
      { width: 65536, height: 65536, maxIter: 10 },
      RangeError,
      "Expected `options.width × options.height (the image)` to fit in wasm memory",
    ],
  ])("rejects %s", (_, options, type, message) => {
    expect(() => k.mandelbrot(options as never)).toThrow(type);
    expect(() => k.mandelbrot(options as never)).toThrow(message);
  });
});
