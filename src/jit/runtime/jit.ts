// `jit(fn, signature?, options?)`: the dispatcher. Each tuple of argument types gets its own compiled
// module (a specialization), made once: from the in-memory cache, the disk cache, or the compiler.
import { expected } from "../../errors.ts";
import { KERNEL_REF, type KernelRef, type KernelRefCarried } from "../../kernels/contract.ts";
import { UNSUPPORTED, bind, elementConstructor, fitsScalar, notAnArrayOfNumbers, typeOfValue } from "./boundary.ts";
import { cacheKey, fromDisk, fromMemory, toDisk, toMemory, type CacheEntry } from "./cache.ts";
import { JitError, JitMismatchError } from "../errors.ts";
import { kernelRefFor } from "./kernel-ref.ts";
import { arenaMemory, arenaShared, arrayBytes, notNumbers } from "./memory.ts";
import { Adaptive, MIN_BYTES, SKIP, mayRunPlain } from "./adaptive.ts";
import { allocates, hostImports } from "./host.ts";
import { defaultFiller, type DefaultFiller } from "./defaults.ts";
import { chunkLongLoops, compileOptimized } from "./tiering.ts";
import { warmCompiler } from "./warm-up.ts";
import { compileModule, type Globals, type JitTarget } from "../codegen/module.ts";
import { typedMethodReceivers } from "../codegen/methods.ts";
import { annotatedSignature } from "../front/annotations.ts";
import { childNodes, parseFunction, type Node, type ParsedFunction } from "../front/parse.ts";
import { currentDefinitions, globalsAt, registerFunction, registryVersion, stillValid } from "./registry.ts";
import type { Pool } from "../../pool/types.ts";
import {
  ELEMENTS,
  elementOf,
  isArray,
  isClass,
  isRecord,
  parseSignature,
  signatureText,
  typeName,
  type ResultType,
  type ScalarType,
  type Signature,
  type ValueType,
} from "../analysis/types.ts";

/** Options of `jit`. Unknown keys are rejected. */
export interface JitOptions {
  /** Run the original function beside the first `verify` calls and throw a JitMismatchError where they differ. Default 0. */
  verify?: number;
  /** Also keep compiled modules on disk (Node, Deno, Bun; ignored in browsers), reused by later processes. Default false. */
  cache?: boolean;
  /** Run the original JavaScript when the function cannot be compiled, with one console.warn, instead of throwing the JitError. Default false. */
  fallback?: boolean;
  /**
   * Let float sums be reordered, as Numba's `fastmath`: a loop summing into a variable runs with several
   * SIMD partial sums, so its result can differ from JavaScript's in the last bits. `verify` then
   * compares results within a relative 1e-9 (of the sum of the terms' magnitudes). Default false.
   */
  fastmath?: boolean;
  /**
   * Run the function's `for (const i of prange(lo, hi))` loop on a pool, as Numba's `parallel=True`:
   * the jitted function returns a Promise (src/jit/parallel/parallel.ts has the rules). Default false.
   */
  parallel?: boolean;
  /** With `parallel: true`: the pool to run on. Default: jit's own pool, started at the first call. */
  pool?: Pool;
  /**
   * For calls on typed arrays (≥ 16 KiB), and calls on numbers of code calling `Math` functions, measure
   * the compiled call against the original function and run the faster, per size (number code only:
   * both give the same answers; src/jit/runtime/adaptive.ts). `false`: always the compiled function. Default true.
   */
  adaptive?: boolean;
}

/** One compiled specialization, for the pool (`{ wasm: module, export: exportName }`) or for reading. */
export interface JitCompiled {
  readonly module: WebAssembly.Module;
  readonly exportName: string;
  /** The full signature, result included: "u64(u64, u64)". */
  readonly signature: string;
  readonly wat: string;
}

export interface JitStats {
  /** Specializations compiled by this process. */
  compiled: number;
  /** Specializations found in the in-memory cache (another jit of the same source) or on disk. */
  memoryHits: number;
  diskHits: number;
  /** Calls that ran the original function (`adaptive`: its timed trials, and the calls after it measured faster). */
  plainCalls: number;
}

