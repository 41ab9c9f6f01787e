// compare(): a user's compiled kernel against their plain-TS function, measured the way bench()
// measures the built-ins (measure.ts: cold call apart, warm-up, interleaved rounds, medians, every answer
// checked against the plain function, growth guard): the wasm function on this thread and, for a range
// function (lo, hi), the pool on 1…N workers in both modes. Works in Node, Deno, Bun and browsers.
import { platform } from "#platform";
import { expected } from "../errors.ts";
import { BUFFER_ARRAYS, isBufferType, kernelRefOf, type FunctionSpec, type KernelRef } from "../kernels/contract.ts";
import { loadKernelFunction } from "../kernels/runtime.ts";
import { boundShape, contentText, halfOfBound, workOfBound } from "./compare-bound.ts";
import { checkOptions } from "../validate.ts";
import { runtimeInfo } from "./env.ts";
import { toText } from "./report/index.ts";
import { measureCases } from "./measure.ts";
import { PoolCache, poolImplementations } from "./pools.ts";
import { resolvePreset } from "./presets.ts";
import type {
  BenchCase,
  BenchProgress,
  Implementation,
  PresetName,
  PresetSettings,
  RuntimeResult,
  SkippedImplementation,
} from "./types.ts";

/** How the pool folds a range function's chunk results (as `pool.reduceRange` takes it). */
export type CompareCombine = "wrapAdd" | "add" | "min" | "max";

/** Options of compare(). */
export interface CompareOptions {
  /** Arguments of the smaller call of the growth guard. Default: ranges and buffers cut in half; required for other functions. */
  half?: readonly unknown[];
  /** "quick" or "full" (see bench()), or settings of your own. Default: "quick". */
  preset?: PresetName | Partial<PresetSettings>;
  /** Worker counts for the pool rows; `[]` for none. Default: 1, 2, … up to the cores (range functions only). */
  workers?: number[];
  /** How the pool combines a range function's chunks. Default: "wrapAdd" for u64/i64 results, "add" for others. */
  combine?: CompareCombine;
  /** The title of the table. Default: the kernel's name and arguments. */
  title?: string;
  /** Print the table with console.log when done. Default: true. */
  print?: boolean;
  onProgress?(progress: BenchProgress): void;
}

/** What compare() returns: the measured result (as bench() returns it) and its table. */
export interface CompareResult {
  result: RuntimeResult;
  /** The speedup table, as printed. */
  text: string;
}

const KEYS = ["half", "preset", "workers", "combine", "title", "print", "onProgress"] as const;

/**
 * Measures `kernel` (a compiled kernel function: `squares.sumOfSquaresRange`, or a function `load()`
 * returned) against `plain` (the same computation in plain TypeScript) on `args`, and prints the table.
 */
