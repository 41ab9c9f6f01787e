#!/usr/bin/env node
// Serves the browser example on 127.0.0.1 with the headers that make a page cross-origin isolated
// (COOP/COEP), so the pool can share one WebAssembly.Memory. Build first (npm run build), then:
//   node examples/browser/serve.mjs [--port 8787] [--no-isolation]    and open the printed URL
//   node examples/browser/serve.mjs --check [--small] [--no-isolation]  runs the page in headless Chromium and prints its numbers
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    "no-isolation": { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    small: { type: "boolean", default: false },
  },
});
const here = fileURLToPath(new URL(".", import.meta.url));
const build = fileURLToPath(new URL("../../build/", import.meta.url));
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".map": "application/json", ".wasm": "application/wasm" };
const isolation = values["no-isolation"]
  ? {}
  : { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

if (!existsSync(join(build, "example-browser.js"))) {
  console.error("build/example-browser.js is missing: run `npm run build` first");
  process.exit(1);
}

const server = createServer(async (request, response) => {
  const path = new URL(request.url ?? "/", "http://x").pathname;
  const file = path === "/" ? join(here, "index.html") : normalize(join(build, path));
  if (!file.startsWith(build) && file !== join(here, "index.html")) return void response.writeHead(403).end();
  try {
    const body = await readFile(file);
    response.writeHead(200, {
      "Content-Type": types[extname(file)] ?? "application/octet-stream",
      "Cache-Control": "no-store",
      ...isolation,
    });
    response.end(body);
  } catch {
    response.writeHead(404, isolation).end(`not found: ${path}`);
  }
});
// 127.0.0.1 only: this is a development server, not something to expose.
await new Promise((resolve) => server.listen(values.check ? 0 : Number(values.port), "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

if (!values.check) {
  console.log(
    `Serving the hotpath pool example at ${url} (${values["no-isolation"] ? "NOT cross-origin isolated: message passing" : "cross-origin isolated: shared memory"}). Ctrl-C to stop.`,
  );
} else {
  const { chromium } = await import("playwright-core");
  const { mkdtemp, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const profile = await mkdtemp(join(tmpdir(), "hotpath-example-"));
  const { existsSync } = await import("node:fs");
  // $HOTPATH_CHROMIUM, else the system's Chromium, else the one npm brings (@sparticuz/chromium unpacks it).
  const executablePath =
    process.env.HOTPATH_CHROMIUM ||
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path)) ||
    (await import("@sparticuz/chromium").then(
      (m) => m.default.executablePath(),
      () => {
        throw new Error("no Chromium: set HOTPATH_CHROMIUM, apt-get install chromium, or npm install -D @sparticuz/chromium");
      },
    ));
  const args = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ];
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args });
  let code = 0;
  try {
    const page = await context.newPage();
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
    const query = values.small ? "?width=300&height=200&maxIter=300&rounds=3&n=100000000" : "";
    await page.goto(url + query);
    await page.waitForFunction(() => globalThis.hotpathResult !== undefined, undefined, { timeout: 180_000 });
    const result = await page.evaluate(() => globalThis.hotpathResult);
    console.log(JSON.stringify(result, null, 2));
    if (result.error || !result.mandelbrot.correct || !result.sum.correct) code = 1;
    else
      console.log(
        `\nChromium, ${result.workers} workers, ${result.mode} mode: Mandelbrot ${result.mandelbrot.speedup.toFixed(2)}× (${result.mandelbrot.singleMs.toFixed(1)} → ${result.mandelbrot.poolMs.toFixed(1)} ms), sum ${result.sum.speedup.toFixed(2)}× (${result.sum.singleMs.toFixed(1)} → ${result.sum.poolMs.toFixed(1)} ms)`,
      );
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    server.close();
  }
  process.exit(code);
}
