// The packed tarball in a fresh project, as a user gets it: `npx hotpath compile`, the esbuild and Vite
// plugins, and a page that computes sumIntegers(10^9) on a 2-worker pool plus a user's kernel on this
// thread and on the pool, in Chromium, cross-origin isolated (shared memory) and not (messages). The
// published types compile under TypeScript 5 in a browser project (no @types/node, skipLibCheck false)
// and in Node projects (nodenext, bundler). Packed and installed once for the whole file.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_HINT, findChromium } from "./support/chromium.ts";
import { itWith } from "./support/tools.ts";
import { fixtures, root } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);
const repoPackage = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
const version = (name: string) => repoPackage.devDependencies[name] as string;
const chromium = findChromium();
const itBrowser = itWith("browser", chromium ? undefined : CHROMIUM_HINT);

let work: string;
let project: string;
const npm = (args: string[], cwd: string) => run("npm", args, { cwd, maxBuffer: 1 << 24 });
const node = (args: string[]) => run(process.execPath, args, { cwd: project, maxBuffer: 1 << 24 });

const PAGE = `import { createPool, kernels } from "hotpath";
import { closeDefaultPool, jit, prange } from "hotpath/jit";
import sums from "./sums.kernel";
import squares from "./generated/squares.js";

const out: Record<string, unknown> = { isolated: globalThis.crossOriginIsolated };
try {
  const pool = await createPool({ workers: 2 });
  out.mode = pool.mode;
  out.sum = String(await pool.sumIntegers(10n ** 9n));
  out.single = String((await kernels()).sumIntegers(10n ** 6n));
  const m = await sums.load();
  out.kernel = String(m.sumOfSquaresRange(0n, 1000n));
  out.kernelPool = String(await pool.reduceRange(sums.sumOfSquaresRange, 0n, 1000n, { combine: "wrapAdd" }));
  const g = await squares.load();
  out.generated = String(g.checksum(new Uint8Array([104, 101, 108, 108, 111])));
  out.generatedPool = String(await pool.reduceRange(squares.sumOfSquaresRange, 0n, 1000n, { combine: "wrapAdd" }));
  await pool.close();
  // hotpath/jit's "browser" build: a prange loop on jit's default pool of module Web Workers.
  const sumTo = jit(function sumTo(n: bigint): bigint {
    let s = 0n;
    for (const i of prange(n)) s += i;
    return s;
  }, { parallel: true });
  out.parallelJit = String(await sumTo(10n ** 6n));
  await closeDefaultPool();
} catch (error) {
  out.error = String(error);
}
(globalThis as { result?: unknown }).result = out;
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "hotpath-package-"));
  await npm(["pack", "--ignore-scripts", "--pack-destination", work], root);
  const tarball = (await readdir(work)).find((f) => f.endsWith(".tgz"))!;
  project = join(work, "project");
  await mkdir(join(project, "kernels"), { recursive: true });
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "fresh", private: true, type: "module" }));
  await npm(
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      join(work, tarball),
      `esbuild@${version("esbuild")}`,
      `vite@${version("vite")}`,
      "typescript@5",
      `@types/node@${version("@types/node")}`,
    ],
    project,
  );
  await copyFile(join(fixtures, "kernels/squares.ts"), join(project, "kernels/squares.ts"));
  await copyFile(join(fixtures, "kernels/squares.ts"), join(project, "sums.kernel.ts"));
  await writeFile(join(project, "main.ts"), PAGE);
  await writeFile(join(project, "plain.ts"), `import { kernels, createPool } from "hotpath";\nconsole.log(kernels, createPool);\n`);
  await writeFile(join(project, "index.html"), `<!doctype html><script type="module" src="./main.ts"></script>\n`);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the packed tarball in a fresh project", () => {
  it("compiles a kernel with npx hotpath compile", async () => {
    const { stderr } = await run("npx", ["hotpath", "compile", "kernels/squares.ts", "--out", "generated"], { cwd: project });
    expect(stderr).toContain("compiled kernels/squares.ts");
    expect(await readFile(join(project, "generated/squares.js"), "utf8")).toContain('from "hotpath/kernel"');
  }, 60_000);

  it("bundles the main entry with plain esbuild for the browser, with no error or warning", async () => {
    const { stdout, stderr } = await run(
      join(project, "node_modules/.bin/esbuild"),
      ["plain.ts", "--bundle", "--format=esm", "--platform=browser", "--outfile=plain-dist/plain.js"],
      { cwd: project },
    );
    expect(stderr).not.toMatch(/warning|error/i);
    expect(stdout).toBe("");
  }, 60_000);

  it("builds the page with esbuild and the hotpath/esbuild plugin, with no warning", async () => {
    await writeFile(
      join(project, "build-esbuild.mjs"),
      `import * as esbuild from "esbuild";
