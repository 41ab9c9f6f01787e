// Where the C peers' module (bench/c/kernels.c built by clang) comes from. `hotpath bench` builds it
// in the user's cache directory (src/bench/node/cbuild.ts) and its runners (bench/runners/) hand it
// over as globalThis.hotpathCKernelsWasm: the bytes (Node, Deno, Bun) or a URL the page can fetch.
// Nothing is looked up beside the bundle: the package ships no compiled C. The build swaps this
// module for c-assets.dist.ts, which says the same (see assets.ts).
import type { WasmSource } from "../load.ts";

/** The module handed over by the runner; without one, a URL that cannot load, so bench() reports c-wasm as not built. */
export const cKernelsWasmUrl = (): WasmSource =>
  (globalThis as { hotpathCKernelsWasm?: WasmSource }).hotpathCKernelsWasm ?? new URL("hotpath:c-kernels.wasm");
