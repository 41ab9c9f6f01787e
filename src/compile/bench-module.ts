// `hotpath bench --module <generated.js> --plain <plain.js> --function <name> --args lo,hi`: compare()
// for a user's compiled kernel in every runtime (node, deno, bun, chromium), one after the other, and
// one table for all. Node only: it starts the runtimes (build/compare-runner.js in Node, Deno and Bun;
// build/compare-page.js in a Chromium page served with COOP/COEP).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { toText } from "../bench/report/index.ts";
import { machineInfo } from "../bench/node/drive.ts";
import { CHROMIUM_ARGS, findRuntimes } from "../bench/node/runtimes.ts";
import type { BenchProgress, BenchReport, PresetName, RuntimeResult, SkippedRuntime } from "../bench/types.ts";
import { expected } from "../errors.ts";
import type { CompareConfig } from "./compare-config.ts";

const HELP = `Usage: hotpath bench --module <generated.js> --plain <plain.js> --function <name> --args <a,b,…> [options]

Measures a kernel compiled by \`hotpath compile\` against your plain function with compare(): the wasm
function, the pool on 1…N workers in both modes (range functions), and yours, every answer checked
against yours, in each runtime.

Options:
  --module <file>       the module hotpath compile generated (e.g. generated/squares.js)
  --plain <file>        a JS module exporting your plain function under the same name (or as default;
                        .ts works in deno and bun)
  --function <name>     the kernel function to measure
  --args <list>         its arguments, comma-separated integers (1e8 allowed), e.g. 0,1e8; or a JSON
                        array for functions of strings, arrays and objects, e.g. '["text", [1, 2, 3]]'
                        (bigints as decimal strings; typed arrays and ArrayBuffers as arrays)
  --runtimes <list>     among node, deno, bun, chromium (default: node,deno,bun,chromium)
  --preset <quick|full> how long to measure (default: quick)
  --json                print the report as JSON instead of the table
  -h, --help            show this help`;

/** Walks up from this module to the folder that holds build/compare-runner.js. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) if (existsSync(join(dir, "build/compare-runner.js"))) return dir;
  throw new Error("build/compare-runner.js is missing: run `npm run build` in hotpath");
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      module: { type: "string" },
      plain: { type: "string" },
      function: { type: "string" },
      args: { type: "string" },
      runtimes: { type: "string", default: "node,deno,bun,chromium" },
      preset: { type: "string", default: "quick" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  for (const key of ["module", "plain", "function", "args"] as const)
    if (!values[key]) throw new TypeError(expected(`--${key}`, "given (see hotpath bench --module --help)", values[key]));
  if (values.preset !== "quick" && values.preset !== "full") throw new RangeError(expected("--preset", "quick or full", values.preset));
  for (const file of [values.module!, values.plain!]) if (!existsSync(file)) throw new Error(`${file} does not exist`);
  // JSON for functions of strings, arrays and objects; comma-separated integers otherwise.
  const json = values.args!.trim().startsWith("[");
  const args: unknown[] = json
    ? parseJsonArgs(values.args!)
    : values.args!.split(",").map((a) => {
        const t = a.trim().replaceAll("_", "");
        const m = /^(\d+)e(\d+)$/i.exec(t);
        if (m) return (BigInt(m[1]) * 10n ** BigInt(m[2])).toString();
        if (!/^-?\d+$/.test(t)) throw new RangeError(expected("--args", "comma-separated integers such as 0,1e8", a));
        return t;
      });
  const root = packageRoot();
  const base = { module: values.module!, plain: values.plain!, fn: values.function!, args, preset: values.preset as PresetName };
  const started = performance.now();
  const runtimes: Array<RuntimeResult | SkippedRuntime> = [];
  for (const target of findRuntimes(values.runtimes, root)) {
    if ("skipped" in target) {
      runtimes.push({ runtime: { name: target.name }, skipped: target.skipped });
      continue;
    }
    process.stderr.write(`hotpath bench: ${target.name}…\n`);
    const progress = (p: BenchProgress) =>
      process.stderr.isTTY && process.stderr.write(`\r\x1b[2K[${target.name}] ${p.phase} ${p.impl ?? ""}`);
    try {
      runtimes.push(
        target.name === "chromium" ? await inChromium(target.path, root, base, progress) : await inProcess(target, root, base, progress),
      );
    } catch (error) {
      runtimes.push({ runtime: { name: target.name }, skipped: `failed: ${(error as Error).message}` });
    }
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
  }
  const report: BenchReport = {
    tool: "hotpath bench",
    date: new Date().toISOString(),
    machine: machineInfo(),
    preset: values.preset,
    durationMs: performance.now() - started,
    runtimes,
  };
  console.log(values.json ? JSON.stringify(report) : toText(report));
  const bad = runtimes.some(
    (r) => "skipped" in r || r.cases.some((c) => c.implementations.some((i) => i.status === "error" || i.status === "wrong")),
  );
  return bad ? 1 : 0;
}

function parseJsonArgs(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RangeError(expected("--args", `a JSON array (${(error as Error).message})`, text));
  }
  if (!Array.isArray(parsed)) throw new RangeError(expected("--args", "a JSON array", text));
  return parsed;
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
      ? ["run", "--allow-read", "--allow-env", "--allow-sys", script, JSON.stringify(config)]
      : [script, JSON.stringify(config)];
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
  const server = createServer(async (req, res) => {
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
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
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
