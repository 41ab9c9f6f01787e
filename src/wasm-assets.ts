// Where the built kernel modules are, seen from the source tree (tests, tsx); the build swaps this
// module for wasm-assets.dist.ts (see assets.ts). Apart from the workers' URLs so that a bundle
// that never loads the built-in kernels (a page of generated modules) does not name their files.
export const kernelsWasmUrl = (): URL => new URL("../build/hotpath.wasm", import.meta.url);
export const threadsWasmUrl = (): URL => new URL("../build/hotpath.threads.wasm", import.meta.url);
