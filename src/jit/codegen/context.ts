// The state of compiling one function (its code, locals, scopes, loops and `return` types) and the
// helpers every part of the code generator uses: emitting, locals, blocks, scopes, conversions that
// keep JavaScript's values, and the JitErrors that point at a construct. The parts themselves are
// functions over this context: statements.ts, expressions.ts, operators.ts, places.ts, calls.ts,
// builtins.ts; compile.ts runs them.
import type { FunctionPlan, ModuleHost } from "./plan.ts";
import type { InlineFunction } from "./inline.ts";
import type { HelperFunction } from "./helpers.ts";
import { TRAP_GLOBALS } from "./traps.ts";
import { describeNode, describeType } from "./describe.ts";
import { toInt32, TWO_63 } from "./numeric.ts";
import type { Node, SourceText } from "../front/parse.ts";
import type { Intervals } from "../analysis/intervals.ts";
import type { RangeFacts } from "../analysis/ranges.ts";
import { isArray, isBigint, isNumber, isRecord, wasmTypes, type ResultType, type ValueType } from "../analysis/types.ts";
import { constant } from "../analysis/typing.ts";
import type { Instr, ValType, WasmFunction } from "../wasm/wasm.ts";

/** A local variable (or parameter): its type and the wasm locals holding it (a jitClass value has several). */
export interface Var {
  type: ValueType;
  locals: number[];
  constant: boolean;
  /** Every value the local holds is an integer in its i32/u32 range (intervals.ts): an f64 assigned to it is truncated exactly. */
  proven?: boolean;
  /** An i32 local whose only writes are `for` updates `v++`/`v--` (ranges.ts): its declarator. */
  counter?: Node;
  /** A counter that starts at a constant ≥ 0 and only counts up. */
  nonNegative?: boolean;
  /** A number local read only through ToInt32 (bits.ts): an i32 holding ToInt32 of what was assigned. */
  wrapped?: boolean;
  /** Declared by `new Float64Array(…)`: its block is given back when its scope ends (allocation.ts). */
  owned?: boolean;
  /** An arrow compiled into each of its calls (inline.ts); it holds no value. */
  inline?: InlineFunction;
  /** A nested function compiled as a function of its own (helpers.ts); it holds no value. */
  helper?: HelperFunction;
  /** The declaration (declarator, parameter, function declaration) it is the variable of: what helpers.ts compares. */
  decl?: Node;
}

export interface Loop {
  label: string | undefined;
  breakDepth: number;
  continueDepth: number;
  /** How many scopes were open outside its body: a `break` or `continue` leaves the others (allocation.ts `freeOwned`). */
  scopes?: number;
  /** A switch statement: the target of a `break`, never of a `continue`. */
  switch?: boolean;
}

/** Something that can be read and written: a local (or a struct's locals), an array element, a field in a constructor. */
export interface Place {
  type: ValueType;
  get: Instr[];
  /**
   * Stores the value on the stack (of type `from`), converting it as JavaScript's assignment would;
   * `value`, where given, is the expression whose facts (intervals.ts) describe the value stored.
   */
  set(from: ResultType, at: Node, value?: Node): Instr[];
  /** A local whose every value is proven to fit its i32/u32 (intervals.ts). */
  proven?: boolean;
}

/** An expression compiled apart: its type and its code, placed later (after its operands' conversions are known). */
export interface Typed {
  type: ResultType;
  code: Instr[];
}

export class FunctionContext {
  code: Instr[] = [];
  readonly #locals: ValType[] = [];
  readonly #paramCount: number;
  readonly scopes: Map<string, Var>[] = [new Map()];
  /** The fields of the jitClass being constructed (`this.x`). */
  readonly fields = new Map<string, Var>();
  readonly loops: Loop[] = [];
  /** First pass: the type of every `return`, joined into the result type. */
  readonly returns: { type: ResultType; node: Node }[] = [];
  readonly source: SourceText;
  /** The flavour bigint literals take: i64 as soon as the signature mentions i64. */
  readonly bigint: "u64" | "i64";
  /** How many blocks are open (branch depths are differences of these). */
  depth = 0;
  /** A label waiting for the loop it names. */
  label: string | undefined;
  /** Inside `for (…; i < a.length; i++)` bodies: counter i indexes array a within bounds (statements.ts). */
  readonly inBounds: { counter: Var; array: Var }[] = [];
  /** Index expressions a loop's guard proved in bounds for the copy being compiled (transforms/bounds.ts). */
  readonly safeIndices = new Set<Node>();
  /** How many loops around the code being compiled are copies behind such a guard (each doubles the code). */
  boundsDepth = 0;
  /** Block statements' scopes: whether an array made there may outlive the block (allocation.ts). */
  readonly escaping = new WeakMap<Map<string, Var>, boolean>();

