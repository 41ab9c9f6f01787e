// createPool({ workerUrl }): the pool's worker script from where the caller hosts it; a script that
// cannot start fails createPool with a WorkerError naming the URL and why.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WorkerError } from "../src/errors.ts";
import { createPool } from "../src/pool/pool.ts";

describe("options.workerUrl in Node", () => {
  it("starts the workers from the given script", async () => {
    const workerUrl = new URL("../build/worker.node.js", import.meta.url);
    for (const mode of ["shared", "message"] as const) {
      await using pool = await createPool({ workers: 2, mode, warmUp: false, workerUrl: workerUrl.href });
      expect(await pool.sumIntegers(1000n)).toBe(499500n);
    }
  });

  it("names the script that cannot start, and why", async () => {
    const missing = new URL("./no-such-dir/worker.node.js", import.meta.url);
    const error = await createPool({ workers: 1, warmUp: false, workerUrl: missing }).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.message).toMatch(/^Worker \d+ failed to start: it threw Error: Cannot find module/);
    expect(error.message).toContain(`(worker script ${missing.href})`);
    // worker_threads take file: URLs only: the reason says so, with the URL.
    const remote = await createPool({ workers: 1, warmUp: false, workerUrl: "https://cdn.example/worker.js" }).catch((e) => e);
    expect(remote).toBeInstanceOf(WorkerError);
    expect(remote.message).toMatch(/^Worker \d+ failed to start: .*\(worker script https:\/\/cdn\.example\/worker\.js\)$/);
  });
});

describe("a replacement that cannot start", () => {
  it("is tried three times; then the pool runs on with fewer workers, says why, and fails calls once none is left", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotpath-gate-"));
    const gate = join(dir, "closed");
    process.env.HOTPATH_TEST_GATE = gate;
    const functions = new URL("./pool-fixtures/functions.mjs", import.meta.url);
    const exitWorker = { module: functions, export: "exitWorker" };
    try {
      await using pool = await createPool({
        workers: 2,
        warmUp: false,
        workerUrl: new URL("./pool-fixtures/gated-worker.mjs", import.meta.url),
      });
      expect(pool.replacementError).toBeUndefined();
      writeFileSync(gate, "");
      // The chunk kills its worker, and the one it is retried on: both replacements fail to start.
      expect(await pool.map(exitWorker, [1]).catch((e) => e)).toBeInstanceOf(WorkerError);
      // Queued until the last replacement has failed its third try, then failed with all the others.
      const call = await pool.sumIntegers(10n).catch((e) => e);
      expect(call).toBeInstanceOf(WorkerError);
      expect(call.message).toMatch(/^No worker left: a replacement could not start/);
      expect(pool.size).toBe(0);
      expect(pool.replacementError).toBeInstanceOf(WorkerError);
      expect(pool.replacementError!.message).toMatch(/^Worker \d+ failed to start: .*the gate .* is closed/);
      expect(readFileSync(`${gate}.refused`, "utf8")).toBe("xxxxxx"); // two replacements, three tries each
      // Now that none is left or starting, a call fails at once.
      await expect(pool.sumIntegers(10n)).rejects.toThrow(/^No worker left/);
    } finally {
      delete process.env.HOTPATH_TEST_GATE;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
