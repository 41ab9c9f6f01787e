// What the demo and the examples print besides their results: machine facts (Node, Deno, Bun), and,
// under the names they use, the median, time format and tables they share with the benchmark harness
// (src/stats.ts, src/format.ts: browser-safe, which this module, needing node:os, is not).
import { arch, cpus, platform as osPlatform, release } from "node:os";
import { formatMs, textTable } from "../format.ts";

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

export { median } from "../stats.ts";

/** 840 ns, 27.1 µs, 27.1 ms, 2.71 s: the harness's format, under the name the demo and the examples use. */
export const formatTime: (ms: number) => string = formatMs;

/** A plain-text table with a header rule; `alignRight` lists right-aligned column indices. */
export function table(header: string[], rows: string[][], options: { alignRight?: number[] } = {}): string {
  const right = new Set(options.alignRight ?? []);
  return textTable(header, rows, (i) => right.has(i));
}
