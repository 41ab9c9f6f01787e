// Times and plain-text tables, as the demo, the examples and the benchmark reports print them. No
// imports, so it runs unchanged in Node, Deno, Bun and browsers (src/bench/node/machine.ts, which needs
// node:os, describes the machine).

/** 840 ns, 27.1 µs, 27.1 ms, 2.71 s; "–" for a time that is missing or not finite. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "–";
  // Units are chosen after rounding to three digits, so 0.9996 ms prints as "1.00 ms", not "1.00e+3 µs".
  const ms3 = Number(ms.toPrecision(3));
  if (ms3 < 0.001) return `${(ms * 1e6).toPrecision(3)} ns`;
  if (ms3 < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms3 < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** A plain-text table with a header rule, columns two spaces apart; `right(i)` right-aligns column i (default: none). */
export function textTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  right: (column: number) => boolean = () => false,
): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(head), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
