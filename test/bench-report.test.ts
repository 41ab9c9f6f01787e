// The report files: `hotpath bench --out` writes JSON, Markdown and HTML that are well formed and
// carry the machine, runtime versions and date; the HTML opens in Chromium and draws its charts.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itWith } from "./support/tools.ts";
import { packageRoot } from "../src/bench/node/drive.ts";
import { asReport, formatSize, formatSpeedup, toHtml, toMarkdown, toText } from "../src/bench/report/index.ts";
import { findRuntimes } from "../src/bench/node/runtimes.ts";
import { screenshotReport } from "../src/bench/node/screenshot.ts";
import type { BenchReport, RuntimeResult } from "../src/bench/types.ts";

const run = promisify(execFile);
const root = packageRoot();
const dir = mkdtempSync(join(tmpdir(), "hotpath-bench-report-"));
let report: BenchReport;
let stdout: string;

beforeAll(async () => {
  // Node only, two cases, small sizes: what matters here is the files, not the numbers.
  ({ stdout } = await run(
    process.execPath,
    [
      "build/cli.js",
      "bench",
      "--runtimes",
      "node",
      "--cases",
      "sum,collatz",
      "--size",
      "sum=200000",
      "--size",
      "collatz=5000",
      "--out",
      dir,
      "--md",
    ],
    { cwd: root, timeout: 170_000 },
  ));
  report = JSON.parse(readFileSync(join(dir, "bench.json"), "utf8"));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hotpath bench --out", () => {
  it("writes bench.json with the machine, the date and each runtime's version", () => {
    for (const f of ["bench.json", "bench.md", "bench.html"]) expect(existsSync(join(dir, f))).toBe(true);
    expect(report.tool).toBe("hotpath bench");
    expect(Date.parse(report.date)).toBeGreaterThan(Date.parse("2024-01-01"));
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.cpu).not.toBe("");
    const rt = report.runtimes[0] as RuntimeResult;
    expect(rt.runtime.version).toMatch(/^Node v/);
    expect(rt.cases.map((c) => c.id)).toEqual(["sum", "collatz"]);
    const wasm = rt.cases[0].implementations.find((i) => i.id === "wasm")!;
    expect(wasm.status).toBe("ok");
    expect(wasm.full!.medianMs).toBeGreaterThan(0);
    expect(wasm.full!.minMs).toBeLessThanOrEqual(wasm.full!.medianMs);
    expect(wasm.full!.maxMs).toBeGreaterThanOrEqual(wasm.full!.medianMs);
    expect(wasm.coldMs).toBeGreaterThan(0);
  });

  it("writes Markdown tables whose rows all have the header's column count, and prints the same on --md", () => {
    const md = readFileSync(join(dir, "bench.md"), "utf8");
    expect(stdout).toBe(md);
    expect(md).toContain(`machine: ${report.machine.os}`);
    expect(md).toContain(report.date.slice(0, 10));
    const tables = md.split("\n\n").filter((block) => block.startsWith("| "));
    expect(tables.length).toBeGreaterThanOrEqual(2);
    for (const t of tables) {
      const lines = t.trim().split("\n");
      const cols = (line: string) => line.replaceAll("\\|", "").split("|").length;
      expect(lines[1]).toMatch(/^\| (---:?|:?---)( \| (---:?))*/);
      for (const line of lines) expect(cols(line)).toBe(cols(lines[0]));
    }
    expect(md).toMatch(/\| sum \| 2e5 \| TS number twin \| [\d.]+ (ms|µs) \| TS \|/);
  });

  it("writes a self-contained HTML report: inline SVG charts, no scripts, nothing fetched", () => {
    const html = readFileSync(join(dir, "bench.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="speedup-chart"');
    expect(html).toContain('id="scaling-chart"');
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import/);
    expect(html).toContain(report.machine.cpu);
  });

  const chromium = findRuntimes("chromium", root)[0];
  itWith("browser", "skipped" in chromium ? chromium.skipped : undefined)(
    "opens in Chromium and draws both charts (the screenshots are not blank)",
    async () => {
      const html = readFileSync(join(dir, "bench.html"), "utf8");
      const speedup = await screenshotReport(html, (chromium as { path: string }).path, "#speedup-chart");
      expect(speedup.width).toBeGreaterThan(500);
      // Bars, axis and labels: thousands of painted pixels in several colours (one per runtime, plus text).
      expect(speedup.painted).toBeGreaterThan(5000);
      expect(speedup.colours).toBeGreaterThan(3);
      expect([...speedup.png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
      const scaling = await screenshotReport(html, (chromium as { path: string }).path, "#scaling-chart");
      expect(scaling.painted).toBeGreaterThan(2000);
    },
    60_000,
  );

  it("says in words, instead of drawing empty axes, when there is nothing to chart", () => {
    const rt = report.runtimes[0] as RuntimeResult;
    const empty: BenchReport = { ...report, runtimes: [{ ...rt, cases: [] }] };
    const html = toHtml(empty);
    expect(html).toContain("No speedups to draw");
    expect(html).toContain("No scaling curve");
  });
});

describe("hotpath bench --from and bad arguments", () => {
  it("renders an earlier run's JSON again without measuring: the same Markdown", async () => {
    const again = await run(process.execPath, ["build/cli.js", "bench", "--from", join(dir, "bench.json"), "--md"], {
      cwd: root,
      timeout: 30_000,
    });
    expect(again.stdout).toBe(readFileSync(join(dir, "bench.md"), "utf8"));
  });

  it("exits 1 with a message naming the option for a bad preset, case, size or --from file", async () => {
    for (const [args, message] of [
      [["--preset", "fast"], /`--preset` to be one of quick, full, got "fast"/],
      [["--cases", "sum,nope"], /`--cases` to be case ids among .*got "nope"/],
      [["--size", "sum=1"], /`--size` to be case=n with an integer n ≥ 2/],
      [["--from", "package.json"], /`--from` to be a JSON file written by hotpath bench/],
    ] as const) {
      const failed = await run(process.execPath, ["build/cli.js", "bench", ...args], { cwd: root, timeout: 30_000 }).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toMatch(message);
    }
  });
});

describe("report formatting", () => {
  it("formats sizes and speedups compactly", () => {
    expect([
      formatSize(100_000_000),
      formatSize(150_000_000),
      formatSize(1 << 20),
      formatSize(1 << 18),
      formatSize(160),
      formatSize(123_457),
    ]).toEqual(["1e8", "1.5e8", "1 Mi", "256 Ki", "160", "123457"]);
    expect([formatSpeedup(3.14159), formatSpeedup(27.4), formatSpeedup(0.0123), formatSpeedup(undefined)]).toEqual([
      "3.1×",
      "27×",
      "0.012×",
      "–",
    ]);
  });

  it("shows a wrong answer as WRONG in every format, never with a speedup", () => {
    const rt = report.runtimes[0] as RuntimeResult;
    const sum = structuredClone(rt.cases[0]);
    const twin = sum.implementations.find((i) => i.id === "ts-number")!;
    Object.assign(twin, { status: "wrong", note: "answered 1 at n = 200000, expected 2", speedup: undefined });
    const one = asReport({ ...rt, cases: [sum] });
    expect(toText(one)).toMatch(/TS number twin\s+WRONG/);
    expect(toMarkdown(one)).toMatch(/\| TS number twin \| WRONG [\d.]+ (ms|µs) \| {2}\|/);
    expect(toHtml(one)).toMatch(/<td class="bad">WRONG/);
  });
});
