// `hotpath demo` end to end through the built CLI, at sizes small enough for a test.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const cli = fileURLToPath(new URL("../build/cli.js", import.meta.url));

describe("hotpath demo", () => {
  it("reports five correct results and their times as JSON, the pool's scaling included", async () => {
    const { stdout } = await run(process.execPath, [cli, "demo", "--n", "100_000", "--runs", "2", "--workers", "2", "--json"]);
    const report = JSON.parse(stdout);
    expect(report.exact).toBe("4999950000");
    expect(report.rows.map((r: { name: string }) => r.name)).toEqual([
      "TS number twin",
      "TS bigint twin",
      "wasm sumIntegers",
      "wasm SIMD (i64x2)",
      "wasm pool, 2 workers",
    ]);
    expect(report.pool).toMatchObject({ workers: 2, mode: "shared" });
    expect(report.pool.speedup).toBeGreaterThan(0);
    for (const row of report.rows) {
      expect(row.correct).toBe(true);
      expect(row.timesMs).toHaveLength(2);
      expect(row.medianMs).toBeGreaterThan(0);
    }
    expect(report.cold.correct).toBe(true);
    expect(report.machine.runtime).toMatch(/^Node v\d+/);
  });

  it("prints a table with the speedups", async () => {
    const { stdout } = await run(process.execPath, [cli, "demo", "--n", "1e5", "--runs", "1", "--workers", "1"]);
    expect(stdout).toMatch(/exact answer 4999950000/);
    expect(stdout).toMatch(/wasm sumIntegers\s+4999950000\s+yes/);
    expect(stdout).toMatch(/wasm SIMD \(i64x2\)\s+4999950000\s+yes/);
    expect(stdout).toMatch(/wasm pool, 1 worker\s+4999950000\s+yes/);
    expect(stdout).toMatch(/Pool: 1 workers? \(shared memory/);
    expect(stdout).toMatch(/vs number/);
  });

  it("shows the number twin going wrong past 2^53 without running the whole loop", async () => {
    // n = 1.4e8: the sum (9.8e15) passes 2^53 ≈ 9.007e15, so doubles stop counting by ones. The slow bigint
    // twin is left out (--bigint-runs 0) to keep the test short.
    const { stdout } = await run(
      process.execPath,
      [cli, "demo", "--n", "140000000", "--runs", "1", "--bigint-runs", "0", "--workers", "0", "--json"],
      { timeout: 120_000 },
    );
    const report = JSON.parse(stdout);
    const numberRow = report.rows.find((r: { name: string }) => r.name === "TS number twin");
    const wasmRow = report.rows.find((r: { name: string }) => r.name === "wasm sumIntegers");
    expect(report.exact).toBe("9799999930000000");
    expect(numberRow.correct).toBe(false);
    expect(wasmRow.correct).toBe(true);
  }, 120_000);

  it("rejects a bad --n with a message naming it", async () => {
    const error = await run(process.execPath, [cli, "demo", "--n=-5"]).catch((e) => e);
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/Expected `--n` to be a non-negative integer such as 100000000 or 1e8, got "-5"/);
  });
});
