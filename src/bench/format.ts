// The reports: a plain-text summary for the terminal, Markdown for a README, and a self-contained
// HTML page whose charts are inline SVG (no script, no CDN, nothing fetched). Pure: works anywhere.
import { formatMs, textTable } from "../format.ts";
import type { BenchReport, CaseResult, ImplementationResult, RuntimeResult, SkippedRuntime } from "./types.ts";

export { formatMs };

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

const measured = (r: BenchReport): RuntimeResult[] => r.runtimes.filter((x): x is RuntimeResult => !("skipped" in x));
const skipped = (r: BenchReport): SkippedRuntime[] => r.runtimes.filter((x): x is SkippedRuntime => "skipped" in x);

/** Rows of the summary: every (case, implementation) seen in any runtime, in first-seen order. */
function summaryRows(
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

function find(rt: RuntimeResult, caseId: string, implId: string): { c?: CaseResult; i?: ImplementationResult } {
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

function header(report: BenchReport): string[] {
  const m = report.machine;
  return [
    `hotpath bench · preset ${report.preset} · ${report.date.slice(0, 16).replace("T", " ")} UTC · ${formatMs(report.durationMs)}`,
    `machine: ${m.os} · ${m.cpu} × ${m.cores}${Number.isFinite(m.memoryGiB) ? ` · ${m.memoryGiB} GiB` : ""}`,
    ...measured(report).map((rt) => `${rt.runtime.name}: ${rt.runtime.version}${rt.runtime.sharedMemory ? "" : " (no shared memory)"}`),
    ...skipped(report).map((s) => `${s.runtime.name}: skipped: ${s.skipped}`),
  ];
}

const LEGEND = [
  "Median time per call over interleaved rounds after warm-up; × = times faster than the fastest TS twin whose answers were right (TS marks that twin).",
  "WRONG: the answer differs from the known answer (the number twin past 2^53); it is not compared for speed.",
  "flat: time does not grow with the input (t(n)/t(n/2) < 1.3): the work was optimised away (clang's closed form of the sum) or overhead dominates; no speedup is claimed.",
];

/** A report table: header, rows, and which columns hold numbers (right-aligned). */
interface Table {
  head: string[];
  rows: string[][];
  right: (column: number) => boolean;
}

function summaryTable(report: BenchReport): Table {
  const rts = measured(report);
  const head = ["case", "n", "implementation", ...rts.flatMap((rt) => [rt.runtime.name, "×"])];
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
        return cell(i, c?.baseline === row.implId);
      }),
    ]);
  }
  // After case, n and implementation: a time and a speedup per runtime.
  return { head, rows, right: (i) => i >= 3 };
}

function detailTable(rt: RuntimeResult): Table {
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
      i.note && i.status !== "ok" ? i.note : "",
    ]),
  );
  // From cold to ×: times and ratios.
  return { head, rows, right: (i) => i >= 3 && i <= 10 };
}

/** The terminal report: header, the cross-runtime summary, then one detail table per runtime. */
export function toText(input: BenchReport | RuntimeResult, options: { details?: boolean } = {}): string {
  const report = asReport(input);
  const s = summaryTable(report);
  const out = [...header(report), "", textTable(s.head, s.rows, s.right), "", ...LEGEND];
  if (options.details !== false)
    for (const rt of measured(report)) {
      const d = detailTable(rt);
      out.push(
        "",
        `${rt.runtime.name} (${rt.runtime.version}), preset ${rt.preset.name}, ${formatMs(rt.durationMs)}:`,
        textTable(
          d.head,
          d.rows.map((r) => r.slice(0, 11)),
          d.right,
        ),
      );
      const notes = rt.cases.flatMap((c) =>
        c.implementations
          .filter((i) => i.note && i.status !== "ok" && i.status !== "skipped")
          .map((i) => `  ${c.id} / ${i.label}: ${i.note}`),
      );
      if (notes.length) out.push(...notes);
    }
  return out.join("\n");
}

const mdEscape = (s: string) => s.replaceAll("|", "\\|");
function mdTable({ head, rows, right }: Table): string {
  return [
    `| ${head.map(mdEscape).join(" | ")} |`,
    `| ${head.map((_, i) => (right(i) ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(mdEscape).join(" | ")} |`),
  ].join("\n");
}

