// Foreign WebAssembly through one door: any `.wasm` (C built by clang, hand-written WAT, another
// AssemblyScript build) loaded with declared signatures, the counterpart of Python's cffi. The
// declarations are checked against the function types in the binary at load time, so a wrong
// declaration fails once, by name, instead of corrupting values at every call.
//
// Instantiating runs the module's own code (its start function, then a C reactor's `_initialize`),
// synchronously: one that never returns would hang this thread for good, so `options.timeout` first
// instantiates the module in a worker that can be stopped (trial.ts).
import { HotpathError, WasmLoadError, expected } from "../errors.ts";
import { assemblyScriptImports } from "../load.ts";
import { checkOptions } from "../validate.ts";
import { compileWithBytes, type WasmSource } from "../wasm-bytes.ts";
import { checkType, exportedFunctionTypes } from "./binary.ts";
import { bind, scratchSpace, type ForeignFunction } from "./bind.ts";
import { formatSignature, parseSignatures, type Signature, type Signatures } from "./signatures.ts";
import { proveInstantiationEnds } from "./trial.ts";

export interface LoadOptions {
  /** The functions to bind and their signatures (required). */
  signatures: Signatures;
  /** Imports the module needs. AssemblyScript's `env.abort`, `env.trace` and `env.seed` are supplied when not given. */
  imports?: WebAssembly.Imports;
  /**
   * Milliseconds the module's start-up (start function and `_initialize`) may take. When given, the
   * module is first instantiated in a worker, which is stopped if it has not returned by then (a
   * WasmLoadError): a start-up that never returns cannot hang the caller. Costs a worker start
   * (≈0.1 s measured in Node 20). Not for modules that import memories, tables or globals, or whose
   * start-up calls an import other than AssemblyScript's env functions. Default: none.
   */
  timeout?: number;
}

/** A loaded foreign module: its declared functions, typed and checked, beside the raw instance. */
export interface ForeignModule<L = Record<string, ForeignFunction>> {
  /** The declared functions, with arguments checked and converted (u64/i64 ↔ bigint, buffers copied in and back). */
  readonly lib: L;
  /** The module's exported memory, when it exports one. */
  readonly memory: WebAssembly.Memory | undefined;
  /** The parsed declarations, by function name. */
  readonly signatures: ReadonlyMap<string, Signature>;
  readonly instance: WebAssembly.Instance;
  readonly module: WebAssembly.Module;
}

const LOAD_KEYS = ["signatures", "imports", "timeout"] as const;

/**
 * Loads any `.wasm` and binds the declared functions, checked against the module's real exports.
 * Node, Deno, Bun and browsers. With a compiled `WebAssembly.Module` only names and arities can be
 * checked (the types are in the bytes); pass a URL or bytes for the full check.
 */
