// bench(): measure the built-in cases and the caller's own in the current runtime (Node, Deno, Bun,
// browsers). `hotpath bench` runs this in each runtime and gathers the results (src/bench/node/drive.ts).
import { kernelsWasmUrl } from "../wasm-assets.ts";
import { expected } from "../errors.ts";
import { compileWasm } from "../load.ts";
import { checkOptions } from "../validate.ts";
import { BUILTIN_CASE_IDS, builtinCases } from "./cases.ts";
import { runtimeInfo } from "./env.ts";
import { measureCases } from "./measure.ts";
import { BareCache } from "./bare.ts";
import { PoolCache } from "./pools.ts";
import { resolvePreset } from "./presets.ts";
import { platform } from "#platform";
import type { BenchCase, BenchOptions, RuntimeResult } from "./types.ts";

const KEYS = ["preset", "cases", "builtins", "extra", "sizes", "cKernels", "onProgress"] as const;

/** Measures the suite here: warm-up, interleaved rounds, medians, checked answers, growth guard. Works in Node, Deno, Bun and browsers. */
export async function bench(options?: BenchOptions): Promise<RuntimeResult> {
  const opts = checkOptions(options, "options", KEYS) as BenchOptions;
  const settings = resolvePreset(opts.preset);
  const own = opts.cases ?? [];
  if (!Array.isArray(own)) throw new TypeError(expected("options.cases", "an array of cases", own));
  own.forEach((c, i) => checkCase(c, `options.cases[${i}]`));
  const wanted = opts.builtins ?? true;
  if (typeof wanted !== "boolean" && !(Array.isArray(wanted) && wanted.every((id) => typeof id === "string")))
    throw new TypeError(expected("options.builtins", "a boolean or an array of case ids", wanted));
  if (Array.isArray(wanted))
    for (const id of wanted)
      if (!(BUILTIN_CASE_IDS as readonly string[]).includes(id))
        throw new RangeError(expected("options.builtins", `a list of built-in case ids (${BUILTIN_CASE_IDS.join(", ")})`, id));
  if (opts.onProgress !== undefined && typeof opts.onProgress !== "function")
    throw new TypeError(expected("options.onProgress", "a function", opts.onProgress));

  let cases: BenchCase[] = [];
  const poolCache = new PoolCache();
  let bareCache: BareCache | undefined;
  if (wanted !== false) {
    const module = await compileWasm(kernelsWasmUrl(), "build/hotpath.wasm");
    bareCache = new BareCache(module);
    const cModule =
      opts.cKernels === undefined
        ? { skipped: "no C module was given (`hotpath bench` builds bench/c/kernels.c with clang and passes it as options.cKernels)" }
        : await compileWasm(opts.cKernels, "options.cKernels").catch((e: Error) => ({
            skipped: `options.cKernels could not be compiled: ${e.message.split("\n")[0]}`,
          }));
    const workers = settings.workers ?? Array.from({ length: platform.cores() }, (_, i) => i + 1);
    const all = builtinCases({
      module,
      cModule,
      extra: opts.extra ?? {},
      pools: workers.length ? { cache: poolCache, bare: bareCache, workers } : undefined,
    });
    cases = wanted === true ? all : all.filter((c) => wanted.includes(c.id));
  }
  cases = [...cases, ...own];

  const sizes = opts.sizes ?? {};
  const sizeOf = (c: BenchCase): number => {
    const size = sizes[c.id] ?? c.sizes?.[settings.name as "quick" | "full"] ?? c.size ?? c.sizes?.quick;
    if (!Number.isSafeInteger(size) || size < 2)
      throw new RangeError(expected(`size of case "${c.id}"`, "an integer ≥ 2 (give `size`, `sizes` or options.sizes)", size));
    return size;
  };
  cases.forEach(sizeOf);

  const started = performance.now();
  const date = new Date().toISOString();
  let results;
  try {
    results = await measureCases(cases, settings, sizeOf, opts.onProgress);
  } finally {
    await Promise.all([poolCache.close(), bareCache?.close()]);
  }
  return { runtime: runtimeInfo(), preset: settings, date, durationMs: performance.now() - started, cases: results };
}

function checkCase(c: unknown, name: string): void {
  if (c === null || typeof c !== "object") throw new TypeError(expected(name, "a case object", c));
  const k = c as BenchCase;
  if (typeof k.id !== "string" || !k.id) throw new TypeError(expected(`${name}.id`, "a non-empty string", k.id));
  if (typeof k.title !== "string") throw new TypeError(expected(`${name}.title`, "a string", k.title));
  if (typeof k.implementations !== "function")
    throw new TypeError(expected(`${name}.implementations`, "a function returning the implementations", k.implementations));
}
