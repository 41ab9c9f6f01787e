// What a compiled module imports: `env.memory` (jit's memory on this thread, or the pool's shared
// memory), the host's own `Math` functions, and for code that makes typed arrays, the functions that
// give it blocks of jit's memory (codegen/allocation.ts). Passing the `Math` object itself means each
// import *is* the builtin (`Math.sin`), which V8 recognises and calls without a JavaScript frame, and
// whose results are JavaScript's by construction.
import { ALLOC_IMPORTS } from "../codegen/allocation.ts";
import { THROW_IMPORT } from "../codegen/throw.ts";
import { callAlloc, callFree } from "./memory.ts";

export function hostImports(memory?: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: memory
      ? { memory, [ALLOC_IMPORTS.alloc]: callAlloc, [ALLOC_IMPORTS.free]: callFree, [THROW_IMPORT]: throwFromWasm }
      : { [THROW_IMPORT]: throwFromWasm },
    Math: Math as unknown as WebAssembly.ModuleImports,
  };
}

/**
 * A `throw` statement's values and site (codegen/throw.ts), thrown out of the wasm frames as they
 * are: the boundary, which knows the module's sites, makes it the error JavaScript throws.
 */
export class Thrown extends Error {
  constructor(
    readonly site: number,
    readonly values: readonly (number | bigint)[],
  ) {
    super(`a jit function's throw statement (site ${site})`);
  }
}

function throwFromWasm(...args: (number | bigint)[]): never {
  throw new Thrown(args[args.length - 1] as number, args.slice(0, -1));
}

/** Does the module make typed arrays (so it runs only where hostImports gives it jit's memory)? */
export function allocates(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.module === "env" && i.name === ALLOC_IMPORTS.alloc);
}
