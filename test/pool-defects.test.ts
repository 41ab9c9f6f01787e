// Defects found from outside (issue 12), one test each: every one failed before its fix.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, WorkerError } from "../src/errors.ts";
import { kernels } from "../src/kernels/kernels.ts";
import { MAX_CHUNKS, createPool, type Pool } from "../src/pool/pool.ts";

const k = await kernels();
const functions = new URL("./pool-fixtures/functions.mjs", import.meta.url);
const fn = (name: string) => ({ module: functions, export: name });

/** A Float64Array whose buffer was transferred away. */
function detached(length = 8): Float64Array {
  const view = new Float64Array(length);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
}

describe.each(["shared", "message"] as const)("pool defects, %s mode", (mode) => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 2, mode, warmUp: false });
  });
  afterAll(() => pool?.close());

  it("chunks beyond MAX_CHUNKS is a named RangeError, sent nowhere", async () => {
    await expect(pool.sumIntegers(2n ** 40n, { chunks: 2 ** 24, signal: AbortSignal.timeout(20_000) })).rejects.toThrow(
      new RangeError(`Expected \`options.chunks\` to be an integer in [1, ${MAX_CHUNKS}], got 16777216 (number)`),
    );
  });

  it("a call of MAX_CHUNKS chunks completes with the right answer, and one aborted mid-way rejects at once", async () => {
    expect(await pool.sumIntegers(10_000_000n, { chunks: MAX_CHUNKS })).toBe(k.sumIntegers(10_000_000n));
    const controller = new AbortController();
    const call = pool.sumIntegers(2n ** 36n, { chunks: MAX_CHUNKS, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("enough")), 30);
    await expect(call).rejects.toThrow(new AbortError("sumRange was aborted: enough"));
    expect(await pool.sumIntegers(1000n)).toBe(499500n);
  }, 60_000);

  it("a worker dying on one call fails only that call, naming its chunk; calls queued behind it are not counted as retried", async () => {
    for (let round = 0; round < 4; round++) {
      const innocent = Array.from({ length: 4 }, (_, i) => pool.map(fn("slowSquare"), [1, 2, 3, 4, 5, 6, i], { chunks: 7 }));
      const dying = pool.map(fn("exitWorker"), [1]).catch((e) => e);
      const results = await Promise.allSettled(innocent);
      for (const [i, r] of results.entries()) {
        expect(r.status, String((r as PromiseRejectedResult).reason)).toBe("fulfilled");
        expect((r as PromiseFulfilledResult<number[]>).value).toEqual([1, 4, 9, 16, 25, 36, i * i]);
      }
      const error = await dying;
      expect(error).toBeInstanceOf(WorkerError);
      expect(error.message).toMatch(
        /^Worker \d+ died while running `exitWorker` on items \[0, 1\) of map\(exitWorker\) \(it exited with code 7\)/,
      );
    }
  }, 60_000);

  it("a worker dying beside a call of equal chunks (posted ahead, answered quietly) leaves that call's answer exact", async () => {
    const n = 1 << 18;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const y = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    const expected = await pool.dot(x, y);
    const saxpyExpected = await pool.saxpy(0.5, x, y.slice());
    for (let round = 0; round < 3; round++) {
      const dying = pool.map(fn("exitWorker"), [1]).catch((e) => e);
      const [dot, saxpy] = await Promise.all([pool.dot(x, y), pool.saxpy(0.5, x, y.slice())]);
      expect(dot).toBe(expected);
      expect(saxpy).toEqual(saxpyExpected);
      expect(await dying).toBeInstanceOf(WorkerError);
    }
    expect(pool.sharedBytesInUse).toBe(0);
  }, 60_000);

  it("a detached buffer is named, and the call throws instead of computing on nothing", async () => {
    await expect(pool.dot(detached(), detached())).rejects.toThrow(
      /Expected `a` to be a Float64Array whose buffer is not detached \(it was transferred\)/,
    );
    await expect(pool.dot(new Float64Array(8), detached())).rejects.toThrow(
      /Expected `b` to be a Float64Array whose buffer is not detached/,
    );
    await expect(pool.saxpy(2, detached(), new Float64Array(8))).rejects.toThrow(/`x` to be a Float64Array whose buffer is not detached/);
    await expect(pool.matmul(new Float64Array(4), detached(4), 2, 2, 2)).rejects.toThrow(
      /`b` to be a Float64Array whose buffer is not detached/,
    );
    const bytes = new Uint8Array(16);
    structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
    await expect(pool.hashMany([new Uint8Array(4), bytes])).rejects.toThrow(
      /`buffers\[1\]` to be a Uint8Array whose buffer is not detached/,
    );
    expect(pool.sharedBytesInUse).toBe(0);
  });

  it("null is a bad value, not the default, for call options and function refs", async () => {
    await expect(pool.hashMany(["abc"], { algorithm: null as never })).rejects.toThrow(
      /Expected `options.algorithm` to be "fnv1a64" or "xxhash64", got null/,
    );
    await expect(pool.hashMany(["abc"], { seed: null as never })).rejects.toThrow(/`options.seed`/);
    await expect(pool.map({ module: functions, export: null as never }, [1])).rejects.toThrow(
      /Expected `fn.export` to be a string, got null/,
    );
    await expect(pool.map({ wasm: null as never, export: "f" }, [1])).rejects.toThrow(
      /Expected `fn.wasm` to be a URL, bytes or a WebAssembly.Module, got null/,
    );
    await expect(pool.sumIntegers(10n, { chunks: null as never })).rejects.toThrow(/`options.chunks` to be an integer number, got null/);
    await expect(createPool({ workers: null as never })).rejects.toThrow(/`options.workers` to be a positive integer, got null/);
    await expect(createPool({ source: 42 as never, mode: "shared" })).rejects.toThrow(
      /`options.source` to be a URL, a URL string, bytes or a WebAssembly.Module, got 42/,
    );
  });

  it("matmul's output must fit in wasm memory, as on one thread (m = n = 24576, k = 1)", async () => {
    const n = 24576;
    const a = new Float64Array(n);
    await expect(pool.matmul(a, a, n, 1, n)).rejects.toThrow(/Expected `c \(m·n f64s\)` to fit in wasm memory/);
    expect(() => k.matmul(a, a, n, 1, n)).toThrow(/Expected `c \(m·n f64s\)` to fit in wasm memory/);
  });

  it("a buffer that would reach 4 GiB of wasm memory is refused before hashing (ptr + len would wrap to 0)", async () => {
    const huge = new Uint8Array(2 ** 32 - 1024);
    await expect(pool.hashMany([huge])).rejects.toThrow(/Expected `buffers\[0\]` to fit in wasm memory/);
    await expect(pool.hashMany([new Uint8Array(3), huge], { algorithm: "fnv1a64" })).rejects.toThrow(
      /`buffers\[1\]` to fit in wasm memory/,
    );
  });
});

