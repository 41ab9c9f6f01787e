// The bundles' copy of c-assets.ts (the build swaps every *assets.ts for its .dist.ts twin): the C
// module is handed over by `hotpath bench`'s runners, never looked up beside the bundle.
import type { WasmSource } from "../load.ts";

/** The module handed over by the runner; without one, a URL that cannot load, so bench() reports c-wasm as not built. */
export const cKernelsWasmUrl = (): WasmSource =>
  (globalThis as { hotpathCKernelsWasm?: WasmSource }).hotpathCKernelsWasm ?? new URL("hotpath:c-kernels.wasm");
