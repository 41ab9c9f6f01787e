// The driver behind `hotpath bench`: builds the C baselines (in the user's cache), runs bench() in each runtime one after
// the other (never at the same time: they would share the 2 cores and disturb each other), relays
// their progress and gathers their results into one report. Node only.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { totalmem, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machine } from "./machine.ts";
import { buildC, type CBuild } from "./cbuild.ts";
import { NATIVE_CASES } from "./native.ts";
import { CHROMIUM_ARGS, findRuntimes, GC_FLAGS } from "./runtimes.ts";
import { serveStatic } from "./serve.ts";
import { resolvePreset } from "../presets.ts";
import { median } from "../../stats.ts";
import type { BenchProgress, BenchReport, PresetName, PresetSettings, RuntimeResult, SkippedRuntime } from "../types.ts";

/** Options of benchRuntimes(). */
export interface DriveOptions {
  /** A preset name, or settings of your own (the tests use tiny ones). */
  preset: PresetName | Partial<PresetSettings>;
  /** "node,deno,bun,chromium", each optionally name=path. */
  runtimes: string | string[];
  /** The case set: the built-in kernels (default) or "jit" (src/bench/jit/: plain functions against their jitted selves; no C peers). */
  set?: "jit";
  /** Cases to run, by id, within the set. */
  builtins?: string[];
  sizes?: Record<string, number>;
  /** Package root (holds bench/ and build/). Default: found from this module's location. */
  root?: string;
  /** Where the compiled C goes. Default: the user's cache directory (see cache.ts), never the package. */
  cacheDir?: string;
  onProgress?(p: BenchProgress & { runtime: string }): void;
  /** Messages about what the driver does (building C, skipping a runtime). */
  onNote?(text: string): void;
}

/** Walks up from this module to the directory that holds bench/runners (the source tree or the package). */
export function packageRoot(from = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, "bench/runners/runtime.mjs"))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`could not find bench/runners/runtime.mjs above ${fileURLToPath(from)}`);
}

/** Runs the suite in every runtime asked for (a missing one is reported as skipped) and returns the whole report. */
export async function benchRuntimes(options: DriveOptions): Promise<BenchReport> {
  const root = options.root ?? packageRoot();
  const note = options.onNote ?? (() => {});
  const started = performance.now();
  const targets = findRuntimes(options.runtimes, root);
  const jitSet = options.set === "jit";
  const bundles = [
    "build/bench.js",
    "build/bench.browser.js",
    "build/hotpath.wasm",
    ...(jitSet ? ["build/bench-jit.js", "build/jit.js", "build/jit.browser.js"] : []),
  ];
  for (const bundle of bundles) if (!existsSync(join(root, bundle))) throw new Error(`${bundle} is missing: run \`npm run build\` first`);

  // The jit set has no C peers: nothing to build.
  const c: CBuild = jitSet ? {} : await buildCNoted(root, options.cacheDir, note);

  // The runners get the C module's location (it is in the user's cache, not beside the bundles).
  const base = {
    ...(jitSet ? { set: "jit" } : {}),
    preset: options.preset,
    builtins: options.builtins,
    sizes: options.sizes,
    ...(c.wasm ? { cKernels: c.wasm } : {}),
  };
  const results: Array<RuntimeResult | SkippedRuntime> = [];
  for (const target of targets) {
    if ("skipped" in target) {
      note(`${target.name} skipped: ${target.skipped}`);
      results.push({ runtime: { name: target.name }, skipped: target.skipped });
      continue;
    }
    const progress = (p: BenchProgress) => options.onProgress?.({ ...p, runtime: target.name });
    const run = (config: object, report: (p: BenchProgress) => void) =>
      target.name === "chromium" ? runChromium(target.path, root, config, report) : runProcess(target, root, config, report);
    try {
      const config = {
        ...base,
        ...(target.name === "node" && c.native ? { native: c.native } : {}),
        ...(target.name === "node" && c.nativeVector ? { nativeVector: c.nativeVector } : {}),
      };
      if (target.name === "node" && !c.native && !jitSet) Object.assign(config, { skippedExtra: nativeSkipped(c.nativeSkipped) });
      const result = await run(config, progress);
      if (jitSet) await sampleFirstCalls(result, resolvePreset(options.preset).firstCallProcesses, base, run, progress);
      results.push(result);
    } catch (error) {
      const reason = `failed: ${(error as Error).message}`;
      note(`${target.name} ${reason}`);
      results.push({ runtime: { name: target.name }, skipped: reason });
    }
  }
  return {
    tool: "hotpath bench",
    ...(jitSet ? { set: "jit" as const } : {}),
    date: new Date().toISOString(),
    machine: machineInfo(),
    preset: typeof options.preset === "string" ? options.preset : (options.preset.name ?? "custom"),
    durationMs: performance.now() - started,
    runtimes: results,
  };
}

