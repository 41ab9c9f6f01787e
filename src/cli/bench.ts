// `hotpath bench`: the suite in every runtime (node, deno, bun, chromium), with live progress on
// stderr and the report as text, JSON, Markdown and HTML.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { expected } from "../errors.ts";
import { BUILTIN_CASE_IDS } from "../bench/cases.ts";
import { JIT_CASE_IDS } from "../bench/jit/loop-specs.ts";
import { toJitMarkdown, toJitText } from "../bench/jit/report.ts";
import { benchRuntimes, packageRoot } from "../bench/node/drive.ts";
import { findRuntimes } from "../bench/node/runtimes.ts";
import { screenshotReport } from "../bench/node/screenshot.ts";
import { toHtml, toJson, toMarkdown, toText } from "../bench/report/index.ts";
import { PRESETS } from "../bench/presets.ts";
import type { BenchProgress, BenchReport, PresetName } from "../bench/types.ts";

const HELP = `Usage: hotpath bench [options]

Measures every built-in kernel against its plain-TypeScript twins (and wasm SIMD, C compiled by gcc
and by clang to wasm, the pool with 1 and 2 workers in both modes, and bare threads: the same work on
plain threads with no pool, each pool row's "vs bare" reference) in Node, Deno, Bun and Chromium, one
runtime after the other. Each answer is checked; a case whose time does not grow with its input is flagged.

With --set jit: plain JavaScript loops against the same functions given to hotpath/jit (ordinary
typed arrays, and arrays from jit.array: zero-copy), the AssemblyScript kernel where one computes the
same answer, and each jitted function's first call against its later calls (npm run bench:jit).

Options:
  --set <kernels|jit>     the case set: the built-in kernels (default) or jit
  --preset <quick|full>   quick: seconds per runtime, proves the machinery (default); full: real numbers
  --runtimes <list>       comma-separated among node, deno, bun, chromium; name=path picks a binary
                          (default: node,deno,bun,chromium; a missing one is reported as skipped)
  --cases <list>          cases of the set to run (default: all): ${BUILTIN_CASE_IDS.join(", ")};
                          with --set jit: ${JIT_CASE_IDS.join(", ")}
  --size <case=n>         input size of a case, overriding the preset (repeatable)
  --json                  print the report as JSON on stdout instead of the table
  --md                    print the report as Markdown on stdout instead of the table
  --html <file>           write the self-contained HTML report (charts as inline SVG; not with --set jit)
  --out <dir>             write bench.json, bench.md and bench.html into <dir> (--set jit: bench-jit.json, bench-jit.md)
  --png <file>            write PNGs of the charts (drawn by Chromium), for a README: <file> (speedups)
                          and <file>-scaling.png (workers), where there is a scaling chart
  --from <bench.json>     measure nothing: render the reports of an earlier run's JSON
  -h, --help              show this help

Exit status: 0 when every answer was right (the number twin past 2^53 is expected to be wrong),
1 when an implementation answered wrong or failed (with --set jit: a jit row whose answer is not
plain JavaScript's, or a row that could not run).`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      set: { type: "string", default: "kernels" },
      preset: { type: "string", default: "quick" },
      runtimes: { type: "string", default: "node,deno,bun,chromium" },
      cases: { type: "string" },
      size: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      md: { type: "boolean", default: false },
      html: { type: "string" },
      out: { type: "string" },
      png: { type: "string" },
      from: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!(values.preset in PRESETS)) throw new RangeError(expected("--preset", `one of ${Object.keys(PRESETS).join(", ")}`, values.preset));
  if (values.set !== "kernels" && values.set !== "jit") throw new RangeError(expected("--set", '"kernels" or "jit"', values.set));
  const jitSet = values.set === "jit";
  if (jitSet && (values.html || values.png))
    throw new RangeError(expected("--html and --png", "unset with --set jit (it prints text, --md or --json)", values.html ?? values.png));
  const ids: readonly string[] = jitSet ? JIT_CASE_IDS : BUILTIN_CASE_IDS;
  const builtins = values.cases?.split(",").map((s) => s.trim());
  for (const id of builtins ?? []) if (!ids.includes(id)) throw new RangeError(expected("--cases", `case ids among ${ids.join(", ")}`, id));
  const sizes: Record<string, number> = {};
  for (const s of values.size ?? []) {
    const m = /^([^=]+)=(\d+(?:\.\d+)?(?:e\d+)?)$/i.exec(s.replaceAll("_", ""));
    const n = m ? Number(m[2]) : NaN;
    if (!m || !Number.isSafeInteger(n) || n < 2)
      throw new RangeError(expected("--size", "case=n with an integer n ≥ 2, such as sum=1e8", s));
    sizes[m[1]] = n;
  }

  let report: BenchReport;
  if (values.from) report = loadReport(await readFile(values.from, "utf8"), values.from);
  else {
    const progress = progressLine(values.runtimes.split(",").filter(Boolean).length);
    report = await benchRuntimes({
      ...(jitSet ? { set: "jit" as const } : {}),
      preset: values.preset as PresetName,
      runtimes: values.runtimes,
      ...(builtins ? { builtins } : {}),
      ...(Object.keys(sizes).length ? { sizes } : {}),
      onProgress: progress.update,
      onNote: progress.note,
    });
    progress.done();
  }

  if (report.set === "jit") return printJit(report, values);

  if (values.out) {
    await mkdir(values.out, { recursive: true });
    await writeFile(join(values.out, "bench.json"), toJson(report));
    await writeFile(join(values.out, "bench.md"), toMarkdown(report));
    await writeFile(join(values.out, "bench.html"), toHtml(report));
    process.stderr.write(`hotpath bench: wrote ${["bench.json", "bench.md", "bench.html"].map((f) => join(values.out!, f)).join(", ")}\n`);
  }
  if (values.html) {
    await writeFile(values.html, toHtml(report));
    process.stderr.write(`hotpath bench: wrote ${values.html}\n`);
  }
  if (values.png) {
    const browser = findRuntimes("chromium", packageRoot())[0];
    if ("skipped" in browser) process.stderr.write(`hotpath bench: no PNG: ${browser.skipped}\n`);
    else {
      const html = toHtml(report);
      const scalingFile = values.png.replace(/(\.png)?$/i, "-scaling.png");
      for (const [file, selector] of [
        [values.png, "#speedup-chart"],
        [scalingFile, "#scaling-chart"],
      ] as const) {
        if (!html.includes(`id="${selector.slice(1)}"`)) continue;
        const shot = await screenshotReport(html, browser.path, selector);
        await writeFile(file, shot.png);
        process.stderr.write(`hotpath bench: wrote ${file} (${shot.width}×${shot.height})\n`);
      }
    }
  }
  if (values.json) process.stdout.write(toJson(report));
  else if (values.md) process.stdout.write(toMarkdown(report));
  else console.log(toText(report));
  return failures(report) ? 1 : 0;
}

