// hotpath/jit without a platform: everything jit is, built once for Node, Deno, Bun and pages alike
// (build/jit-core.js). The entry of each platform (index.ts) gives it the way to start a pool.
import { expected } from "../errors.ts";
import { jit as compile, type JitFunction, type JitOptions } from "./runtime/jit.ts";
import { jitArray, jitFree } from "./runtime/memory.ts";
import { parallelJit, type ParallelFunction } from "./parallel/parallel.ts";

type AnyFunction = (...args: any[]) => any;
type Signatures = string | readonly string[];

/** `parallel: true`: the function's prange loop runs on a pool, and it returns a Promise (src/jit/parallel/parallel.ts). */
function jitAny<F extends AnyFunction>(
  fn: F,
  signature: Signatures | undefined,
  options: JitOptions & { parallel: true },
): ParallelFunction<F>;
function jitAny<F extends AnyFunction>(fn: F, options: JitOptions & { parallel: true }): ParallelFunction<F>;
function jitAny<F extends AnyFunction>(fn: F, signature?: Signatures, options?: JitOptions): JitFunction<F>;
function jitAny(source: string, signature: Signatures | undefined, options: JitOptions & { parallel: true }): ParallelFunction<AnyFunction>;
function jitAny(source: string, options: JitOptions & { parallel: true }): ParallelFunction<AnyFunction>;
/**
 * Source text of one function, in JavaScript or TypeScript (`"function f(n: bigint): bigint { … }"`).
 * When every parameter is annotated, the annotations are the signature (bigint → u64, number → f64,
 * boolean → bool, typed arrays, jitClass names, i32/u32/i64/u64/f64) and it compiles now; a signature
 * string, when given, takes precedence. `verify` and `fallback` need a JavaScript function, so they are refused.
 */
function jitAny(source: string, signature?: Signatures, options?: JitOptions): JitFunction<AnyFunction>;
function jitAny(
  input: AnyFunction | string,
  signatureOrOptions?: Signatures | JitOptions,
  maybeOptions?: JitOptions,
): JitFunction<AnyFunction> | ParallelFunction<AnyFunction> {
  // jit(fn, { parallel: true }): the options in the signature's place.
  const optionsFirst = signatureOrOptions !== null && typeof signatureOrOptions === "object" && !Array.isArray(signatureOrOptions);
  const signature = optionsFirst ? undefined : (signatureOrOptions as Signatures | undefined);
  if (optionsFirst && maybeOptions !== undefined)
    throw new TypeError(
      expected("options", "given once: in second place (jit(fn, options)) or third (jit(fn, signature, options))", maybeOptions),
    );
  const options = optionsFirst ? (signatureOrOptions as JitOptions) : maybeOptions;
  if (options?.parallel === true) return parallelJit(input, signature, options);
  return compile(input as AnyFunction, signature, options);
}

/**
 * `jit(fn, signature?, options?)` compiles a plain function to WebAssembly. `jit.array(Float64Array, n)`
 * makes a typed array in jit's memory, passed to every jitted function without a copy (`jit.free` gives
 * it back); any other typed array is copied in for the call (and back when the function writes to it).
 */
export const jit = Object.assign(jitAny, { array: jitArray, free: jitFree });
export type { JitArrayConstructor } from "./runtime/memory.ts";
export type { JitFunction, JitOptions, JitCompiled, JitStats } from "./runtime/jit.ts";
export { prange } from "./parallel/prange.ts";
export type { ParallelFunction, ParallelCallOptions } from "./parallel/parallel.ts";
export { closeDefaultPool, usePoolStarter } from "./parallel/default-pool.ts";
export { jitClass } from "./runtime/class.ts";
export type { JitClassSpec } from "./runtime/class.ts";
export { JitError, JitMismatchError } from "./errors.ts";
export { JIT_VERSION } from "./runtime/cache.ts";
export { vectorize } from "./parallel/ufunc.ts";
export type { Ufunc, ParallelUfunc, UfuncType, VectorizeOptions, VectorizeCallOptions } from "./parallel/ufunc.ts";