import { hotpath } from "hotpath/esbuild";
const r = await esbuild.build({ entryPoints: ["main.ts"], bundle: true, format: "esm", platform: "browser", outdir: "esbuild-dist", logLevel: "silent", plugins: [hotpath()] });
console.log(JSON.stringify({ errors: r.errors, warnings: r.warnings }));
`,
    );
    const { stdout } = await node(["build-esbuild.mjs"]);
    expect(JSON.parse(stdout)).toEqual({ errors: [], warnings: [] });
    await copyFile(join(project, "index.html"), join(project, "esbuild-dist/index.html"));
    await writeFile(join(project, "esbuild-dist/index.html"), `<!doctype html><script type="module" src="./main.js"></script>\n`);
    const files = await readdir(join(project, "esbuild-dist"));
    expect(files).toEqual(
      expect.arrayContaining([
        "main.js",
        "worker.browser.js",
        "hotpath.wasm",
        "hotpath.threads.wasm",
        "sums.wasm",
        "sums.threads.wasm",
        "squares.wasm",
      ]),
    );
  }, 60_000);

  it("builds the page with Vite and the hotpath/vite plugin, with no warning", async () => {
    await writeFile(
      join(project, "build-vite.mjs"),
      `import { build } from "vite";
import { hotpath } from "hotpath/vite";
const messages = [];
const keep = (m) => messages.push(m);
const logger = { info() {}, warn: keep, warnOnce: keep, error: keep, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false };
await build({ root: process.cwd(), customLogger: logger, plugins: [hotpath()], build: { outDir: "vite-dist", target: "es2022" } });
console.log(JSON.stringify(messages));
`,
    );
    const { stdout } = await node(["build-vite.mjs"]);
    expect(JSON.parse(stdout.trim().split("\n").pop()!)).toEqual([]);
    const assets = await readdir(join(project, "vite-dist/assets"));
    expect(assets.some((f) => f.startsWith("classes"))).toBe(false);
  }, 90_000);

  for (const bundler of ["esbuild", "vite"] as const)
    for (const isolated of [true, false])
      itBrowser(
        `the ${bundler} page computes sumIntegers(10^9) on 2 workers and runs the kernels in Chromium, ${isolated ? "isolated (shared memory)" : "not isolated (messages)"}`,
        async () => {
          const { chromium: playwright } = await import("playwright-core");
          const server = await serve(join(project, `${bundler}-dist`), isolated);
          const browser = await playwright.launch({ executablePath: chromium, args: CHROMIUM_ARGS });
          try {
            const page = await browser.newPage();
            const errors: string[] = [];
            page.on("pageerror", (e) => errors.push(e.message));
            await page.goto(`${server.url}/index.html`);
            const result = await page.waitForFunction(() => (globalThis as { result?: unknown }).result, undefined, { timeout: 60_000 });
            expect({ ...((await result.jsonValue()) as object), errors }).toEqual({
              isolated,
              mode: isolated ? "shared" : "message",
              sum: "499999999500000000",
              single: "499999500000",
              kernel: "332833500",
              kernelPool: "332833500",
              generated: "1335831723",
              generatedPool: "332833500",
              parallelJit: "499999500000",
              errors: [],
            });
          } finally {
            await browser.close();
            await new Promise((r) => server.server.close(r));
          }
        },
        90_000,
      );

  /** Runs TypeScript 5 on `files` with `options` (plus strict, noEmit, skipLibCheck: false); returns its errors. */
  async function typecheck(name: string, options: object, files: string[]): Promise<string> {
    const tsc = join(project, "node_modules/typescript/bin/tsc");
    const compilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      target: "es2022",
      allowImportingTsExtensions: true,
      ...options,
    };
    await writeFile(join(project, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files }));
    return run(process.execPath, [tsc, "-p", `tsconfig.${name}.json`], { cwd: project }).then(
      () => "",
      (e: { stdout: string }) => e.stdout,
    );
  }
  const BROWSER = { lib: ["es2022", "dom"], types: [], module: "esnext", moduleResolution: "bundler", moduleSuffixes: [".hotpath", ""] };

  it("type-checks with TypeScript 5 in Node projects (nodenext, bundler): the entries, the plugins and a generated module", async () => {
    await writeFile(
      join(project, "node.ts"),
      `import { createPool } from "hotpath";