/** The Markdown report: the summary table for a README, then the details per runtime. */
export function toMarkdown(input: BenchReport | RuntimeResult): string {
  const report = asReport(input);
  const s = summaryTable(report);
  const out = [
    `## hotpath bench (${report.preset})`,
    "",
    ...header(report).map((l) => `- ${l}`),
    "",
    mdTable(s),
    "",
    ...LEGEND.map((l) => `- ${l}`),
  ];
  for (const rt of measured(report)) {
    const d = detailTable(rt);
    out.push("", `### ${rt.runtime.name}: ${rt.runtime.version}`, "", mdTable(d));
  }
  return out.join("\n") + "\n";
}

/** The JSON report (what `--json` prints). */
export function toJson(input: BenchReport | RuntimeResult): string {
  const report = asReport(input);
  return JSON.stringify(report, null, 2) + "\n";
}

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const COLORS: Record<string, string> = { node: "#3c873a", deno: "#222222", bun: "#d9822b", chromium: "#4285f4", browser: "#8e44ad" };
const colorOf = (name: string, i: number) => COLORS[name] ?? ["#c0392b", "#16a085", "#7f8c8d"][i % 3];

/** Speedup per (case, implementation) per runtime: horizontal bars on a log scale, 1× marked. */
export function speedupChart(input: BenchReport | RuntimeResult): string {
  const report = asReport(input);
  const rts = measured(report);
  const rows = summaryRows(report).filter((row) =>
    rts.some((rt) => {
      const { c, i } = find(rt, row.caseId, row.implId);
      return i?.speedup !== undefined && c?.baseline !== row.implId;
    }),
  );
  if (rows.length === 0) return `<p class="empty">No speedups to draw: no case had a correct TS twin and another implementation.</p>`;
  const values = rows.flatMap((row) =>
    rts.map((rt) => find(rt, row.caseId, row.implId).i?.speedup).filter((x): x is number => x !== undefined && x > 0),
  );
  // Room on the left for the labels of the slowest bars, which point left from 1×.
  const lo = Math.min(0.1, ...values) / 4;
  const hi = Math.max(10, ...values) * 1.2;
  // Wide enough for the longest "case · implementation" label at 11 px (≈6.2 px a character).
  const longest = Math.max(...rows.map((row) => `${row.caseId} · ${row.label}`.length));
  const left = Math.ceil(Math.min(560, Math.max(200, 16 + 6.2 * longest)));
  const plot = 620;
  const width = left + plot + 80;
  const barH = 9;
  // Each row is as tall as the bars it has (native C runs in Node only), so labels sit beside their bars.
  const bars = rows.map((row) =>
    rts.flatMap((rt, k) => {
      const i = find(rt, row.caseId, row.implId).i;
      return i?.speedup !== undefined ? [{ rt, k, i, speedup: i.speedup }] : [];
    }),
  );
  const top = 30;
  const heights = bars.map((b) => b.length * barH + 12);
  const height = top + heights.reduce((a, b) => a + b, 0) + 40;
  const x = (v: number) => left + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plot;
  const parts: string[] = [];
  for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) {
    const v = 10 ** e;
    parts.push(
      `<line x1="${x(v)}" y1="${top - 5}" x2="${x(v)}" y2="${height - 35}" stroke="${e === 0 ? "#444" : "#ddd"}" stroke-width="${e === 0 ? 1.5 : 1}"/>`,
    );
    parts.push(`<text x="${x(v)}" y="${height - 20}" text-anchor="middle" font-size="11">${v >= 1 ? v : v.toFixed(-e)}×</text>`);
  }
  let y0 = top;
  rows.forEach((row, r) => {
    const inner = bars[r].length * barH;
    parts.push(
      `<text x="${left - 8}" y="${y0 + inner / 2}" text-anchor="end" font-size="11" dominant-baseline="middle">${esc(row.caseId)} · ${esc(row.label)}</text>`,
    );
    bars[r].forEach(({ rt, k, i, speedup }, n) => {
      const y = y0 + n * barH;
      // Bars grow from 1× (as fast as TS): right when faster, left when slower.
      const from = Math.min(x(1), x(speedup));
      const w = Math.max(1, Math.abs(x(speedup) - x(1)));
      parts.push(
        `<rect x="${from}" y="${y}" width="${w}" height="${barH - 2}" fill="${colorOf(rt.runtime.name, k)}" opacity="0.9"><title>${esc(`${rt.runtime.name} · ${row.caseId} · ${row.label}: ${formatSpeedup(speedup)} (${formatMs(i.full?.medianMs)})`)}</title></rect>`,
      );
      const faster = speedup >= 1;
      parts.push(
        `<text x="${faster ? from + w + 4 : from - 4}" y="${y + barH - 3}" font-size="9" text-anchor="${faster ? "start" : "end"}">${formatSpeedup(speedup)}</text>`,
      );
    });
    y0 += heights[r];
  });
  const legend = rts
    .map(
      (rt, k) =>
        `<rect x="${left + k * 110}" y="6" width="12" height="12" fill="${colorOf(rt.runtime.name, k)}"/><text x="${left + k * 110 + 16}" y="16" font-size="12">${esc(rt.runtime.name)}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="speedup-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">${legend}${parts.join("")}<text x="${left + plot / 2}" y="${height - 4}" text-anchor="middle" font-size="11">times faster than the fastest correct TS twin (log scale)</text></svg>`;
}

