// hotpath/jit: compile plain JavaScript functions to WebAssembly at run time, as Numba does for Python.
// Works in Node, Deno, Bun and browsers (no eval: a CSP allowing only 'wasm-unsafe-eval' is enough);
// the disk cache works where Node's fs does. This entry gives jit (core.ts, one build for every
// platform) the pool of its platform, for parallel functions; scripts/build.mjs builds it per platform.
import { usePoolStarter } from "./core.ts";

// Loaded at the first parallel call: a page that only compiles functions does not download the pool.
usePoolStarter((options, host) => import("../pool/pool.ts").then(({ startPool }) => startPool(options, host)));

export { jit, prange, closeDefaultPool, jitClass, JitError, JitMismatchError, JIT_VERSION, vectorize } from "./core.ts";
export type {
  JitArrayConstructor,
  JitFunction,
  JitOptions,
  JitCompiled,
  JitStats,
  ParallelFunction,
  ParallelCallOptions,
  JitClassSpec,
  Ufunc,
  ParallelUfunc,
  UfuncType,
  VectorizeOptions,
  VectorizeCallOptions,
} from "./core.ts";
