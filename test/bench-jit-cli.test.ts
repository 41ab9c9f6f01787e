// `hotpath bench --set jit` as a command: it measures the chosen loops in Node, prints the jit table,
// writes bench-jit.json and bench-jit.md with --out, renders the same Markdown again with --from, prints
// the report as JSON with --json, and refuses bad arguments naming the option.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../src/bench/node/drive.ts";
import type { BenchReport, RuntimeResult } from "../src/bench/types.ts";

const run = promisify(execFile);
const root = packageRoot();
const dir = mkdtempSync(join(tmpdir(), "hotpath-bench-jit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) => run(process.execPath, ["build/cli.js", "bench", ...args], { cwd: root, timeout: 60_000 });

describe("hotpath bench --set jit", () => {
  it("measures the chosen loops, prints the table and writes JSON and Markdown that --from renders again", async () => {
    const { stdout, stderr } = await cli([
      "--set",
      "jit",
      "--runtimes",
      "node",
      "--cases",
      "sum,prefix-sum",
      "--size",
      "sum=20000",
      "--size",
      "prefix-sum=4096",
      "--out",
      dir,
    ]);
    expect(stdout).toMatch(/^hotpath bench --set jit · preset quick/);
    expect(stdout).toMatch(/\nsum +20000 +[\d.]+ (ns|µs|ms|s) /);
    expect(stdout).toContain("jit's speedup over plain JS in each runtime:");
    expect(stderr).toContain("[node] prefix-sum (2/2) done");
    const report = JSON.parse(readFileSync(join(dir, "bench-jit.json"), "utf8")) as BenchReport;
    expect(report.set).toBe("jit");
    const rt = report.runtimes[0] as RuntimeResult;
    expect(rt.cases.map((c) => c.id)).toEqual(["sum", "prefix-sum"]);
    expect(rt.cases[1].implementations.map((i) => [i.id, i.status])).toEqual([
      ["plain", "ok"],
      ["jit", expect.stringMatching(/^(ok|flat)$/)],
      ["jit-compiled", expect.stringMatching(/^(ok|flat)$/)],
      ["jit-zero-copy", expect.stringMatching(/^(ok|flat)$/)],
    ]);
    const again = await cli(["--from", join(dir, "bench-jit.json"), "--md"]);
    expect(again.stdout).toBe(readFileSync(join(dir, "bench-jit.md"), "utf8"));
    const json = await cli(["--from", join(dir, "bench-jit.json"), "--json"]);
    expect(JSON.parse(json.stdout)).toEqual(report);
  }, 90_000);

  it("exits 1 with a message naming the option for a bad set, a case of the other set, or --html", async () => {
    for (const [args, message] of [
      [["--set", "fast"], /`--set` to be "kernels" or "jit", got "fast"/],
      [["--set", "jit", "--cases", "sum,fnv1a64"], /`--cases` to be case ids among first-call, sum, .*got "fnv1a64"/],
      [["--set", "jit", "--html", "x.html"], /`--html and --png` to be unset with --set jit/],
    ] as const) {
      const failed = await cli([...args]).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toMatch(message);
    }
  });
});
