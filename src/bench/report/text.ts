// The terminal report: the model's tables laid out in plain text (src/format.ts textTable). Pure.
import { formatMs, textTable } from "../../format.ts";
import type { BenchReport, RuntimeResult } from "../types.ts";
import { asReport, detailTable, header, legend, measured, summaryTable } from "./table.ts";

/** The terminal report: header, the cross-runtime summary, then one detail table per runtime. */
export function toText(input: BenchReport | RuntimeResult, options: { details?: boolean } = {}): string {
  const report = asReport(input);
  const s = summaryTable(report);
  const out = [...header(report), "", textTable(s.head, s.rows, s.right), "", ...legend(report)];
  if (options.details !== false)
    for (const rt of measured(report)) {
      const d = detailTable(rt);
      out.push(
        "",
        `${rt.runtime.name} (${rt.runtime.version}), preset ${rt.preset.name}, ${formatMs(rt.durationMs)}:`,
        textTable(
          d.head,
          d.rows.map((r) => r.slice(0, -1)),
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
