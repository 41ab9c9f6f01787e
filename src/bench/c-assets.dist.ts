// Where the harness's built files are, seen from a bundle in build/ (see assets.ts).
export const cKernelsWasmUrl = (): URL => new URL("./bench/c-kernels.wasm", import.meta.url);
