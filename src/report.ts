// Formatting shared by the demo, the examples and the benchmark harness: machine facts, times, tables.
import { arch, cpus, platform as osPlatform, release } from "node:os";

export interface MachineInfo {
  runtime: string;
  os: string;
  cpu: string;
  cores: number;
  date: string;
}

/** What ran the measurement: runtime and version, OS, CPU model and count, date. Node, Deno and Bun. */
export function machine(): MachineInfo {
  const g = globalThis as { Deno?: { version: { deno: string; v8: string } }; Bun?: { version: string } };
  const runtime = g.Deno
    ? `Deno ${g.Deno.version.deno} (V8 ${g.Deno.version.v8})`
    : g.Bun
      ? `Bun ${g.Bun.version} (JavaScriptCore)`
      : `Node ${process.version} (V8 ${process.versions.v8})`;
  const list = cpus();
  return {
    runtime,
    os: `${osPlatform()} ${release()} ${arch()}`,
    cpu: list[0]?.model.trim() ?? "unknown CPU",
    cores: list.length,
    date: new Date().toISOString().slice(0, 10),
  };
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** 0.84 µs, 27.1 ms, 2.71 s. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** A plain-text table with a header rule; `alignRight` lists right-aligned column indices. */
export function table(header: string[], rows: string[][], options: { alignRight?: number[] } = {}): string {
  const right = new Set(options.alignRight ?? []);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
