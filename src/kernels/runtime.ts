// hotpath/kernel: the runtime of the modules `hotpath compile` generates. A generated module is one
// call, `defineKernelModule({ … })`, with its wasm files named by `new URL("./x.wasm", import.meta.url)`
// written literally in the generated file (so bundlers find them). Everything a caller gets comes from
// the kernel contract (src/kernels/contract.ts): checked arguments with named errors, buffers copied in,
// u64 results unsigned, traps as KernelError, warm-up. Browser-safe: Node, Deno, Bun and pages.
import { Arena } from "../arena.ts";
import { gcRuntime } from "../classes/classes.ts";
import { bindShape } from "./bind.ts";
import type { ModuleShape } from "./shape.ts";
import { WasmLoadError, expected } from "../errors.ts";
import { assemblyScriptImports, compileWasm, requireExports } from "../load.ts";
import { readWasmBytes } from "../wasm-bytes.ts";
import { checkOptions } from "../validate.ts";
import {
  BUFFER_ARRAYS,
  KERNEL_REF,
  bindFunction,
  isBufferType,
  warmUp,
  type FunctionSpec,
  type KernelRef,
  type ParamSpec,
  type ValueType,
} from "./contract.ts";

/** The export every compiled kernel module has beside the user's functions: where free memory starts. */
export const HEAP_BASE_EXPORT = "__hotpath_heap_base";
/** Names a kernel cannot export: they are the module object's own members. */
export const RESERVED_NAMES = ["load", "specs", "source", "then"] as const;

/** What a generated module passes to `defineKernelModule`. */
export interface KernelModuleDefinition {
  /** The kernel file's name without extension ("squares"), for messages. */
  readonly source: string;
  /** The generated module's own URL (`import.meta.url`). */
  readonly url?: string;
  /** The single-thread build. A function, so that nothing is fetched before `load()`. */
  readonly wasm: () => URL | string;
  /** The shared-memory build (imports `env.memory`), for the pool's shared mode. */
  readonly threads?: () => URL | string;
  /** Every exported function, as asc typed it. */
  readonly functions: readonly FunctionSpec[];
  /**
   * The functions that, with all they call, read and write no linear memory (found by `hotpath compile`).
   * Their KernelRefs have no threads build: the pool's shared mode runs them from the single-thread
   * build, as it runs the built-in range kernels, since the shared memory gains them nothing.
   */
  readonly memoryFree?: readonly string[];
  /** Functions of strings, arrays, objects and classes, the classes, and the exported globals (bind.ts). */
  readonly shape?: ModuleShape;
}

/** Options of `load()`. */
export interface LoadOptions {
  /**
   * Run every function of numbers on small inputs until V8 has tiered it up (a long first call would
   * stay in the baseline tier). Default: true, except for a module with globals, classes or a collector
   * (one that has state, which calls with made-up arguments would change): there, false.
   */
  warmUp?: boolean;
}

/**
 * A function of a kernel module as the pool sees it: its name and its KernelRef. `A` and `R` are its
 * arguments and result, for typed pool calls.
 */
export interface KernelFunctionRef<A extends unknown[] = unknown[], R = unknown> {
  readonly name: string;
  readonly [KERNEL_REF]: KernelRef;
  /** Type-only: the signature of the loaded function. Never set. */
  readonly __signature?: (...args: A) => R;
}

/** Turns a function type into the ref type the module object carries for it. */
export type RefOf<F> = F extends (...args: infer A) => infer R ? KernelFunctionRef<A, R> : never;

/** The loaded functions: each also carries its KernelRef, so `pool.reduceRange(m.f, …)` works as well. */
export type LoadedKernels<F> = { readonly [K in keyof F]: F[K] & { readonly [KERNEL_REF]: KernelRef } };

/** What `import squares from "./generated/squares.js"` gives: `load()`, the specs, and one KernelRef per function. */
export type KernelModule<F, V = unknown> = {
  /** Compiles the module (once per realm), instantiates it on this thread and returns its checked, typed functions (and `V`: classes, globals, memory). */
  load(options?: LoadOptions): Promise<LoadedKernels<F> & V>;
  /** Every function's boundary, as asc typed it. */
  readonly specs: readonly FunctionSpec[];
  /** The kernel file's name ("squares"). */
  readonly source: string;
} & { readonly [K in keyof F]: RefOf<F[K]> };

