// createPool({ workerUrl }): the pool's worker script from where the caller hosts it; a script that
// cannot start fails createPool with a WorkerError naming the URL and why.
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
