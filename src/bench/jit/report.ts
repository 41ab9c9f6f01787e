// The report of the jit case set: per runtime, one line per loop (plain JS, jit, jit with zero-copy
// arrays, the AssemblyScript kernel, each with its speedup over plain JS from the same run, and the
// jitted function's first call against its later calls), then the speedups of every runtime side by
// side. A row that failed shows its error in its cell; a wrong answer shows WRONG. Text and Markdown
// lay out the same tables; --json prints the BenchReport itself. Pure: works anywhere.
import { formatMs, textTable } from "../../format.ts";
import { formatSize, formatSpeedup, header, measured, type Table } from "../report/table.ts";
import type { BenchReport, CaseResult, ImplementationResult, RuntimeResult } from "../types.ts";
import { median } from "../../stats.ts";
import { FASTMATH_TOLERANCE } from "./answers.ts";
import { JIT, JIT_ZERO_COPY, KERNEL, PLAIN } from "./loop-specs.ts";

/** What a first call should reach: this fraction of the later calls' speed (issue 17). */
export const FIRST_CALL_TARGET = 0.9;

export const JIT_LEGEND = [
  "Median time per call over interleaved rounds after warm-up; × = plain JS time ÷ this row's time, measured in the same run.",
  "jit: the plain function given to jit() (ordinary typed arrays, copied into wasm memory and back on each call); zero-copy: the same jitted function on arrays from jit.array (no copies); AS kernel: the AssemblyScript kernel computing the same answer, inputs placed before timing.",
  "first call: the first call of the freshly jitted function at full size (compilation included), and its speed as a fraction of the later calls' (later median ÷ first call; the target is ≥ 0.9). The first-call row's is timed in several processes (the full preset: 9), each first call against the later calls of its own process (the machine's speed drifts between processes), and shows the medians; every process is listed under the runtime's table.",
  `Every answer is checked against plain JS: bit for bit (doubles with Object.is; arrays by a hash of their bytes), except { fastmath: true } rows: relative difference ≤ ${FASTMATH_TOLERANCE}. WRONG: a different answer; error: the row could not run (its error).`,
];

/** A cell: "3.10 ms", "WRONG 3.10 ms", "error: JitError: …", "skipped: …"; "–" where there is no such row. */
function timeCell(i: ImplementationResult | undefined): string {
  if (!i) return "–";
  switch (i.status) {
    case "error":
      return errorCell(i);
    case "skipped":
      return "skipped (see notes)";
    case "wrong":
      return `WRONG ${formatMs(i.full?.medianMs)}`;
    case "flat":
      return `${formatMs(i.full?.medianMs)} (flat)`;
    default:
      return formatMs(i.full?.medianMs);
  }
}

const firstLine = (text: string | undefined) => (text ?? "").split("\n")[0];

/** Longest error text kept in a cell; a longer one is cut there and printed whole below the table. */
const ERROR_CELL_CHARS = 100;
const errorCell = (i: ImplementationResult) => {
  const text = `error: ${firstLine(i.note)}`;
  return text.length > ERROR_CELL_CHARS ? `${text.slice(0, ERROR_CELL_CHARS - 1)}…` : text;
};

/** The speedup over plain JS, only where the row answered right. */
const speedupCell = (c: CaseResult, i: ImplementationResult | undefined) =>
  i && c.baseline === i.id ? "JS" : i && (i.status === "ok" || i.status === "flat") ? formatSpeedup(i.speedup) : "";

/**
 * The jit row's first call's speed as a fraction of the later calls': later median ÷ first call. Where
 * first calls were timed in several processes, each against the later calls of its own process, the
 * median of those fractions.
 */
export function firstCallRatio(i: ImplementationResult | undefined): number | undefined {
  if (!i || !i.coldMs || !i.full || (i.status !== "ok" && i.status !== "flat")) return undefined;
  const ratios = processRatios(i);
  return ratios ? median(ratios) : i.full.medianMs / i.coldMs;
}

/** Each process's later median ÷ its first call, where both were kept. */
function processRatios(i: ImplementationResult): number[] | undefined {
  const cold = i.coldSamplesMs;
  const later = i.laterSamplesMs;
  if (!cold || !later || cold.length !== later.length || cold.length === 0) return undefined;
  return cold.map((ms, k) => later[k] / ms);
}

/** Two decimals, cut rather than rounded, so that 0.899 never reads as the target 0.90. */
const ratioText = (ratio: number) => (Math.floor(ratio * 100) / 100).toFixed(2);

function firstCallCell(i: ImplementationResult | undefined): string {
  const ratio = firstCallRatio(i);
  return ratio === undefined ? "–" : `${formatMs(i!.coldMs)} (${ratioText(ratio)}${ratio >= FIRST_CALL_TARGET ? "" : " < 0.9"})`;
}

const row = (c: CaseResult, id: string) => c.implementations.find((i) => i.id === id);

/** One runtime: a line per loop. */
export function runtimeTable(rt: RuntimeResult): Table {
  const head = ["loop", "n", "plain JS", "jit", "×", "jit zero-copy", "×", "AS kernel", "×", "jit first call"];
  const rows = rt.cases.map((c) => {
    const [plain, jit, zero, kernel] = [PLAIN.id, JIT.id, JIT_ZERO_COPY.id, KERNEL.id].map((id) => row(c, id));
    return [
      c.id,
      formatSize(c.size),
      timeCell(plain),
      timeCell(jit),
      speedupCell(c, jit),
      timeCell(zero),
      speedupCell(c, zero),
      timeCell(kernel),
      speedupCell(c, kernel),
      firstCallCell(jit),
    ];
  });
  return { head, rows, right: (i) => i === 1 || i === 4 || i === 6 || i === 8 };
}

