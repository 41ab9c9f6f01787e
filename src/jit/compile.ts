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
import { analyze } from "./intervals.ts";
import { rangeFacts } from "./ranges.ts";
import { returnStatement, stmt } from "./statements.ts";
import { typeName, type ResultType } from "./types.ts";
import { join } from "./typing.ts";
import type { WasmFunction } from "./wasm.ts";

export function compileFunction(builder: ModuleHost, plan: FunctionPlan): { fn: WasmFunction; result: ResultType } {
  const { params, body } = plan.parsed!;
  const shapes = rangeFacts(params, body);
  const intervals = analyze(params, plan.params, body);
  let result = plan.result;
  if (result === undefined) {
    const probe = new FunctionContext(builder, plan, undefined, shapes, intervals);
    compileBody(probe);
    result = joinedReturns(probe);
  }
  const cx = new FunctionContext(builder, plan, result, shapes, intervals);
  compileBody(cx);
  return { fn: cx.finish(), result };
}

function compileBody(cx: FunctionContext): void {
  const body = cx.plan.parsed!.body;
  if (body.type === "BlockStatement") for (const s of body.body) stmt(cx, s);
  else returnStatement(cx, body, body);
  if (cx.plan.constructing) for (const field of cx.fields.values()) for (const l of field.locals) cx.emit(["local.get", l]);
  else if (cx.result !== undefined && cx.result !== "void") cx.emit(["unreachable"]); // fell off the end without a value
}

/** The result type: every `return`'s type joined (numbers to f64, bigints to i64 when any is i64). */
function joinedReturns(cx: FunctionContext): ResultType {
  let joined: ResultType | undefined;
  for (const { type, node } of cx.returns) {
    const next = joined === undefined ? type : join(joined, type);
    if (next === undefined) throw cx.err(`this returns ${typeName(type)} where another return gives ${typeName(joined!)}`, node);
    joined = next;
  }
  return joined ?? "void";
}

export type { FunctionPlan } from "./plan.ts";
