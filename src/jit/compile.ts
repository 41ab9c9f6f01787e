// The code generator: one function's ESTree body → wasm instructions, inferring every local's type
// from its initial value as it goes (a local keeps the type it was declared with: `let i = 0n` is a
// bigint for good). Anything outside the subset is a JitError pointing at the construct.
//
// Types flow forward only, so a function's result type is found by a first pass over the body that
// collects the types of its `return`s (skipped when a signature declares it), then a second pass emits.
// The parts: context.ts (state and helpers), statements.ts, expressions.ts, operators.ts, places.ts,
// calls.ts, builtins.ts.
import { FunctionContext } from "./context.ts";
// Loaded for its effect: it fills the code generator's recursion table (recursion.ts).
import "./expressions.ts";
import type { FunctionPlan, ModuleHost } from "./plan.ts";
import type { Node } from "./parse.ts";
import { rangeFacts, Widen } from "./ranges.ts";
import { returnStatement, stmt } from "./statements.ts";
import { typeName, type ResultType } from "./types.ts";
import { join } from "./typing.ts";
import type { WasmFunction } from "./wasm.ts";

export function compileFunction(builder: ModuleHost, plan: FunctionPlan): { fn: WasmFunction; result: ResultType } {
  const facts = rangeFacts(plan.parsed!.params, plan.parsed!.body);
  const widened = new Set<Node>();
  // Each failed counter condition widens that local to f64 and starts again (at most once per counter).
  for (;;)
    try {
      let result = plan.result;
      if (result === undefined) {
        const probe = new FunctionContext(builder, plan, undefined, facts, widened);
        compileBody(probe);
        result = joinedReturns(probe);
      }
      const cx = new FunctionContext(builder, plan, result, facts, widened);
      compileBody(cx);
      return { fn: cx.finish(), result };
    } catch (e) {
      if (!(e instanceof Widen) || widened.has(e.declarator)) throw e;
      widened.add(e.declarator);
    }
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
