// The contract of the benchmark harness: what a case and an implementation are, the options of
// bench(), and the shape of its results (plain JSON: bigints travel as decimal strings).
import type { WasmSource } from "../load.ts";
import type { SampleSummary } from "./summary.ts";

/** What an implementation is, for grouping and for the "vs TS" baseline. */
export type ImplementationKind =
  | "ts-number"
  | "ts-bigint"
  | "ts"
  | "wasm"
  | "wasm-simd"
  | "c-wasm"
  | "c-native"
  | "pool-shared"
  | "pool-message"
  /** N plain threads on the same module and split, no pool (src/bench/bare.ts): what the pool is measured against. */
  | "bare-threads"
  /** A function compiled at run time by hotpath/jit (the jit case set, src/bench/jit/). */
  | "jit"
  | "other";

/** What names an implementation, in its definition and in the results. */
export interface ImplementationName {
  /** Unique within the case: "wasm", "ts-number", "pool-shared-2". */
  id: string;
  /** What the reports print: "wasm (AssemblyScript)". */
  label: string;
  kind: ImplementationKind;
  /** Workers used, for pool and bare-thread implementations (the scaling chart, the pool ÷ bare ratio). */
  workers?: number;
}

/** One way of computing a case. Works wherever its code works; built-in ones work in Node, Deno, Bun and browsers. */
export interface Implementation<I = any, P = any> extends ImplementationName {
  /** Prepares the input of one size outside the timed region (copies buffers into wasm memory, …). Default: the input itself. */
  prepare?(input: I, size: number): P | Promise<P>;
  /**
   * Computes the case once; may be async (pool calls). A self-timed implementation (`selfTimed`)
   * runs `reps` times itself and returns `{ value, ms }`, ms being the time of one call.
   */
  run(prepared: P, reps: number): unknown;
  /** The implementation measures its own time (a native process): `run` returns `{ value, ms }`. */
  selfTimed?: boolean;
  /** Known to be exact only in part of the range (the `number` twin, above 2^53): a wrong answer is shown as wrong but does not fail the run. */
  knownInexact?: boolean;
  /** Largest input size worth measuring (a bigint twin that would take minutes); above it the implementation is skipped with that reason. */
  maxSize?: number;
  /** Releases what the implementation holds (workers, processes) after the case. */
  dispose?(): void | Promise<void>;
  /** A line for the reports after the case ran (how a jit function ran its calls), or undefined. */
  remark?(): string | undefined;
}

/** An implementation that cannot run here, with the reason. */
export interface SkippedImplementation extends ImplementationName {
  skipped: string;
}

/** A benchmark case: one computation, several implementations, one input size per preset. */
export interface BenchCase<I = any> {
  /** Short and unique: "sum", "fnv1a64". */
  id: string;
  /** A line for the reports: "sum of the first n integers, u64". */
  title: string;
  /** Input size per preset (n integers, bytes, pixels, …); `size` is used when the preset has none. */
  sizes?: Partial<Record<PresetName, number>>;
  size?: number;
  /** What a size counts, for the reports: "integers", "bytes". Default: "n". */
  unit?: string;
  /** The smaller size of the growth guard. Default: ⌊size / 2⌋ (time should then roughly halve). */
  half?(size: number): number;
  /** Builds the input of a size; not timed. Default: the size itself. */
  input?(size: number): I | Promise<I>;
  /** The implementations to compare, or the reason each one cannot run here. */
  implementations(): Array<Implementation<I> | SkippedImplementation> | Promise<Array<Implementation<I> | SkippedImplementation>>;
  /** Turns a result into its canonical text, the form compared and reported. Default: bigints as unsigned u64 decimal, numbers with String. */
  normalize?(value: unknown): string;
  /** Whether two canonical results agree. Default: equal text. Give a tolerance for floating point. */
  equal?(a: string, b: string): boolean;
  /** The known answer for an input, the strongest check (a closed form). */
  expected?(size: number, input: I): string;
  /** Id of the implementation whose answer is the truth when there is no `expected` (an exact twin). */
  reference?: string;
}

export type PresetName = "quick" | "full";

/** How long and how carefully to measure. */
export interface PresetSettings {
  name: PresetName | "custom";
  /** Interleaved rounds per implementation (slow ones may get fewer, never below `minRounds`). */
  rounds: number;
  minRounds: number;
  /** Calls are repeated inside one sample until it lasts at least this long (timer resolution). */
  minSampleMs: number;
  /** Time one implementation may spend in the timed rounds of one case; slower ones get fewer rounds. */
  budgetMs: number;
  /** Time spent warming each implementation up on the half-size input before timing. */
  warmupMs: number;
  /** Worker counts for pool implementations. Default: 1, 2, … up to the cores. */
  workers?: number[];
  /**
   * The jit set's first-call case: the fresh processes (browsers, for Chromium) whose first call is
   * timed, each against its own later calls, the runtime's own run included; the row's `coldMs` is the
   * median first call. A first call happens once per process, so more samples of it need more
   * processes. Default: 1 (quick), 9 (full).
   */
  firstCallProcesses: number;
}

