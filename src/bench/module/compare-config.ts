// What `hotpath bench --module` sends to each runtime, and how a runtime turns it into a compare()
// call: the kernel module and the plain module by URL, the function's name, its arguments as text
// (converted with the function's spec: u64/i64 to bigint). Works in Node, Deno, Bun and pages.
import type { compare as Compare } from "../compare.ts";
import type { BenchProgress, PresetName, PresetSettings, RuntimeResult } from "../types.ts";
import { boundShape } from "../compare-bound.ts";
import { kernelRefOf } from "../../kernels/contract.ts";
import { ELEMENT_ARRAYS, type NumberKind, type TypeShape } from "../../kernels/shape.ts";

export interface CompareConfig {
  /** URL of the generated kernel module. */
  module: string;
  /** URL of the module that exports the plain-TS function under the same name (or as default). */
  plain: string;
  /** The kernel function to measure. */
  fn: string;
  /**
   * Its arguments: decimal text ("0", "100000000") for numbers, or JSON values for functions of
   * strings, arrays and objects (built per runtime into what each parameter takes: typed arrays,
   * ArrayBuffers, bigints written as decimal text).
   */
  args: unknown[];
  preset: PresetName | Partial<PresetSettings>;
  workers?: number[];
}

export function runtimeConfig(text: string | undefined): CompareConfig {
  return JSON.parse(text ?? "{}") as CompareConfig;
}

export async function runCompare(
  compare: typeof Compare,
  config: CompareConfig,
  onProgress: (p: BenchProgress) => void,
): Promise<RuntimeResult> {
  const kernels = (await import(/* @vite-ignore */ config.module)).default as Record<string, unknown>;
  const kernel = kernels?.[config.fn];
  const ref = kernelRefOf(kernel);
  if (!ref) throw new TypeError(`${config.module} has no kernel function \`${config.fn}\``);
  const plainModule = (await import(/* @vite-ignore */ config.plain)) as Record<string, unknown>;
  const plain = (plainModule[config.fn] ?? plainModule.default) as (...a: unknown[]) => unknown;
  if (typeof plain !== "function") throw new TypeError(`${config.plain} exports no function \`${config.fn}\` (nor a default one)`);
  const bound = boundShape(ref);
  const args = bound
    ? bound.params.map((p, i) => buildArg(config.args[i], p.type))
    : ref.spec.params.map((p, i) => (p.type === "u64" || p.type === "i64" ? BigInt(config.args[i] as string) : Number(config.args[i])));
  const { result } = await compare(kernel, plain, args, {
    preset: config.preset,
    print: false,
    onProgress,
    ...(config.workers ? { workers: config.workers } : {}),
  });
  return JSON.parse(JSON.stringify(result)) as RuntimeResult;
}

const isBig = (k: NumberKind) => k === "i64" || k === "u64";

/** A JSON value as the parameter takes it: bigints from text, typed arrays and ArrayBuffers from arrays. */
export function buildArg(value: unknown, type: TypeShape): unknown {
  switch (type.kind) {
    case "number":
      return isBig(type.type) ? BigInt(value as string) : type.type === "bool" ? value === true || value === "true" : Number(value);
    case "typedarray":
      return new (ELEMENT_ARRAYS[type.element] as unknown as new (a: unknown[]) => unknown)(
        (value as unknown[]).map((x) => (isBig(type.element) ? BigInt(x as string) : x)),
      );
    case "arraybuffer":
      return Uint8Array.from(value as number[]).buffer;
    case "array":
    case "staticarray":
      return isBig(type.element) ? (value as unknown[]).map((x) => BigInt(x as string)) : value;
    default:
      return value;
  }
}
