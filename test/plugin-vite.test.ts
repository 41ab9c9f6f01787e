// hotpath/vite: a `*.kernel.ts` file is compiled at build time (Vite emits its two wasm files as
// assets, with no warning), and in the dev server an edit to the kernel recompiles it. Compile errors
// carry the kernel's file, line and column. (The page in Chromium, from the packed tarball, is in
// package-bundlers.test.ts.)
import { copyFile, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { build, type Logger } from "vite";
import { beforeAll, describe, expect, it } from "vitest";
import { hotpath } from "../src/vite/index.ts";
import { CHROMIUM_ARGS, CHROMIUM_HINT, findChromium } from "./support/chromium.ts";
import { itWith } from "./support/tools.ts";
import * as plain from "./compile-fixtures/plain.ts";
import { fixtures, outDir, root } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);

let dir: string;

/** A Vite logger that keeps every warning and error (the test asserts there are none). */
function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const keep = (m: string) => void messages.push(m);
  return {
    messages,
    info() {},
    warn: keep,
    warnOnce: keep,
    error: keep,
    clearScreen() {},
    hasErrorLogged: () => false,
    hasWarned: false,
  };
}

beforeAll(async () => {
  dir = await outDir("vite");
  await copyFile(join(fixtures, "kernels/squares.ts"), join(dir, "squares.kernel.ts"));
  await writeFile(join(dir, "index.html"), `<!doctype html><script type="module" src="./main.ts"></script>\n`);
  await writeFile(
    join(dir, "main.ts"),
    `import squares from "./squares.kernel";\nimport { createPool } from "hotpath";\nconst m = await squares.load();\nconst pool = await createPool({ workers: 2 });\ndocument.title = String(m.sumOfSquaresRange(0n, 10n)) + " " + String(await pool.reduceRange(squares.sumOfSquaresRange, 0n, 10n, { combine: "wrapAdd" }));\n`,
  );
}, 30_000);

