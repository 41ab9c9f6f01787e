// The code generator: one function's ESTree body → wasm instructions. Before it runs, the numeric
// analysis (intervals.ts) has found which number locals always hold int32 (uint32) values and what
// each number expression's values can be; the generator reads those facts and never revises them.
// A local's type comes from its initial value (`let i = 0n` is a bigint for good), its representation
// (i32, u32 or f64) from the analysis. Anything outside the subset is a JitError at the construct.
//
// Types flow forward only, so a function's result type is found by a first pass over the body that
// collects the types of its `return`s (skipped when a signature declares it), then a second pass emits.
// The parts: context.ts (state and helpers), statements.ts, expressions.ts, operators.ts, places.ts,
// calls.ts, builtins.ts.
import { FunctionContext } from "./context.ts";
// Loaded for its effect: it fills the code generator's recursion table (recursion.ts).
import "./expressions.ts";
import type { FunctionPlan, ModuleHost } from "./plan.ts";
import { analyze, MEDIUM, MEDIUM_MAX, SMALL, SMALL_MAX, type Intervals, type NumberFacts } from "../analysis/intervals.ts";
import { lowerArrayLoops, lowerDeclarations, lowerDefaultParams, lowerForms, lowerPrange } from "../front/lower.ts";
import { lowerCountedLoops } from "../front/loops.ts";
import { lowerTypeof } from "../front/typeof.ts";
import { lowerThrowMessages } from "../front/throw.ts";
import { rangeFacts } from "../analysis/ranges.ts";
import { returnStatement, stmt } from "./statements.ts";
import { hoistHelpers } from "./helpers.ts";
import {
  isBigint,
  isRecord,
  sameShape,
  typeName,
  wasmTypes,
  type RecordType,
  type ResultType,
  type ScalarType,
} from "../analysis/types.ts";
import { join } from "../analysis/typing.ts";
import { describeType } from "./describe.ts";
import type { Node } from "../front/parse.ts";
import type { Instr } from "../wasm/wasm.ts";
import type { WasmFunction } from "../wasm/wasm.ts";

export function compileFunction(builder: ModuleHost, given: FunctionPlan): { fn: WasmFunction; result: ResultType } {
  const plan = lowerCountedLoops(
    lowerDeclarations(lowerArrayLoops(lowerPrange(lowerTypeof(lowerThrowMessages(lowerForms(lowerDefaultParams(given))))))),
  );
  const { params, body } = plan.parsed!;
  const shapes = rangeFacts(params, body);
  const intervals = analyze(params, plan.params, body);
  let result = plan.result;
  const version = versions(plan, intervals);
  if (result === undefined) {
    const probe = new FunctionContext(builder, plan, undefined, shapes, intervals);
    compileBody(probe);
    result = joinedReturns(probe);
    // The first pass's code is the function's when the second would emit the same: no return value
    // needs a conversion, bigint literals keep their flavour, one version of the body.
    const same = (t: ResultType) =>
      t === result ||
      (isBigint(t) && isBigint(result!)) ||
      (isRecord(t) && isRecord(result) && t.fields.every(([, f], i) => f === (result as RecordType).fields[i][1] && f !== "i64"));
    if (version.length === 0 && probe.returns.every((r) => same(r.type)) && (result !== "i64" || plan.params.includes("i64"))) {
      if (result !== "void") probe.emit(...fellOffTheEnd(probe, body));
      return { fn: probe.finish(result), result };
    }
  }
  const cx = new FunctionContext(builder, plan, result, shapes, intervals);
  compileBody(cx, version);
  return { fn: cx.finish(), result };
}

interface Version {
  /** The largest value the version assumes of every int32 parameter (and the smallest, 0). */
  readonly max: number;
  /** The analysis under that assumption. */
  readonly intervals: Intervals;
  /** Those parameters' wasm locals and types. */
  readonly checks: readonly { local: number; type: "i32" | "u32" }[];
}

/**
 * Sizes passed as int32 parameters (a width, a row count, a pixel count) are small in practice, but
 * nothing proves it: `y * width + x` or `i * 4` could pass 2^31, so they are computed in f64. When
 * assuming every int32 parameter in [0, 46340] (two of them multiply within int32), or in [0, 2^26]
 * (one of them times a constant up to 32, plus a little), proves more of the function in 32 bits, the
 * body is compiled again for those parameters behind a check of them: up to three versions, the most
 * assuming first, the general one last. The smaller range is kept only where it proves more than the
 * larger one.
 */