/** Short arguments for warm-up calls: integers count 64, 128, … (a range [64, 128)); buffers hold 64 elements. */
export function warmUpArgsFor(spec: FunctionSpec): unknown[] {
  let k = 0;
  return spec.params.map((p) => sampleValue(p, ++k));
}

function sampleValue(p: ParamSpec, k: number): unknown {
  const t: ValueType = p.type;
  if (isBufferType(t)) {
    const Ctor = BUFFER_ARRAYS[t];
    return new Ctor(64);
  }
  switch (t) {
    case "u64":
    case "i64":
      return BigInt(64 * k);
    case "bool":
      return k % 2 === 1;
    case "f32":
    case "f64":
      return 0.5 * k;
    default:
      return 64 * k;
  }
}

/** Builds the module object of a generated kernel module. */
export function defineKernelModule<F>(definition: KernelModuleDefinition): KernelModule<F> {
  const { source, functions } = definition;
  let single: Promise<WebAssembly.Module> | undefined;
  let threads: Promise<WebAssembly.Module> | undefined;
  const names = functions.map((f) => f.name);
  // Once per realm: every load() and every pool reuses the compiled module.
  const module = (): Promise<WebAssembly.Module> =>
    (single ??= compileWasm(definition.wasm(), `${source}.wasm`).then((m) => {
      requireExports(m, [...names, HEAP_BASE_EXPORT], `${source}.wasm`);
      return m;
    }));
  const threadsUrl = definition.threads;
  const threadsModule = threadsUrl
    ? (): Promise<WebAssembly.Module> =>
        (threads ??= compileWasm(threadsUrl(), `${source}.threads.wasm`).then((m) => {
          requireExports(m, [...names, HEAP_BASE_EXPORT], `${source}.threads.wasm`);
          return m;
        }))
    : undefined;

  // The bytes too, read once, for engines that ship the kernel elsewhere (hotpath/cluster).
  let bytes: Promise<Uint8Array> | undefined;
  const wasmBytes = (): Promise<Uint8Array> => (bytes ??= readWasmBytes(definition.wasm(), `${source}.wasm`));

  const refs = new Map<string, KernelRef>();
  const shape = definition.shape;
  for (const fn of shape?.functions ?? [])
    refs.set(
      fn.name,
      Object.freeze({
        // The contract's spec names it; `bound` says how to call it (checked by the pool and compare()).
        spec: { name: fn.name, params: [], result: "void" } satisfies FunctionSpec,
        bound: { shape: shape!, function: fn.name, source },
        module,
        bytes: wasmBytes,
      }),
    );
  for (const spec of functions) {
    if ((RESERVED_NAMES as readonly string[]).includes(spec.name))
      throw new TypeError(`Kernel module \`${source}\` exports \`${spec.name}\`, a name its module object uses; rename it`);
    refs.set(
      spec.name,
      Object.freeze({
        spec,
        module,
        ...(threadsModule && !definition.memoryFree?.includes(spec.name) ? { threads: threadsModule } : {}),
        warmUpArgs: Object.freeze(warmUpArgsFor(spec)),
        bytes: wasmBytes,
      }),
    );
  }

  const object: Record<string, unknown> = {
    source,
    specs: functions,
    async load(options?: LoadOptions) {
      const opts = checkOptions(options, "options", ["warmUp"]) as LoadOptions;
      if (opts.warmUp !== undefined && typeof opts.warmUp !== "boolean")
        throw new TypeError(expected("options.warmUp", "a boolean", opts.warmUp));
      const loaded = instantiateKernelModule(await module(), functions, refs, source, shape);
      // A module with a shape (a collector, globals, classes) has state: calls with made-up arguments would change it.
      if (opts.warmUp ?? !shape)
        for (const spec of functions) {
          const fn = loaded[spec.name] as (...args: unknown[]) => unknown;
          const args = refs.get(spec.name)!.warmUpArgs!;
          try {
            warmUp(() => fn(...args));
          } catch {
            // A function whose sample arguments it refuses (a trap, an abort) is warmed up by its first real call instead.
          }
        }
      return loaded;
    },
  };
  for (const name of refs.keys()) object[name] = Object.freeze({ name, [KERNEL_REF]: refs.get(name)! } satisfies KernelFunctionRef);
  return Object.freeze(object) as KernelModule<F>;
}

