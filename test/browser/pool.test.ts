// The worker pool in real Chromium, cross-origin isolated (COOP/COEP): module Web Workers sharing one
// WebAssembly.Memory. Results must equal the single-thread kernels'.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, KernelError, WorkerError, createPool, kernels, type Kernels, type Pool } from "../../src/index.ts";

const functions = new URL("../pool-fixtures/browser-functions.mjs", import.meta.url);

describe("pool in Chromium, cross-origin isolated", () => {
  let pool: Pool;
  let k: Kernels;
  beforeAll(async () => {
    k = await kernels();
    pool = await createPool({ workers: 3 });
  });
  afterAll(() => pool?.close());

  it("chooses shared memory by itself and says why", () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(pool.mode).toBe("shared");
    expect(pool.modeReason).toMatch(/SharedArrayBuffer can be posted/);
    expect(pool.size).toBe(3);
  });

  it("computes what one thread computes, for several chunk counts", async () => {
    const view = { width: 80, height: 50, maxIter: 300 };
    for (const chunks of [undefined, 1, 7]) {
      expect(await pool.sumIntegers(2_000_000n, { chunks })).toBe(k.sumIntegers(2_000_000n));
      expect(await pool.mandelbrot({ ...view, chunks })).toEqual(k.mandelbrot(view));
      expect(await pool.countPrimes(200_000, { chunks })).toBe(k.countPrimes(200_000));
      expect(await pool.monteCarloPi(500_000n, 3n, { chunks })).toEqual(k.monteCarloPi(500_000n, 3n));
      expect(await pool.longestCollatz(30_000n, { chunks })).toEqual(k.longestCollatz(30_000n));
    }
    const a = Float64Array.from({ length: 30 }, (_, i) => i / 7);
    const b = Float64Array.from({ length: 30 }, (_, i) => 1 - i / 11);
    expect(await pool.matmul(a, b, 5, 6, 5)).toEqual(k.matmul(a, b, 5, 6, 5));
    expect(Array.from(await pool.hashMany(["a", "bc", new Uint8Array(300)]))).toEqual(
      ["a", "bc", new Uint8Array(300)].map((x) => k.xxhash64(x)),
    );
  });

  it("runs the user's functions from an ES module URL", async () => {
    expect(await pool.map({ module: functions, export: "square" }, [1, 2, 3, 4, 5])).toEqual([1, 4, 9, 16, 25]);
    const total = await pool.reduceRange({ module: functions, export: "sumRange" }, 0n, 100_000n, {
      combine: (x: bigint, y: bigint) => BigInt.asUintN(64, x + y),
      initial: 0n,
    });
    expect(total).toBe(k.sumRange(0n, 100_000n));
  });

  it("forRows writes disjoint rows of a SharedArrayBuffer", async () => {
    const [height, width] = [31, 9];
    const buffer = new SharedArrayBuffer(4 * height * width);
    await pool.forRows({ module: functions, export: "writeRows" }, 0, height, { args: [buffer, width], chunks: 5 });
    expect(new Int32Array(buffer)).toEqual(
      Int32Array.from({ length: height * width }, (_, i) => Math.floor(i / width) * 1000 + (i % width)),
    );
  });

  it("a worker that dies is replaced, and the call fails with WorkerError after one retry", async () => {
    const error = await pool.map({ module: functions, export: "crash" }, [1]).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.message).toMatch(/died while running `crash`.*crashed on purpose/);
    // Two replacements start (the first worker's, and the one the retry killed): on a loaded machine that takes a while.
    const deadline = Date.now() + 45_000;
    while (pool.size < 3 && !pool.replacementError && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(pool.replacementError).toBeUndefined();
    expect(pool.size).toBe(3);
    expect(await pool.sumIntegers(1000n)).toBe(499500n);
  });

  it("an abort stops a running chunk", async () => {
    const controller = new AbortController();
    const call = pool.map({ module: functions, export: "spin" }, [30_000], { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(call).rejects.toThrow(AbortError);
    expect(await pool.sumIntegers(100n)).toBe(4950n);
  });

  it("a trap names the kernel and the worker", async () => {
    // unreachable when x = 3 (the same module as in the Node tests, as bytes).
    const bytes = Uint8Array.from(atob("AGFzbQEAAAABBgFgAX8BfwMCAQAHCAEEYm9vbQAACg8BDQAgAEEDRgRAAAsgAAs="), (c) => c.charCodeAt(0));
    const error = await pool.map({ wasm: bytes, export: "boom" }, [1, 2, 3]).catch((e) => e);
    expect(error).toBeInstanceOf(KernelError);
    expect(error.message).toMatch(/^Kernel `boom` trapped: unreachable.*in worker \d+/);
  });
});