export interface JitFunction<F extends (...args: any[]) => any> {
  (...args: Parameters<F>): ReturnType<F>;
  /** The WAT of every compiled specialization (or of the one with this signature). */
  inspect(signature?: string): string;
  /** Signatures compiled so far, e.g. ["u64(u64)"]. */
  readonly signatures: readonly string[];
  /** Compiles (or finds) the specialization for these parameter types: "u64(u64, u64)", "(u64, u64)" or ["u64", "u64"]. */
  compile(types: string | readonly string[]): JitCompiled;
  readonly stats: Readonly<JitStats>;
  /** Why the original JavaScript runs instead (with `fallback: true`), else undefined. */
  readonly fallbackReason: string | undefined;
  /** The function that was compiled (undefined when jit was given source text). */
  readonly original: F | undefined;
  /**
   * What the pool and compare() use (src/kernels/contract.ts): with one declared signature, the
   * KernelRef of that specialization; without, a resolver giving the KernelRef of the specialization
   * for given arguments (compiling it if needed), so `pool.reduceRange(jit(f), 0n, 10n ** 10n, …)` works.
   */
  readonly [KERNEL_REF]: KernelRefCarried;
}

interface Specialization extends JitCompiled {
  readonly params: readonly ValueType[];
  readonly result: ResultType;
  readonly dependencies: Record<string, string>;
  readonly written: readonly number[] | "all";
  readonly bytes: Uint8Array;
  readonly arenaBytes: Uint8Array;
  /** The module importing `env.memory`, instantiated on this thread in jit's memory. */
  readonly arenaModule: WebAssembly.Module;
  readonly invoke: (args: readonly unknown[]) => unknown;
  /** Made when the pool or compare() first asks (it needs the parameter names, hence a parse). */
  kernelRef?: KernelRef;
  /** Whether the original function may run in its place (adaptive.ts), decided at the first call measured. */
  mayRunPlain: boolean | undefined;
  /** Whether its code calls host functions (`Math.sin`…): adaptive.ts measures the original then too. */
  readonly hostCalls: boolean;
  /** Whether its code makes typed arrays (codegen/allocation.ts): calls on small arrays are measured by time too. */
  readonly allocates: boolean;
  /** Calls on numbers alone left to run compiled, unmeasured, after a short one (adaptive.ts runScalar). */
  skip: number;
  /** The adaptive kind of its calls on jit.array arrays. */
  inPlace: string | undefined;
  /** The adaptive kind of its calls given a plain Array (whose copy costs more than a typed array's). */
  fromPlain: string | undefined;
  /** No array parameter. */
  readonly scalarOnly: boolean;
  /** Bytes per element of each array parameter (0 for the others). */
  readonly elementBytes: readonly number[];
}

const OPTION_KEYS = ["verify", "cache", "fallback", "fastmath", "parallel", "pool", "adaptive"];
const warned = new WeakSet<object>();

export function jit<F extends (...args: any[]) => any>(fn: F, signature?: string | readonly string[], options?: JitOptions): JitFunction<F>;
/**
 * Source text of one function, in JavaScript or TypeScript (`"function f(n: bigint): bigint { … }"`).
 * When every parameter is annotated, the annotations are the signature (bigint → u64, number → f64,
 * boolean → bool, typed arrays, jitClass names, i32/u32/i64/u64/f64) and it compiles now; a signature
 * string, when given, takes precedence. `verify` and `fallback` need a JavaScript function, so they are refused.
 */