/**
 * One function of a kernel on this thread, from its KernelRef alone (what `compare()` gets): a fresh
 * instance of its single-thread build, the function bound to the contract and warmed up.
 */
export async function loadKernelFunction(ref: KernelRef, options?: LoadOptions): Promise<(...args: unknown[]) => unknown> {
  const opts = checkOptions(options, "options", ["warmUp"]) as LoadOptions;
  const refs = new Map([[ref.spec.name, ref]]);
  const loaded = ref.bound
    ? instantiateKernelModule(await ref.module(), [], refs, ref.bound.source, ref.bound.shape as ModuleShape)
    : instantiateKernelModule(await ref.module(), [ref.spec], refs, ref.spec.name);
  const fn = loaded[ref.spec.name] as (...args: unknown[]) => unknown;
  if (opts.warmUp !== false && ref.warmUpArgs)
    try {
      warmUp(() => fn(...ref.warmUpArgs!));
    } catch {
      // See load(): the first real call warms it up instead.
    }
  return fn;
}

/** One instance of a kernel module on this thread, with every function bound to the contract. */
export function instantiateKernelModule(
  module: WebAssembly.Module,
  functions: readonly FunctionSpec[],
  refs: Map<string, KernelRef>,
  source: string,
  shape?: ModuleShape,
): Record<string, unknown> {
  let memory: WebAssembly.Memory | undefined;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(
      module,
      assemblyScriptImports(() => memory!),
    );
  } catch (cause) {
    throw new WasmLoadError(`Could not instantiate ${source}.wasm: ${(cause as Error).message}`, { cause });
  }
  const exports = instance.exports as Record<string, unknown>;
  if (!(exports.memory instanceof WebAssembly.Memory)) throw new WasmLoadError(`${source}.wasm exports no memory`);
  memory = exports.memory;
  // Without the heap-base export (a module not built by hotpath compile), free memory starts where the initial memory ends.
  const heapBase = exports[HEAP_BASE_EXPORT];
  const base = typeof heapBase === "function" ? (heapBase as () => number)() : memory.buffer.byteLength;
  // With a collector, buffers of the kernel contract go into objects it allocated (pinned for the call), not above the heap base.
  const arena = shape?.gc ? collectedArena(instance, memory) : new Arena(memory, base);
  const bound = { memory, arena, exports };
  const out: Record<string, unknown> = shape ? bindShape(instance, shape, source) : {};
  for (const spec of functions) out[spec.name] = bindFunction(spec, bound);
  for (const [name, ref] of refs) if (typeof out[name] === "function") Object.defineProperty(out[name], KERNEL_REF, { value: ref });
  return Object.freeze(out);
}

/** An Arena over a collected heap: each buffer is an ArrayBuffer the module allocates, pinned until `reset()`. */
function collectedArena(instance: WebAssembly.Instance, memory: WebAssembly.Memory): Arena {
  const rt = gcRuntime(instance);
  const allocate = instance.exports.__new as (size: number, id: number) => number;
  const held: number[] = [];
  const arena = {
    memory,
    base: 0,
    reset() {
      for (const ptr of held) rt.release(ptr);
      held.length = 0;
    },
    alloc(bytes: number, _name?: string) {
      // Runtime id 1 is ArrayBuffer in every AssemblyScript module (std/assembly/rt/common.ts).
      const ptr = rt.hold(allocate(bytes, 1) >>> 0);
      held.push(ptr);
      return ptr;
    },
    put(view: ArrayBufferView, name: string) {
      const ptr = arena.alloc(view.byteLength, name);
      new Uint8Array(memory.buffer, ptr, view.byteLength).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      return ptr;
    },
  };
  return arena as unknown as Arena;
}

export { KERNEL_REF, kernelRefOf } from "./contract.ts";
export type { FunctionSpec, KernelRef, ParamSpec, ScalarType, BufferType, ValueType, ResultType } from "./contract.ts";
export { HotpathError, KernelError, WasmLoadError } from "../errors.ts";
export { WasmObject, DisposedError } from "../classes/classes.ts";
export type { HeapInfo } from "./bind.ts";
export type { ModuleShape } from "./shape.ts";
