// The self-contained HTML report: header, both charts (inline SVG from chart.ts), the summary and the
// details, with its CSS inline, so the file can be mailed or attached as it is. Pure.
import type { BenchReport, RuntimeResult } from "../types.ts";
import { esc, scalingChart, speedupChart } from "./chart.ts";
import { asReport, detailTable, header, legend, measured, summaryTable } from "./table.ts";

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
<ul>${legend(report)
    .map((l) => `<li>${esc(l)}</li>`)
    .join("")}</ul>
<h2>Details</h2>
${details}
</body></html>
`;
}