  constructor(
    readonly builder: ModuleHost,
    readonly plan: FunctionPlan,
    /** undefined in the first pass, which only collects the `return` types. */
    readonly result: ResultType | undefined,
    /** The shapes of `for` counters and the parameters the body writes (ranges.ts). */
    readonly ranges: RangeFacts,
    /** What the numeric analysis proved (intervals.ts); the version of the body being compiled sets it. */
    public intervals: Intervals,
  ) {
    const parsed = plan.parsed;
    this.source = parsed!.source;
    const results = isRecord(result) ? result.fields.map(([, t]) => t) : [result ?? "void"];
    this.bigint = [...plan.params, ...results].includes("i64") ? "i64" : "u64";
    let index = 0;
    const copies: [string, number][] = [];
    parsed!.params.forEach((node, i) => {
      if (node.type !== "Identifier") throw this.err(`a ${describeNode(node)} parameter (defaults, rest and destructuring)`, node);
      const type = plan.params[i];
      if (type === undefined) throw this.err(`parameter \`${node.name}\` has no type (the signature has ${plan.params.length})`, node);
      const locals = wasmTypes(type).map(() => index++);
      // A number typed i32 from the call's argument (not declared so) that the body assigns to is an
      // f64 local: it may be given any number, as in JavaScript.
      if (type === "i32" && plan.target?.signatures.length === 0 && ranges.writtenParams.has(node.name))
        copies.push([node.name, locals[0]]);
      else this.scopes[0].set(node.name, { type, locals, constant: false, decl: plan.closure?.decls[i] ?? node });
    });
    if (plan.params.length > parsed!.params.length)
      throw this.err(`the signature has ${plan.params.length} parameters, the function ${parsed!.params.length}`, parsed!.node);
    this.#paramCount = index;
    for (const [name, param] of copies) {
      const local = this.local("f64");
      this.emit(["local.get", param], ["f64.convert_i32_s"], ["local.set", local]);
      const i = parsed!.params.findIndex((p) => p.name === name);
      this.scopes[0].set(name, { type: "f64", locals: [local], constant: false, decl: plan.closure?.decls[i] ?? parsed!.params[i] });
    }
    // A helper's function (helpers.ts): the helpers it calls, declared outside it.
    for (const [name, v] of plan.closure?.helpers ?? []) this.scopes[0].set(name, v);
    if (plan.constructing)
      for (const [name, type] of plan.constructing.fields)
        this.fields.set(name, { type, locals: wasmTypes(type).map((t) => this.local(t)), constant: false });
  }

  /** The function; `result` for a first pass whose code is final (compile.ts). */
  finish(result = this.result!): WasmFunction {
    return {
      name: this.plan.name,
      params: this.plan.params.flatMap(wasmTypes),
      results: wasmTypes(result),
      locals: this.#locals,
      body: this.code,
      exported: this.plan.exported,
    };
  }

  /**
   * Instructions that trap at `node` after recording why (TRAP_GLOBALS): `what` happened there, and for
   * an index, `index` and `length` (code pushing each as an f64) say which one and of what array.
   */
  trap(node: Node, what: string, { text, index, length }: { text?: string; index?: Instr[]; length?: Instr[] } = {}): Instr[] {
    const { line, column } = this.source.position(node.start);
    text = (text ?? this.sourceOf(node)).replace(/\s+/g, " ");
    if (text.length > 60) text = `${text.slice(0, 57)}…`;
    const site = this.builder.trapSite({ what: `${what} \`${text}\` (at ${line}:${column})`, index: index !== undefined });
    const out: Instr[] = [
      ["i32.const", site],
      ["global.set", TRAP_GLOBALS.site],
    ];
    if (index && length) out.push(...index, ["global.set", TRAP_GLOBALS.index], ...length, ["global.set", TRAP_GLOBALS.length]);
    out.push(["unreachable"]);
    return out;
  }

  /** The source text of `node`. */
  sourceOf(node: Node): string {
    return this.source.text.slice(node.start - this.source.shift, node.end - this.source.shift);
  }

