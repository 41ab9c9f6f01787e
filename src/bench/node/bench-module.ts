// What `hotpath bench --module` runs (src/cli/bench-module.ts reads its arguments): compare() for a
// user's compiled kernel in every runtime (node, deno, bun, chromium), one after the other, in one
// report. Node only: it starts the runtimes (build/compare-runner.js in Node, Deno and Bun;
// build/compare-page.js in a Chromium page served with COOP/COEP).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { machineInfo } from "./drive.ts";
import { CHROMIUM_ARGS, findRuntimes, GC_FLAGS } from "./runtimes.ts";
import type { BenchProgress, BenchReport, PresetName, RuntimeResult, SkippedRuntime } from "../types.ts";
import type { CompareConfig } from "../module/compare-config.ts";

/** What to compare: the generated module, the user's plain module, the function and its arguments. */
export interface BenchModuleOptions {
  module: string;
  plain: string;
  fn: string;
  /** The function's arguments: decimal integer strings, or JSON values for functions of strings, arrays and objects. */
  args: unknown[];
  /** Comma-separated among node, deno, bun, chromium. */
  runtimes: string;
  preset: PresetName;
  /** Called when a runtime starts, and with the progress inside it. */
  onRuntime?: (name: string) => void;
  onProgress?: (name: string, p: BenchProgress) => void;
}

/** Walks up from this module to the folder that holds build/compare-runner.js. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) if (existsSync(join(dir, "build/compare-runner.js"))) return dir;
  throw new Error("build/compare-runner.js is missing: run `npm run build` in hotpath");
}

/** Runs compare() for the module in each runtime, one after the other; a runtime that fails is reported as skipped. */
export async function benchModule(options: BenchModuleOptions): Promise<BenchReport> {
  const root = packageRoot();
  const base: Base = { module: options.module, plain: options.plain, fn: options.fn, args: options.args, preset: options.preset };
  const started = performance.now();
  const runtimes: Array<RuntimeResult | SkippedRuntime> = [];
  for (const target of findRuntimes(options.runtimes, root)) {
    if ("skipped" in target) {
      runtimes.push({ runtime: { name: target.name }, skipped: target.skipped });
      continue;
    }
    options.onRuntime?.(target.name);
    const progress = (p: BenchProgress) => options.onProgress?.(target.name, p);
    try {
      runtimes.push(
        target.name === "chromium" ? await inChromium(target.path, root, base, progress) : await inProcess(target, root, base, progress),
      );
    } catch (error) {
      runtimes.push({ runtime: { name: target.name }, skipped: `failed: ${(error as Error).message}` });
    }
  }
  return {
    tool: "hotpath bench",
    date: new Date().toISOString(),
    machine: machineInfo(),
    preset: options.preset,
    durationMs: performance.now() - started,
    runtimes,
  };
}

type Base = Omit<CompareConfig, "module" | "plain"> & { module: string; plain: string };

async function inProcess(
  target: { name: string; path: string },
  root: string,
  base: Base,
  progress: (p: BenchProgress) => void,
): Promise<RuntimeResult> {
  const config: CompareConfig = {
    ...base,
    module: pathToFileURL(resolve(base.module)).href,
    plain: pathToFileURL(resolve(base.plain)).href,
  };
  const script = join(root, "build/compare-runner.js");
  const argv =
    target.name === "deno"
      ? ["run", "--allow-read", "--allow-env", "--allow-sys", ...GC_FLAGS.deno, script, JSON.stringify(config)]
      : [...(GC_FLAGS[target.name] ?? []), script, JSON.stringify(config)];
  const child = spawn(target.path, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    for (const line of d.split("\n"))
      if (line.startsWith("@progress ")) progress(JSON.parse(line.slice(10)));
      else if (line) stderr += line + "\n";
  });
  const code = await new Promise<number | null>((res, rej) => child.on("error", rej).on("close", res));
  const last = stdout.trim().split("\n").pop() ?? "";
  if (code !== 0 || !last.startsWith("{"))
    throw new Error(`${target.name} exited with ${code}: ${stderr.trim().split("\n").slice(-4).join(" | ")}`);
  return JSON.parse(last) as RuntimeResult;
}

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
};

async function inChromium(executablePath: string, root: string, base: Base, progress: (p: BenchProgress) => void): Promise<RuntimeResult> {
  // The user's files from the working directory; hotpath's bundles under /__hotpath/; an import map for
  // the bare specifiers generated modules use.
  const cwd = process.cwd();
  const urlOf = (file: string) => "/" + relative(cwd, resolve(file)).split(sep).join("/");
  const page = `<!doctype html><script type="importmap">${JSON.stringify({
    imports: {
      "hotpath/kernel": "/__hotpath/kernel.browser.js",
      "hotpath/bench": "/__hotpath/bench.browser.js",
      hotpath: "/__hotpath/browser.js",
    },
  })}</script><script type="module" src="/__hotpath/compare-page.js"></script>`;
  const respond = async (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url!, "http://x").pathname);
    const file = path === "/" ? undefined : path.startsWith("/__hotpath/") ? join(root, "build", path.slice(11)) : join(cwd, path);
    const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
    if (!file) return void res.writeHead(200, { ...headers, "Content-Type": "text/html" }).end(page);
    if (!file.startsWith(join(root, "build")) && !file.startsWith(cwd)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  };
  // A request the handler cannot read (a malformed escape in its path) gets a 400, not an unhandled rejection.
  const server = createServer((req, res) => void respond(req, res).catch(() => res.writeHead(400).end()));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...GC_FLAGS.chromium] });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on("pageerror", (e) => errors.push(e.message));
    await tab.exposeFunction("hotpathProgress", (p: BenchProgress) => progress(p));
    await tab.goto(`http://127.0.0.1:${port}/`);
    await tab
      .waitForFunction(() => (globalThis as { hotpathReady?: boolean }).hotpathReady === true, undefined, { timeout: 30_000 })
      .catch(() => {
        throw new Error(`the page did not start${errors.length ? `: ${errors.join("; ")}` : ""}`);
      });
    const config: CompareConfig = { ...base, module: urlOf(base.module), plain: urlOf(base.plain) };
    return (await tab.evaluate(
      (c) => (globalThis as unknown as { hotpathCompare(c: object): Promise<unknown> }).hotpathCompare(c),
      config,
    )) as RuntimeResult;
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
}
