// One compiled module per entry specialization: the entry function, every jit function it calls
// (each specialized for its argument types), the jitClass constructors it uses, and helpers. The
// names it resolves (functions, classes) are recorded with their source, so a cached module can be
// checked against what those names mean now.
import { compileFunction } from "./compile.ts";
import { chunked } from "./chunk.ts";
import type { Globals, JitTarget, ModuleHost, Specialization, TrapSite } from "./plan.ts";
import type { ParsedFunction } from "../front/parse.ts";
import { FMOD_BODY, FMOD_LOCALS } from "./numeric.ts";
import { ConstantGlobals, hoistLoopConstants } from "./constants.ts";
import { TRAP_EXPORTS } from "./traps.ts";
import { typeName, type ClassType, type ResultType, type ValueType } from "../analysis/types.ts";
import { arenaMemoryType } from "../runtime/memory.ts";
import { encodeModule, type ValType, type WasmFunction, type WasmImport, type WasmModule } from "../wasm/wasm.ts";
import { printModule } from "../wasm/wat.ts";

/** A name the module resolved and the source it had: `fn:name` or `class:name` → source. */
export type Dependencies = Record<string, string>;

export interface CompiledModule {
  /** With its own memory, exported (the pool's message mode, compare(), the cluster). */
  readonly bytes: Uint8Array;
  /** The same functions importing `env.memory`: jit's arena on this thread, the pool's shared memory. */
  readonly arenaBytes: Uint8Array;
  readonly wat: string;
  readonly exportName: string;
  readonly params: readonly ValueType[];
  readonly result: ResultType;
  readonly dependencies: Dependencies;
  /** The entry's array parameters it stores into (copied back after a call), or "all". */
  readonly written: Written;
  /** What each trap site is (site k + 1 is set in the `__trap` global before trapping): see TRAP_GLOBALS. */
  readonly traps: readonly TrapSite[];
}

/** Which array parameters a function stores into: their indices, or "all" when that is not known. */
export type Written = readonly number[] | "all";

export class ModuleBuilder implements ModuleHost {
  readonly #functions: (WasmFunction | undefined)[] = [];
  readonly #specs = new Map<string, Specialization>();
  readonly #helpers = new Map<string, number>();
  readonly #imports: WasmImport[] = [];
  readonly traps: TrapSite[] = [];
  readonly dependencies: Dependencies = {};
  usesMemory = false;
  #written: Set<number> | "all" = new Set();