function versions(plan: FunctionPlan, general: Intervals): Version[] {
  if (plan.constructing) return [];
  const { params, body } = plan.parsed!;
  const checks: { local: number; type: "i32" | "u32" }[] = [];
  let local = 0;
  const ints = plan.params.map((t) => {
    const at = local;
    local += wasmTypes(t).length;
    if (t !== "i32" && t !== "u32") return false;
    checks.push({ local: at, type: t });
    return true;
  });
  if (checks.length === 0) return [];
  const under = (range: NumberFacts) =>
    analyze(
      params,
      plan.params,
      body,
      ints.map((int) => (int ? range : undefined)),
    );
  const [small, medium] = [under(SMALL), under(MEDIUM)];
  const out: Version[] = [];
  if (small.proven() > Math.max(medium.proven(), general.proven())) out.push({ max: SMALL_MAX, intervals: small, checks });
  if (medium.proven() > general.proven()) out.push({ max: MEDIUM_MAX, intervals: medium, checks });
  return out;
}

function compileBody(cx: FunctionContext, versions: readonly Version[] = []): void {
  const body = cx.plan.parsed!.body;
  const emitBody = () => {
    if (body.type === "BlockStatement") {
      hoistHelpers(cx, body.body);
      for (const s of body.body) stmt(cx, s);
    } else returnStatement(cx, body, body);
  };
  const general = cx.intervals;
  const emitVersions = (k: number): void => {
    if (k === versions.length) {
      cx.intervals = general;
      cx.scoped(emitBody);
      return;
    }
    const { max, checks, intervals } = versions[k];
    checks.forEach(({ local, type }, i) => {
      if (type === "i32") cx.emit(["local.get", local], ["i32.const", 0], ["i32.ge_s"]);
      cx.emit(["local.get", local], ["i32.const", max], ["i32.le_u"]);
      if (type === "i32") cx.emit(["i32.and"]);
      if (i > 0) cx.emit(["i32.and"]);
    });
    cx.open("if");
    cx.intervals = intervals;
    cx.scoped(emitBody);
    cx.emit(["else"]);
    emitVersions(k + 1);
    cx.close();
  };
  emitVersions(0);
  if (cx.plan.constructing) for (const field of cx.fields.values()) for (const l of field.locals) cx.emit(["local.get", l]);
  else if (cx.result !== undefined && cx.result !== "void") cx.emit(...fellOffTheEnd(cx, body));
}

/** The trap of a function with a result that reaches the end of its body without a `return`. */
function fellOffTheEnd(cx: FunctionContext, body: Node): Instr[] {
  return cx.trap(
    { type: "EndOfFunction", start: body.end - 1, end: body.end },
    "the end of a function that returns a value, reached without a `return` (JavaScript returns undefined):",
    { text: cx.plan.name || "the function" },
  );
}

/** The result type: every `return`'s type joined (numbers to f64, bigints to i64 when any is i64). */
function joinedReturns(cx: FunctionContext): ResultType {
  let joined: ResultType | undefined;
  let first: Node | undefined;
  for (const { type, node } of cx.returns) {
    if (isRecord(type) || isRecord(joined)) {
      joined = joined === undefined ? type : joinRecords(cx, joined, type, first!, node);
      first ??= node;
      continue;
    }
    const next = joined === undefined ? type : join(joined, type);
    if (next === undefined) throw cx.err(`this returns ${typeName(type)} where another return gives ${typeName(joined!)}`, node);
    joined = next;
    first ??= node;
  }
  return joined ?? "void";
}

/** Two returns of an object or array: the same keys in the same order (the same length), each field's types joined. */
function joinRecords(cx: FunctionContext, a: ResultType, b: ResultType, first: Node, node: Node): RecordType {
  const at = (n: Node) => {
    const { line, column } = cx.source.position(n.start);
    let text = cx.sourceOf(n).replace(/\s+/g, " ");
    if (n.type !== "ReturnStatement") text = `return ${text}`;
    return `\`${text.length > 48 ? `${text.slice(0, 45)}…` : text}\` (at ${line}:${column})`;
  };
  const mismatch = (why: string) =>
    cx.fail(
      `${at(node)} ${why} ${at(first)}: every return of a function returning an object or array must give the same shape (the same keys in the same order, or the same length)`,
      node,
    );
  if (!isRecord(a) || !isRecord(b)) throw mismatch(`returns ${typeName(b)} where ${typeName(a)} is returned by`);
  if (!sameShape(a, b)) throw mismatch(`returns ${typeName(b)}, another shape than ${typeName(a)} of`);
  const fields = a.fields.map(([k, t], i): readonly [string, ScalarType] => {
    // Two scalars join to a scalar, or not at all.
    const joined = join(t, b.fields[i][1]) as ScalarType | undefined;
    if (joined === undefined)
      throw mismatch(
        `gives ${a.array ? `element ${k}` : `\`${k}\``} a ${describeType(b.fields[i][1])} where it is a ${describeType(t)} in`,
      );
    return [k, joined];
  });
  return { kind: "record", array: a.array, fields };
}

export type { FunctionPlan } from "./plan.ts";
