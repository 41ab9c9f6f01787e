// createPool({ workerUrl }) in Chromium: a worker script that cannot load fails createPool with a
// WorkerError that names the URL and why (HTTP status, MIME type), asked of the server after the fact.
import { describe, expect, it } from "vitest";
import { WorkerError, createPool } from "../../src/index.ts";

describe("options.workerUrl in Chromium", () => {
  it("starts the workers from the given script", async () => {
    const pool = await createPool({ workers: 2, warmUp: false, workerUrl: new URL("../../build/worker.browser.js", import.meta.url) });
    expect(await pool.sumIntegers(1000n)).toBe(499500n);
    await pool.close();
  });

  it("names a script that is not there (HTTP 404)", async () => {
    const url = new URL("/no-such-dir/worker.browser.js", location.href);
    const error = await createPool({ workers: 1, warmUp: false, workerUrl: url }).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.message).toMatch(/failed to start: its script could not run: HTTP 404/);
    expect(error.message).toContain(url.href);
  });

  it("names a script served with a MIME type a module worker refuses", async () => {
    const url = new URL("../../package.json", import.meta.url);
    const error = await createPool({ workers: 1, warmUp: false, workerUrl: url }).catch((e) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error.message).toMatch(
      /failed to start: its script could not run: .* was served as "application\/json", but a module worker needs a JavaScript MIME type/,
    );
    expect(error.message).toContain(url.href);
  });
});
