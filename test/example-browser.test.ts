// The browser example end to end: its server (COOP/COEP or not), the page bundle, the pool in real
// Chromium; the page checks its own results against one thread and reports them as JSON.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { CHROMIUM_HINT } from "./support/chromium.ts";
import { itWith } from "./support/tools.ts";

const run = promisify(execFile);
const serve = fileURLToPath(new URL("../examples/browser/serve.mjs", import.meta.url));
const chromium = process.env.HOTPATH_CHROMIUM;
const needsChromium = itWith("browser", chromium ? undefined : `examples/browser is tested in Chromium: ${CHROMIUM_HINT}`);

describe("examples/browser in Chromium", () => {
  for (const { isolated, mode } of [
    { isolated: true, mode: "shared" },
    { isolated: false, mode: "message" },
  ])
    needsChromium(
      `runs the pool with mode ${mode} when the page is isolated: ${isolated}`,
      async () => {
        const args = [serve, "--check", "--small", ...(isolated ? [] : ["--no-isolation"])];
        const { stdout } = await run(process.execPath, args, { timeout: 90_000, env: { ...process.env, HOTPATH_CHROMIUM: chromium } });
        const report = JSON.parse(stdout.slice(0, stdout.lastIndexOf("}") + 1));
        expect(report.crossOriginIsolated).toBe(isolated);
        expect(report.mode).toBe(mode);
        expect(report.mandelbrot.correct).toBe(true);
        expect(report.sum.correct).toBe(true);
      },
      120_000,
    );
});
