// jit in Chromium under a strict Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`: no
// eval, no new Function, no inline script): build/jit.browser.js and the page check
// (test/jit-fixtures/page-check.ts, bundled here against that build) compile and run the tutorial's
// functions there. Fails when no Chromium can be had (test/support/chromium.ts says how to get one).
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_HINT, findChromium } from "./support/chromium.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const CSP = "script-src 'self' 'wasm-unsafe-eval'";
const PAGE = `<!doctype html><meta charset="utf-8"><title>jit under a strict CSP</title><script type="module" src="/main.js"></script>`;
// The page's own script, a file (the CSP refuses inline scripts): runs the check and leaves the result on window.
const MAIN = `import { checkJitInPage } from "/page-check.js";
checkJitInPage().then((r) => (window.jitResult = r), (e) => (window.jitResult = { error: String(e && e.stack || e) }));`;

let server: Server;
let origin: string;
const violations: string[] = [];

beforeAll(async () => {
  // The page check imports the jit entry from source; here it gets the built bundle instead (build/jit.browser.js,
  // its chunks and acorn), bundled into the page as a user's bundler would.
  const bundled = await build({
    entryPoints: [`${root}test/jit-fixtures/page-check.ts`],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "silent",
    plugins: [
      {
        name: "jit-from-build",
        setup(b) {
          b.onResolve({ filter: /src\/jit\/index\.ts$/ }, () => ({ path: `${root}build/jit.browser.js` }));
        },
      },
    ],
  });
  const files: Record<string, [string, string | Uint8Array]> = {
    "/": ["text/html", PAGE],
    "/main.js": ["text/javascript", MAIN],
    "/page-check.js": ["text/javascript", bundled.outputFiles[0].text],
  };
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/csp-report") {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => (violations.push(body), res.end()));
      return;
    }
    const file = files[path];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, {
      "Content-Type": file[0],
      "Content-Security-Policy": `${CSP}; report-uri /csp-report`,
      "Cache-Control": "no-store",
    });
    res.end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
}, 60_000);

afterAll(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

it("compiles and runs jitted functions (JavaScript and TypeScript text, jitClass, a JitError) in Chromium with a strict CSP", async () => {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(`jit is tested in Chromium: ${CHROMIUM_HINT}`);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const response = await page.goto(`${origin}/`);
    expect(response?.headers()["content-security-policy"]).toContain(CSP);
    await page.waitForFunction(() => (window as unknown as { jitResult?: unknown }).jitResult !== undefined, undefined, {
      timeout: 60_000,
    });
    const result = await page.evaluate(() => (window as unknown as { jitResult: unknown }).jitResult);
    expect(errors).toEqual([]);
    expect(result).toMatchObject({
      checks: { sum: true, dot: true, grown: true, made: true, point: true, jitError: true, typescript: true, noEval: true },
      firstCompileMs: expect.any(Number),
      sharedMemory: false, // not cross-origin isolated: the `grown` check runs on memory that detaches its views
    });
    // The one violation the page provokes on purpose is its eval probe; jit itself causes none.
    await new Promise((r) => setTimeout(r, 200));
    expect(violations.every((v) => /eval/.test(v))).toBe(true);
  } finally {
    await browser.close();
  }
}, 120_000);
