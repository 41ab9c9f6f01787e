// Calls: other jit functions (specialized for the argument types, in the same module), the builtins
// (builtins.ts) and `new` of a jitClass.
import { GLOBAL_TESTS, NUMBER_TESTS, asN, math, numberTest, prangeBounds, toBigint, toNumber } from "./builtins.ts";
import { PRANGE_BOUNDS } from "../front/lower.ts";
import type { FunctionContext } from "./context.ts";
import { recurse } from "./recursion.ts";
import { allocatedElement, fillCall, isFill, newTypedArray } from "./allocation.ts";
import { inlineCall } from "./inline.ts";
import { arrayMethod } from "./methods.ts";
import { helperCall } from "./helpers.ts";
import type { Node } from "../front/parse.ts";
import { type ResultType, type ValueType, isRecord, typeName } from "../analysis/types.ts";
import { compatible } from "../analysis/typing.ts";

export function call(cx: FunctionContext, node: Node): ResultType {
  const callee = node.callee;
  const args: Node[] = node.arguments;
  if (args.some((a) => a.type === "SpreadElement")) throw cx.err("spread arguments", node);
  if (callee.type === "MemberExpression" && !callee.computed && callee.object.type === "Identifier" && !cx.lookup(callee.object.name)) {
    const name = `${callee.object.name}.${callee.property.name}`;
    if (callee.object.name === "Math") return math(cx, callee.property.name, args, node);
    if (name === "BigInt.asUintN" || name === "BigInt.asIntN") return asN(cx, name === "BigInt.asUintN", args, node);
    if (callee.object.name === "Number" && NUMBER_TESTS.has(callee.property.name))
      return numberTest(cx, callee.property.name, args, node, false);
    throw cx.err(`calling \`${name}\``, callee);
  }
  if (isFill(node)) return fillCall(cx, node);
  if (callee.type === "MemberExpression" && !callee.computed) {
    const result = arrayMethod(cx, node);
    if (result !== undefined) return result;
  }
  if (callee.type !== "Identifier") throw cx.err("calling a method or a computed function", callee);
  const local = cx.lookup(callee.name);
  if (local?.inline) return inlineCall(cx, callee.name, local.inline, node);
  if (local?.helper) return helperCall(cx, callee.name, local.helper, node);
  if (local) throw cx.err(`calling \`${callee.name}\`, a local value`, callee);
  if (callee.name === PRANGE_BOUNDS) return prangeBounds(cx, args, node);
  if (callee.name === "Number" || callee.name === "BigInt") {
    if (args.length !== 1) throw cx.fail(`${callee.name}() takes one argument here`, node);
    return callee.name === "Number" ? toNumber(cx, args[0]) : toBigint(cx, args[0]);
  }
  const target = callee.name === cx.plan.target?.name ? cx.plan.target : cx.builder.fn(callee.name);
  // The global isNaN / isFinite, unless a jit function of that name stands in their place.
  if (!target && GLOBAL_TESTS.has(callee.name)) return numberTest(cx, callee.name, args, node, true);
  if (!target)
    throw cx.fail(
      `calling \`${callee.name}\`, which is not a jit function, is not supported by jit (jit() it first: calls resolve jit functions by name)`,
      callee,
    );
  if (target !== cx.plan.target) refuseConflict(cx, "fn", callee);
  const typed = args.map((a) => recurse.detached(cx, a));
  let params: ResultType[] = typed.map((t) => (t.type === "u32" ? "f64" : t.type));
  let declared: ResultType | undefined;
  const sig = target.signatures.find((s) => s.params.length === typed.length && s.params.every((p, i) => compatible(typed[i].type, p)));
  if (target.signatures.length && !sig)
    throw cx.fail(`no signature of \`${callee.name}\` takes (${typed.map((t) => typeName(t.type)).join(", ")})`, node);
  if (sig) [params, declared] = [[...sig.params], sig.result];
  typed.forEach((t, i) => {
    if (t.type === "void") throw cx.fail("passing the result of a call that returns nothing", args[i]);
    cx.emit(...t.code, ...cx.convert(t.type, params[i], args[i], `argument ${i + 1} of ${callee.name}`));
  });
  const spec = cx.builder.specialize(target, params as ValueType[], declared, false);
  if (spec.result === undefined)
    throw cx.fail(`the recursive call of \`${callee.name}\` needs a signature that declares its result type`, node);
  if (isRecord(spec.result))
    throw cx.err(
      `reading the result of \`${callee.name}\` in a jit function: it returns ${spec.result.array ? "an array" : "an object"} (${typeName(spec.result)}), which jitted code does not take apart (call \`${callee.name}\` from JavaScript, or have it return one value); using it`,
      node,
    );
  cx.emit(["call", spec.index]);
  return spec.result;
}

export function newExpression(cx: FunctionContext, node: Node): ResultType {
  const element = allocatedElement(cx, node);
  if (element) return newTypedArray(cx, element, node);
  const callee = node.callee;
  const cls = callee.type === "Identifier" && !cx.lookup(callee.name) ? cx.builder.cls(callee.name) : undefined;
  if (!cls) throw cx.err(`\`new ${callee.name ?? "…"}\` (jit constructs jitClass classes and the typed arrays of its element types)`, node);
  refuseConflict(cx, "class", callee);
  const typed = (node.arguments as Node[]).map((a) => recurse.detached(cx, a));
  const params = typed.map((t, i) => {
    if (t.type === "void") throw cx.fail("passing the result of a call that returns nothing", node.arguments[i]);
    // (No expression has a record type: a call returning one is refused above.)
    return t.type === "i32" || t.type === "u32" ? "f64" : (t.type as ValueType);
  });
  typed.forEach((t, i) => cx.emit(...t.code, ...cx.convert(t.type, params[i], node.arguments[i], `argument ${i + 1} of ${cls.name}`)));
  cx.emit(["call", cx.builder.construct(cls, params)]);
  return cls;
}

/**
 * A name that had several different definitions when the function was jitted (two modules each with a
 * helper `clamp`): which one the JavaScript calls, jit cannot see, so the call is refused (runtime/registry.ts).
 */
function refuseConflict(cx: FunctionContext, kind: "fn" | "class", callee: Node): void {
  const count = cx.builder.conflicts(kind, callee.name);
  if (count > 1)
    throw cx.fail(
      `\`${callee.name}\` names ${count} different ${kind === "fn" ? "functions given to jit" : "jitClass classes"} by the time this function was jitted, and jitted code finds the ${kind === "fn" ? "functions it calls" : "classes it constructs"} by name (it cannot see which one the JavaScript means): give each its own name, or jit this function before the other definition`,
      callee,
    );
}