/** The jit set's case whose first call is the row's point, and its row: sampled in fresh processes. */
const FIRST_CALL_CASE = "first-call";
const FIRST_CALL_ROW = "jit";

/**
 * A first call happens once per process: timing more of them takes more processes. Runs the jit
 * set's first-call case alone in `processes − 1` more fresh processes (browsers) of the runtime, at
 * the size of the main run, each with a few later calls of its own, and keeps every process's first
 * call with the median of its later calls: the machine's speed drifts by a third between processes
 * and over seconds (a plain JavaScript loop too), so a first call is compared with later calls of
 * the same process, timed right after it. The row's `coldMs` is the median first call. A fresh run
 * that fails leaves the samples it could not give out, with a remark saying so.
 */
async function sampleFirstCalls(
  result: RuntimeResult,
  processes: number,
  base: { preset: unknown; sizes?: Record<string, number> },
  run: (config: object, progress: (p: BenchProgress) => void) => Promise<RuntimeResult>,
  progress: (p: BenchProgress) => void,
): Promise<void> {
  const c = result.cases.find((x) => x.id === FIRST_CALL_CASE);
  const row = c?.implementations.find((i) => i.id === FIRST_CALL_ROW);
  if (!c || !row || row.coldMs === undefined || !row.full || processes <= 1) return;
  const cold = [row.coldMs];
  const later = [row.full.medianMs];
  const failures: string[] = [];
  // No warm-up beyond the one call that checks the half size; three later calls, right after the first.
  const preset = { name: "custom", rounds: 3, minRounds: 3, minSampleMs: 0, budgetMs: 0, warmupMs: 0, firstCallProcesses: 1 };
  for (let k = 2; k <= processes; k++) {
    progress({
      caseIndex: result.cases.indexOf(c),
      caseCount: result.cases.length,
      caseId: c.id,
      phase: `first call, fresh process ${k}/${processes}`,
    });
    try {
      const fresh = await run(
        { ...base, preset, builtins: [FIRST_CALL_CASE], sizes: { ...base.sizes, [FIRST_CALL_CASE]: c.size } },
        () => {},
      );
      const again = fresh.cases.find((x) => x.id === FIRST_CALL_CASE)?.implementations.find((i) => i.id === FIRST_CALL_ROW);
      if (again?.coldMs === undefined || !again.full || again.status === "error" || again.status === "wrong")
        throw new Error(again?.note ?? "no first call was timed");
      cold.push(again.coldMs);
      later.push(again.full.medianMs);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  row.coldSamplesMs = cold;
  row.laterSamplesMs = later;
  row.coldMs = median(cold);
  if (failures.length > 0)
    row.remark = [row.remark, `${failures.length} of ${processes - 1} fresh processes failed: ${failures[0]}`].filter(Boolean).join("; ");
}

/** The C baselines, built (or found in the cache), with a note of what was built and what was not. */
async function buildCNoted(root: string, cacheDir: string | undefined, note: (text: string) => void) {
  note("building the C baselines (gcc native, clang wasm32)");
  const c = await buildC(root, cacheDir);
  if (c.nativeSkipped) note(`native C skipped: ${c.nativeSkipped}`);
  if (c.wasmSkipped) note(`C → wasm skipped: ${c.wasmSkipped}`);
  else note(`C → wasm built by ${c.wasmCompiler}: ${c.wasm}`);
  return c;
}

function nativeSkipped(reason = "not built"): Record<string, unknown[]> {
  const entry = { id: "c-native", label: "C native (gcc -O2)", kind: "c-native", skipped: reason };
  return Object.fromEntries(NATIVE_CASES.map((id) => [id, [entry]]));
}

/** OS, CPU model, cores and memory of this machine. */
export function machineInfo(): BenchReport["machine"] {
  const { os, cpu, cores } = machine();
  return {
    os,
    cpu,
    cores,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

async function runProcess(
  target: { name: string; path: string },
  root: string,
  config: object,
  progress: (p: BenchProgress) => void,
): Promise<RuntimeResult> {
  const script = join(root, "bench/runners/runtime.mjs");
  const args =
    target.name === "deno"
      ? ["run", "--allow-read", "--allow-env", "--allow-sys", "--allow-run", ...GC_FLAGS.deno, script, JSON.stringify(config)]
      : [...(GC_FLAGS[target.name] ?? []), script, JSON.stringify(config)];
  const child = spawn(target.path, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    pending += d;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.startsWith("@progress ")) progress(JSON.parse(line.slice(10)));
      else stderr += line + "\n";
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const last = stdout.trim().split("\n").pop() ?? "";
  if (code !== 0 || !last.startsWith("{"))
    throw new Error(`${target.name} exited with ${code}: ${(stderr + pending).trim().split("\n").slice(-5).join(" | ")}`);
  return JSON.parse(last) as RuntimeResult;
}

/** Where the page finds the C module: the server maps this path to the file in the cache. */
const C_KERNELS_PATH = "/cache/c-kernels.wasm";
/**
 * Where the page finds acorn, which build/jit.browser.js imports by name (the page loads files without a bundler):
 * bench/runners/page.html maps "acorn" here with an import map, and the server maps this path to the
 * installed package's ES module, wherever the package manager put it.
 */
const ACORN_PATH = "/deps/acorn.mjs";

/** The installed acorn's ES module build (its "import" export). */
function acornModule(): string {
  const file = join(dirname(createRequire(import.meta.url).resolve("acorn")), "acorn.mjs");
  if (!existsSync(file)) throw new Error(`acorn's ES module is not at ${file}: reinstall the package's dependencies`);
  return file;
}

async function runChromium(
  executablePath: string,
  root: string,
  config: object,
  progress: (p: BenchProgress) => void,
): Promise<RuntimeResult> {
  const { chromium } = await import("playwright-core");
  const { cKernels, ...rest } = config as { cKernels?: string };
  const pageConfig: object = cKernels ? { ...rest, cKernels: C_KERNELS_PATH } : rest;
  const server = await serveStatic(root, {
    ...(cKernels ? { [C_KERNELS_PATH]: cKernels } : {}),
    ...((config as { set?: string }).set === "jit" ? { [ACORN_PATH]: acornModule() } : {}),
  });
  const profile = mkdtempSync(join(tmpdir(), "hotpath-bench-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...GC_FLAGS.chromium],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.exposeFunction("hotpathProgress", (p: BenchProgress) => progress(p));
    await page.goto(`${server.url}/bench/runners/page.html`);
    await page
      .waitForFunction(() => (globalThis as { hotpathReady?: boolean }).hotpathReady === true, undefined, { timeout: 30_000 })
      .catch(() => {
        throw new Error(`the page did not load build/bench.browser.js${errors.length ? `: ${errors.join("; ")}` : ""}`);
      });
    const result = await page.evaluate(
      (c) => (globalThis as unknown as { hotpathBench(c: object): Promise<unknown> }).hotpathBench(c),
      pageConfig,
    );
    return result as RuntimeResult;
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
