// Lifecycle: close and `await using` end every worker (the process exits by itself), calls after
// close throw, and shared memory handed out for a call is given back.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PoolClosedError } from "../src/errors.ts";
import { createPool } from "../src/pool/pool.ts";

const run = promisify(execFile);

describe("pool lifecycle", () => {
  it("repeated create and close leave no worker behind: the process exits on its own", async () => {
    const script = fileURLToPath(new URL("./pool-fixtures/create-close.mts", import.meta.url));
    const started = Date.now();
    // Generous: the machine may be busy. A worker left behind would keep the child alive until killed.
    const { stdout } = await run(process.execPath, ["--import", "tsx", script], { timeout: 100_000, killSignal: "SIGKILL" });
    expect(stdout.trim()).toBe("done");
    expect(Date.now() - started).toBeLessThan(100_000);
  }, 120_000);

  it("keepAlive: false: an unclosed pool holds the process only while a call is in flight", async () => {
    const script = fileURLToPath(new URL("./pool-fixtures/keep-alive.mts", import.meta.url));
    const { stdout } = await run(process.execPath, ["--import", "tsx", script], { timeout: 60_000, killSignal: "SIGKILL" });
    expect(stdout.trim().split("\n").sort()).toEqual(["message 300", "shared 300"]);
  }, 90_000);

  it("close() is idempotent and later calls throw PoolClosedError", async () => {
    const pool = await createPool({ workers: 2, warmUp: false });
    expect(pool.closed).toBe(false);
    await Promise.all([pool.close(), pool.close()]);
    expect(pool.closed).toBe(true);
    expect(pool.size).toBe(0);
    await expect(pool.sumIntegers(10n)).rejects.toThrow(PoolClosedError);
    await expect(pool.map({ module: "file:///x.mjs" }, [1])).rejects.toThrow(/The pool is closed/);
  });

  it("Symbol.asyncDispose closes the pool", async () => {
    const pool = await createPool({ workers: 1, warmUp: false });
    await pool[Symbol.asyncDispose]();
    expect(pool.closed).toBe(true);
  });

  it("shared memory taken by calls is given back when they end, resolved or rejected", async () => {
    const pool = await createPool({ workers: 2, mode: "shared", warmUp: false });
    const baseline = pool.sharedBytesInUse;
    await pool.mandelbrot({ width: 64, height: 64, maxIter: 50 });
    await pool.matmul(new Float64Array(16).fill(1), new Float64Array(16).fill(2), 4, 4, 4);
    await pool.hashMany([new Uint8Array(100), "abc"]);
    await pool.countPrimes(100_000);
    expect(pool.sharedBytesInUse).toBe(baseline);
    await pool.close();
  });
});
