// `throw new RangeError(`n must be ≥ 0, got ${n}`)`: the message's values are computed in order, as
// JavaScript computes them, and passed with the site's number (last) to a host function
// (`env.__hp_throw`, runtime/host.ts), which throws; the boundary turns that into the error JavaScript would have thrown,
// the same class with the same message (ToString of each value), after copying back the arrays the
// call wrote (runtime/boundary.ts). The call's blocks of memory are given back as for a trap.
import type { FunctionContext } from "./context.ts";
import type { ThrowSite, ThrownValue } from "./plan.ts";
import { describeType } from "./describe.ts";
import { recurse } from "./recursion.ts";
import type { Node } from "../front/parse.ts";
import { thrown } from "../front/throw.ts";
import { isBigint, isNumber } from "../analysis/types.ts";
import type { ValType } from "../wasm/wasm.ts";

/** The host function a throw calls (module `env`), one import per signature of values. */
export const THROW_IMPORT = "__hp_throw";

export function throwStatement(cx: FunctionContext, node: Node): void {
  const t = thrown(node.argument);
  if ("reason" in t) throw cx.err(t.reason, node);
  const shadowed = cx.lookup(t.ctor);
  if (shadowed) throw cx.fail(`\`${t.ctor}\` is a local of the function here, not JavaScript's error class`, node.argument.callee);
  const parts: ThrowSite["parts"][number][] = [];
  const params: ValType[] = [];
  for (const p of t.parts) {
    if (typeof p === "string") {
      parts.push(p);
      continue;
    }
    const type = recurse.expr(cx, p);
    let kind: ThrownValue;
    if (type === "bool") kind = "bool";
    else if (isBigint(type)) kind = type;
    else if (isNumber(type)) kind = type;
    else throw cx.fail(`a ${describeType(type)} in a thrown error's message (numbers, bigints and booleans are written into it)`, p);
    parts.push({ value: kind });
    params.push(kind === "f64" ? "f64" : isBigint(kind) ? "i64" : "i32");
  }
  const { line, column } = cx.source.position(node.start);
  const site = cx.builder.trapSite({ what: `\`throw\` (at ${line}:${column})`, index: false, thrown: { ctor: t.ctor, parts } });
  cx.emit(["i32.const", site], ["call", cx.builder.hostFunction("env", THROW_IMPORT, [...params, "i32"], [])], ["unreachable"]);
}
