// hotpath's public API. Everything exported is listed here explicitly.
export { kernels, instantiateKernels, bindKernels } from "./kernels.ts";
export type { Kernels, KernelsOptions, MandelbrotOptions, MonteCarloResult, CollatzResult } from "./kernels.ts";
export { compileWasm } from "./load.ts";
export type { WasmSource } from "./load.ts";
export { HotpathError, WasmLoadError, KernelError, WorkerError, PoolClosedError, AbortError } from "./errors.ts";
export { U64_MAX } from "./validate.ts";
export type { U64Like, BytesLike } from "./validate.ts";
export type { KernelExports } from "./abi.ts";
export { MONTE_CARLO_CHUNK } from "./abi.ts";
export { createPool } from "./pool/pool.ts";
export type { Pool, PoolOptions, PoolMode, PoolFunction, CallOptions, ReduceOptions, RowsOptions } from "./pool/pool.ts";
export type { ParallelKernels, ParallelMandelbrotOptions } from "./pool/parallel.ts";
export type { HashAlgorithm } from "./pool/protocol.ts";
export { poolSumRow } from "./pool/demo.ts";
export type { PoolSumRow, PoolSumRowOptions } from "./pool/demo.ts";
export * as twins from "./twins/index.ts";
export { load, parseSignatures, formatSignature, assembleWat } from "./foreign.ts";
export type {
  ForeignModule,
  ForeignFunction,
  ForeignArg,
  ForeignType,
  LoadOptions,
  Signature,
  SignatureObject,
  Signatures,
} from "./foreign.ts";
export { inspectFunction, inspectKernel, formatListing, disassemble } from "./inspect.ts";
export type { FunctionListing, LoopInfo } from "./inspect.ts";
export { loadClasses, gcRuntime, GcRuntime, WasmObject, DisposedError } from "./classes.ts";
export type { Accumulator, Point2D, ClassesModule, GcExports } from "./classes.ts";
export { bench } from "./bench/bench.ts";
export { toText as benchText, toMarkdown as benchMarkdown, toHtml as benchHtml } from "./bench/format.ts";
export type {
  BenchCase,
  BenchOptions,
  BenchProgress,
  BenchReport,
  CaseResult,
  Implementation,
  ImplementationKind,
  ImplementationResult,
  ImplementationStatus,
  PresetName,
  PresetSettings,
  RuntimeInfo,
  RuntimeResult,
  SkippedImplementation,
} from "./bench/types.ts";
