// The outer-loop vectorizer (src/jit/transforms/vectorize.ts): escape-time loops run four outer iterations per
// trip as two f64x2 groups (then two, then one). Checked against the original function on random sizes, views and iteration limits (the counts
// must be identical, lane by lane), on variants of the shape, and against wabt assembling the printed WAT
// (so the SIMD opcodes the encoder writes are the instructions the WAT names).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { assembleWat } from "../src/wat/wabt.ts";

function mandelbrot(out: Uint32Array, width: number, height: number, maxIter: number, x0: number, y0: number, dx: number, dy: number) {
  for (let py = 0; py < height; py++) {
    const cy = y0 + (dy * py) / height;
    for (let px = 0; px < width; px++) {
      const cx = x0 + (dx * px) / width;
      let zx = 0;
      let zy = 0;
      let i = 0;
      for (; i < maxIter; i++) {
        const x2 = zx * zx;
        const y2 = zy * zy;
        if (x2 + y2 > 4) break;
        zy = 2 * zx * zy + cy;
        zx = x2 - y2 + cx;
      }
      out[py * width + px] = i;
    }
  }
}

type Kernel = (out: Uint32Array, w: number, h: number, n: number, x0: number, y0: number, dx: number, dy: number) => void;

const sizes = fc.record({
  w: fc.integer({ min: 0, max: 9 }),
  h: fc.integer({ min: 0, max: 4 }),
  n: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.constantFrom(0, 1, 2, 300)),
  x0: fc.oneof(fc.double({ min: -3, max: 1, noNaN: true }), fc.constantFrom(-2, -0.75, 0, 1e300, -1e-300)),
  y0: fc.oneof(fc.double({ min: -2, max: 1, noNaN: true }), fc.constantFrom(-1.25, 0, NaN, Infinity)),
  dx: fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(2.5, 0, 1e-12, 1e308)),
  dy: fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(2.5, 0, -1e-9)),
});

/** jit(fn) gives fn's image for random arguments, and its WAT is vectorized (or not, as `vectorized` says). */
function same(fn: Kernel, vectorized: boolean, runs = 150) {
  const fast = jit(fn, "void(u32[], i32, i32, i32, f64, f64, f64, f64)");
  expect(fast.inspect().includes("f64x2"), fn.toString()).toBe(vectorized);
  fc.assert(
    fc.property(sizes, ({ w, h, n, x0, y0, dx, dy }) => {
      const want = new Uint32Array(w * h).fill(7);
      const got = new Uint32Array(w * h).fill(7);
      fn(want, w, h, n, x0, y0, dx, dy);
      fast(got, w, h, n, x0, y0, dx, dy);
      expect([...got]).toEqual([...want]);
    }),
    { numRuns: runs },
  );
  return fast;
}

