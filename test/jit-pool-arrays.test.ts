// A jitted function that takes arrays runs on the pool through forRows: in shared mode it runs in the
// pool's shared memory, so an array from pool.alloc is read and written where it lies (no copy), and
// an ordinary typed array is copied in once and back once when the function writes it; in message
// mode the call is refused by name. On 1, 2 and 3 workers the rows give the single-thread answer.
import { describe, expect, it } from "vitest";
import { createPool } from "../src/index.ts";
import { jit } from "../src/jit/index.ts";

function scaleRows(start: number, end: number, out: Float64Array, src: Float64Array, width: number, k: number) {
  for (let y = start; y < end; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      out[i] = Math.sqrt(src[i]) * k + y;
    }
}

const [W, H] = [37, 29];
const source = Float64Array.from({ length: W * H }, (_, i) => (i * 7919) % 1000);
const expected = new Float64Array(W * H);
scaleRows(0, H, expected, source, W, 2.5);

describe.each([1, 2, 3])("jit with arrays on the pool, shared mode, %i worker(s)", (workers) => {
  it("pool.alloc arrays are written where they lie; the rows give the single-thread answer", async () => {
    const pool = await createPool({ workers, mode: "shared", warmUp: false });
    try {
      const fast = jit(scaleRows, "void(i32, i32, f64[], f64[], i32, f64)");
      const out = pool.alloc(Float64Array, W * H);
      const src = pool.alloc(Float64Array, W * H);
      src.set(source);
      const before = pool.sharedBytesInUse;
      await pool.forRows(fast, 0, H, { args: [out, src, W, 2.5], chunks: workers * 3 });
      expect([...out]).toEqual([...expected]);
      expect(pool.sharedBytesInUse).toBe(before); // nothing copied in for the call, nothing left behind
      out.dispose();
      src.dispose();
    } finally {
      await pool.close();
    }
  });

  it("ordinary arrays are copied in once and the written one back once", async () => {
    const pool = await createPool({ workers, mode: "shared", warmUp: false });
    try {
      const lazy = jit(scaleRows); // resolved for the arguments' types on the pool
      const out = new Float64Array(W * H);
      const before = pool.sharedBytesInUse;
      await pool.forRows(lazy, 0, H, { args: [out, source.slice(), W, 2.5] });
      expect([...out]).toEqual([...expected]);
      expect(pool.sharedBytesInUse).toBe(before);
    } finally {
      await pool.close();
    }
  });
});

describe("jit with arrays on the pool: refusals", () => {
  it("message mode refuses, by name, a function that writes an array", async () => {
    const pool = await createPool({ workers: 2, mode: "message", warmUp: false });
    try {
      const fast = jit(scaleRows, "void(i32, i32, f64[], f64[], i32, f64)");
      await expect(pool.forRows(fast, 0, H, { args: [new Float64Array(W * H), source, W, 2.5] })).rejects.toThrow(
        /`scaleRows` writes its array `out`: on the pool, a function that writes an array needs shared memory/,
      );
    } finally {
      await pool.close();
    }
  });

  it("message mode sends arrays that are only read with each chunk, on 1, 2 and 3 workers", async () => {
    function weightedSum(lo: number, hi: number, xs: Float64Array, ws: Int32Array): number {
      let s = 0;
      for (let i = lo; i < hi; i++) s += xs[i] * ws[i % ws.length];
      return s;
    }
    const xs = Float64Array.from({ length: 10_001 }, (_, i) => (i % 17) - 8);
    const ws = Int32Array.from({ length: 7 }, (_, i) => i - 3);
    const fast = jit(weightedSum, "f64(i32, i32, f64[], i32[])");
    for (const workers of [1, 2, 3]) {
      const pool = await createPool({ workers, mode: "message", warmUp: false });
      try {
        const total = await pool.reduceRange(fast, 0, xs.length, { combine: "add", args: [xs, ws], chunks: 5 });
        expect(total).toBe(weightedSum(0, xs.length, xs, ws)); // integers: exact in any order
      } finally {
        await pool.close();
      }
    }
  });

  it("a wrong argument is named, and a trap in one chunk leaves the shared memory as it was", async () => {
    const pool = await createPool({ workers: 2, mode: "shared", warmUp: false });
    try {
      const fast = jit(scaleRows, "void(i32, i32, f64[], f64[], i32, f64)");
      await expect(pool.forRows(fast, 0, H, { args: [new Int32Array(4), source, W, 2.5] })).rejects.toThrow(
        /Expected `out` to be a Float64Array/,
      );
      const before = pool.sharedBytesInUse;
      // Rows past the arrays' end trap (index out of range) in the chunks that reach them.
      await expect(pool.forRows(fast, 0, H + 5, { args: [new Float64Array(W * H), source, W, 2.5] })).rejects.toThrow(/scaleRows/);
      // The call rejects at the first trap; its blocks are given back once no chunk of it still runs.
      await expect.poll(() => pool.sharedBytesInUse, { timeout: 10_000 }).toBe(before);
      await pool.forRows(fast, 0, 1, { args: [new Float64Array(W * H), source, W, 2.5] }); // the pool still works
    } finally {
      await pool.close();
    }
  });
});
