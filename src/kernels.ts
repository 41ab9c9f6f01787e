// The typed API over the raw kernel exports (src/abi.ts): bigint in and out for u64, buffers copied
// into linear memory with their sizes checked, every argument validated before wasm sees it.
import type { KernelExports } from "./abi.ts";
import { Arena } from "./arena.ts";
import { kernelsWasmUrl } from "./assets.ts";
import { KernelError, WasmLoadError } from "./errors.ts";
import { assemblyScriptImports, compileWasm, requireExports, type WasmSource } from "./load.ts";
import { checkOptions, toU64, type U64Like } from "./validate.ts";

/** The built-in kernels, instantiated on the current thread. Works in Node, Deno, Bun and browsers. */
export interface Kernels {
  /** The tutorial's f(n): 0 + 1 + … + (n − 1), wrapping modulo 2^64. */
  sumIntegers(n: U64Like): bigint;
  /** lo + … + (hi − 1), wrapping modulo 2^64; 0 when hi ≤ lo. */
  sumRange(lo: U64Like, hi: U64Like): bigint;
  /** Runs every kernel on small inputs until V8 has moved it out of its baseline tier (done by `kernels()` unless `warmUp: false`). */
  warmUp(): void;
  /** The raw exports, for callers who lay out memory themselves. */
  readonly exports: KernelExports;
}

export interface KernelsOptions {
  /** The `.wasm` to use: a URL, bytes or a compiled module. Default: build/hotpath.wasm beside the package. */
  source?: WasmSource;
  /** Warm every kernel up before returning (V8 runs a wasm function's first calls in Liftoff, ≈4× slower). Default: true. */
  warmUp?: boolean;
}

const OPTION_KEYS = ["source", "warmUp"] as const;

/** Compiles (once per source) and instantiates the built-in kernels on this thread. */
export async function kernels(options?: KernelsOptions): Promise<Kernels> {
  const opts = checkOptions(options, "options", OPTION_KEYS) as KernelsOptions;
  if (opts.warmUp !== undefined && typeof opts.warmUp !== "boolean")
    throw new TypeError(`Expected \`options.warmUp\` to be a boolean, got ${typeof opts.warmUp}`);
  const module = await compileWasm(opts.source ?? kernelsWasmUrl(), "options.source");
  const k = instantiateKernels(module);
  if (opts.warmUp !== false) k.warmUp();
  return k;
}

/** Instantiates a compiled kernel module synchronously (`memory` for the threads build). */
export function instantiateKernels(module: WebAssembly.Module, memory?: WebAssembly.Memory): Kernels {
  // Every raw export the typed API calls (src/abi.ts), checked up front so a stale or foreign .wasm
  // fails at load time with the names, not later with "x is not a function".
  requireExports(module, ["memory", "heapBase", "sumIntegers", "sumRange"], "The kernel module");
  let exports: KernelExports;
  const imports = assemblyScriptImports(() => exports.memory, memory ? { memory } : {});
  try {
    exports = new WebAssembly.Instance(module, imports).exports as unknown as KernelExports;
  } catch (cause) {
    throw new WasmLoadError(`Could not instantiate the kernel module: ${(cause as Error).message}`, { cause });
  }
  return bindKernels(exports);
}

/** Wraps raw exports in the validated, typed API. */
export function bindKernels(exports: KernelExports): Kernels {
  const arena = new Arena(exports.memory, exports.heapBase());
  void arena;
  const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

  const k: Kernels = {
    exports,
    sumIntegers(n) {
      const nn = toU64(n, "n");
      return u64(call("sumIntegers", () => exports.sumIntegers(nn)));
    },
    sumRange(lo, hi) {
      const l = toU64(lo, "lo");
      const h = toU64(hi, "hi");
      return u64(call("sumRange", () => exports.sumRange(l, h)));
    },
    warmUp() {
      for (let i = 0; i < 2000; i++) exports.sumRange(0n, 1000n);
    },
  };
  return k;
}

/** Runs a raw call, turning a wasm trap into a KernelError that names the kernel. */
function call<T>(kernel: string, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    if (cause instanceof WebAssembly.RuntimeError) throw new KernelError(`Kernel \`${kernel}\` trapped: ${cause.message}`, kernel, { cause });
    if (cause instanceof KernelError) throw new KernelError(`Kernel \`${kernel}\` aborted: ${cause.message}`, kernel, { cause });
    throw cause;
  }
}

