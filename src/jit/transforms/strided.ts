// Stride loops in integers: `for (let v = A; v < E; v += S)` (a sieve's `for (let j = i * i; j < n;
// j += i)`, or `v <= E`) where E and S are unchanging int32/uint32 values and nothing in the body writes v. In
// JavaScript v is a double; its last value (the one that ends the loop) can pass 2^32, so the numeric
// analysis cannot give it an i32. But when, at the loop's start, A is an integer in [0, 2^32), E ≥ 0,
// S ≥ 0 and E + S < 2^32, every value v takes is at most E + S (below it with `<`): exact in a u32. So the loop runs with
// v in a u32 (an integer add and compare per trip) behind that check, and as written otherwise. A is
// evaluated once more on that path, so it must be free of effects. With `v < a.length` (or a `const n
// = a.length`), a never assigned, `a[v]` needs no bounds check on that path: 0 ≤ v < a.length.
import type { FunctionContext, Var } from "../codegen/context.ts";
import type { Node } from "../front/parse.ts";
import { recurse } from "../codegen/recursion.ts";
import { pure } from "../analysis/typing.ts";
import { isArray } from "../analysis/types.ts";

export interface StridedScalar {
  /** Compiles a statement as the code generator does. */
  stmt(node: Node): void;
  /** Compiles the loop as written (its init included). */
  asWritten(): void;
}

const UINT32_LIMIT = 4294967296;

/** Emits the loop with the u32 path and the path as written; false (nothing emitted) when it is not of the shape. */
export function stridedLoop(cx: FunctionContext, node: Node, scalar: StridedScalar): boolean {
  if (node.type !== "ForStatement" || cx.label !== undefined) return false;
  const { init, test, update, body } = node;
  if (init?.type !== "VariableDeclaration" || init.kind !== "let" || init.declarations.length !== 1) return false;
  const d = init.declarations[0];
  if (d.id.type !== "Identifier" || !d.init || !pure(d.init, (op) => op !== "delete")) return false;
  const v: string = d.id.name;
  const inclusive = test?.operator === "<=";
  if (test?.type !== "BinaryExpression" || (test.operator !== "<" && !inclusive) || test.left.type !== "Identifier" || test.left.name !== v)
    return false;
  if (update?.type !== "AssignmentExpression" || update.operator !== "+=" || update.left.type !== "Identifier" || update.left.name !== v)
    return false;
  if (!steady(test.right, body, v) || !steady(update.right, body, v) || writes(body, v)) return false;
  const start = recurse.detached(cx, d.init);
  const bound = recurse.detached(cx, test.right);
  const step = recurse.detached(cx, update.right);
  const ints = (t: string) => t === "i32" || t === "u32";
  if (!(start.type === "f64" || ints(start.type as string)) || !ints(bound.type as string) || !ints(step.type as string)) return false;

  cx.scoped(() => {
    const a = cx.local("f64");
    const [e, s, i] = [cx.local("i32"), cx.local("i32"), cx.local("i32")];
    cx.emit(...start.code, ...cx.convert(start.type, "f64", d.init, "the initial value"), ["local.set", a]);
    cx.emit(...bound.code, ["local.set", e], ...step.code, ["local.set", s]);
    // A an integer in [0, 2^32); E, S ≥ 0 (as i32 values: their sign); E + S < 2^32 (exactly, in i64).
    cx.emit(["local.get", a], ["f64.const", 0], ["f64.ge"], ["local.get", a], ["f64.const", UINT32_LIMIT], ["f64.lt"], ["i32.and"]);
    cx.emit(["local.get", a], ["f64.trunc"], ["local.get", a], ["f64.eq"], ["i32.and"]);
    if (bound.type === "i32") cx.emit(["local.get", e], ["i32.const", 0], ["i32.ge_s"], ["i32.and"]);
    if (step.type === "i32") cx.emit(["local.get", s], ["i32.const", 0], ["i32.ge_s"], ["i32.and"]);
    cx.emit(["local.get", e], ["i64.extend_i32_u"], ["local.get", s], ["i64.extend_i32_u"], ["i64.add"]);
    cx.emit(["i64.const", BigInt(UINT32_LIMIT)], ["i64.lt_u"], ["i32.and"]);
    cx.open("if");
    cx.emit(["local.get", a], ["i32.trunc_f64_u"], ["local.set", i]);
    const counter: Var = { type: "u32", locals: [i], constant: false, proven: true };
    // `v < a.length` (or `v < n` with `const n = a.length`): a[v] is in bounds in the body (0 ≤ v < E).
    const array = inclusive ? undefined : lengthOf(cx, test.right, body);
    cx.scoped(() => {
      cx.scopes[cx.scopes.length - 1].set(v, counter);
      if (array) cx.inBounds.push({ counter, array });
      const breakDepth = cx.open("block");
      const top = cx.open("loop");
      cx.emit(["local.get", i], ["local.get", e], [inclusive ? "i32.le_u" : "i32.lt_u"], ["i32.eqz"], ["br_if", cx.depth - breakDepth]);
      const continueDepth = cx.open("block");
      cx.loops.push({ label: undefined, breakDepth, continueDepth });
      cx.scoped(() => scalar.stmt(body));
      if (array) cx.inBounds.pop();
      cx.loops.pop();
      cx.close();
      cx.emit(["local.get", i], ["local.get", s], ["i32.add"], ["local.set", i], ["br", cx.depth - top]);
      cx.close();
      cx.close();
    });
    cx.emit(["else"]);
    scalar.asWritten();
    cx.close();
  });
  return true;
}

/**
 * The array whose length `e` is, where that length stays the loop's bound: `a.length` with a never
 * assigned in the function (a parameter or a `const`), or a `const n = a.length` of such an a.
 */
function lengthOf(cx: FunctionContext, e: Node, body: Node): Var | undefined {
  const whole = cx.plan.parsed?.body;
  if (e.type === "Identifier") {
    const n = cx.lookup(e.name);
    const init = n?.constant && n.decl?.type === "VariableDeclarator" ? n.decl.init : undefined;
    return init && !writes(body, e.name) ? lengthOf(cx, init, body) : undefined;
  }
  if (e.type !== "MemberExpression" || e.computed || e.property.name !== "length" || e.object.type !== "Identifier") return undefined;
  const a = cx.lookup(e.object.name);
  return a && isArray(a.type) && (a.constant || (whole && !writes(whole, e.object.name))) ? a : undefined;
}

/** A constant, a name the loop's body does not write (nor the counter itself), or the `.length` of one: read once before the loop. */
function steady(e: Node, body: Node, v: string): boolean {
  if (e.type === "Literal") return typeof e.value === "number";
  if (e.type === "Identifier") return e.name !== v && !writes(body, e.name);
  if (e.type === "MemberExpression" && !e.computed && e.property.name === "length") return steady(e.object, body, v);
  return false;
}

/** Does anything in `node` assign to `name` (or declare it again)? */
export function writes(node: Node, name: string): boolean {
  if (!node || typeof node !== "object") return false;
  if (node.type === "AssignmentExpression" && node.left.type === "Identifier" && node.left.name === name) return true;
  if (node.type === "UpdateExpression" && node.argument.type === "Identifier" && node.argument.name === name) return true;
  if (node.type === "VariableDeclarator" && node.id.type === "Identifier" && node.id.name === name) return true;
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc") continue;
    if (Array.isArray(value)) {
      if (value.some((v) => writes(v, name))) return true;
    } else if (value && typeof value === "object" && typeof value.type === "string" && writes(value, name)) return true;
  }
  return false;
}
