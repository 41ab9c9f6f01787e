// The report model every format shares: a run (or several runtimes' runs) as a summary table across
// runtimes and a detail table per runtime, plus the header lines and the legend. Strings only, no
// layout: text.ts, markdown.ts and html.ts each lay the same tables out. Pure: works anywhere.
import { GROWTH_THRESHOLD, MAX_UNITS_PER_NS } from "../summary.ts";
import { formatMs } from "../../format.ts";
import type { BenchReport, CaseResult, ImplementationResult, RuntimeResult, SkippedRuntime } from "../types.ts";

/** 3.1×, 27×, 0.45×. */
export function formatSpeedup(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "–";
  return `${x >= 10 ? Math.round(x) : x.toPrecision(2)}×`;
}

/** 100000000 → 1e8, 1048576 → 1 Mi, 160 → 160. */
export function formatSize(n: number): string {
  if (n >= 1024 && n % 1048576 === 0) return `${n / 1048576} Mi`;
  if (n >= 1024 && n % 1024 === 0 && n < 1048576) return `${n / 1024} Ki`;
  if (n >= 1e5) {
    const e = Math.floor(Math.log10(n));
    const m = n / 10 ** e;
    // Only sizes with at most three significant digits read better as 1.5e8.
    if (Math.abs(m * 100 - Math.round(m * 100)) < 1e-6) return `${+m.toFixed(2)}e${e}`;
  }
  return String(n);
}

/** A single runtime's result (what bench() returns) seen as a report of one runtime. */
export function asReport(result: BenchReport | RuntimeResult): BenchReport {
  if ("runtimes" in result) return result;
  const rt = result.runtime;
  return {
    tool: "hotpath bench",
    date: result.date,
    machine: { os: rt.platform, cpu: rt.cpu ?? "CPU not reported here", cores: rt.cores, memoryGiB: Number.NaN },
    preset: result.preset.name,
    durationMs: result.durationMs,
    runtimes: [result],
  };
}

export const measured = (r: BenchReport): RuntimeResult[] => r.runtimes.filter((x): x is RuntimeResult => !("skipped" in x));
export const skipped = (r: BenchReport): SkippedRuntime[] => r.runtimes.filter((x): x is SkippedRuntime => "skipped" in x);

