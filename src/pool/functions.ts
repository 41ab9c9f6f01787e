// Users' functions on the pool: what a `PoolFunction` names, checked here and turned into the
// FunctionRef a worker loads. Wasm modules and kernels (KernelRef) are compiled once per pool and
// cached: URLs by address, bytes, Modules and KernelRefs by identity (weakly, so they can be collected).
import { platform } from "#platform";
import { WorkerError, describe, expected } from "../errors.ts";
import { boundShape, type FunctionShape, type ModuleShape } from "../kernels/shape.ts";
import { kernelRefOf, type FunctionSpec, type KernelRef } from "../kernels/contract.ts";
import { compileWasm, type WasmSource } from "../load.ts";
import { checkOptions } from "../validate.ts";
import type { FunctionRef, PoolMode } from "./protocol.ts";
import type { PoolFunction } from "./types.ts";

/** A function ready to send: its ref, and its spec when it is a kernel with one (arguments are checked with it). */
export interface ResolvedFunction {
  readonly ref: FunctionRef;
  readonly spec?: FunctionSpec;
  /** A function of strings, arrays or objects (KernelRef.bound): only `map` runs it. */
  readonly bound?: FunctionShape;
}

interface Compiled {
  readonly id: number;
  readonly module: WebAssembly.Module;
}

const FN_SHAPES = "{ module, export }, { wasm, export } or a kernel function carrying a KernelRef";

export class FunctionCache {
  #byUrl = new Map<string, Compiled>();
  #byObject = new WeakMap<object, Compiled>();
  #byKernel = new WeakMap<KernelRef, Promise<Compiled>>();
  #ids = 0;

  constructor(
    readonly mode: PoolMode,
    /** The pool's shared memory (shared mode): a kernel's threads build is instantiated against it. */
    readonly memory: WebAssembly.Memory | undefined,
  ) {}

  /** The function's reference for workers; `sampleArgs` are arguments of one call (they pick a jit function's version). */
  async resolve(fn: PoolFunction, sampleArgs: readonly unknown[] = []): Promise<ResolvedFunction> {
    const kernel = kernelRefOf(fn, sampleArgs);
    if (kernel) return this.#kernel(kernel);
    if (fn === null || typeof fn !== "object") throw new TypeError(expected("fn", FN_SHAPES, fn));
    if ("module" in fn) return { ref: moduleRef(fn) };
    if ("wasm" in fn) return { ref: await this.#wasm(fn) };
    throw new TypeError(expected("fn", FN_SHAPES, fn));
  }

  async #kernel(kernel: KernelRef): Promise<ResolvedFunction> {
    const spec = kernel.spec;
    let compiled = this.#byKernel.get(kernel);
    if (!compiled) {
      // Shared mode runs the threads build in the pool's memory; without one (or in message mode), the single-thread build.
      const threads = this.mode === "shared" && typeof kernel.threads === "function";
      compiled = (threads ? kernel.threads() : kernel.module()).then((module) => {
        if (!(module instanceof WebAssembly.Module))
          throw new TypeError(
            expected(`the KernelRef of \`${spec.name}\`'s ${threads ? "threads()" : "module()"}`, "a WebAssembly.Module", module),
          );
        return { id: ++this.#ids, module };
      });
      this.#byKernel.set(kernel, compiled);
      compiled.catch(() => this.#byKernel.delete(kernel));
    }
    const { id, module } = await compiled;
    requireFunction(module, spec.name, "spec.name");
    const bound = boundShape(kernel);
    if (bound) {
      const shape = kernel.bound!.shape as ModuleShape;
      const instance = [...bound.params.map((p) => p.type), ...(bound.result ? [bound.result] : [])].find((t) => t.kind === "instance");
      if (instance && instance.kind === "instance")
        throw new TypeError(
          `\`${spec.name}\` takes or returns a ${shape.classes[instance.class].name}, a class instance: it lives in one module instance and cannot move to a worker; call it on this thread`,
        );
      return { bound, ref: { type: "wasm", id, module, export: spec.name, bound: kernel.bound } };
    }
    const memory = importsMemory(module) ? this.memory : undefined;
    return {
      spec,
      ref: { type: "wasm", id, module, memory, export: spec.name, result: spec.result, warmUpArgs: kernel.warmUpArgs },
    };
  }

  async #wasm(fn: { wasm: WasmSource; export: string; memory?: WebAssembly.Memory }): Promise<FunctionRef> {
    checkOptions(fn, "fn", ["wasm", "export", "memory"]);
    if (typeof fn.export !== "string") throw new TypeError(expected("fn.export", "the name of an exported function", fn.export));
    if (fn.memory !== undefined) {
      if (!(fn.memory instanceof WebAssembly.Memory) || !isShared(fn.memory))
        throw new TypeError(expected("fn.memory", "a shared WebAssembly.Memory ({ shared: true })", fn.memory));
      const unavailable = platform.sharedMemoryReason();
      if (unavailable) throw new WorkerError(`\`fn.memory\` cannot be posted to workers here: ${unavailable}`);
    }
    const byUrl = typeof fn.wasm === "string" || fn.wasm instanceof URL;
    const key = fn.wasm instanceof URL ? fn.wasm.href : fn.wasm;
    if (!byUrl && (key === null || typeof key !== "object"))
      throw new TypeError(expected("fn.wasm", "a URL, bytes or a WebAssembly.Module", key));
    let compiled = byUrl ? this.#byUrl.get(key as string) : this.#byObject.get(key);
    if (!compiled) {
      compiled = { id: ++this.#ids, module: await compileWasm(fn.wasm, "fn.wasm") };
      if (byUrl) this.#byUrl.set(key as string, compiled);
      else this.#byObject.set(key, compiled);
    }
    requireFunction(compiled.module, fn.export, "fn.export");
    return { type: "wasm", id: compiled.id, module: compiled.module, memory: fn.memory, export: fn.export };
  }
}

function moduleRef(fn: { module: string | URL; export?: string }): FunctionRef {
  checkOptions(fn, "fn", ["module", "export"]);
  let url: URL;
  try {
    url = fn.module instanceof URL ? fn.module : new URL(fn.module, globalThis.location?.href);
  } catch {
    throw new TypeError(expected("fn.module", "an absolute URL of an ES module (e.g. new URL('./k.mjs', import.meta.url))", fn.module));
  }
  const name = fn.export === undefined ? "default" : fn.export;
  if (typeof name !== "string") throw new TypeError(expected("fn.export", "a string", name));
  return { type: "module", url: url.href, export: name };
}

function requireFunction(module: WebAssembly.Module, name: string, what: string): void {
  const exportsOf = WebAssembly.Module.exports(module);
  if (!exportsOf.some((e) => e.name === name && e.kind === "function"))
    throw new TypeError(
      `Expected \`${what}\` to name a function the wasm module exports (${
        exportsOf
          .filter((e) => e.kind === "function")
          .map((e) => e.name)
          .join(", ") || "none"
      }), got ${describe(name)}`,
    );
}

function importsMemory(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.kind === "memory");
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === "function" && memory.buffer instanceof SharedArrayBuffer;
}
