// The report's charts as inline SVG (no script, no CDN, nothing fetched): speedups on a log scale,
// and scaling with workers. Geometry only; the page around them is html.ts. Pure.
import { formatMs } from "../../format.ts";
import type { BenchReport, RuntimeResult } from "../types.ts";
import { asReport, find, formatSpeedup, measured, summaryRows } from "./table.ts";

/** Escapes text for HTML and SVG (element content and attribute values). */
export const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
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