/** Rows of the summary: every (case, implementation) seen in any runtime, in first-seen order. @internal */
export function summaryRows(
  report: BenchReport,
): Array<{ caseId: string; title: string; size: number; unit: string; implId: string; label: string }> {
  const rows: Array<{ caseId: string; title: string; size: number; unit: string; implId: string; label: string }> = [];
  const seen = new Set<string>();
  for (const rt of measured(report))
    for (const c of rt.cases)
      for (const i of c.implementations) {
        const key = `${c.id}\u0000${i.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push({ caseId: c.id, title: c.title, size: c.size, unit: c.unit, implId: i.id, label: i.label });
      }
  return rows;
}

/** @internal */
export function find(rt: RuntimeResult, caseId: string, implId: string): { c?: CaseResult; i?: ImplementationResult } {
  const c = rt.cases.find((x) => x.id === caseId);
  return { c, i: c?.implementations.find((x) => x.id === implId) };
}

/** The short cell of the summary: "27.1 ms 3.1×", "WRONG", "flat 5 ns", "skipped". */
function cell(i: ImplementationResult | undefined, isBaseline: boolean): [string, string] {
  if (!i) return ["", ""];
  switch (i.status) {
    case "skipped":
      return ["skipped", ""];
    case "error":
      return ["error", ""];
    case "wrong":
      return [`WRONG ${formatMs(i.full?.medianMs)}`, ""];
    case "flat":
      return [`${formatMs(i.full?.medianMs)} (flat)`, formatSpeedup(i.speedup)];
    case "unverified":
      return [`${formatMs(i.full?.medianMs)} (?)`, ""];
    default:
      return [formatMs(i.full?.medianMs), isBaseline ? "TS" : formatSpeedup(i.speedup)];
  }
}

/** @internal */
export function header(report: BenchReport): string[] {
  const m = report.machine;
  return [
    `hotpath bench · preset ${report.preset} · ${report.date.slice(0, 16).replace("T", " ")} UTC · ${formatMs(report.durationMs)}`,
    `machine: ${m.os} · ${m.cpu} × ${m.cores}${Number.isFinite(m.memoryGiB) ? ` · ${m.memoryGiB} GiB` : ""}`,
    ...measured(report).map((rt) => `${rt.runtime.name}: ${rt.runtime.version}${rt.runtime.sharedMemory ? "" : " (no shared memory)"}`),
    ...skipped(report).map((s) => `${s.runtime.name}: skipped: ${s.skipped}`),
  ];
}

/** A pool row's efficiency against bare threads (bare time ÷ pool time), two decimals; "" where there is none. @internal */
export function formatVsBare(i: ImplementationResult | undefined): string {
  return i?.vsBare !== undefined && Number.isFinite(i.vsBare) ? i.vsBare.toFixed(2) : "";
}

/** Whether any pool row of the report has a bare-thread reference (the "vs bare" columns are shown only then). @internal */
export function hasVsBare(report: BenchReport): boolean {
  return measured(report).some((rt) => rt.cases.some((c) => c.implementations.some((i) => i.vsBare !== undefined)));
}

const VS_BARE_LEGEND =
  "vs bare: a pool row's time against bare threads with as many workers (plain threads running the same release module on the same split, no pool): bare time ÷ pool time, 1.00 = the pool costs nothing over hand-written threads.";

export const LEGEND = [
  "Median time per call over interleaved rounds after warm-up; × = times faster than the fastest TS twin whose answers were right (TS marks that twin).",
  "WRONG: the answer differs from the known answer (the number twin past 2^53); it is not compared for speed.",
  `flat: the work was optimised away (clang's closed form of the sum) or overhead dominates: a call covered more than ${MAX_UNITS_PER_NS} units of input per ns, or its time does not grow with the input (t(n)/t(n/2) < ${GROWTH_THRESHOLD}); no speedup is claimed.`,
];

/** A report table: header, rows, and which columns hold numbers (right-aligned). */
export interface Table {
  head: string[];
  rows: string[][];
  right: (column: number) => boolean;
}

/** @internal */
export function summaryTable(report: BenchReport): Table {
  const rts = measured(report);
  const bare = hasVsBare(report);
  const head = ["case", "n", "implementation", ...rts.flatMap((rt) => [rt.runtime.name, "×", ...(bare ? ["vs bare"] : [])])];
  const rows: string[][] = [];
  let last = "";
  for (const row of summaryRows(report)) {
    const first = row.caseId !== last;
    last = row.caseId;
    rows.push([
      first ? row.caseId : "",
      first ? formatSize(row.size) : "",
      row.label,
      ...rts.flatMap((rt) => {
        const { c, i } = find(rt, row.caseId, row.implId);
        return [...cell(i, c?.baseline === row.implId), ...(bare ? [formatVsBare(i)] : [])];
      }),
    ]);
  }
  // After case, n and implementation: a time, a speedup (and the pool ÷ bare ratio) per runtime.
  return { head, rows, right: (i) => i >= 3 };
}

/** The legend lines of a report (the "vs bare" line only where that column is shown). @internal */
export function legend(report: BenchReport): string[] {
  return hasVsBare(report) ? [...LEGEND, VS_BARE_LEGEND] : LEGEND;
}

/** The details of one runtime; the "vs bare" column only where a pool row has a bare reference. @internal */
export function detailTable(rt: RuntimeResult): Table {
  const bare = rt.cases.some((c) => c.implementations.some((i) => i.vsBare !== undefined));
  const head = [
    "case",
    "implementation",
    "status",
    "cold",
    "median",
    "min",
    "max",
    "95% CI of median",
    "runs×reps",
    "t(n)/t(n/2)",
    "×",
    ...(bare ? ["vs bare"] : []),
    "note",
  ];
  const rows = rt.cases.flatMap((c) =>
    c.implementations.map((i) => [
      c.id,
      i.label,
      i.status + (i.knownInexact && i.status === "wrong" ? " (known)" : ""),
      formatMs(i.coldMs),
      formatMs(i.full?.medianMs),
      formatMs(i.full?.minMs),
      formatMs(i.full?.maxMs),
      i.full ? `${formatMs(i.full.ciLowMs)} – ${formatMs(i.full.ciHighMs)}` : "–",
      i.full ? `${i.full.samplesMs.length}×${i.reps}` : "–",
      i.growth !== undefined ? i.growth.toFixed(2) : "–",
      c.baseline === i.id ? "TS" : formatSpeedup(i.speedup),
      ...(bare ? [formatVsBare(i)] : []),
      i.note && i.status !== "ok" ? i.note : "",
    ]),
  );
  // From cold to × (or vs bare): times and ratios; the note is last.
  return { head, rows, right: (i) => i >= 3 && i < head.length - 1 };
}
