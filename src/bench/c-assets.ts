// Where the harness's built files are, seen from the source tree. The build swaps this module for
// assets.dist.ts (URLs relative to the bundle in build/), as it does for src/assets.ts.
export const cKernelsWasmUrl = (): URL => new URL("../../build/bench/c-kernels.wasm", import.meta.url);