describe("shared heap after a failed placement", () => {
  it("gives back what a call placed when a later input does not fit, so later calls that fit still run", async () => {
    await using pool = await createPool({ workers: 2, mode: "shared", warmUp: false });
    const baseline = pool.sharedBytesInUse;
    // 560 MB each: the first fits in the pool's 1 GiB shared memory, the second does not.
    const big = new Float64Array(70_000_000);
    const bytes = new Uint8Array(big.buffer);
    await expect(pool.dot(big, big)).rejects.toThrow(/Expected `b` to fit in the pool's shared memory/);
    expect(pool.sharedBytesInUse).toBe(baseline);
    await expect(pool.saxpy(1, big, big)).rejects.toThrow(/Expected `y` to fit in the pool's shared memory/);
    expect(pool.sharedBytesInUse).toBe(baseline);
    await expect(pool.hashMany([new Uint8Array(10), bytes, bytes])).rejects.toThrow(
      /Expected `buffers\[2\]` to fit in the pool's shared memory/,
    );
    expect(pool.sharedBytesInUse).toBe(baseline);
    await expect(pool.matmul(big, new Float64Array(70_000_000), 1, 70_000_000, 1)).rejects.toThrow(
      /Expected `b` to fit in the pool's shared memory/,
    );
    expect(pool.sharedBytesInUse).toBe(baseline);
    // A call that fits on a fresh pool fits here too.
    const half = big.subarray(0, 60_000_000);
    expect(await pool.dot(half, half)).toBe(0);
    expect(pool.sharedBytesInUse).toBe(baseline);
  }, 120_000);
});
