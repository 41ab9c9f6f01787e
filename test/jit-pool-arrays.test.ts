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

describe("lifetimes: arrays given back while calls use them", () => {
  it("jit.free of an array a running parallel call reads: the call keeps its block, gives the right answer, and frees it at its end", async () => {
    const { prange } = await import("../src/jit/index.ts");
    const { closeDefaultPool } = await import("../src/jit/parallel/default-pool.ts");
    function psum(a: Float64Array, reps: number) {
      let s = 0;
      for (const i of prange(0, a.length)) {
        let x = 0;
        for (let r = 0; r < reps; r++) x += a[i];
        s += x;
      }
      return s;
    }
    const parallel = jit(psum, { parallel: true });
    try {
      const n = 1 << 14;
      const a = jit.array(Float64Array, n).fill(1);
      const running = parallel(a, 2000);
      jit.free(a); // at once, before the pool has even placed it
      const b = jit.array(Float64Array, n).fill(1000);
      expect(b.byteOffset).not.toBe(a.byteOffset); // not a's block: the call still holds it
      expect(await running).toBe(n * 2000);
      await expect(parallel(a, 1)).rejects.toThrow(/Expected `a` to be an array from jit.array that was not freed yet/);
      // The call over, a's block is free: the next array of that size may take it.
      const c = jit.array(Float64Array, n);
      expect(c.byteOffset).toBe(a.byteOffset);
      jit.free(b);
      jit.free(c);
    } finally {
      await closeDefaultPool();
    }
  });

  it("a freed jit.array given to a pool of one's own is refused by name (it was copied in, and its results written into the block's next owner)", async () => {
    const pool = await createPool({ workers: 2, mode: "shared", warmUp: false });
    try {
      const rows = jit((r0: number, r1: number, out: Float64Array) => {
        for (let r = r0; r < r1; r++) out[r] = 7;
      }, "void(i32, i32, f64[])");
      const old = jit.array(Float64Array, 8);
      jit.free(old);
      const live = jit.array(Float64Array, 8);
      await expect(pool.forRows(rows, 0, 8, { args: [old] })).rejects.toThrow(
        "Expected `options.args[0]` to be an array that was not given back (this one was freed with jit.free)",
      );
      expect([...live]).toEqual(Array(8).fill(0));
      jit.free(live);
    } finally {
      await pool.close();
    }
  });

  it("a pool.alloc array disposed just after a forRows call started with it: the call keeps it to its end, as the built-in kernels do", async () => {
    const pool = await createPool({ workers: 2, mode: "shared", warmUp: false });
    try {
      const rows = jit((r0: number, r1: number, out: Float64Array) => {
        for (let r = r0; r < r1; r++) out[r] = r + 1;
      }, "void(i32, i32, f64[])");
      const out = pool.alloc(Float64Array, 16);
      const seen = new Float64Array(16);
      const call = pool.forRows(rows, 0, 16, { args: [out] }).then(() => seen.set(out));
      out.dispose();
      await call; // it rejected: the array was looked at only after the function was resolved
      expect([...seen]).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(pool.sharedBytesInUse).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("a view of part of a freed jit.array is refused while its block is not handed out again", () => {
    const fill = jit((x: Float64Array, v: number) => {
      for (let i = 0; i < x.length; i++) x[i] = v;
      return x.length;
    });
    const a = jit.array(Float64Array, 64);
    const part = a.subarray(8, 16);
    expect(fill(part, 1)).toBe(8);
    jit.free(a);
    expect(() => fill(a.subarray(0), 9)).toThrow("Expected `x` to be an array from jit.array that was not freed yet");
    expect(() => fill(part, 9)).toThrow("Expected `x` to be an array from jit.array that was not freed yet");
  });
});
