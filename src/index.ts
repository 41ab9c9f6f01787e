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
export { load, parseSignatures, formatSignature, assembleWat } from "./foreign.ts";
export type { ForeignModule, ForeignFunction, ForeignArg, ForeignType, LoadOptions, Signature, SignatureObject, Signatures } from "./foreign.ts";
export { inspectFunction, inspectKernel, formatListing, disassemble } from "./inspect.ts";
export type { FunctionListing, LoopInfo } from "./inspect.ts";
export { loadClasses, gcRuntime, GcRuntime, WasmObject, DisposedError } from "./classes.ts";
export type { Accumulator, Point2D, ClassesModule, GcExports } from "./classes.ts";