/** Speedup over one worker against the worker count: one small panel per case, a line per runtime and data path (solid: shared memory, dashed: messages). */
export function scalingChart(input: BenchReport | RuntimeResult): string {
  const report = asReport(input);
  const rts = measured(report);
  type Series = { runtime: string; color: string; dashed: boolean; points: Array<[number, number]> };
  const panels = new Map<string, Series[]>();
  rts.forEach((rt, k) => {
    for (const c of rt.cases) {
      for (const kind of ["pool-shared", "pool-message"] as const) {
        const pool = c.implementations.filter(
          (i) => i.kind === kind && i.workers !== undefined && i.full && (i.status === "ok" || i.status === "flat"),
        );
        const one = pool.find((i) => i.workers === 1);
        if (!one || pool.length < 2) continue;
        const points = pool.map((i) => [i.workers!, one.full!.medianMs / i.full!.medianMs] as [number, number]).sort((a, b) => a[0] - b[0]);
        if (!panels.has(c.id)) panels.set(c.id, []);
        panels.get(c.id)!.push({ runtime: rt.runtime.name, color: colorOf(rt.runtime.name, k), dashed: kind === "pool-message", points });
      }
    }
  });
  if (panels.size === 0) return `<p class="empty">No scaling curve: no pool implementation with 1 and more workers was measured.</p>`;
  const all = [...panels.values()].flat();
  const maxW = Math.max(...all.flatMap((s) => s.points.map((p) => p[0])));
  const maxS = Math.max(maxW, ...all.flatMap((s) => s.points.map((p) => p[1]))) * 1.05;
  const cols = Math.min(5, panels.size);
  const pw = 180;
  const ph = 150;
  const pad = { left: 34, right: 10, top: 22, bottom: 24 };
  const width = cols * pw;
  const legendH = 30;
  const height = legendH + Math.ceil(panels.size / cols) * ph + 16;
  const parts: string[] = [];
  let idx = 0;
  for (const [caseId, series] of panels) {
    const ox = (idx % cols) * pw;
    const oy = legendH + Math.floor(idx / cols) * ph;
    idx++;
    const x = (w: number) => ox + pad.left + ((w - 1) / Math.max(1, maxW - 1)) * (pw - pad.left - pad.right);
    const y = (v: number) => oy + ph - pad.bottom - (v / maxS) * (ph - pad.top - pad.bottom);
    parts.push(`<text x="${ox + pad.left}" y="${oy + 14}" font-size="12" font-weight="600">${esc(caseId)}</text>`);
    parts.push(
      `<rect x="${ox + pad.left}" y="${oy + pad.top}" width="${pw - pad.left - pad.right}" height="${ph - pad.top - pad.bottom}" fill="none" stroke="#ccc"/>`,
    );
    for (let v = 0; v <= maxS; v += maxS > 6 ? 2 : 1)
      parts.push(`<text x="${ox + pad.left - 4}" y="${y(v) + 4}" text-anchor="end" font-size="10">${v}×</text>`);
    for (let w = 1; w <= maxW; w++)
      parts.push(`<text x="${x(w)}" y="${oy + ph - pad.bottom + 13}" text-anchor="middle" font-size="10">${w}</text>`);
    parts.push(
      `<line x1="${x(1)}" y1="${y(1)}" x2="${x(maxW)}" y2="${y(maxW)}" stroke="#aaa" stroke-dasharray="3 3"><title>ideal: n workers, n× faster</title></line>`,
    );
    for (const s of series) {
      parts.push(
        `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ""} points="${s.points.map(([w, v]) => `${x(w)},${y(v)}`).join(" ")}"/>`,
      );
      for (const [w, v] of s.points)
        parts.push(
          `<circle cx="${x(w)}" cy="${y(v)}" r="3" fill="${s.color}"><title>${esc(`${caseId} · ${s.runtime} · ${s.dashed ? "messages" : "shared memory"}: ${w} worker${w === 1 ? "" : "s"}, ${v.toFixed(2)}× over 1`)}</title></circle>`,
        );
    }
  }
  const legend = [
    ...rts.map(
      (rt, k) =>
        `<rect x="${k * 100}" y="6" width="12" height="12" fill="${colorOf(rt.runtime.name, k)}"/><text x="${k * 100 + 16}" y="16" font-size="12">${esc(rt.runtime.name)}</text>`,
    ),
    `<line x1="${rts.length * 100 + 10}" y1="12" x2="${rts.length * 100 + 40}" y2="12" stroke="#555" stroke-width="2"/><text x="${rts.length * 100 + 45}" y="16" font-size="12">shared memory</text>`,
    `<line x1="${rts.length * 100 + 160}" y1="12" x2="${rts.length * 100 + 190}" y2="12" stroke="#555" stroke-width="2" stroke-dasharray="5 3"/><text x="${rts.length * 100 + 195}" y="16" font-size="12">messages</text>`,
  ].join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="scaling-chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">${legend}${parts.join("")}<text x="${width / 2}" y="${height - 2}" text-anchor="middle" font-size="11">workers → speedup over 1 worker (dotted grey: ideal)</text></svg>`;
}

function htmlTable(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr>${r.map((c) => `<td${/WRONG|wrong|error/.test(c) ? ' class="bad"' : /flat/.test(c) ? ' class="warn"' : ""}>${esc(c)}</td>`).join("")}</tr>`,
    )
    .join("")}</tbody></table>`;
}

/** The self-contained HTML report: header, both charts (inline SVG), the summary and the details. */
export function toHtml(input: BenchReport | RuntimeResult): string {
  const report = asReport(input);
  const s = summaryTable(report);
  const details = measured(report)
    .map((rt) => {
      const d = detailTable(rt);
      return `<h3>${esc(rt.runtime.name)}: ${esc(rt.runtime.version)}</h3>${htmlTable(d.head, d.rows)}`;
    })
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hotpath bench · ${esc(report.preset)} · ${esc(report.date.slice(0, 10))}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;background:#fff}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0;font-size:12px}td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}
td:nth-child(-n+3),th:nth-child(-n+3){text-align:left}th{background:#f4f4f4}
.bad{color:#b00020;font-weight:600}.warn{color:#a66300}.empty{color:#777;font-style:italic}ul{padding-left:18px}
</style></head><body>
<h1>hotpath bench: speedup over plain TypeScript</h1>
<ul>${header(report)
    .map((l) => `<li>${esc(l)}</li>`)
    .join("")}</ul>
<h2>Speedup per kernel and runtime</h2>
${speedupChart(report)}
<h2>Scaling with workers</h2>
${scalingChart(report)}
<h2>Summary</h2>
${htmlTable(s.head, s.rows)}
<ul>${LEGEND.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>
<h2>Details</h2>
${details}
</body></html>
`;
}
