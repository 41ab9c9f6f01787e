// What a compiled module imports: `env.memory` (jit's memory on this thread, or the pool's shared
// memory) and the host's own `Math` functions. Passing the `Math` object itself means each import
// *is* the builtin (`Math.sin`), which V8 recognises and calls without a JavaScript frame, and whose
// results are JavaScript's by construction.
export function hostImports(memory?: WebAssembly.Memory): WebAssembly.Imports {
  return { env: memory ? { memory } : {}, Math: Math as unknown as WebAssembly.ModuleImports };
}
