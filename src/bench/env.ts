// Which runtime is measuring, in words the reports can print. Works in Node, Deno, Bun and browsers.
import { platform } from "#platform";
import type { RuntimeInfo } from "./types.ts";

interface Globals {
  Deno?: { version: { deno: string; v8: string } };
  Bun?: { version: string };
  process?: { version: string; versions: { v8: string }; platform: string; arch: string; getBuiltinModule?(id: string): unknown };
  navigator?: { userAgent?: string; platform?: string };
}

/** Name, version and engine of the current runtime, its platform, core count and shared-memory support. */
export function runtimeInfo(): RuntimeInfo {
  const g = globalThis as Globals;
  const os = g.process?.getBuiltinModule?.("node:os") as { cpus(): Array<{ model: string }> } | undefined;
  const cpu = os?.cpus()[0]?.model.trim();
  const common = { cores: platform.cores(), sharedMemory: platform.sharedMemoryReason() === undefined, ...(cpu ? { cpu } : {}) };
  const where = g.process ? `${g.process.platform} ${g.process.arch}` : (g.navigator?.platform ?? "unknown");
  if (g.Deno) return { name: "deno", version: `Deno ${g.Deno.version.deno} (V8 ${g.Deno.version.v8})`, platform: where, ...common };
  if (g.Bun) return { name: "bun", version: `Bun ${g.Bun.version} (JavaScriptCore)`, platform: where, ...common };
  if (g.process?.versions?.v8 && platform.name === "node")
    return { name: "node", version: `Node ${g.process.version} (V8 ${g.process.versions.v8})`, platform: where, ...common };
  const ua = g.navigator?.userAgent ?? "";
  const chrome = /(?:HeadlessChrome|Chrome|Chromium)\/([\d.]+)/.exec(ua);
  return {
    name: chrome ? "chromium" : "browser",
    version: chrome ? `Chromium ${chrome[1]} (V8)` : ua || "unknown browser",
    platform: where,
    ...common,
  };
}