export async function load<L = Record<string, ForeignFunction>>(source: WasmSource, options: LoadOptions): Promise<ForeignModule<L>> {
  if (options === undefined) throw new TypeError(expected("options", "an object with `signatures`", options));
  const opts = checkOptions(options, "options", LOAD_KEYS) as unknown as LoadOptions;
  if (opts.signatures === undefined) throw new TypeError(expected("options.signatures", 'declarations such as "u64 f(u64)"', undefined));
  if (opts.imports !== undefined && (opts.imports === null || typeof opts.imports !== "object"))
    throw new TypeError(expected("options.imports", "an imports object { module: { name: value } }", opts.imports));
  const sigs = parseSignatures(opts.signatures);
  if (sigs.length === 0) throw new TypeError(expected("options.signatures", "at least one declaration", opts.signatures));

  if (opts.timeout !== undefined && (typeof opts.timeout !== "number" || !(opts.timeout > 0) || !Number.isFinite(opts.timeout)))
    throw new TypeError(expected("options.timeout", "a positive, finite number of milliseconds", opts.timeout));

  const { module, bytes } = await compileWithBytes(source, "source");
  const available = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const types = bytes ? exportedFunctionTypes(bytes) : undefined;
  const byName = new Map<string, Signature>();
  for (const sig of sigs) {
    if (byName.has(sig.name)) throw new TypeError(`\`options.signatures\` declares \`${sig.name}\` twice`);
    byName.set(sig.name, sig);
    const kind = available.get(sig.name);
    if (kind !== "function") {
      const functions = [...available].filter(([, k]) => k === "function").map(([n]) => n);
      throw new WasmLoadError(
        kind
          ? `\`${sig.name}\` is exported as a ${kind}, not a function`
          : `The module exports no function \`${sig.name}\` (declared as "${formatSignature(sig)}"); it exports: ${functions.join(", ") || "no functions"}`,
      );
    }
    const actual = types?.get(sig.name);
    if (actual) checkType(sig, actual);
  }

  let memory: WebAssembly.Memory | undefined;
  const imports = completeImports(module, opts.imports ?? {}, () => memory);
  if (opts.timeout !== undefined) await proveInstantiationEnds(module, opts.timeout);
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (cause) {
    // A trap or an abort is the start function's; anything else (a LinkError: wrong import types) is instantiation's.
    if (cause instanceof WebAssembly.RuntimeError || cause instanceof HotpathError) throw startupError("start function", cause);
    throw new WasmLoadError(`Could not instantiate the module: ${(cause as Error).message}`, { cause });
  }
  const exports = instance.exports;
  memory = exports.memory instanceof WebAssembly.Memory ? exports.memory : undefined;
  // A C reactor (no main) runs its static constructors here, as dlopen would.
  const initName = ["_initialize", "__wasm_call_ctors"].find((n) => typeof exports[n] === "function");
  if (initName) {
    try {
      (exports[initName] as () => void)();
    } catch (cause) {
      throw startupError(`\`${initName}\``, cause);
    }
  }

  const scratch = scratchSpace(exports, memory);
  const lib: Record<string, ForeignFunction> = {};
  for (const sig of sigs) {
    const fn = exports[sig.name] as (...a: unknown[]) => unknown;
    // Without the bytes, the export's arity is all there is to compare.
    if (!types && fn.length !== sig.params.length)
      throw new WasmLoadError(
        `Signature of \`${sig.name}\` does not match the module: declared "${formatSignature(sig)}" takes ${sig.params.length} parameter(s), the export takes ${fn.length}`,
      );
    lib[sig.name] = bind(sig, fn, memory, scratch);
  }
  return { lib: lib as L, memory, signatures: byName, instance, module };
}

/** A WasmLoadError for code that failed while the module started: a trap, an AssemblyScript abort, or an import that threw. */
function startupError(what: string, cause: unknown): WasmLoadError {
  if (cause instanceof WasmLoadError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  const how = cause instanceof WebAssembly.RuntimeError ? "trapped" : cause instanceof HotpathError ? `failed (${cause.name})` : "threw";
  return new WasmLoadError(`The module's ${what} ${how} while loading: ${message}`, { cause });
}

const AS_ENV = new Set(["abort", "trace", "seed"]);

/** The caller's imports, plus AssemblyScript's env functions when the module wants them; anything else missing is named. */
function completeImports(
  module: WebAssembly.Module,
  given: WebAssembly.Imports,
  memory: () => WebAssembly.Memory | undefined,
): WebAssembly.Imports {
  const asEnv = assemblyScriptImports(memory).env as Record<string, WebAssembly.ImportValue>;
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const [mod, values] of Object.entries(given)) imports[mod] = { ...(values as Record<string, WebAssembly.ImportValue>) };
  const missing: string[] = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imports[imp.module]?.[imp.name] !== undefined) continue;
    if (imp.module === "env" && AS_ENV.has(imp.name) && imp.kind === "function") (imports.env ??= {})[imp.name] = asEnv[imp.name];
    else missing.push(`\`${imp.module}.${imp.name}\` (${imp.kind})`);
  }
  if (missing.length)
    throw new WasmLoadError(`The module imports ${missing.join(", ")}; pass ${missing.length > 1 ? "them" : "it"} in \`options.imports\``);
  return imports;
}
