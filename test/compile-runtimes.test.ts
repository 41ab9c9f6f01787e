// Generated modules of strings, arrays, objects and classes in every runtime: values.ts (each type as a
// parameter and as a result) and the n-body program, compiled once, then loaded and called in real
// Deno and Bun binaries and in a Chromium page (Node runs the same checks in compile-values.test.ts,
// compile-nbody.test.ts, and here). The checks are test/compile-fixtures/runtime-check.mjs.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_HINT, findChromium } from "./support/chromium.ts";
import { findRuntime, runtimeArgs } from "./support/runtimes.ts";
import { itWith } from "./support/tools.ts";
import { cli, fixtures, outDir, root } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);
const script = join(fixtures, "runtime-check.mjs");
const ALL = {
  string: true,
  arrayBuffer: true,
  typedArray: true,
  bigTypedArray: true,
  array: true,
  staticArray: true,
  object: true,
  instance: true,
  nullable: true,
  globals: true,
  memory: true,
  closureLeftOut: true,
  namedError: true,
  disposed: true,
  nbodyBody: true,
  nbodyEnergy: true,
};
let out: string;

beforeAll(async () => {
  out = await outDir("runtimes");
  for (const kernel of ["values", "nbody"])
    await run(process.execPath, [cli, "compile", join(fixtures, `kernels/${kernel}.ts`), "--out", out], { cwd: root });
}, 180_000);

it("node", async () => {
  const { check } = await import(/* @vite-ignore */ pathToFileURL(script).href);
  expect(await check(pathToFileURL(out).href)).toEqual(ALL);
});

describe.each(["deno", "bun"] as const)("%s", (name) => {
  const path = findRuntime(name);
  itWith("runtimes", path ? undefined : `${name} not found: npm install installs it`)(
    "loads and calls every bound type and n-body",
    async () => {
      const { stdout } = await run(path!, [...runtimeArgs(name, script), out], { timeout: 120_000, cwd: root });
      const report = JSON.parse(stdout.trim().split("\n").pop()!);
      expect(report.runtime).toMatch(name);
      expect(report.checks).toEqual(ALL);
    },
    150_000,
  );
});

describe("chromium", () => {
  const executablePath = findChromium();
  let server: Server | undefined;
  afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));
  itWith("browser", executablePath ? undefined : CHROMIUM_HINT)(
    "loads and calls every bound type and n-body in a page",
    async () => {
      // The generated modules under /out/, hotpath's browser bundles under /build/, an import map for "hotpath/kernel".
      const page = `<!doctype html><script type="importmap">${JSON.stringify({
        imports: { "hotpath/kernel": "/build/kernel.browser.js" },
      })}</script><script type="module">import { check } from "/check.mjs"; check(location.origin + "/out").then((r) => (window.result = r), (e) => (window.result = { error: String(e && e.stack || e) }));</script>`;
      const types: Record<string, string> = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };
      server = createServer(
        (req, res) =>
          void (async () => {
            const path = decodeURIComponent(new URL(req.url!, "http://x").pathname);
            const file =
              path === "/check.mjs"
                ? script
                : path.startsWith("/out/")
                  ? join(out, path.slice(5))
                  : path.startsWith("/build/")
                    ? join(root, "build", path.slice(7))
                    : undefined;
            if (path === "/") return void res.writeHead(200, { "Content-Type": "text/html" }).end(page);
            if (!file) return void res.writeHead(404).end();
            try {
              res.writeHead(200, { "Content-Type": types[extname(file)] ?? "application/octet-stream" }).end(await readFile(file));
            } catch {
              res.writeHead(404).end();
            }
          })().catch(() => res.writeHead(400).end()),
      );
      await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
      const { port } = server.address() as { port: number };
      const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
      try {
        const tab = await browser.newPage();
        await tab.goto(`http://127.0.0.1:${port}/`);
        await tab.waitForFunction(() => (window as { result?: unknown }).result !== undefined, undefined, { timeout: 60_000 });
        expect(await tab.evaluate(() => (window as { result?: unknown }).result)).toEqual(ALL);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});
