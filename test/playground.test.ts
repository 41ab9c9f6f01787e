// The playground (examples/playground/) as a visitor uses it: the page is built with Vite into a temp
// directory, served by examples/playground/serve.mjs with COOP/COEP (and the documented CSP) and without, and driven in real
// Chromium with playwright-core: an example compiled (signature, WAT with its loop) and raced (a
// speedup, answers equal, pool rows on shared memory only when isolated), an unsupported construct
// typed in the editor shown at its line, a shared link reopened, Stop, a screenshot of the race
// whose pixels are checked, and the AssemblyScript tab (asc in the page). The race sizes are small: timing is never asserted, only that it was read.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { startServer } from "../examples/playground/serve.mjs";
import { CHROMIUM_ARGS, CHROMIUM_HINT, findChromium } from "./support/chromium.ts";
import { itWith, optedOut } from "./support/tools.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const chromiumPath = optedOut("browser") ? undefined : process.env.HOTPATH_CHROMIUM || findChromium();
const itBrowser = itWith("browser", chromiumPath ? undefined : `the playground is tested in Chromium: ${CHROMIUM_HINT}`);

let site = "";
let browser: Browser | undefined;
const servers: Record<string, { url: string; close(): Promise<void> }> = {};

beforeAll(async () => {
  if (!chromiumPath) return;
  site = await mkdtemp(join(tmpdir(), "hotpath-playground-"));
  const vite = join(root, "node_modules/vite/bin/vite.js");
  await run(
    process.execPath,
    [vite, "build", "--config", "examples/playground/vite.config.ts", "--outDir", site, "--emptyOutDir", "--logLevel", "warn"],
    {
      cwd: root,
      maxBuffer: 1 << 24,
    },
  );
  // The isolated server also sends the CSP the README documents, so the tests check that it is enough.
  servers.isolated = await startServer({ dir: site, isolated: true, csp: true });
  servers.plain = await startServer({ dir: site, isolated: false });
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(Object.values(servers).map((s) => s.close()));
  if (site) await rm(site, { recursive: true, force: true });
});

/** A fresh page on the built site, once the playground is interactive and has compiled its code. */
async function open(isolated: boolean, hash = ""): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 860 } });
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (/Content.Security.Policy/i.test(message.text())) console.error(`CSP: ${message.text()}`);
  });
  await page.goto(servers[isolated ? "isolated" : "plain"].url + hash);
  await page.waitForFunction(() => document.documentElement.dataset.compiled, undefined, { timeout: 30_000 });
  return page;
}

const counter = (page: Page, name: "raced" | "compiled") => page.evaluate((n) => Number(document.documentElement.dataset[n] ?? 0), name);
const errorText = (page: Page) =>
  page.evaluate(() => (document.getElementById("error")!.hidden ? "" : document.getElementById("error")!.textContent));

