// The Markdown report, for a README or a pull request: the summary table, then the details per runtime. Pure.
import type { BenchReport, RuntimeResult } from "../types.ts";
import { asReport, detailTable, header, legend, measured, summaryTable, type Table } from "./table.ts";

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
    ...legend(report).map((l) => `- ${l}`),
  ];
  for (const rt of measured(report)) {
    const d = detailTable(rt);
    out.push("", `### ${rt.runtime.name}: ${rt.runtime.version}`, "", mdTable(d));
  }
  return out.join("\n") + "\n";
}