export async function compare(
  kernel: unknown,
  plain: (...args: any[]) => unknown,
  args: readonly unknown[],
  options?: CompareOptions,
): Promise<CompareResult> {
  const ref = kernelRefOf(kernel, Array.isArray(args) ? args : []); // a jit function without a signature resolves its version from them
  if (!ref) throw new TypeError(expected("kernel", "a compiled kernel function (one that carries a KernelRef)", kernel));
  if (typeof plain !== "function") throw new TypeError(expected("plain", "the plain-TS function to compare with", plain));
  if (!Array.isArray(args)) throw new TypeError(expected("args", "the array of arguments of one call", args));
  const opts = checkOptions(options, "options", KEYS) as CompareOptions;
  const spec = ref.spec;
  // A function of strings, arrays, objects or classes: its shape says what it takes.
  const bound = boundShape(ref);
  const params = bound ? bound.params : spec.params;
  if (args.length !== params.length)
    throw new TypeError(expected("args", `${params.length} arguments (${params.map((p) => p.name).join(", ")})`, args));
  const range = !bound && isRange(spec);
  const half = opts.half ?? (bound ? halfOfBound(args) : halfArgs(spec, args, range));
  if (!half)
    throw new TypeError(
      `compare(${spec.name}): give \`options.half\`, the arguments of a call doing about half the work (the growth guard needs two sizes); ` +
        "it is derived only for range functions (lo, hi), buffers, strings and arrays",
    );
  if (!Array.isArray(half) || half.length !== args.length)
    throw new TypeError(expected("options.half", `${args.length} arguments (the smaller call of the growth guard)`, half));
  if (opts.combine !== undefined && !["wrapAdd", "add", "min", "max"].includes(opts.combine))
    throw new TypeError(expected("options.combine", '"wrapAdd", "add", "min" or "max"', opts.combine));
  if (opts.workers !== undefined && !(Array.isArray(opts.workers) && opts.workers.every((w) => Number.isSafeInteger(w) && w > 0)))
    throw new TypeError(expected("options.workers", "an array of positive integers", opts.workers));

  const settings = resolvePreset(opts.preset);
  const workers = range ? (opts.workers ?? settings.workers ?? Array.from({ length: platform.cores() }, (_, i) => i + 1)) : [];
  const combine = opts.combine ?? (spec.result === "u64" || spec.result === "i64" ? "wrapAdd" : "add");
  const cache = new PoolCache();
  const size = bound ? workOfBound(args, 2) : workOf(spec, args, range, 2);
  const halfSize = bound ? workOfBound(half, 1) : workOf(spec, half, range, 1);
  if (!(size >= 2 && halfSize >= 1 && halfSize < size))
    throw new RangeError(
      expected("args", "a call of at least 2 units of work whose half call is smaller (the growth guard compares the two)", args),
    );
  const c: BenchCase<readonly unknown[]> = {
    id: spec.name,
    title: opts.title ?? `${spec.name}(${args.map(show).join(", ")})`,
    size,
    half: () => halfSize,
    input: (n) => (n === size ? args : half),
    ...(bound ? { normalize: contentText } : {}),
    reference: "ts",
    implementations: async () => {
      const fn = await loadKernelFunction(ref);
      const list: Array<Implementation<readonly unknown[]> | SkippedImplementation> = [
        { id: "ts", label: "plain TS", kind: "ts", run: (a) => plain(...a) },
        { id: "wasm", label: "wasm (hotpath compile)", kind: "wasm", run: (a) => fn(...a) },
      ];
      if (range && workers.length)
        list.push(
          ...poolImplementations<readonly unknown[]>(cache, workers, (pool, a) =>
            pool.reduceRange(kernel as never, a[0] as bigint, a[1] as bigint, { combine }),
          ),
        );
      return list;
    },
  };
  const started = performance.now();
  const date = new Date().toISOString();
  let cases;
  try {
    cases = await measureCases([c], settings, () => size, opts.onProgress);
  } finally {
    await cache.close();
  }
  const result: RuntimeResult = { runtime: runtimeInfo(), preset: settings, date, durationMs: performance.now() - started, cases };
  const text = toText(result);
  if (opts.print !== false) console.log(text);
  return { result, text };
}

/** A range function: (lo, hi) of one integer type, as pool.reduceRange calls it. */
function isRange(spec: FunctionSpec): boolean {
  const [a, b] = spec.params;
  return spec.params.length === 2 && a.type === b.type && ["u64", "i64", "u32", "i32"].includes(a.type) && spec.result !== "void";
}

/** The growth guard's smaller call: [lo, lo + (hi − lo)/2) for a range; the first half of every buffer. */
function halfArgs(spec: FunctionSpec, args: readonly unknown[], range: boolean): unknown[] {
  if (range) {
    const big = typeof args[0] === "bigint";
    const lo = BigInt(args[0] as bigint);
    const hi = BigInt(args[1] as bigint);
    const mid = lo + (hi - lo) / 2n;
    return [args[0], big ? mid : Number(mid)];
  }
  if (!spec.params.some((p) => isBufferType(p.type)))
    throw new TypeError(
      `compare(${spec.name}): give \`options.half\`, the arguments of a call doing about half the work (the growth guard needs two sizes); ` +
        "it is derived only for range functions (lo, hi) and buffers",
    );
  return spec.params.map((p, i) => {
    if (!isBufferType(p.type)) return args[i];
    const view = args[i];
    if (!(view instanceof BUFFER_ARRAYS[p.type])) throw new TypeError(expected(`args[${i}]`, `a ${BUFFER_ARRAYS[p.type].name}`, view));
    return view.subarray(0, Math.floor(view.length / 2));
  });
}

function show(v: unknown): string {
  if (typeof v === "bigint") return /^10{6,}$/.test(String(v)) ? `10^${String(v).length - 1}` : String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as ArrayLike<unknown>).length})`;
  if (typeof v === "string") return v.length > 12 ? `string(${v.length})` : JSON.stringify(v);
  if (Array.isArray(v)) return `array(${v.length})`;
  if (v instanceof ArrayBuffer) return `ArrayBuffer(${v.byteLength})`;
  if (typeof v === "object" && v !== null) return "{…}";
  return String(v);
}

/** The work of one call, for the reports and the growth guard: a range's length, or the buffers' elements. */
function workOf(spec: FunctionSpec, args: readonly unknown[], range: boolean, fallback: number): number {
  if (range) return Number(BigInt(args[1] as bigint) - BigInt(args[0] as bigint));
  const buffers = spec.params.filter((p) => isBufferType(p.type));
  if (!buffers.length) return fallback;
  return spec.params.reduce((n, p, i) => n + (isBufferType(p.type) ? ((args[i] as ArrayLike<unknown>)?.length ?? 0) : 0), 0);
}

export type { KernelRef };