/** Every runtime side by side: jit's and zero-copy jit's speedups over plain JS, and the first call's fraction of later calls' speed. */
export function speedupTable(report: BenchReport): Table {
  const rts = measured(report);
  const head = ["loop", ...rts.flatMap((rt) => [`${rt.runtime.name} jit ×`, "zero-copy ×", "first call"])];
  const ids = [...new Set(rts.flatMap((rt) => rt.cases.map((c) => c.id)))];
  const rows = ids.map((id) => [
    id,
    ...rts.flatMap((rt) => {
      const c = rt.cases.find((x) => x.id === id);
      if (!c) return ["", "", ""];
      const status = (i: ImplementationResult | undefined) => (i?.status === "error" ? "error" : i?.status === "wrong" ? "WRONG" : "–");
      const speed = (i: ImplementationResult | undefined) => speedupCell(c, i) || status(i);
      const ratio = firstCallRatio(row(c, JIT.id));
      return [speed(row(c, JIT.id)), speed(row(c, JIT_ZERO_COPY.id)), ratio === undefined ? "–" : ratioText(ratio)];
    }),
  ]);
  return { head, rows, right: (i) => i > 0 };
}

/** Why rows were skipped, wrong or flat, and errors too long for their cell, one line each. */
function notes(rt: RuntimeResult): string[] {
  return rt.cases.flatMap((c) => [
    ...c.implementations
      .filter((i) => i.note && i.status !== "ok" && (i.status !== "error" || errorCell(i).endsWith("…")))
      .map((i) => `${c.id} / ${i.label}: ${i.status}: ${i.status === "error" ? firstLine(i.note) : i.note}`),
    ...c.implementations.filter((i) => i.remark).map((i) => `${c.id} / ${i.label}: ${i.remark}`),
    ...c.implementations.filter((i) => (i.coldSamplesMs?.length ?? 0) > 1).map((i) => `${c.id} / ${i.label}: ${freshFirstCalls(i)}`),
  ]);
}

/** "first call in 5 processes (then the later calls' median there): 28.9 ms (28.1 ms: 0.97), …; the table shows the medians". */
function freshFirstCalls(i: ImplementationResult): string {
  const samples = i.coldSamplesMs!;
  const ratios = processRatios(i);
  if (!ratios)
    return `first call in ${samples.length} processes: ${samples.map((ms) => formatMs(ms)).join(", ")}; the table shows their median`;
  const each = samples.map((ms, k) => `${formatMs(ms)} (${formatMs(i.laterSamplesMs![k])}: ${ratioText(ratios[k])})`);
  return `first call in ${samples.length} processes (then the median of that process's later calls, and their ratio): ${each.join(", ")}; the table shows the median first call and the median ratio`;
}

/** Rows beyond the table's columns (the vectorize case's parallel row): their time, × plain JS and × the case's jit row. */
function extraRows(rt: RuntimeResult): string[] {
  const columns: string[] = [PLAIN.id, JIT.id, JIT_ZERO_COPY.id, KERNEL.id];
  return rt.cases.flatMap((c) =>
    c.implementations
      .filter((i) => !columns.includes(i.id) && (i.status === "ok" || i.status === "flat"))
      .map((i) => {
        const jit = row(c, JIT.id);
        const vsJit =
          jit?.full && i.full && jit.status === "ok" ? `, ${formatSpeedup(jit.full.medianMs / i.full.medianMs)} ${jit.label}` : "";
        return `${c.id} / ${i.label}: ${timeCell(i)}, ${formatSpeedup(i.speedup)} plain JS${vsJit}`;
      }),
  );
}

const runtimeTitle = (rt: RuntimeResult) =>
  `${rt.runtime.name} (${rt.runtime.version}), preset ${rt.preset.name}, ${formatMs(rt.durationMs)}`;

/** The header lines (date, machine, runtimes), naming the set. */
const jitHeader = (report: BenchReport) => header(report).map((l) => l.replace(/^hotpath bench/, "hotpath bench --set jit"));

/** The terminal report of a jit run. */
export function toJitText(report: BenchReport): string {
  const out = jitHeader(report);
  for (const rt of measured(report)) {
    const t = runtimeTable(rt);
    out.push("", `${runtimeTitle(rt)}:`, textTable(t.head, t.rows, t.right));
    const n = [...extraRows(rt), ...notes(rt)];
    if (n.length) out.push(...n.map((l) => `  ${l}`));
  }
  const s = speedupTable(report);
  out.push("", "jit's speedup over plain JS in each runtime:", textTable(s.head, s.rows, s.right), "", ...JIT_LEGEND);
  return out.join("\n");
}

const mdEscape = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");
function mdTable({ head, rows, right }: Table): string {
  return [
    `| ${head.map(mdEscape).join(" | ")} |`,
    `| ${head.map((_, i) => (right(i) ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(mdEscape).join(" | ")} |`),
  ].join("\n");
}

/** The Markdown report of a jit run. */
export function toJitMarkdown(report: BenchReport): string {
  const out = [`## hotpath bench --set jit (${report.preset})`, "", ...jitHeader(report).map((l) => `- ${l}`)];
  for (const rt of measured(report)) {
    out.push("", `### ${runtimeTitle(rt)}`, "", mdTable(runtimeTable(rt)));
    const n = [...extraRows(rt), ...notes(rt)];
    if (n.length) out.push("", ...n.map((l) => `- ${mdEscape(l)}`));
  }
  out.push(
    "",
    "### jit's speedup over plain JS in each runtime",
    "",
    mdTable(speedupTable(report)),
    "",
    ...JIT_LEGEND.map((l) => `- ${l}`),
  );
  return out.join("\n") + "\n";
}