export interface BenchProgress {
  runtime?: string;
  caseIndex: number;
  caseCount: number;
  caseId: string;
  /** "cold", "warm-up", "round 3/9", "done". */
  phase: string;
  impl?: string;
}

/** Options of bench(): which cases, how long. */
export interface BenchOptions {
  /** "quick" (seconds; proves the machinery) or "full" (real measurements), or settings of your own. Default: "quick". */
  preset?: PresetName | Partial<PresetSettings>;
  /** Your own cases, measured alongside (or instead of) the built-in ones. */
  cases?: BenchCase[];
  /** Built-in cases to run, by id ("sum", …); `false` for none. Default: all that this build provides. */
  builtins?: string[] | boolean;
  /** Extra implementations for built-in cases, by case id (the Node runner adds native C this way). */
  extra?: Record<string, Array<Implementation | SkippedImplementation>>;
  /** Input size per case id, overriding the preset. */
  sizes?: Record<string, number>;
  /** The C peers' module (bench/c/kernels.c built by clang to wasm): a URL, bytes or a compiled module. `hotpath bench` builds and passes it; without it the `c-wasm` implementations are reported as skipped. */
  cKernels?: WasmSource;
  /** Called as the run advances (for a progress line). */
  onProgress?(progress: BenchProgress): void;
}

export type ImplementationStatus = "ok" | "wrong" | "flat" | "unverified" | "error" | "skipped";

export interface ImplementationResult extends ImplementationName {
  status: ImplementationStatus;
  /** Why: the reason it was skipped, the wrong value, the growth ratio that flagged it. */
  note?: string;
  /** The implementation's own remark on how it ran (Implementation.remark). */
  remark?: string;
  knownInexact?: boolean;
  /** The first call at the full size, before any warm-up (V8's baseline tiers, lazy compilation). */
  coldMs?: number;
  /** The jit set's first-call row: the first call in each fresh process, this run's first (`coldMs` is their median). */
  coldSamplesMs?: number[];
  /** With `coldSamplesMs`: the median of the later calls in the same process, one per first call. */
  laterSamplesMs?: number[];
  /** Warm samples at the full size and at the growth guard's half size. */
  full?: SampleSummary;
  half?: SampleSummary;
  /** Calls per timed sample. */
  reps?: number;
  /** t(n) / t(n/2). */
  growth?: number;
  /** Canonical answers at the full and half sizes. */
  value?: string;
  halfValue?: string;
  /** Times faster than the case's TS baseline (undefined when either is not ok). */
  speedup?: number;
  /**
   * A pool implementation's efficiency against bare threads with the same worker count: bare time ÷ pool
   * time (1: the pool costs nothing over hand-written threads). Undefined when either is not ok.
   */
  vsBare?: number;
}

export interface CaseResult {
  id: string;
  title: string;
  unit: string;
  size: number;
  halfSize: number;
  /** The answer results were checked against, and where it came from. */
  truth?: string;
  truthSource: "expected" | "reference" | "majority" | "none";
  /** Id of the TS implementation the speedups are relative to: the fastest correct TS twin. */
  baseline?: string;
  implementations: ImplementationResult[];
}

export interface RuntimeInfo {
  /** "node", "deno", "bun", "chromium" or "browser". */
  name: string;
  /** "Node v20.20.0 (V8 11.3)", "Chromium 1xx", … */
  version: string;
  platform: string;
  cores: number;
  cpu?: string;
  /** Whether a shared WebAssembly.Memory can be posted to workers here. */
  sharedMemory: boolean;
}

/** The results of bench() in one runtime. */
export interface RuntimeResult {
  runtime: RuntimeInfo;
  preset: PresetSettings;
  date: string;
  durationMs: number;
  cases: CaseResult[];
}

/** A runtime that was not measured, and why. */
export interface SkippedRuntime {
  runtime: { name: string };
  skipped: string;
}

/** Results across runtimes, as `hotpath bench` writes them. */
export interface BenchReport {
  tool: string;
  /** The case set measured: the built-in kernels (absent) or "jit" (src/bench/jit/). */
  set?: "jit";
  date: string;
  machine: { os: string; cpu: string; cores: number; memoryGiB: number };
  preset: string;
  durationMs: number;
  runtimes: Array<RuntimeResult | SkippedRuntime>;
}
