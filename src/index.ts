// hotpath's main entry: the kernels on this thread, the worker pool, the plain-TS twins and the errors.
// It is browser-safe and pulls in nothing Node-only; inspect, foreign loading, the class bindings and
// the benchmark harness are entries of their own (hotpath/inspect, hotpath/foreign, hotpath/classes,
// hotpath/bench), so a page bundles only what it imports.
export { kernels, instantiateKernels, bindKernels } from "./kernels/kernels.ts";
export type { Kernels, KernelsOptions, MandelbrotOptions, MonteCarloResult, CollatzResult } from "./kernels/kernels.ts";
export { compileWasm } from "./load.ts";
export type { WasmSource } from "./load.ts";
export { HotpathError, WasmLoadError, KernelError, WorkerError, PoolClosedError, AbortError } from "./errors.ts";
export { U64_MAX } from "./validate.ts";
export type { U64Like, BytesLike } from "./validate.ts";
export type { KernelExports } from "./kernels/abi.ts";
export { MONTE_CARLO_CHUNK } from "./kernels/abi.ts";
export { createPool, MAX_CHUNKS } from "./pool/pool.ts";
export type {
  Pool,
  PoolOptions,
  PoolMode,
  PoolFunction,
  PoolArray,
  ResidentType,
  KernelCarrier,
  NamedCombine,
  CallOptions,
  ReduceOptions,
  RowsOptions,
} from "./pool/pool.ts";
export type { ParallelKernels, ParallelMandelbrotOptions } from "./pool/parallel.ts";
export type { HashAlgorithm } from "./pool/protocol.ts";
export * as twins from "./twins/index.ts";
