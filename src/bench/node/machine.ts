// What the demo and the examples print besides their results: the machine that ran them (Node, Deno,
// Bun; it needs node:os). Times and tables come from src/format.ts, the median from src/stats.ts
// (both browser-safe); the median is re-exported here because every caller of machine() also needs it.
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

export { median } from "../../stats.ts";