describe("hotpath/vite", () => {
  it("builds a page that imports a kernel: both wasm files emitted, no warning", async () => {
    const logger = recordingLogger();
    await build({
      root: dir,
      logLevel: "warn",
      customLogger: logger,
      plugins: [hotpath()],
      build: { outDir: "dist", target: "es2022", assetsInlineLimit: 0 },
    });
    expect(logger.messages).toEqual([]);
    const assets = await readdir(join(dir, "dist/assets"));
    expect(assets.filter((f) => /^squares-.*\.wasm$/.test(f))).toHaveLength(1);
    expect(assets.filter((f) => /^squares\.threads-.*\.wasm$/.test(f))).toHaveLength(1);
    expect(assets.some((f) => /^worker\.browser-.*\.js$/.test(f))).toBe(true);
    expect(assets.some((f) => /^classes-.*\.wasm$/.test(f))).toBe(false);
  }, 60_000);

  it("recompiles a kernel when it is edited in the dev server", async () => {
    // In a Node process of its own, as `vite` runs it (vitest's module runner would stand between the
    // dev server and the modules it loads).
    const script = join(dir, "dev.mjs");
    await writeFile(
      script,
      `import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "vite";
import { hotpath } from ${JSON.stringify(join(root, "build/vite.js"))};
const server = await createServer({ root: ${JSON.stringify(dir)}, logLevel: "silent", plugins: [hotpath()], server: { middlewareMode: true, hmr: false } });
const first = (await server.ssrLoadModule("/squares.kernel.ts")).default;
const before = (await first.load()).sumOfSquaresRange(3n, 1000n);
const file = ${JSON.stringify(join(dir, "squares.kernel.ts"))};
await writeFile(file, (await readFile(file, "utf8")) + "\\nexport function twice(x: f64): f64 {\\n  return 2 * x;\\n}\\n");
let next = first;
for (const deadline = Date.now() + 30000; next === first && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100)))
  next = (await server.ssrLoadModule("/squares.kernel.ts")).default;
console.log(JSON.stringify({ before: String(before), names: next.specs.map((s) => s.name), twice: (await next.load()).twice(21) }));
await server.close();
`,
    );
    const { stdout } = await run(process.execPath, [script], { cwd: dir });
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result.before).toBe(String(plain.sumOfSquaresRange(3n, 1000n)));
    expect(result.names).toContain("twice");
    expect(result.twice).toBe(42);
  }, 60_000);

  it("binds a kernel of strings, arrays and classes as hotpath compile does, and warns about an export it leaves out", async () => {
    const v = await outDir("vite-values");
    await copyFile(join(fixtures, "kernels/values.ts"), join(v, "values.kernel.ts"));
    await writeFile(join(v, "index.html"), `<!doctype html><script type="module" src="./main.ts"></script>\n`);
    await writeFile(
      join(v, "main.ts"),
      `import values from "./values.kernel";\nconst m = await values.load();\ndocument.title = m.shout("a") + new m.Counter("c", 1).add(2).total;\n`,
    );
    const logger = recordingLogger();
    await build({
      root: v,
      logLevel: "warn",
      customLogger: logger,
      plugins: [hotpath()],
      build: { outDir: "dist", target: "es2022", assetsInlineLimit: 0 },
    });
    expect(logger.messages).toHaveLength(2);
    // In the kernel file's order: Counter.each (a method), then apply.
    expect(logger.messages[0]).toMatch(/`Counter\.each` is left out: parameter `f` has type \(u64\) => void, a function/);
    expect(logger.messages[1]).toMatch(/`apply` is left out: parameter `f` has type \(i32\) => i32, a function/);
    const assets = await readdir(join(v, "dist/assets"));
    expect(assets.filter((f) => /^values-.*\.wasm$/.test(f))).toHaveLength(1);
    expect(assets.filter((f) => /threads/.test(f))).toEqual([]);
    const types = await readFile(join(v, "values.kernel.hotpath.ts"), "utf8");
    expect(types).toContain("shout(s: string): string;");
    expect(types).toContain("readonly Counter: new (name: string, step: number) => Counter;");
  }, 90_000);

  it("reports a compile error with the kernel's file, line and column", async () => {
    const bad = await outDir("vite-bad");
    await writeFile(join(bad, "bad.kernel.ts"), "export function f(x: i32): i32 {\n  return x + missing;\n}\n");
    await writeFile(join(bad, "index.html"), `<script type="module">import bad from "./bad.kernel"; console.log(bad);</script>\n`);
    const error = await build({ root: bad, logLevel: "silent", plugins: [hotpath()], build: { outDir: "dist" } }).then(
      () => undefined,
      (e: Error & { errors?: Array<{ loc?: { line: number; column: number; file: string } }> }) => e,
    );
    expect(error?.message).toContain("bad.kernel.ts:2:14: error TS2304: Cannot find name 'missing'.");
    expect(error?.errors?.[0].loc).toMatchObject({ line: 2, column: 13 });
    expect(error?.errors?.[0].loc?.file).toMatch(/bad\.kernel\.ts$/);
  }, 60_000);
});

describe("examples/vite-kernel", () => {
  const chromium = findChromium();
  itWith("browser", chromium ? undefined : CHROMIUM_HINT)(
    "builds with no warning and its page runs the kernel on this thread and on the pool in Chromium",
    async () => {
      const outDirPath = await outDir("vite-example");
      const logger = recordingLogger();
      await build({
        root: join(root, "examples/vite-kernel"),
        configFile: join(root, "examples/vite-kernel/vite.config.js"),
        customLogger: logger,
        build: { outDir: outDirPath, emptyOutDir: true },
      });
      expect(logger.messages).toEqual([]);
      const { preview } = await import("vite");
      const server = await preview({
        root: join(root, "examples/vite-kernel"),
        configFile: join(root, "examples/vite-kernel/vite.config.js"),
        logLevel: "silent",
        build: { outDir: outDirPath },
        preview: { port: 0, host: "127.0.0.1" },
      });
      const { chromium: playwright } = await import("playwright-core");
      const browser = await playwright.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage();
        await page.goto(server.resolvedUrls!.local[0]);
        const lines = (await (
          await page.waitForFunction(() => (globalThis as { result?: string[] }).result, undefined, { timeout: 60_000 })
        ).jsonValue()) as string[];
        const expected = String(plain.sumOfSquaresRange(0n, 10n ** 8n));
        expect(lines[0]).toMatch(new RegExp(`^this thread: ${expected} in `));
        expect(lines[1]).toMatch(new RegExp(`^pool, \\d+ workers \\(shared\\): ${expected} in `));
      } finally {
        await browser.close();
        await server.close();
      }
    },
    120_000,
  );
});
