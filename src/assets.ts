// Where the built files are, seen from the source tree (tests, tsx). The build swaps this module for
// assets.dist.ts, whose URLs are relative to the bundle and written literally so bundlers find them.
export const kernelsWasmUrl = (): URL => new URL("../build/hotpath.wasm", import.meta.url);
export const threadsWasmUrl = (): URL => new URL("../build/hotpath.threads.wasm", import.meta.url);
