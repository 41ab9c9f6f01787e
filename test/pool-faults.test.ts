// Faults: a trap rejects only its call, a dead worker is replaced (its chunk retried once), an
// AbortSignal cancels queued and running work, close rejects what is in flight, options are checked.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AbortError, KernelError, PoolClosedError, WorkerError } from "../src/errors.ts";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool, type Pool } from "../src/pool/pool.ts";
import { trapWasm } from "./pool-fixtures/wat.ts";

const k = await kernels();
const functions = new URL("./pool-fixtures/functions.mjs", import.meta.url);
const fn = (name: string) => ({ module: functions, export: name });

/** Waits until `check` holds (the pool replaces workers in the background). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(["shared", "message"] as const)("faults, %s mode", (mode) => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 2, mode, warmUp: false });
  });
  afterAll(() => pool?.close());

  it("a trap rejects only its call, with a KernelError naming the kernel and the worker", async () => {
    const boom = { wasm: trapWasm(), export: "boom" };
    const error = await pool.map(boom, [1, 2, 3, 4], { chunks: 4 }).catch((e) => e);
    expect(error).toBeInstanceOf(KernelError);
    expect(error.kernel).toBe("boom");
    expect(error.message).toMatch(/^Kernel `boom` trapped: unreachable.* \(in worker \d+, items \[2, 3\) of map\(boom\)\)$/);
    // map calls fn(item, index): div(5, 0) divides by zero.
    const div = await pool.map({ wasm: trapWasm(), export: "div" }, [5]).catch((e) => e);
    expect(div).toBeInstanceOf(KernelError);
    expect(div.message).toMatch(/^Kernel `div` trapped: divide by zero/);
    // The pool is still whole and computes.
    expect(pool.size).toBe(2);
    expect(await pool.map(boom, [1, 2, 4])).toEqual([1, 2, 4]);
    expect(await pool.sumIntegers(100_000n)).toBe(k.sumIntegers(100_000n));
  });

  it("a worker that dies is replaced; its chunk is retried once, then the call fails with WorkerError", async () => {
    const error = await pool.map(fn("exitWorker"), [1]).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.message).toMatch(
      /^Worker \d+ died while running `exitWorker` on items \[0, 1\) of map\(exitWorker\) \(it exited with code 7\); that chunk had already been retried once/,
    );
    await until(() => pool.size === 2, "the replacements");
    expect(await pool.sumIntegers(1_000_000n)).toBe(k.sumIntegers(1_000_000n));
  });

  it("a chunk whose worker died once succeeds on its retry", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotpath-pool-"));
    try {
      const [result] = await pool.map<string, string>(fn("exitOnce"), [join(dir, "marker")]);
      expect(result).toMatch(/^ok in thread \d+$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await until(() => pool.size === 2, "the replacement");
  });

  it("an abort stops running work: the call rejects with AbortError and the worker is replaced", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const call = pool.map(fn("spin"), [60_000], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user pressed stop")), 100);
    const error = await call.catch((e) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(error.message).toBe("map(spin) was aborted: user pressed stop");
    // Well under the 60 s the chunk would have taken: it was stopped, not waited for.
    expect(Date.now() - started).toBeLessThan(50_000);
    await until(() => pool.size === 2, "the replacement");
    expect(await pool.sumIntegers(10n)).toBe(45n);
  });

  it("an abort drops queued work without touching other calls", async () => {
    const threads = await pool.map(fn("whichThread"), [0, 1], { chunks: 2 });
    const busy = pool.map(fn("spin"), [300, 300], { chunks: 2 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const controller = new AbortController();
    const queued = pool.sumIntegers(1000n, { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toThrow(AbortError);
    expect(await busy).toEqual([300, 300]);
    // No worker was stopped for it: the same threads answer.
    expect(new Set(await pool.map(fn("whichThread"), [0, 1, 2, 3], { chunks: 4 }))).toEqual(new Set(threads));
    const already = AbortSignal.abort();
    await expect(pool.sumIntegers(10n, { signal: already })).rejects.toThrow(/sumRange was aborted/);
  });

  it("an abort that stops workers puts the other calls' chunks waiting behind it back in the queue", async () => {
    const controller = new AbortController();
    // Both workers run a chunk of the spinning call; each then has a chunk of `waiting` queued behind it.
    const spinning = pool.map(fn("spin"), [60_000, 60_000], { chunks: 2, signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = pool.sumRange(0n, 100n, { chunks: 2 });
    controller.abort();
    await expect(spinning).rejects.toThrow(AbortError);
    expect(await waiting).toBe(4950n);
    await until(() => pool.size === 2, "the replacements");
  });

  it("an aborted Mandelbrot gives its shared memory back once its workers are stopped", async () => {
    await until(() => pool.size === 2, "a full pool");
    const before = pool.sharedBytesInUse;
    const controller = new AbortController();
    const call = pool.mandelbrot({ width: 2000, height: 2000, maxIter: 100_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toThrow(AbortError);
    await until(() => pool.size === 2, "the replacements");
    await until(() => pool.sharedBytesInUse === before, "the image's memory to be freed");
    expect(await pool.mandelbrot({ width: 20, height: 10, maxIter: 50 })).toEqual(k.mandelbrot({ width: 20, height: 10, maxIter: 50 }));
  });
});

describe("close with work in flight", () => {
  it("rejects running and queued calls with PoolClosedError and ends the workers", async () => {
    const pool = await createPool({ workers: 2, warmUp: false });
    // Two chunks run, the third and the sum wait in the queue.
    const running = pool.map(fn("spin"), [60_000, 60_000, 60_000], { chunks: 3 }).catch((e) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const queued = pool.sumIntegers(1000n).catch((e) => e);
    await pool.close();
    expect(await running).toBeInstanceOf(PoolClosedError);
    expect(await queued).toBeInstanceOf(PoolClosedError);
    expect((await queued).message).toBe("The pool was closed while this call was queued or running");
    expect(pool.size).toBe(0);
    await expect(pool.sumIntegers(1n)).rejects.toThrow(/The pool is closed/);
  });
});

describe("options", () => {
  it("rejects bad pool options with messages naming the option", async () => {
    await expect(createPool({ workers: 0 })).rejects.toThrow(
      new RangeError("Expected `options.workers` to be a positive integer, got 0 (number)"),
    );
    await expect(createPool({ workers: 1.5 })).rejects.toThrow(/`options.workers` to be a positive integer, got 1.5 \(number\)/);
    await expect(createPool({ workers: "2" as never })).rejects.toThrow(TypeError);
    await expect(createPool({ wrkers: 2 } as never)).rejects.toThrow(/Unknown option `options.wrkers`; expected one of: `workers`/);
    await expect(createPool({ mode: "threads" as never })).rejects.toThrow(
      /`options.mode` to be "auto", "shared" or "message", got "threads" \(string\)/,
    );
    await expect(createPool({ chunksPerWorker: 0 })).rejects.toThrow(RangeError);
    await expect(createPool({ warmUp: "yes" as never })).rejects.toThrow(/`options.warmUp` to be a boolean/);
    await expect(createPool({ keepAlive: 0 as never })).rejects.toThrow(/`options.keepAlive` to be a boolean, got 0 \(number\)/);
    await expect(createPool({ source: new Uint8Array([1, 2, 3]), mode: "message" })).rejects.toThrow(/not a valid WebAssembly module/);
  });

  it("refuses a module that does not fit the data path, and a worker that cannot start fails createPool", async () => {
    const release = new URL("../build/hotpath.wasm", import.meta.url);
    const threads = new URL("../build/hotpath.threads.wasm", import.meta.url);
    await expect(createPool({ workers: 1, mode: "shared", threadsSource: release })).rejects.toThrow(
      /not a threads build: it imports no memory/,
    );
    // The threads build needs an imported memory that message mode does not give: the workers' init fails.
    const error = await createPool({ workers: 2, mode: "message", source: threads }).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.message).toMatch(/^Worker \d+ failed to start: .*memory/);
  });

  it("rejects bad call arguments before sending anything", async () => {
    await using pool = await createPool({ workers: 1, warmUp: false });
    await expect(pool.sumIntegers(-1)).rejects.toThrow(/Expected `n` to be a u64/);
    await expect(pool.sumIntegers(10n, { chunks: 0 })).rejects.toThrow(/`options.chunks` to be an integer in \[1, /);
    await expect(pool.sumIntegers(10n, { signal: 5 as never })).rejects.toThrow(/`options.signal` to be an AbortSignal, got 5 \(number\)/);
    await expect(pool.sumIntegers(10n, { chunk: 2 } as never)).rejects.toThrow(/Unknown option `options.chunk`/);
    await expect(pool.mandelbrot({ width: 0, height: 1, maxIter: 1 })).rejects.toThrow(/`options.width`/);
    await expect(pool.countPrimes(2n ** 64n)).rejects.toThrow(/`n` to be a u64/);
    await expect(pool.matmul(new Float64Array(3), new Float64Array(4), 2, 2, 2)).rejects.toThrow(
      /`a` to be a Float64Array of length m·k = 4/,
    );
    await expect(pool.hashMany([1 as never])).rejects.toThrow(/`buffers\[0\]`/);
    await expect(pool.longestCollatz(1n)).rejects.toThrow(/`limit` to be at least 2/);
    await expect(pool.monteCarloPi(0)).rejects.toThrow(/`samples`/);
    expect(pool.size).toBe(1);
  });
});