  err(what: string, node: Node) {
    return this.source.error(`${what} is not supported by jit`, node);
  }

  fail(message: string, node: Node) {
    return this.source.error(message, node);
  }

  emit(...instrs: Instr[]) {
    this.code.push(...instrs);
  }

  local(type: ValType): number {
    return this.#paramCount + this.#locals.push(type) - 1;
  }

  open(op: "block" | "loop" | "if", type?: ValType) {
    this.emit(type ? [op, type] : [op]);
    return ++this.depth;
  }

  close() {
    this.emit(["end"]);
    this.depth--;
  }

  lookup(name: string): Var | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i].get(name);
      if (v) return v;
    }
    return undefined;
  }

  scoped(fn: () => void) {
    this.scopes.push(new Map());
    try {
      fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** Converts a value of type `from` to `to` where JavaScript would see the same value (or fails). */
  convert(from: ResultType, to: ResultType, node: Node, what: string): Instr[] {
    if (from === to || (isBigint(from) && isBigint(to))) return [];
    if (to === "f64" && from === "i32") return [["f64.convert_i32_s"]];
    if (to === "f64" && from === "u32") return [["f64.convert_i32_u"]];
    if (isNumber(from) && isNumber(to))
      throw this.fail(`${what}: a ${from} number where ${to} is required (\`| 0\` makes an i32, \`>>> 0\` a u32)`, node);
    throw this.fail(`${what}: a ${describeType(from)} where a ${describeType(to)} is required`, node);
  }

  /** Converts a number of type `from` to the representation the analysis proved for its local (intervals.ts). */
  represent(from: ResultType, to: "i32" | "u32" | "f64", at: Node): Instr[] {
    if (from === to) return [];
    if (to === "f64") return this.convert(from, "f64", at, "the value");
    // Proven: the value is an integer in `to`'s range, so the truncation is exact and i32/u32 share bits.
    if (from === "f64") return [[to === "i32" ? "i32.trunc_f64_s" : "i32.trunc_f64_u"]];
    return [];
  }

  /**
   * The int32 (ToInt32) of a number on the stack; `value`, where given, is its expression: when the
   * analysis proved it finite and below 2^63 in magnitude (a sum of two int32s), ToInt32 is its i64
   * truncation wrapped (NaN gives 0 too), with no range test.
   */
  int32(from: ResultType, node: Node, value?: Node): Instr[] {
    if (from === "i32" || from === "u32") return [];
    const facts = value && this.intervals.of(value);
    if (from === "f64" && facts && facts.lo > -TWO_63 && facts.hi < TWO_63) return [["i64.trunc_sat_f64_s"], ["i32.wrap_i64"]];
    if (from === "f64") return toInt32(this.local("f64"));
    throw this.fail(`a bitwise operator on a ${describeType(from)} mixed with numbers`, node);
  }

  /** Leaves i32 (non-zero = true) for JavaScript's truthiness of the value on the stack. */
  truthy(type: ResultType, node: Node): Instr[] {
    if (type === "bool" || type === "i32" || type === "u32") return [];
    if (isBigint(type)) return [["i64.eqz"], ["i32.eqz"]];
    if (type === "f64") return [["f64.abs"], ["f64.const", 0], ["f64.gt"]]; // false for 0, -0 and NaN
    throw this.fail(`a ${describeType(type)} used as a condition`, node);
  }

  /** An expression whose value no statement of the function can change: a constant, a const, an unassigned parameter, its `.length`. */
  invariant(node: Node): boolean {
    if (constant(node) !== undefined) return true;
    if (node.type === "MemberExpression" && !node.computed && node.property.name === "length") {
      const array = node.object.type === "Identifier" ? this.lookup(node.object.name) : undefined;
      return array !== undefined && isArray(array.type) && this.invariant(node.object);
    }
    if (node.type !== "Identifier") return false;
    const v = this.lookup(node.name);
    if (!v) return false;
    return v.constant || (this.isParameter(node.name, v) && !this.ranges.writtenParams.has(node.name));
  }

  /** `v` is the parameter `name` (the function's top-level scope also holds its top-level `let`s). */
  isParameter(name: string, v: Var): boolean {
    return this.scopes[0].get(name) === v && this.plan.parsed!.params.some((p) => p.type === "Identifier" && p.name === name);
  }

  drop(type: ResultType) {
    for (const _ of wasmTypes(type)) this.emit(["drop"]);
  }
}
