// hotpath's public API. Everything exported is listed here explicitly.
export { kernels, instantiateKernels, bindKernels } from "./kernels.ts";
export type { Kernels, KernelsOptions } from "./kernels.ts";
export { compileWasm } from "./load.ts";
export type { WasmSource } from "./load.ts";
export { HotpathError, WasmLoadError, KernelError, WorkerError, PoolClosedError, AbortError } from "./errors.ts";
export { U64_MAX } from "./validate.ts";
export type { U64Like, BytesLike } from "./validate.ts";
export type { KernelExports } from "./abi.ts";
export * as twins from "./twins/index.ts";