/** What the page shows of its state: the editor's text, the fields and the compiled signature. */
const readState = (page: Page) =>
  page.evaluate(() => {
    const value = (id: string) => (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value;
    return {
      code: document.querySelector(".cm-content")!.textContent,
      lines: document.querySelectorAll(".cm-content .cm-line").length,
      args: value("args"),
      half: value("half"),
      workers: value("workers"),
      preset: value("preset"),
      example: value("example"),
      signature: document.getElementById("signature")!.textContent,
    };
  });

/** Clicks Race and waits until the race ends (a result or an error). */
async function race(page: Page): Promise<void> {
  const before = await counter(page, "raced");
  await page.click("#race");
  await page.waitForFunction(
    (b) =>
      Number(document.documentElement.dataset.raced ?? 0) > b ||
      (!document.getElementById("error")!.hidden && !document.documentElement.dataset.racing),
    before,
    { timeout: 60_000 },
  );
  expect(await errorText(page)).toBe("");
}

describe("the playground, built, in Chromium", () => {
  for (const isolated of [true, false])
    itBrowser(
      `an example compiles (signature, WAT with its loop) and races: a speedup, answers equal, pool rows by ${isolated ? "shared memory and messages (isolated)" : "messages only (not isolated)"}`,
      async () => {
        const page = await open(isolated);
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolated);
        expect(await page.textContent("#isolation")).toContain(isolated ? "shares memory" : "passes messages");
        await page.selectOption("#example", "sum");
        await page.fill("#args", "0n, 10n ** 6n");
        const compiled = await counter(page, "compiled");
        await page.click("#compile");
        await page.waitForFunction((c) => Number(document.documentElement.dataset.compiled) > c, compiled);
        expect(await page.textContent("#signature")).toBe("u64(u64, u64)");
        expect(await page.textContent("#compile-time")).toMatch(/^\d[\d.]* (µs|ms|s)/);
        const wat = (await page.textContent("#wat"))!;
        expect(wat).toContain("(func $sum");
        // The loop: its body adds (i64.add) and its back edge branches to it (br 0).
        expect(wat).toMatch(/\bloop\b[\s\S]*i64\.add[\s\S]*\bbr 0\b/);

        await race(page);
        const speedup = (await page.textContent("#speedup"))!;
        expect(speedup).toMatch(/^\d[\d.]*×$/);
        expect(Number.parseFloat(speedup)).toBeGreaterThan(0);
        expect(await page.textContent("#answers")).toContain("answers equal");
        // n(n−1)/2 for n = 10^6, from every implementation.
        expect(await page.textContent("#answers")).toContain("499999500000");
        const rows = await page.$$eval("#race-table tbody tr", (trs) =>
          trs.map((tr) => {
            const row = tr as HTMLTableRowElement;
            return { id: row.dataset.impl!, answer: row.cells[4].textContent, status: row.cells[5].textContent! };
          }),
        );
        expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(["ts", "wasm", "pool-message-1", "pool-message-2", "pool-shared-2"]));
        for (const r of rows) {
          // Without isolation the shared-memory rows are listed as skipped, with the reason.
          const ran = !r.id.startsWith("pool-shared") || isolated;
          expect(r.status, r.id).toMatch(ran ? /^(ok|flat)/ : /^skipped/);
          if (ran) expect(r.answer, r.id).toBe("499999500000");
        }
        const measured = rows.filter((r) => !r.status.startsWith("skipped")).length;
        expect(await page.$$eval("#chart .bar", (bars) => bars.length)).toBe(measured);

        if (isolated) {
          // The screenshot of the race: not blank, and it shows the bars (jit orange, pool blue).
          const png = await page.locator("#race-panel").screenshot();
          const pixels = await page.evaluate(async (b64) => {
            const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
            const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
            const g = canvas.getContext("2d")!;
            g.drawImage(bitmap, 0, 0);
            const d = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
            const colors = new Set<number>();
            let notWhite = 0;
            let orange = 0;
            let blue = 0;
            for (let i = 0; i < d.length; i += 4) {
              const [r, gr, b] = [d[i], d[i + 1], d[i + 2]];
              colors.add((r >> 3) * 1024 + (gr >> 3) * 32 + (b >> 3));
              if (r < 240 || gr < 240 || b < 240) notWhite++;
              if (r > 200 && gr > 60 && gr < 120 && b < 50) orange++;
              if (r < 70 && gr > 80 && gr < 120 && b > 200) blue++;
            }
            return { width: bitmap.width, height: bitmap.height, colors: colors.size, notWhite: notWhite / (d.length / 4), orange, blue };
          }, png.toString("base64"));
          expect(pixels.width).toBeGreaterThan(400);
          expect(pixels.height).toBeGreaterThan(200);
          expect(pixels.colors).toBeGreaterThan(20);
          expect(pixels.notWhite).toBeGreaterThan(0.03);
          expect(pixels.orange).toBeGreaterThan(50);
          expect(pixels.blue).toBeGreaterThan(50);
        }
        await page.close();
      },
      90_000,
    );

  itBrowser("an unsupported construct typed in the editor is a JitError shown at its line and column", async () => {
    const page = await open(true);
    await page.selectOption("#example", "sum");
    // Line 5 is the loop; a new line 6 gets an object literal, which jit does not compile.
    await page.locator(".cm-line").nth(4).click();
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.type("const o = { a: 1 };");
    await page.click("#compile");
    await page.waitForFunction(() => !document.getElementById("error")!.hidden);
    const error = await errorText(page);
    expect(error).toMatch(/^JitError at line 6, column 13/);
    expect(error).toContain("an object literal is not supported by jit");
    // The editor underlines it on line 6 (CodeMirror's lint range) and marks that line in the gutter.
    await page.waitForSelector(".cm-lintRange-error");
    const line = await page.evaluate(() => {
      const mark = document.querySelector(".cm-lintRange-error")!;
      return [...document.querySelectorAll(".cm-content .cm-line")].indexOf(mark.closest(".cm-line")!) + 1;
    });
    expect(line).toBe(6);
    expect(await page.textContent(".cm-lintRange-error")).toBe("{");
    expect(await page.textContent("#signature")).toBe("–");
    await page.close();
  });

  itBrowser("a shared link reopens the same code, arguments and options", async () => {
    const page = await open(true);
    await page.selectOption("#example", "dot");
    await page.fill("#args", "randomF64(5000, 3), randomF64(5000, 4)");
    await page.locator(".cm-line").first().click();
    await page.keyboard.press("Home");
    await page.keyboard.type("// mine\n");
    await page.click(".options summary");
    await page.fill("#workers", "1");
    await page.selectOption("#preset", "full");
    await page.fill("#half", "randomF64(2500, 3), randomF64(2500, 4)");
    const link = await page.evaluate(() => location.href); // page.url() may lag a replaceState
    const before = await readState(page);
    expect(before.code).toMatch(/^\/\/ mine\/\/ The dot product/);
    expect(before.example).toBe(""); // edited: no longer the example itself
    expect(link).toMatch(/#s=[\w-]+$/);
    await page.close();

    const other = await open(true, new URL(link).hash);
    const after = await readState(other);
    expect(after).toEqual({ ...before, signature: "f64(f64[], f64[])" });
    await other.close();
  });

  itBrowser(
    "the AssemblyScript tab: asc compiles the example in the page and it races against the plain function; an asc error is shown at its line",
    async () => {
      const page = await open(true);
      await page.selectOption("#example", "sum");
      await page.fill("#args", "0n, 10n ** 6n");
      const compiled = await counter(page, "compiled");
      await page.click("#tab-as");
      await page.waitForFunction((c) => Number(document.documentElement.dataset.compiled) > c, compiled, { timeout: 60_000 });
      expect(await errorText(page)).toBe("");
      expect(await page.textContent("#signature")).toBe("sum: u64(u64, u64)");
      expect(await page.textContent("#wat")).toMatch(/\bloop \$for-loop[\s\S]*i64\.add[\s\S]*br \$for-loop/);
      await race(page);
      expect(await page.textContent("#answers")).toContain("answers equal");
      expect(await page.textContent("#answers")).toContain("499999500000");
      expect(await page.textContent("#race-table tr[data-impl=wasm] td")).toBe("AssemblyScript");
      expect(await page.textContent("#speedup")).toMatch(/^\d[\d.]*×$/);

      // Line 4 gets a name that does not exist: asc's error, underlined in the AssemblyScript editor.
      await page.locator("#editor-as .cm-line").nth(2).click();
      await page.keyboard.press("End");
      await page.keyboard.press("Enter");
      await page.keyboard.type("let q: u64 = missingName;");
      await page.click("#compile");
      await page.waitForFunction(() => !document.getElementById("error")!.hidden, undefined, { timeout: 30_000 });
      expect(await errorText(page)).toMatch(/^AssemblyScript at line 4, column \d+/);
      expect(await errorText(page)).toContain("missingName");
      expect(await page.textContent("#editor-as .cm-lintRange-error")).toBe("missingName");
      await page.close();
    },
    90_000,
  );

  itBrowser("Stop ends a running race at once: its worker is terminated and the page can race again", async () => {
    const page = await open(true);
    await page.selectOption("#example", "sum");
    await page.fill("#args", "0n, 10n ** 12n"); // the plain function would run for hours
    await page.click("#race");
    await page.waitForFunction(() => document.documentElement.dataset.racing === "1");
    await page.waitForFunction(() => /first call/.test(document.getElementById("progress-text")!.textContent!), undefined, {
      timeout: 30_000,
    });
    const started = Date.now();
    await page.click("#stop");
    await page.waitForFunction(() => !document.documentElement.dataset.racing, undefined, { timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await errorText(page)).toMatch(/^Stopped/);
    expect(await page.isDisabled("#stop")).toBe(true);
    expect(await page.isDisabled("#race")).toBe(false);
    await page.fill("#args", "0n, 10n ** 5n");
    await race(page);
    expect(await page.textContent("#answers")).toContain("answers equal");
    await page.close();
  });
});
