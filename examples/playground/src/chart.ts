// The race's bar chart: one bar per implementation, its length the median time per call (linear, so a
// 50× speedup looks like one), a whisker from the fastest to the slowest round, and the speedup over
// the plain function. Wrong answers are red and get no speedup; "flat" ones (the growth guard found
// that the time does not grow with the work) are hatched grey. Plain SVG, no chart library.
import type { ImplementationResult } from "hotpath/bench";
import { implLabel, type Engine } from "./race-protocol.ts";

const COLORS: Record<string, string> = { ts: "#7b8794", wasm: "#ea580c", "pool-shared": "#2563eb", "pool-message": "#0891b2" };

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  return `${(ms * 1000).toPrecision(3)} µs`;
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The chart's SVG markup for the measured implementations (skipped and failed ones are listed elsewhere). */
export function raceChart(implementations: readonly ImplementationResult[], engine: Engine = "jit"): string {
  const rows = implementations.filter((r) => r.full);
  const labelWidth = 230;
  const valueWidth = 150;
  const barWidth = 380;
  const rowHeight = 30;
  const width = labelWidth + barWidth + valueWidth;
  const height = rows.length * rowHeight + 8;
  const max = Math.max(...rows.map((r) => r.full!.maxMs), 1e-9);
  const x = (ms: number) => labelWidth + (barWidth * ms) / max;
  const parts = rows.map((r, i) => {
    const y = 4 + i * rowHeight;
    const kind = r.id === "ts" || r.id === "wasm" ? r.id : r.kind;
    const wrong = r.status === "wrong" || r.status === "error";
    const flat = r.status === "flat";
    const fill = wrong ? "#dc2626" : flat ? "url(#flat)" : (COLORS[kind] ?? "#64748b");
    const median = r.full!.medianMs;
    const bar = Math.max(x(median) - labelWidth, 1.5);
    const note = wrong
      ? "WRONG"
      : flat
        ? "flat"
        : r.speedup !== undefined
          ? `${r.speedup >= 10 ? r.speedup.toFixed(0) : r.speedup.toFixed(2)}×`
          : "";
    return `<g class="bar" data-impl="${escape(r.id)}">
  <text x="${labelWidth - 10}" y="${y + 19}" text-anchor="end" class="label">${escape(implLabel(r.id, engine))}</text>
  <rect x="${labelWidth}" y="${y + 5}" width="${bar.toFixed(1)}" height="${rowHeight - 10}" rx="3" fill="${fill}"><title>${escape(`${implLabel(r.id, engine)}: median ${formatMs(median)}, min ${formatMs(r.full!.minMs)}, max ${formatMs(r.full!.maxMs)}`)}</title></rect>
  <line x1="${x(r.full!.minMs).toFixed(1)}" x2="${x(r.full!.maxMs).toFixed(1)}" y1="${y + rowHeight / 2}" y2="${y + rowHeight / 2}" class="whisker"/>
  <text x="${(Math.max(labelWidth + bar, x(r.full!.maxMs)) + 6).toFixed(1)}" y="${y + 19}" class="value">${escape(formatMs(median))}</text>
  <text x="${width - 4}" y="${y + 19}" text-anchor="end" class="speedup${wrong ? " wrong" : ""}">${escape(note)}</text>
</g>`;
  });
  return `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="median time per call of each implementation" class="chart">
<defs><pattern id="flat" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#cbd5e1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#94a3b8" stroke-width="3"/></pattern></defs>
${parts.join("\n")}
</svg>`;
}
