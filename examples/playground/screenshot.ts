// Regenerates examples/playground/screenshot.png (the README's picture) and measures the built page:
// its weight (every file the browser fetched, raw and gzipped, by when it is fetched: at load, at the
// first compile, at the first race) and its time to interactive over several cold loads in headless
// Chromium, with the machine's load. Run: npm run playground:screenshot [-- --loads 7] [--json]
// It builds the page first (vite build into build/playground/), then serves it cross-origin isolated.
import { readFile, stat } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "playwright-core";
import { build } from "vite";
import { CHROMIUM_ARGS, CHROMIUM_HINT, findChromium } from "../../test/support/chromium.ts";
import { SITE, startServer } from "./serve.mjs";

const { values } = parseArgs({ options: { loads: { type: "string", default: "7" }, json: { type: "boolean", default: false } } });
const here = fileURLToPath(new URL(".", import.meta.url));
const say = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const executablePath = findChromium();
if (!executablePath) throw new Error(CHROMIUM_HINT);
say("building the page (vite build → build/playground/)");
await build({ configFile: fileURLToPath(new URL("./vite.config.ts", import.meta.url)), logLevel: "warn" });
const server = await startServer({ isolated: true });
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
const loadBefore = loadavg()[0];

interface Fetched {
  path: string;
  bytes: number;
  gzip: number;
  phase: "load" | "compile" | "race" | "assemblyscript";
}

try {
  // 1. Cold loads: a new context each time (empty cache; the server also says no-store).
  const loads: Array<{ interactive: number; compiled: number; domContentLoaded: number }> = [];
  const count = Number(values.loads);
  for (let i = 0; i < count; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => performance.getEntriesByName("playground-compiled").length > 0, undefined, { timeout: 60_000 });
    loads.push(
      await page.evaluate(() => ({
        interactive: performance.getEntriesByName("playground-interactive")[0].startTime,
        compiled: performance.getEntriesByName("playground-compiled")[0].startTime,
        domContentLoaded: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
      })),
    );
    await context.close();
    say(
      `load ${i + 1}/${count}: interactive at ${loads[i].interactive.toFixed(0)} ms, first compile done at ${loads[i].compiled.toFixed(0)} ms`,
    );
  }

  // 2. The screenshot: the sum example raced, with every file fetched on the way, by phase.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  // Every file the page and its workers fetched; the page's own ones are put in a phase by their start
  // time against the page's marks (interactive, first compile), the workers' ones belong to the race.
  const urls = new Set<string>();
  context.on("request", (request) => void urls.add(request.url()));
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.compiled);
  await raceOnce(page);
  await page.screenshot({ path: `${here}screenshot.png` });
  // Then the AssemblyScript tab: what loading asc costs, once.
  const beforeAs = new Set(urls);
  const count0 = await page.evaluate(() => Number(document.documentElement.dataset.compiled));
  await page.click("#tab-as");
  await page.waitForFunction((c) => Number(document.documentElement.dataset.compiled) > c, count0, { timeout: 120_000 });
  const ascCompile = (await page.textContent("#compile-time"))!;
  const timeline = await page.evaluate(() => ({
    interactive: performance.getEntriesByName("playground-interactive")[0].startTime,
    compiled: performance.getEntriesByName("playground-compiled")[0].startTime,
    resources: performance.getEntriesByType("resource").map((r) => ({ name: r.name, start: r.startTime })),
  }));
  const fetched: Fetched[] = [];
  for (const url of urls) {
    if (!url.startsWith(server.url)) continue; // the plain function's blob: module
    const path = new URL(url).pathname === "/" ? "/index.html" : new URL(url).pathname;
    if (fetched.some((f) => f.path === path)) continue;
    const body = await readFile(`${SITE}${path.slice(1)}`);
    const start = path === "/index.html" ? 0 : timeline.resources.find((r) => r.name === url)?.start;
    const phase: Fetched["phase"] = !beforeAs.has(url)
      ? "assemblyscript"
      : start === undefined
        ? "race"
        : start <= timeline.interactive
          ? "load"
          : start <= timeline.compiled
            ? "compile"
            : "race";
    fetched.push({ path, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length, phase });
  }
  const png = (await stat(`${here}screenshot.png`)).size;
  await context.close();

  const version = browser.version();
  const sum = (phase: Fetched["phase"], ext?: string) =>
    fetched
      .filter((f) => f.phase === phase && (!ext || f.path.endsWith(ext)))
      .reduce((t, f) => ({ bytes: t.bytes + f.bytes, gzip: t.gzip + f.gzip }), { bytes: 0, gzip: 0 });
  const report = {
    date: new Date().toISOString(),
    chromium: version,
    cpu: `${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}`,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    loads: {
      count,
      interactiveMs: {
        median: median(loads.map((l) => l.interactive)),
        min: Math.min(...loads.map((l) => l.interactive)),
        max: Math.max(...loads.map((l) => l.interactive)),
      },
      firstCompileMs: {
        median: median(loads.map((l) => l.compiled)),
        min: Math.min(...loads.map((l) => l.compiled)),
        max: Math.max(...loads.map((l) => l.compiled)),
      },
    },
    files: fetched,
    totals: {
      load: sum("load"),
      compile: sum("compile"),
      race: sum("race"),
      wasm: { ...sum("race", ".wasm") },
      assemblyscript: sum("assemblyscript"),
    },
    ascCompile,
    screenshot: { path: "examples/playground/screenshot.png", bytes: png },
  };
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    say(`\n${report.date} · ${version} · ${report.cpu} · load average ${loadBefore.toFixed(2)} → ${report.loadAverage.after.toFixed(2)}`);
    say(
      `time to interactive (editor and controls work): median ${report.loads.interactiveMs.median.toFixed(0)} ms (${report.loads.interactiveMs.min.toFixed(0)}–${report.loads.interactiveMs.max.toFixed(0)}) over ${count} cold loads`,
    );
    say(`first compile done (hotpath/jit loaded, the example compiled): median ${report.loads.firstCompileMs.median.toFixed(0)} ms`);
    say("\n| fetched | file | bytes | gzip |\n| --- | --- | ---: | ---: |");
    for (const f of fetched) say(`| ${f.phase} | \`${f.path.replace(/^\/assets\//, "")}\` | ${kb(f.bytes)} | ${kb(f.gzip)} |`);
    for (const p of ["load", "compile", "race", "assemblyscript"] as const)
      say(`| ${p}, all | | ${kb(report.totals[p].bytes)} | ${kb(report.totals[p].gzip)} |`);
    say(`AssemblyScript tab, first compile of the sum example: ${ascCompile}`);
    say(`\nscreenshot: examples/playground/screenshot.png (${kb(png)})`);
  }
} finally {
  await browser.close();
  await server.close();
}

/** Races the page's current code and waits for the result (a failed race is an error: the picture would be wrong). */
async function raceOnce(page: Page): Promise<void> {
  await page.click("#race");
  await page.waitForFunction(() => document.documentElement.dataset.raced || !document.getElementById("error")!.hidden, undefined, {
    timeout: 300_000,
  });
  const error = await page.evaluate(() => (document.getElementById("error")!.hidden ? "" : document.getElementById("error")!.textContent));
  if (error) throw new Error(`the race failed: ${error}`);
  if (!(await page.textContent("#answers"))?.includes("answers equal")) throw new Error("the race's answers differ");
}