export function jit(source: string, signature?: string | readonly string[], options?: JitOptions): JitFunction<(...args: any[]) => any>;
export function jit(
  input: ((...args: any[]) => any) | string,
  signature?: string | readonly string[],
  options: JitOptions = {},
): JitFunction<(...args: any[]) => any> {
  if ((typeof input !== "function" && typeof input !== "string") || (typeof input === "string" && !/\S/.test(input)))
    throw new TypeError(expected("fn", "a function, or the source text of one", input));
  if (signature !== undefined && typeof signature !== "string" && !Array.isArray(signature))
    throw new TypeError(expected("signature", 'a signature string such as "u64(u64)", or an array of them', signature));
  checkJitOptions(options);
  if (options.parallel || options.pool !== undefined)
    throw new TypeError(expected("options.pool", "given only with `parallel: true`", options.pool));
  const fromText = typeof input === "string";
  for (const key of ["verify", "fallback"] as const)
    if (fromText && options[key])
      throw new TypeError(
        expected(`options.${key}`, "unset for source text (there is no JavaScript function to run beside it)", options[key]),
      );
  const fn = fromText ? undefined : input;
  const source = fromText ? input : input.toString();
  if (!fromText && /\{\s*\[native code\]\s*\}$/.test(source))
    throw new TypeError(expected("fn", "a function with JavaScript source (not native or bound)", input));
  // Source text is parsed now: its name and annotations are needed at once. A function's source only when compiled.
  let parsed: ParsedFunction | undefined = fromText ? parseFunction(source, true) : undefined;
  const name = fromText ? parsed!.name : input.name;
  // The names the function's code calls and constructs, as they are now (registry.ts): the definitions
  // the program made before this jit(), or for a name not defined yet, the first one it makes later.
  const scope = globalsAt(currentDefinitions());
  let declared = (typeof signature === "string" ? [signature] : (signature ?? [])).map((s) => parseSignature(s, scope.cls));
  if (fromText && declared.length === 0) {
    const annotated = annotatedSignature(parsed!, scope.cls);
    if (annotated) declared = [annotated];
  }
  const target: JitTarget = { name, source, signatures: declared, parsed: () => (parsed ??= parseFunction(source, fromText)) };
  registerFunction(target);
  // Work that does not need the arguments' types is done now, not in the first call (warm-up.ts): the
  // compiler's own code warmed once per process, the function parsed (an error is thrown when compiling).
  warmCompiler((text) => jit(text));
  try {
    target.parsed();
  } catch {
    // Thrown again at the first compile, where it always was.
  }

  const specs = new Map<string, Specialization>();
  const stats: JitStats = { compiled: 0, memoryHits: 0, diskHits: 0, plainCalls: 0 };
  const adaptive = fn && options.adaptive !== false ? new Adaptive() : undefined;
  let seenVersion = registryVersion();
  let fallbackReason: string | undefined;
  let verifyLeft = options.verify ?? 0;

  const specialize = (params: readonly ValueType[], result: ResultType | undefined): Specialization => {
    // A jitClass type by its definition, not only its name (a class defined again is another type).
    const key = params.map(typeKey).join(",");
    let spec = specs.get(key);
    if (spec) return spec;
    const types = result === undefined ? `(${key})` : `${typeKey(result)}(${key})`;
    const chunk = chunkLongLoops();
    const flavour = `${options.fastmath ? "fastmath\u0000" : ""}${chunk ? "chunked\u0000" : ""}`;
    const entry = lookup(cacheKey(flavour + source, types), options.cache === true, stats, scope, () => {
      const compiled = compileModule(scope, target, params, result, options.fastmath === true, chunk);
      stats.compiled++;
      return {
        module: compileOptimized(compiled.arenaBytes),
        arenaBytes: compiled.arenaBytes,
        // Encoded with its own memory, and printed, only when read.
        get bytes() {
          return compiled.bytes;
        },
        get wat() {
          return compiled.wat;
        },
        exportName: compiled.exportName,
        signature: signatureText(params, compiled.result),
        dependencies: compiled.dependencies,
        written: compiled.written,
        traps: compiled.traps,
      };
    });
    const full = parseSignature(entry.signature, scope.cls);
    const instance = new WebAssembly.Instance(entry.module, hostImports(arenaMemory()));
    const makesArrays = allocates(entry.module);
    const names = () => target.parsed().params.map((_, i) => paramName(target, i, ""));
    const invoke = bind(instance, entry.exportName, {
      params,
      result: full.result!,
      names,
      name,
      written: entry.written,
      cost: adaptive?.cost,
      traps: entry.traps,
      allocates: makesArrays,
      returnsViews: returnsViews(target.parsed().body),
    });
    let own: WebAssembly.Module | undefined;
    spec = {
      // The module with its own memory is compiled only when asked (compile(), the pool's message mode).
      get module() {
        return (own ??= compileOptimized(entry.bytes));
      },
      arenaModule: entry.module,
      exportName: entry.exportName,
      signature: entry.signature,
      get wat() {
        return entry.wat;
      },
      params,
      result: full.result!,
      dependencies: entry.dependencies,
      written: entry.written,
      get bytes() {
        return entry.bytes;
      },
      arenaBytes: entry.arenaBytes,
      invoke,
      scalarOnly: !params.some(isArray),
      elementBytes: params.map((t) => (isArray(t) ? ELEMENTS[elementOf(t)].bytes : 0)),
      hostCalls: WebAssembly.Module.imports(entry.module).some((i) => i.kind === "function"),
      allocates: makesArrays,
      mayRunPlain: undefined,
      skip: 0,
      inPlace: undefined,
      fromPlain: undefined,
    };
    specs.set(key, spec);
    return spec;
  };

  /** The specialization for these arguments: a declared signature's, or one compiled for their types. */
  // The last few types seen and their specializations (a number argument alternating between integral
  // and fractional values alternates two), found without building a key; a declared signature's, by signature.
  const recent: { types: readonly ValueType[]; spec: Specialization }[] = [];
  const declaredSpecs = new Map<Signature, Specialization>();
  /** Whether the last call's arguments fit its declared signature (set by dispatch). */
  let argumentsFit = true;
  // A parameter the function calls typed-array methods on (`.subarray`, `.set`, `.slice`): a plain
  // Array there, which has none of them or other ones (an Array's slice is an Array), is refused by name.
  let receivers: ReturnType<typeof typedMethodReceivers> | undefined;
  const dispatch = (args: readonly unknown[], numbersAsF64 = false): Specialization => {
    for (let i = 0; i < args.length; i++)
      if (Array.isArray(args[i])) {
        receivers ??= typedMethodReceivers(target.parsed().body);
        if (receivers.all || receivers.names.has(paramName(target, i)))
          throw unsupportedArgument(
            `Expected \`${paramName(target, i)}\` to be a typed array: the function calls \`.${receivers.method}\` on it, a typed-array method that a plain Array does not have the same way (pass a Float64Array)`,
          );
      }
    if (seenVersion !== registryVersion()) {
      // A callee or class was redefined: drop the specializations built on the old one.
      for (const [key, spec] of specs) if (!stillValid(spec.dependencies, scope)) specs.delete(key);
      seenVersion = registryVersion();
      recent.length = 0;
      declaredSpecs.clear();
    }
    if (declared.length) {
      const fitting = declared.find((s) => s.params.length === args.length && s.params.every((p, i) => accepts(p, args[i])));
      // None fits: the first, whose boundary then refuses the arguments by name (never the original on them).
      argumentsFit = fitting !== undefined;
      const sig = fitting ?? declared[0];
      let spec = declaredSpecs.get(sig);
      if (!spec) declaredSpecs.set(sig, (spec = specialize(sig.params, sig.result)));
      return spec;
    }
    if (!numbersAsF64)
      search: for (const r of recent) {
        if (r.types.length !== args.length) continue;
        for (let i = 0; i < args.length; i++) if (typeOfValue(args[i]) !== r.types[i]) continue search;
        return r.spec;
      }
    const types = args.map((value, i) => {
      const type = typeOfValue(value);
      if (!type)
        throw unsupportedArgument(
          expected(
            paramName(target, i),
            `a bigint, number, boolean, jitClass instance or one of ${Object.values(ELEMENTS)
              .map((e) => e.array.name)
              .join(", ")}`,
            value,
          ),
        );
      // A plain Array of numbers is an f64[] (copied like a Float64Array); any other is refused here,
      // before compiling, naming the element (the boundary checks each element again as it copies).
      if (Array.isArray(value)) {
        const problem = notNumbers(value);
        if (problem) throw notAnArrayOfNumbers(paramName(target, i), problem);
      }
      return numbersAsF64 && type === "i32" ? "f64" : type;
    });
    const names = target.parsed().params;
    if (types.length !== names.length)
      // JavaScript would read `undefined` for a missing argument (jit has no such value) or ignore an extra one.
      throw unsupportedArgument(
        `${name || "the jit function"} takes ${names.length} argument${names.length === 1 ? "" : "s"} (${names
          .map((_, i) => paramName(target, i))
          .join(", ")}), got ${types.length}`,
      );
    const spec = specialize(types, undefined);
    if (!numbersAsF64 && recent.unshift({ types, spec }) > 4) recent.pop();
    return spec;
  };

  let warnedArguments = false;
  const warnArguments = (e: unknown) => {
    if (warnedArguments) return;
    warnedArguments = true;
    console.warn(
      `hotpath jit: running ${name || "the function"} as plain JavaScript for arguments jit cannot take: ${(e as Error).message}`,
    );
  };
  /** With `fallback: true`, a JitError switches the function to plain JavaScript (said once); anything else is thrown. */
  const fallBack = (e: unknown) => {
    if (!(e instanceof JitError) || !options.fallback) throw e;
    fallbackReason = e.message;
    if (!warned.has(fn!)) {
      warned.add(fn!);
      console.warn(`hotpath jit: running ${name || "the function"} as plain JavaScript: ${e.message}`);
    }
  };

  // Default parameter values, computed before the call where an argument is left out (defaults.ts).
  let fill: DefaultFiller | null | undefined;
  const call = (given: unknown[]): unknown => {
    if (fallbackReason !== undefined) return fn!(...given);
    let spec: Specialization;
    let args = given;
    try {
      if (fill === undefined) fill = defaultFiller(target.parsed()) ?? null;
      if (fill) args = fill(given);
      spec = dispatch(args);
    } catch (e) {
      // With `fallback`, arguments jit has no type for (a plain array, a DataView, a missing one) run
      // the original for that call, said once; other calls still run compiled.
      if (options.fallback && (e as { [UNSUPPORTED]?: true })[UNSUPPORTED]) {
        warnArguments(e);
        return fn!(...given);
      }
      fallBack(e);
      return fn!(...given);
    }
    // (With a declared signature, arguments that do not fit it are refused, as always.)
    if (!options.fallback || declared.length) return run(spec, args);
    try {
      return run(spec, args);
    } catch (e) {
      // A plain array holding a non-number (found as it was copied, before the compiled code ran): the original.
      if (!(e as { [UNSUPPORTED]?: true })[UNSUPPORTED]) throw e;
      warnArguments(e);
      return fn!(...given);
    }
  };

  const run = (spec: Specialization, args: unknown[]): unknown => {
    if (verifyLeft > 0) {
      verifyLeft--;
      return verified(fn!, spec, args, options.fastmath === true);
    }
    if (!adaptive || !argumentsFit || (spec.scalarOnly && spec.skip-- > 0)) return spec.invoke(args);
    return measured(adaptive, spec, args);
  };

  /**
   * The original function made again from its source (what jit compiled; with no free name but globals,
   * as jit allows), or null where functions cannot be built (a page's CSP).
   */
  let copy: ((...args: unknown[]) => unknown) | null | undefined;
  const plainCopy = () => {
    if (copy === undefined)
      try {
        // A method's source (`f(a) { … }`) is not an expression: as a function expression then.
        const text = /^\s*(async\s+)?(function\b|\(|[\w$]+\s*=>)/.test(source) ? source : `function ${source}`;
        copy = new Function(`return (${text});`)() as (...args: unknown[]) => unknown;
      } catch {
        copy = null;
      }
    return copy ?? undefined;
  };
  // The two ways of a measured call, made once (not a closure per call).
  const runOriginal = (args: readonly unknown[]) => fn!(...args);
  let copyWay: ((args: readonly unknown[]) => unknown) | undefined;
  const runCopy = () => {
    const f = plainCopy();
    return f && (copyWay ??= (args: readonly unknown[]) => f(...args));
  };

  /** `adaptive`: calls on numbers alone, or on large arrays, or of code making its own arrays. */
  const measured = (adaptive: Adaptive, spec: Specialization, args: unknown[]): unknown => {
    spec.mayRunPlain ??= mayRunPlain(spec.params, spec.result, target.parsed().body, spec.dependencies);
    if (spec.scalarOnly) {
      // Numbers alone: measured too. jit's code is not faster than the engine's on every loop (a
      // Collatz step on doubles, whose parity V8 tests on an int32 it speculated: 0.4×; host functions,
      // whose cost from wasm varies by engine), and the original gives the same answers.
      if (!spec.mayRunPlain) {
        spec.skip = Infinity;
        return spec.invoke(args);
      }
      const value = adaptive.runScalar(spec.signature, args, spec.invoke, runOriginal);
      spec.skip = adaptive.short ? SKIP : 0;
      return value;
    }
    const bytes = spec.mayRunPlain ? arrayBytes(args, spec.elementBytes) : 0;
    if (bytes >= MIN_BYTES) {
      // Calls copying their arrays and calls on jit.array arrays are decided apart. On jit.array
      // arrays (views of a SharedArrayBuffer) the original runs as a copy built from its source: one
      // such call makes Node 20's V8 compile the function it is given for both kinds of buffer, and the
      // user's own calls on ordinary arrays then ran 1.8× slower (a sum over 1 Mi doubles: 0.89 → 1.6 ms).
      const copied = arrayBytes(args, spec.elementBytes, true) >= MIN_BYTES;
      const original = copied ? runOriginal : runCopy();
      if (original)
        return adaptive.run(
          copied ? copiedKind(spec, args) : (spec.inPlace ??= `${spec.signature} in place`),
          bytes,
          spec.invoke,
          original,
          spec.hostCalls || !copied,
          args,
          copied,
        );
    }
    // A function that makes its own arrays works on them, whatever its arguments' size (a knapsack's
    // table from two short lists): measured as calls on numbers are, by time, per argument magnitudes.
    if (spec.allocates && spec.mayRunPlain) {
      if (spec.skip > 0) {
        spec.skip--;
        return spec.invoke(args);
      }
      const copied = arrayBytes(args, spec.elementBytes, true) === arrayBytes(args, spec.elementBytes);
      const original = copied ? runOriginal : runCopy();
      if (!original) return spec.invoke(args);
      const value = adaptive.runScalar(
        copied ? copiedKind(spec, args) : (spec.inPlace ??= `${spec.signature} in place`),
        args,
        spec.invoke,
        original,
      );
      spec.skip = adaptive.short ? SKIP : 0;
      return value;
    }
    return spec.invoke(args);
  };

  // A declared signature compiles now, as in Numba.
  for (const sig of declared)
    try {
      specialize(sig.params, sig.result);
    } catch (e) {
      fallBack(e);
    }

  const kernelRef = (spec: Specialization): KernelRef => {
    const names = target.parsed().params.map((p) => (p.type === "Identifier" ? (p.name as string) : ""));
    return (spec.kernelRef ??= kernelRefFor(name, spec, names, arenaShared()));
  };
  // One signature: its KernelRef (read when asked, so a redefined callee gives the recompiled module); else a resolver.
  const carried: PropertyDescriptor =
    declared.length === 1
      ? { get: () => kernelRef(specialize(declared[0].params, declared[0].result)) }
      : // The pool checks every later call's numbers against this one's types: f64, which any number fits.
        { value: (args: readonly unknown[]) => kernelRef(dispatch(noPlainArrays(args), true)) };
  /** The pool and compare() share typed arrays with the kernel; a plain Array (copied per call by a jit call) is refused by name. */
  const noPlainArrays = (args: readonly unknown[]) => {
    args.forEach((a, i) => {
      if (Array.isArray(a))
        throw new TypeError(
          expected(
            paramName(target, i),
            "a typed array for the pool or compare() (a plain array is passed to jit functions only, as a copy: use a Float64Array or jit.array)",
            a,
          ),
        );
    });
    return args;
  };

  const jitted = ((...args: unknown[]) => call(args)) as unknown as JitFunction<(...args: any[]) => any>;
  Object.defineProperties(jitted, {
    name: { value: name },
    original: { value: fn },
    stats: { get: () => ({ ...stats, plainCalls: adaptive?.plainCalls ?? 0 }) },
    signatures: { get: () => [...specs.values()].map((s) => s.signature) },
    fallbackReason: { get: () => fallbackReason },
    [KERNEL_REF]: carried,
    inspect: {
      value: (signature?: string) =>
        [...specs.values()]
          .filter((s) => signature === undefined || s.signature === signature)
          .map((s) => `;; ${name || "anonymous"}: ${s.signature}\n${s.wat}`)
          .join("\n\n"),
    },
    compile: {
      value: (types: string | readonly string[]): JitCompiled => {
        if (typeof types !== "string" && !(Array.isArray(types) && types.every((t) => typeof t === "string")))
          throw new TypeError(expected("types", 'a signature ("f64(f64, i32)" or "(f64, i32)") or an array of type names', types));
        const sig: Signature =
          typeof types === "string" ? parseSignature(types, scope.cls) : parseSignature(`(${types.join(", ")})`, scope.cls);
        // A function with declared signatures is called with those only: another would be compiled for nothing.
        const paramsOf = (params: readonly ValueType[]) => params.map(typeName).join(", ");
        const declaredAs = declared.find((d) => paramsOf(d.params) === paramsOf(sig.params));
        if (declared.length && !declaredAs)
          throw new TypeError(
            expected(
              "types",
              `one of the signatures ${name || "the function"} was declared with (${declared.map((d) => signatureText(d.params, d.result!)).join("; ")})`,
              types,
            ),
          );
        const spec = declaredAs ? specialize(declaredAs.params, declaredAs.result) : specialize(sig.params, sig.result);
        if (sig.result !== undefined && typeName(spec.result) !== typeName(sig.result))
          throw new TypeError(
            expected(
              "types",
              `the result type ${name || "the function"} has for (${paramsOf(sig.params)}): ${typeName(spec.result)}`,
              types,
            ),
          );
        const { module, exportName, signature, wat } = spec;
        return { module, exportName, signature, wat };
      },
    },
  });
  return jitted;
}

/** Whether every `return` of the function (not of its helpers) gives something other than a name. */
function returnsViews(body: Node): boolean {
  let views = true;
  let any = false;
  const returned = (e: Node) => {
    any = true;
    let a = e;
    while (a.type === "ParenthesizedExpression" || a.type === "TSAsExpression" || a.type === "TSNonNullExpression") a = a.expression;
    // A name, or an expression that may give one: the argument itself, maybe.
    if (["Identifier", "ConditionalExpression", "AssignmentExpression", "SequenceExpression", "LogicalExpression"].includes(a.type))
      views = false;
  };
  const walk = (n: Node) => {
    if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression") return;
    if (n.type === "ReturnStatement" && n.argument) returned(n.argument);
    for (const c of childNodes(n)) walk(c);
  };
  if (body.type === "BlockStatement") walk(body);
  else returned(body);
  return any && views;
}

/** A TypeError for arguments jit has no type for (which `fallback` runs as JavaScript). */
function unsupportedArgument(message: string): TypeError {
  return Object.assign(new TypeError(message), { [UNSUPPORTED]: true as const });
}

/** A type in a specialization's key: a jitClass by its name and definition. */
const typeKey = (t: ResultType): string => (isClass(t) ? `${t.name}\u0000${t.source}` : typeName(t));

function lookup(key: string, disk: boolean, stats: JitStats, names: Globals, compile: () => CacheEntry): CacheEntry {
  let entry = fromMemory(key);
  if (entry && stillValid(entry.dependencies, names)) {
    stats.memoryHits++;
    return entry;
  }
  entry = disk ? fromDisk(key) : undefined;
  if (entry && stillValid(entry.dependencies, names)) stats.diskHits++;
  else {
    entry = compile();
    if (disk) toDisk(key, entry);
  }
  toMemory(key, entry);
  return entry;
}

/** The adaptive kind of a call whose arrays are copied: calls given a plain Array are measured apart. */
function copiedKind(spec: Specialization, args: readonly unknown[]): string {
  for (const a of args) if (Array.isArray(a)) return (spec.fromPlain ??= `${spec.signature} from plain arrays`);
  return spec.signature;
}

/** Does `value` fit a declared parameter type well enough to pick that signature? (The boundary checks it fully.) */
function accepts(type: ValueType, value: unknown): boolean {
  if (isArray(type) || isClass(type)) return typeOfValue(value) === type;
  return fitsScalar(type as ScalarType, value);
}

/** Runs the original on copies of the arguments and the compiled function on the originals; throws where they differ. */
function verified(fn: (...args: any[]) => any, spec: Specialization, args: unknown[], fastmath: boolean): unknown {
  const copies = copiesOf(args);
  const before = copiesOf(args);
  const expectedValue = fn(...copies);
  const actual = spec.invoke(args);
  const where = (what: string, e: unknown, a: unknown) => {
    const shown = before
      .map((b) =>
        ArrayBuffer.isView(b)
          ? `${b.constructor.name}(${(b as unknown as Float64Array).length})`
          : Array.isArray(b)
            ? `Array(${b.length})`
            : Object.is(b, -0)
              ? "-0"
              : String(b),
      )
      .join(", ");
    throw new JitMismatchError(
      `jit(${fn.name || "anonymous"}) ${spec.signature} differs from the original function for (${shown}): ${what} is ${String(a)}, the original gives ${String(e)}`,
      before,
      e,
      a,
    );
  };
  if (!sameResult(spec.result, expectedValue, actual, fastmath)) where("the result", expectedValue, actual);
  args.forEach((a, i) => {
    if (!ArrayBuffer.isView(a) && !Array.isArray(a)) return;
    const mine = a as unknown as ArrayLike<unknown>;
    const theirs = copies[i] as ArrayLike<unknown>;
    for (let k = 0; k < mine.length; k++)
      if (!Object.is(mine[k], theirs[k])) where(`element ${k} of argument ${i + 1} afterwards`, theirs[k], mine[k]);
  });
  return actual;
}

/**
 * `args` with every typed array copied, views of one buffer into one copy of the bytes they span, so
 * that views which overlap still do (a write through one is read through the other, as in the call).
 */
function copiesOf(args: readonly unknown[]): unknown[] {
  const spans = new Map<ArrayBufferLike, { lo: number; hi: number; copy?: ArrayBufferLike }>();
  for (const a of args)
    if (ArrayBuffer.isView(a)) {
      const span = spans.get(a.buffer);
      // Down to a multiple of 8: every view keeps an offset its element size divides.
      const [lo, hi] = [Math.floor(a.byteOffset / 8) * 8, a.byteOffset + a.byteLength];
      if (!span) spans.set(a.buffer, { lo, hi });
      else [span.lo, span.hi] = [Math.min(span.lo, lo), Math.max(span.hi, hi)];
    }
  // A plain Array: a copy of its own (the same array given twice: one copy).
  const plain = new Map<unknown, unknown[]>();
  return args.map((a) => {
    if (Array.isArray(a)) {
      let copy = plain.get(a);
      if (!copy) plain.set(a, (copy = a.slice()));
      return copy;
    }
    if (!ArrayBuffer.isView(a)) return a;
    const span = spans.get(a.buffer)!;
    span.copy ??= a.buffer.slice(span.lo, span.hi);
    // The element type's own constructor: a subclass's may take other arguments.
    const View = elementConstructor(a) as new (buffer: ArrayBufferLike, offset: number, length: number) => ArrayBufferView;
    return new View(span.copy, a.byteOffset - span.lo, (a as unknown as ArrayLike<unknown>).length);
  });
}

/** The tolerance of `verify` for a fastmath function's number results: relative, or absolute near 0. @internal */
export const FASTMATH_RELATIVE = 1e-9;
/** @internal */
export const FASTMATH_ABSOLUTE = 1e-12;

function sameResult(type: ResultType, js: unknown, wasm: unknown, fastmath = false): boolean {
  if (type === "u64") return typeof js === "bigint" && BigInt.asUintN(64, js) === wasm;
  if (type === "i64") return typeof js === "bigint" && BigInt.asIntN(64, js) === wasm;
  if (isClass(type))
    return type.fields.every(([f, t]) => sameResult(t, (js as Record<string, unknown>)?.[f], (wasm as Record<string, unknown>)[f]));
  if (isRecord(type)) {
    // `{ lo, hi }` or `[q, r]`: the original's own keys, in order, each field the same value.
    if (typeof js !== "object" || js === null || Array.isArray(js) !== type.array) return false;
    if (type.array ? (js as unknown[]).length !== type.fields.length : Object.keys(js).join() !== type.fields.map(([k]) => k).join())
      return false;
    return type.fields.every(([f, t]) => sameResult(t, (js as Record<string, unknown>)[f], (wasm as Record<string, unknown>)[f], fastmath));
  }
  if (isArray(type)) {
    // The same kind of typed array holding the same values (the original ran on copies of the arguments),
    // or both a plain Array (a plain array parameter returned).
    if (Array.isArray(js) !== Array.isArray(wasm)) return false;
    if (!Array.isArray(js) && (!ArrayBuffer.isView(js) || elementConstructor(js) !== elementConstructor(wasm as ArrayBufferView)))
      return false;
    const [a, b] = [js as unknown as ArrayLike<unknown>, wasm as ArrayLike<unknown>];
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameResult("f64", a[i], b[i], fastmath)) return false;
    return true;
  }
  if (fastmath && typeof js === "number" && typeof wasm === "number" && Number.isFinite(js) && Number.isFinite(wasm))
    return Math.abs(js - wasm) <= Math.max(FASTMATH_RELATIVE * Math.max(Math.abs(js), Math.abs(wasm)), FASTMATH_ABSOLUTE);
  return Object.is(js, wasm);
}

