// What the code generator is given, apart from the module it writes into: the function to compile
// (a plan), the functions and classes names can refer to, and what a function's code may ask of the
// module being built (ModuleHost, which module.ts implements). Types only, so that module.ts,
// compile.ts and context.ts all import from here and not from each other.
import type { ErrorClass } from "../front/throw.ts";
import type { Node, ParsedFunction } from "../front/parse.ts";
import type { Var } from "./context.ts";
import type { ClassType, ResultType, Signature, ValueType } from "../analysis/types.ts";
import type { ValType } from "../wasm/wasm.ts";

/** A function `jit` knows how to compile. */
export interface JitTarget {
  readonly name: string;
  readonly source: string;
  parsed(): ParsedFunction;
  /** Declared signatures (empty: inferred from the call). */
  readonly signatures: readonly Signature[];
}

/** What a name in jitted code can refer to beyond its own locals. */
export interface Globals {
  fn(name: string): JitTarget | undefined;
  cls(name: string): (ClassType & { init(): ParsedFunction | undefined }) | undefined;
  /** How many different definitions `name` could mean for the code being compiled (0 or 1: no conflict). */
  conflicts?(kind: "fn" | "class", name: string): number;
}

/** A specialization of a function in the module: its index, and its result once known. */
export interface Specialization {
  index: number;
  /** Unknown while the function's own body is being compiled (a recursive call without a declared result). */
  result: ResultType | undefined;
}

/** What compiling a function asks of the module being built. */
export interface ModuleHost {
  /** Set when a function touches memory (the module then exports it). */
  usesMemory: boolean;
  /** Move the entry's top-level counted loops into functions of their own (chunk.ts). */
  readonly chunkLoops: boolean;
  /** Records a store into an array: into the entry function's parameter `param`, or into any array ("all"). */
  wrote(param: number | "all"): void;
  fn(name: string): JitTarget | undefined;
  cls(name: string): ReturnType<Globals["cls"]>;
  /** See Globals.conflicts. */
  conflicts(kind: "fn" | "class", name: string): number;
  specialize(
    target: JitTarget,
    params: readonly ValueType[],
    declared: ResultType | undefined,
    exported: boolean,
    closure?: Closure,
  ): Specialization;
  construct(cls: ClassType & { init(): ParsedFunction | undefined }, params: readonly ValueType[]): number;
  helper(name: "fmod"): number;
  /** Registers what a trap site checks; its number is set in the `__trap` global before the trap. */
  trapSite(site: TrapSite): number;
  /** The `call` operand of a host function (`Math.sin`: module "Math", name "sin"), imported once. */
  hostFunction(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): number;
}

export interface FunctionPlan {
  name: string;
  parsed: ParsedFunction | undefined;
  params: readonly ValueType[];
  /** Declared result type; undefined: inferred from the `return`s. */
  result: ResultType | undefined;
  exported: boolean;
  /** The jit function being compiled (a call to its own name is a recursive call). */
  target?: JitTarget;
  /** `fastmath: true`: float sums may be reordered (vectorize-map.ts). */
  fastmath?: boolean;
  /** A nested function compiled as a function of its own (helpers.ts): what its parameters and outer names stand for. */
  closure?: Closure;
  /** Compiling this class's constructor: `this.field = …` sets the fields, which are the results. */
  constructing?: ClassType;
}

/**
 * What a helper's function (codegen/helpers.ts) is given of the function it is declared in: per
 * parameter, the outer declaration it carries (undefined: one of its own), and the helpers it calls.
 */
export interface Closure {
  readonly decls: readonly (Node | undefined)[];
  readonly helpers: readonly (readonly [string, Var])[];
}

/** What a trap site checks, for the KernelError of a call that trapped there (runtime/boundary.ts). */
export interface TrapSite {
  /** "an index outside [0, length) or not an integer at `a[i + 1]` (3:17)". */
  readonly what: string;
  /** The site stores the index and the array's length before trapping. */
  readonly index: boolean;
  /** A `throw` statement: the error it throws, through the host (codegen/throw.ts). */
  readonly thrown?: ThrowSite;
}

/** How a value of the message crosses to the host, and how it is written there. */
export type ThrownValue = "f64" | "i32" | "u32" | "bool" | "u64" | "i64";

/** What a throw site throws (a trap site's `thrown`, codegen/throw.ts): the class, and the message's text pieces around its values. */
export interface ThrowSite {
  readonly ctor: ErrorClass;
  /** Text pieces and value kinds in order: a kind stands for the next value passed to the host (ToString of it). */
  readonly parts: readonly (string | { readonly value: ThrownValue })[];
  /** Instead of a message: the engine's own error for this case, got by the host doing it (runtime/boundary.ts). */
  readonly replay?: "set-negative" | "set-range" | "bigint";
}