/** The jit set's report: text, --md or --json on stdout, and --out's files. */
async function printJit(report: BenchReport, values: { out?: string; json: boolean; md: boolean }): Promise<number> {
  if (values.out) {
    await mkdir(values.out, { recursive: true });
    await writeFile(join(values.out, "bench-jit.json"), toJson(report));
    await writeFile(join(values.out, "bench-jit.md"), toJitMarkdown(report));
    process.stderr.write(`hotpath bench: wrote ${join(values.out, "bench-jit.json")}, ${join(values.out, "bench-jit.md")}\n`);
  }
  if (values.json) process.stdout.write(toJson(report));
  else if (values.md) process.stdout.write(toJitMarkdown(report));
  else console.log(toJitText(report));
  return failures(report) ? 1 : 0;
}

/** A report read back from `--json` / `--out` output, checked enough that rendering it cannot go astray. */
function loadReport(text: string, file: string): BenchReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TypeError(
      `Expected \`--from\` to be a JSON file written by hotpath bench, but ${file} is not JSON: ${(error as Error).message}`,
    );
  }
  const r = data as BenchReport;
  if (r?.tool !== "hotpath bench" || !Array.isArray(r.runtimes) || typeof r.machine !== "object")
    throw new TypeError(
      `Expected \`--from\` to be a JSON file written by hotpath bench, got ${file} without its tool, machine and runtimes fields`,
    );
  return r;
}

/** Implementations that answered wrong (other than the known-inexact twins) or failed. */
export function failures(report: BenchReport): number {
  let n = 0;
  for (const rt of report.runtimes) {
    if ("skipped" in rt) continue;
    for (const c of rt.cases) for (const i of c.implementations) if (i.status === "error" || (i.status === "wrong" && !i.knownInexact)) n++;
  }
  return n;
}

/** The live status line on stderr: runtime, case, phase, cases left, time left. */
function progressLine(runtimeCount: number) {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let doneCases = 0;
  let caseCount = 0;
  let lastLine = "";
  return {
    note(text: string) {
      process.stderr.write(`${tty ? "\r\x1b[2K" : ""}hotpath bench: ${text}\n`);
    },
    update(p: BenchProgress & { runtime: string }) {
      caseCount = p.caseCount;
      if (p.phase === "done") doneCases++;
      const total = caseCount * runtimeCount;
      const left = Math.max(0, total - doneCases);
      const elapsed = performance.now() - started;
      const eta = doneCases > 0 ? formatEta((elapsed / doneCases) * left) : "…";
      const line = `[${p.runtime}] ${p.caseId} (${p.caseIndex + 1}/${p.caseCount}) ${p.phase}${p.impl ? ` · ${p.impl}` : ""} · ${left} cases left · ETA ${eta}`;
      if (tty) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
      else if (line !== lastLine && (p.phase === "done" || p.phase === "cold")) process.stderr.write(line + "\n");
      lastLine = line;
    },
    done() {
      if (tty) process.stderr.write("\r\x1b[2K");
    },
  };
}

/** 0 s, 42 s, 3 min 5 s. */
function formatEta(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
