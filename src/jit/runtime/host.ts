// What a compiled module imports: `env.memory` (jit's memory on this thread, or the pool's shared
// memory), the host's own `Math` functions, and for code that makes typed arrays, the functions that
// give it blocks of jit's memory (codegen/allocation.ts). Passing the `Math` object itself means each
// import *is* the builtin (`Math.sin`), which V8 recognises and calls without a JavaScript frame, and
// whose results are JavaScript's by construction.
import { ALLOC_IMPORTS } from "../codegen/allocation.ts";
import { callAlloc, callFree } from "./memory.ts";

export function hostImports(memory?: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: memory ? { memory, [ALLOC_IMPORTS.alloc]: callAlloc, [ALLOC_IMPORTS.free]: callFree } : {},
    Math: Math as unknown as WebAssembly.ModuleImports,
  };
}

/** Does the module make typed arrays (so it runs only where hostImports gives it jit's memory)? */
export function allocates(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((i) => i.module === "env" && i.name === ALLOC_IMPORTS.alloc);
}
