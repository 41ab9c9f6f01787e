// hotpath/jit: compile plain JavaScript functions to WebAssembly at run time, as Numba does for Python.
// Works in Node, Deno, Bun and browsers (no eval: a CSP allowing only 'wasm-unsafe-eval' is enough);
// the disk cache works where Node's fs does.
import { jit as compile } from "./jit.ts";
import { jitArray, jitFree } from "./memory.ts";

/**
 * `jit(fn, signature?, options?)` compiles a plain function to WebAssembly. `jit.array(Float64Array, n)`
 * makes a typed array in jit's memory, passed to every jitted function without a copy (`jit.free` gives
 * it back); any other typed array is copied in for the call (and back when the function writes to it).
 */
export const jit = Object.assign(compile, { array: jitArray, free: jitFree });
export type { JitArrayConstructor } from "./memory.ts";
export type { JitFunction, JitOptions, JitCompiled, JitStats } from "./jit.ts";
export { jitClass } from "./class.ts";
export type { JitClassSpec } from "./class.ts";
export { JitError, JitMismatchError } from "./errors.ts";
export { JIT_VERSION } from "./cache.ts";
export { vectorize } from "./ufunc.ts";
export type { Ufunc, ParallelUfunc, UfuncType, VectorizeOptions, VectorizeCallOptions } from "./ufunc.ts";
