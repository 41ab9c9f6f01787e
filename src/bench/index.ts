// hotpath/bench: the benchmark harness (every kernel against its TS twins, interleaved rounds,
// medians, checked answers) and its reports. Runs in Node, Deno, Bun and browsers; the driver that
// starts every runtime is the `hotpath bench` command.
export { bench } from "./bench.ts";
export { toText, toMarkdown, toHtml, toJson } from "./report/index.ts";
export { compare } from "./compare.ts";
export type { CompareOptions, CompareResult, CompareCombine } from "./compare.ts";
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
} from "./types.ts";