  wrote(param: number | "all"): void {
    if (param === "all") this.#written = "all";
    else if (this.#written !== "all") this.#written.add(param);
  }

  get written(): Written {
    return this.#written === "all" ? "all" : [...this.#written].sort((a, b) => a - b);
  }

  constructor(
    readonly globals: Globals,
    /** `fastmath: true` for every function of the module. */
    readonly fastmath = false,
    /** Move the entry's top-level counted loops into functions of their own (chunk.ts). */
    readonly chunkLoops = false,
  ) {}

  fn(name: string): JitTarget | undefined {
    const target = this.globals.fn(name);
    if (target) this.dependencies[`fn:${name}`] = target.source;
    return target;
  }

  conflicts(kind: "fn" | "class", name: string): number {
    return this.globals.conflicts?.(kind, name) ?? 0;
  }

  cls(name: string): ReturnType<Globals["cls"]> {
    const cls = this.globals.cls(name);
    if (cls) this.dependencies[`class:${name}`] = cls.source;
    return cls;
  }

  /** The function index of `target` compiled for `params`, compiling it on first use (the signature is ModuleHost's). */
  specialize(...[target, params, declared, exported, closure]: Parameters<ModuleHost["specialize"]>): Specialization {
    const key = `fn\u0000${target.source}\u0000${params.map(typeName).join(",")}`;
    let spec = this.#specs.get(key);
    if (spec) return spec;
    const index = this.#functions.push(undefined) - 1;
    spec = { index, result: declared };
    this.#specs.set(key, spec);
    const name = exported ? exportName(target.name) : `${exportName(target.name)}_${index}`;
    const { fn, result } = compileFunction(this, {
      name,
      parsed: target.parsed(),
      params,
      result: declared,
      exported,
      target,
      fastmath: this.fastmath,
      ...(closure ? { closure } : {}),
    });
    spec.result = result;
    if (this.chunkLoops && exported) {
      const { fn: entry, added } = chunked(fn, this.#functions.length);
      this.#functions[index] = entry;
      this.#functions.push(...added);
    } else this.#functions[index] = fn;
    return spec;
  }

  /** The function that runs `cls`'s constructor on arguments of these types and returns its fields. */
  construct(cls: ClassType & { init(): ParsedFunction | undefined }, params: readonly ValueType[]): number {
    const key = `class\u0000${cls.source}\u0000${params.map(typeName).join(",")}`;
    let spec = this.#specs.get(key);
    if (spec) return spec.index;
    const index = this.#functions.push(undefined) - 1;
    spec = { index, result: cls };
    this.#specs.set(key, spec);
    const parsed = cls.init();
    const name = `${exportName(cls.name)}_new_${index}`;
    this.#functions[index] = compileFunction(this, { name, parsed, params, result: cls, exported: false, constructing: cls }).fn;
    return index;
  }

  /** The number of a new trap site (what `traps[number - 1]` says). */
  trapSite(site: TrapSite): number {
    return this.traps.push(site);
  }

  /** A helper function (JavaScript's `%` on numbers), added once. */
  helper(name: "fmod"): number {
    let index = this.#helpers.get(name);
    if (index === undefined) {
      index =
        this.#functions.push({ name, params: ["f64", "f64"], results: ["f64"], locals: FMOD_LOCALS, body: FMOD_BODY, exported: false }) - 1;
      this.#helpers.set(name, index);
    }
    return index;
  }

  /** The `call` operand of a host function (`Math.sin`), imported once per signature. */
  hostFunction(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): number {
    const key = (f: WasmImport) => `${f.module}.${f.name}(${f.params.join(",")})`;
    const wanted = { module, name, params, results };
    let i = this.#imports.findIndex((f) => key(f) === key(wanted));
    if (i < 0) i = this.#imports.push(wanted) - 1;
    return -1 - i;
  }

  /** The module in jit's memory, encoded now (it runs at once); with its own memory, and as text, when first read. */
  finish(): { bytes: Uint8Array; arenaBytes: Uint8Array; wat: string } {
    const constants = new ConstantGlobals(Object.keys(TRAP_EXPORTS).length);
    const functions = (this.#functions as WasmFunction[]).map((f) => hoistLoopConstants(f, constants));
    const module: WasmModule = {
      imports: this.#imports,
      functions,
      memory: { kind: "own", pages: this.usesMemory ? 1 : 0 },
      globals: [
        { type: "i32", value: 0, exportAs: TRAP_EXPORTS.site },
        { type: "f64", value: 0, exportAs: TRAP_EXPORTS.index },
        { type: "f64", value: 0, exportAs: TRAP_EXPORTS.length },
        ...constants.values.map((value) => ({ type: "f64" as const, value })),
      ],
    };
    const arena: WasmModule = { ...module, memory: arenaMemoryType() };
    let bytes: Uint8Array | undefined;
    let wat: string | undefined;
    return {
      arenaBytes: encodeModule(arena),
      get bytes() {
        return (bytes ??= encodeModule(module));
      },
      get wat() {
        return (wat ??= printModule(arena));
      },
    };
  }
}

/** A wasm export name from a function name ("" → "f"). */
export function exportName(name: string): string {
  return name.replace(/[^\w$]/g, "_") || "f";
}

/** Compiles `target` for `params` into a module exporting it. */
export function compileModule(
  globals: Globals,
  target: JitTarget,
  params: readonly ValueType[],
  declared: ResultType | undefined,
  fastmath = false,
  chunkLoops = false,
): CompiledModule {
  const builder = new ModuleBuilder(globals, fastmath, chunkLoops);
  const { result } = builder.specialize(target, params, declared, true);
  const encoded = builder.finish();
  return {
    get bytes() {
      return encoded.bytes;
    },
    arenaBytes: encoded.arenaBytes,
    get wat() {
      return encoded.wat;
    },
    exportName: exportName(target.name),
    params,
    result: result!,
    dependencies: builder.dependencies,
    written: builder.written,
    traps: builder.traps,
  };
}

export type { Globals, JitTarget } from "./plan.ts";
