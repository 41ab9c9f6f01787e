// Where the built kernel modules are, seen from a bundle in build/ (see wasm-assets.ts).
export const kernelsWasmUrl = (): URL => new URL("./hotpath.wasm", import.meta.url);
export const threadsWasmUrl = (): URL => new URL("./hotpath.threads.wasm", import.meta.url);