function paramName(target: JitTarget, i: number, otherwise = `argument ${i + 1}`): string {
  const p = target.parsed().params[i];
  const id = p?.type === "AssignmentPattern" ? p.left : p;
  return id?.type === "Identifier" ? id.name : otherwise;
}

/** Checks jit's options (both kinds of jit function): unknown keys and wrong types are TypeErrors naming the option. @internal */
export function checkJitOptions(options: JitOptions) {
  if (options === null || typeof options !== "object") throw new TypeError(expected("options", "an object", options));
  for (const key of Object.keys(options))
    if (!OPTION_KEYS.includes(key)) throw new TypeError(`Unknown option \`${key}\` of jit (expected ${OPTION_KEYS.join(", ")})`);
  if (options.verify !== undefined && !(Number.isInteger(options.verify) && options.verify >= 0))
    throw new TypeError(expected("options.verify", "a non-negative integer", options.verify));
  if (options.pool !== undefined && (options.pool === null || typeof (options.pool as Pool).reduceRange !== "function"))
    throw new TypeError(expected("options.pool", "a pool from createPool()", options.pool));
  for (const key of ["cache", "fallback", "fastmath", "parallel", "adaptive"] as const)
    if (options[key] !== undefined && typeof options[key] !== "boolean")
      throw new TypeError(expected(`options.${key}`, "a boolean", options[key]));
}