import squares from "./generated/squares.js";
import { hotpath } from "hotpath/vite";
import { hotpath as esbuildPlugin } from "hotpath/esbuild";
import { compileKernel } from "hotpath/compile";
import { compare } from "hotpath/bench";
const m = await squares.load();
const n: bigint = m.sumOfSquaresRange(1n, 2n);
const c: number = m.checksum(new Uint8Array(4));
const pool = await createPool({ workers: 1 });
const r: bigint = await pool.reduceRange(squares.sumOfSquaresRange, 0n, 9n, { combine: "wrapAdd" });
console.log(n, c, r, hotpath, esbuildPlugin, compileKernel, compare);
`,
    );
    const errors = [
      await typecheck("bundler", { types: ["node"], module: "esnext", moduleResolution: "bundler" }, ["node.ts"]),
      await typecheck("nodenext", { types: ["node"], module: "nodenext", moduleResolution: "nodenext" }, ["node.ts"]),
    ];
    expect(errors).toEqual(["", ""]);
  }, 120_000);

  it("type-checks with TypeScript 5 in a browser project without @types/node: a generated module and a *.kernel.ts import", async () => {
    await writeFile(
      join(project, "kernel-page.ts"),
      `import sums from "./sums.kernel";
import squares from "./generated/squares.js";
const m = await sums.load();
const n: bigint = m.sumOfSquaresRange(1n, 2n);
const g = await squares.load();
const c: number = g.norm(new Float64Array(2));
// @ts-expect-error: a u64 parameter takes a bigint
m.sumOfSquaresRange("1", 2n);
console.log(n, c, sums.sumOfSquaresRange.name);
`,
    );
    expect(await typecheck("browser-kernel", BROWSER, ["kernel-page.ts"])).toBe("");
  }, 120_000);

  it("type-checks with TypeScript 5 in a browser project without @types/node: the page that imports hotpath", async () => {
    expect(await typecheck("browser", BROWSER, ["main.ts"])).toBe("");
  }, 120_000);
});

/** A static server for a built page, with or without the cross-origin isolation headers. */
async function serve(dir: string, isolated: boolean): Promise<{ url: string; server: Server }> {
  const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const respond = async (req: IncomingMessage, res: ServerResponse) => {
    const path = normalize(decodeURIComponent(new URL(req.url!, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = await readFile(join(dir, path));
      res.writeHead(200, {
        "Content-Type": types[extname(path)] ?? "application/octet-stream",
        ...(isolated ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } : {}),
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  };
  const server = createServer((req, res) => void respond(req, res).catch(() => res.writeHead(400).end()));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}
