// What `hotpath bench --module` sends to each runtime, and how a runtime turns it into a compare()
// call: the kernel module and the plain module by URL, the function's name, its arguments as text
// (converted with the function's spec: u64/i64 to bigint). Works in Node, Deno, Bun and pages.
import type { compare as Compare } from "../compare.ts";
import type { BenchProgress, PresetName, PresetSettings, RuntimeResult } from "../types.ts";
import { kernelRefOf } from "../../kernels/contract.ts";

export interface CompareConfig {
  /** URL of the generated kernel module. */
  module: string;
  /** URL of the module that exports the plain-TS function under the same name (or as default). */
  plain: string;
  /** The kernel function to measure. */
  fn: string;
  /** Its arguments, as decimal text ("0", "100000000"). */
  args: string[];
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
  const args = ref.spec.params.map((p, i) => (p.type === "u64" || p.type === "i64" ? BigInt(config.args[i]) : Number(config.args[i])));
  const { result } = await compare(kernel, plain, args, {
    preset: config.preset,
    print: false,
    onProgress,
    ...(config.workers ? { workers: config.workers } : {}),
  });
  return JSON.parse(JSON.stringify(result)) as RuntimeResult;
}