describe("jit: outer-loop vectorization of escape-time loops (two iterations per f64x2)", () => {
  it("Mandelbrot: the same counts as the JavaScript function, pixel by pixel, odd widths included", () => {
    same(mandelbrot, true, 300);
    // A big enough image that lanes escape at very different iterations.
    const fast = jit(mandelbrot);
    const [a, b] = [new Uint32Array(101 * 37), new Uint32Array(101 * 37)];
    fast(a, 101, 37, 400, -2, -1.25, 2.5, 2.5);
    mandelbrot(b, 101, 37, 400, -2, -1.25, 2.5, 2.5);
    expect([...a]).toEqual([...b]);
  });

  it("four pixels per trip: every remainder 0–3 of the width, maxIter 0 and 1, NaN and ±Infinity views, counts as the plain function's", () => {
    const fast = jit(mandelbrot, "void(u32[], i32, i32, i32, f64, f64, f64, f64)");
    const wat = fast.inspect();
    // The 4-wide loop (two f64x2 groups, one i32x4 count), then the 2-wide one for a remainder of 2 or 3.
    for (const op of ["i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27", "i32x4.shr_s", "i32x4.bitmask", "i64x2.bitmask"])
      expect(wat).toContain(op);
    const views = [
      [-2, -1.25, 2.5, 2.5],
      [-0.75, 0.1, 0.01, 0.01],
      [NaN, 0, 1, 1],
      [-2, Infinity, 2.5, 2.5],
      [-Infinity, -1, 2.5, 2.5],
      [-2, -1.25, NaN, 2.5],
      [-2, -1.25, Infinity, -Infinity],
      [-0, -0, 0, -0],
    ];
    for (let w = 0; w <= 13; w++)
      for (const h of [1, 3])
        for (const n of [0, 1, 2, 7, 150])
          for (const [x0, y0, dx, dy] of views) {
            const want = new Uint32Array(w * h).fill(7);
            const got = new Uint32Array(w * h).fill(7);
            mandelbrot(want, w, h, n, x0, y0, dx, dy);
            fast(got, w, h, n, x0, y0, dx, dy);
            expect([...got], `${w}×${h}, n ${n}, view ${[x0, y0, dx, dy]}`).toEqual([...want]);
          }
    const special = fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 4, -4);
    fc.assert(
      fc.property(
        fc.record({
          w: fc.integer({ min: 0, max: 17 }),
          h: fc.integer({ min: 0, max: 3 }),
          n: fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 300 })),
          x0: fc.oneof(fc.double({ min: -3, max: 1 }), special),
          y0: fc.oneof(fc.double({ min: -2, max: 1 }), special),
          dx: fc.oneof(fc.double({ min: -3, max: 3 }), special),
          dy: fc.oneof(fc.double({ min: -3, max: 3 }), special),
        }),
        ({ w, h, n, x0, y0, dx, dy }) => {
          const want = new Uint32Array(w * h).fill(7);
          const got = new Uint32Array(w * h).fill(7);
          mandelbrot(want, w, h, n, x0, y0, dx, dy);
          fast(got, w, h, n, x0, y0, dx, dy);
          expect([...got]).toEqual([...want]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("the statements after the loop run for the four lanes in the scalar loop's order; 2·x and x·2 stay exact", () => {
    same((out, w, h, n, x0, y0, dx, dy) => {
      for (let py = 0; py < h; py++) {
        const cy = y0 + (dy * py) / h;
        for (let px = 0; px < w; px++) {
          const cx = x0 + (dx * px) / w;
          let zx = 0;
          let zy = 0;
          let i = 0;
          for (; i < n; i++) {
            const x2 = zx * zx;
            const y2 = zy * zy;
            if (x2 + y2 > 4) break;
            zy = zx * 2 * zy + cy;
            zx = x2 - y2 + cx;
          }
          // Order-dependent: each pixel folds its count into out[0] after the ones before it.
          out[py * w + px] = i;
          out[0] = (out[0] * 31 + i + px) % 1000003;
        }
      }
    }, true);
  });

  it("a count from a negative literal runs two pixels per f64x2 only (four would count in i32 lanes past 2^31 trips)", () => {
    const fast = same((out, w, h, n, x0, y0, dx, dy) => {
      for (let py = 0; py < h; py++)
        for (let px = 0; px < w; px++) {
          let z = x0 + (dx * px) / w + py * dy;
          let i = -3;
          for (; i < n; i++) {
            if (z * z > 4) break;
            z = z * z + y0;
          }
          out[py * w + px] = i + 3;
        }
    }, true);
    expect(fast.inspect()).not.toContain("i32x4.bitmask");
  });

  it("variants of the shape: && / || / ! conditions, Math functions, compound assignments, work after the loop", () => {
    same((out, w, h, n, x0, y0, dx, dy) => {
      for (let py = 0; py < h; py++) {
        const cy = y0 + (dy * py) / h;
        for (let px = 0; px < w; px++) {
          const cx = x0 + (dx * px) / w;
          let zx = cx;
          let zy = cy;
          let i = 1;
          for (; i < n; i++) {
            const r = Math.sqrt(zx * zx + zy * zy);
            if (r > 2 || !(Math.abs(zx) <= 1e3 && zy === zy)) break;
            const t = zx * zx - zy * zy + cx;
            zy *= 2 * zx;
            zy += cy;
            zx = Math.min(t, 1e6) - Math.max(-1e6, -cy) + cy;
          }
          out[py * w + px] = i * 3 + px;
        }
      }
    }, true);
  });

  it("lanes whose values become NaN or ∞ after they escape keep their counts (the mask is sticky)", () => {
    same((out, w, h, n, x0, y0, dx, dy) => {
      for (let py = 0; py < h; py++) {
        for (let px = 0; px < w; px++) {
          let z = x0 + (dx * px) / w + py;
          let i = 0;
          for (; i < n; i++) {
            if (z > 10) break;
            // Past 10 the lane has escaped; then z overflows, ∞ − ∞ is NaN, and NaN > 10 is false.
            z = z * z * 1e100 - z * 1e200 + y0 + dy;
          }
          out[py * w + px] = i;
        }
      }
    }, true);
  });

  it("is left alone (and still right) when the shape does not hold", () => {
    // The loop's value is read after it.
    same((out, w, h, n, x0, y0, dx, dy) => {
      for (let py = 0; py < h; py++)
        for (let px = 0; px < w; px++) {
          let z = x0 + px * dx;
          let i = 0;
          for (; i < n; i++) {
            if (z > 4) break;
            z = z * z + y0 + py * dy;
          }
          out[py * w + px] = i + (z > 100 ? 1 : 0);
        }
    }, false);
    // Two breaks.
    same((out, w, h, n, x0, y0, dx, dy) => {
      for (let py = 0; py < h; py++)
        for (let px = 0; px < w; px++) {
          let z = x0 + px * dx;
          let i = 0;
          for (; i < n; i++) {
            if (z > 4) break;
            z = z * z + y0 + py * dy;
            if (z < -4) break;
          }
          out[py * w + px] = i;
        }
    }, false);
    // A `continue` after the loop would skip the other lane's work.
    same((out, w, h, n, x0, y0, dx, dy) => {
      for (let py = 0; py < h; py++)
        for (let px = 0; px < w; px++) {
          let z = x0 + px * dx + dy;
          let i = 0;
          for (; i < n; i++) {
            if (z > 4) break;
            z = z * z + y0;
          }
          if (i === 3) continue;
          out[py * w + px] = i;
        }
    }, false);
  });

  it("what the scalar compile rejects stays a JitError (an assignment to a const in the loop)", () => {
    const source = `function f(out: Uint32Array, w: number, n: number) {
      for (let px = 0; px < w; px++) {
        const c = px / w;
        let z = 0;
        let i = 0;
        for (; i < n; i++) {
          if (z > 4) break;
          z = z * z + c;
          c = z;
        }
        out[px] = i;
      }
    }`;
    expect(() => jit(source)).toThrow(/`c` is a const/);
  });

  it("the encoder's SIMD opcodes are the instructions the printed WAT names (wabt assembles the same function)", async () => {
    const fast = jit(mandelbrot, "void(u32[], i32, i32, i32, f64, f64, f64, f64)");
    const wat = fast.inspect().split("\n").slice(1).join("\n");
    const bytes = await assembleWat(wat);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    const [w, h] = [23, 11];
    (exports.mandelbrot as (...args: number[]) => void)(0, w * h, w, h, 200, -2, -1.25, 2.5, 2.5);
    const viaWabt = new Uint32Array(memory.buffer, 0, w * h);
    const mine = new Uint32Array(w * h);
    fast(mine, w, h, 200, -2, -1.25, 2.5, 2.5);
    const plain = new Uint32Array(w * h);
    mandelbrot(plain, w, h, 200, -2, -1.25, 2.5, 2.5);
    expect([...mine]).toEqual([...plain]);
    expect([...viaWabt]).toEqual([...plain]);
  });
});
