// First-order recurrences through an array (an in-place prefix sum, a running sum), by scalar replacement:
//
//   for (let i = C; i < E; i++) a[i] op= a[i - 1];       // op one of + − *
//   for (let i = C; i < E; i++) a[i] = b[i] op a[i - 1];  // or a[i - 1] op b[i]; b is a or another array
//
// C an integer constant ≥ 1, E an int32/uint32 the loop cannot change (the body writes only a[i]),
// a and b Float64Arrays, Int32Arrays or Uint32Arrays. As written, each trip loads a[i − 1], which the
// trip before has just stored: a store→load dependency through memory on every step. Here the value
// stored is kept in a local and stands for that load, so a trip is one load, the operation, one store.
//
// Exact: the local holds the bits the store wrote (the element's own conversion, ToInt32 or none, is
// applied before both), which is what the load would read back: the only store of the loop is a[i],
// made after the trip's loads, so memory is the loop's own at every load (b may be any view, even
// one overlapping a). The operation is compiled by the code generator's own `binary` on the same nodes
// (the same instruction, the same operand order, the same int32 facts), so every element is the
// loop's. The bounds are checked once, before: E ≤ a.length and E ≤ b.length (then every a[i], a[i − 1]
// and b[i] is in range, C − 1 ≥ 0); otherwise the loop runs as written, and traps where it must.
import type { FunctionContext, Typed, Var } from "../codegen/context.ts";
import type { Node } from "../front/parse.ts";
import { recurse } from "../codegen/recursion.ts";
import { binary } from "../codegen/operators.ts";
import { constant } from "../analysis/typing.ts";
import { ELEMENTS, elementOf, isArray } from "../analysis/types.ts";
import type { Instr } from "../wasm/wasm.ts";

export interface RecurrenceScalar {
  /** Compiles the loop as written (its init included). */
  asWritten(): void;
}

type Kind = "f64" | "i32" | "u32";

interface Plan {
  /** The array written (and read at i − 1), and the one read at i (the same Var when it is a[i]). */
  array: Var;
  kind: Kind;
  source: Var;
  sourceKind: Kind;
  start: number;
  /** The operator, the node whose facts decide its instruction, and which operand is the element before. */
  op: string;
  opNode: Node;
  previousFirst: boolean;
  bound: Typed;
}

const OPERATORS = new Set(["+", "-", "*"]);

/** Emits the recurrence with a carried local (and the loop as written when the bounds check fails); false, nothing emitted, when it is not of the shape. */
export function recurrenceLoop(cx: FunctionContext, node: Node, scalar: RecurrenceScalar): boolean {
  const plan = planOf(cx, node);
  if (!plan) return false;
  emit(cx, plan, scalar);
  return true;
}

function planOf(cx: FunctionContext, node: Node): Plan | undefined {
  if (node.type !== "ForStatement" || cx.label !== undefined) return undefined;
  const { init, test, update } = node;
  if (init?.type !== "VariableDeclaration" || init.kind !== "let" || init.declarations.length !== 1) return undefined;
  const d = init.declarations[0];
  const start = constant(d.init);
  if (d.id.type !== "Identifier" || typeof start !== "number" || !Number.isInteger(start) || start < 1 || start > 2 ** 24) return undefined;
  const i: string = d.id.name;
  if (test?.type !== "BinaryExpression" || test.operator !== "<" || !named(test.left, i)) return undefined;
  if (update?.type !== "UpdateExpression" || update.operator !== "++" || !named(update.argument, i)) return undefined;
  // The bound: a constant, a name (the body writes only a[i]), or the length of one.
  const e = test.right;
  const steady =
    constant(e) !== undefined ||
    (e.type === "Identifier" && e.name !== i) ||
    (e.type === "MemberExpression" && !e.computed && e.property.name === "length" && e.object.type === "Identifier");
  if (!steady) return undefined;

  let body = node.body;
  if (body.type === "BlockStatement" && body.body.length === 1) body = body.body[0];
  if (body.type !== "ExpressionStatement" || body.expression.type !== "AssignmentExpression") return undefined;
  const assignment = body.expression;
  const target = element(assignment.left, i, 0);
  if (!target) return undefined;
  let op: string;
  let opNode: Node;
  let previousFirst: boolean;
  let source: string | undefined;
  if (assignment.operator !== "=") {
    op = assignment.operator.slice(0, -1);
    if (!OPERATORS.has(op) || element(assignment.right, i, 1) !== target) return undefined;
    [opNode, previousFirst, source] = [assignment, false, target];
  } else {
    const r = assignment.right;
    if (r.type !== "BinaryExpression" || !OPERATORS.has(r.operator)) return undefined;
    op = r.operator;
    opNode = r;
    if (element(r.right, i, 1) === target) [source, previousFirst] = [element(r.left, i, 0), false];
    else if (element(r.left, i, 1) === target) [source, previousFirst] = [element(r.right, i, 0), true];
    else return undefined;
  }
  const array = lookupArray(cx, target);
  const from = source === undefined ? undefined : lookupArray(cx, source);
  if (!array || !from) return undefined;
  const bound = recurse.detached(cx, e);
  if (bound.type !== "i32" && bound.type !== "u32") return undefined;
  return { array: array.v, kind: array.kind, source: from.v, sourceKind: from.kind, start, op, opNode, previousFirst, bound };
}

/** An array of 4- or 8-byte numbers (its length below 2^31). */
function lookupArray(cx: FunctionContext, name: string): { v: Var; kind: Kind } | undefined {
  const v = cx.lookup(name);
  if (!v || !isArray(v.type)) return undefined;
  const kind = elementOf(v.type);
  return kind === "f64" || kind === "i32" || kind === "u32" ? { v, kind } : undefined;
}

const named = (n: Node, name: string) => n.type === "Identifier" && n.name === name;

/** `a[i - back]` (`a[i]` for back 0) with a a plain name: the name, else undefined. */
function element(n: Node, i: string, back: 0 | 1): string | undefined {
  if (n.type !== "MemberExpression" || !n.computed || n.object.type !== "Identifier") return undefined;
  const p = n.property;
  if (back === 0 ? !named(p, i) : !(p.type === "BinaryExpression" && p.operator === "-" && named(p.left, i) && constant(p.right) === 1))
    return undefined;
  return n.object.name;
}

function emit(cx: FunctionContext, plan: Plan, scalar: RecurrenceScalar) {
  cx.builder.usesMemory = true;
  const e = ELEMENTS[plan.kind];
  const s = ELEMENTS[plan.sourceKind];
  const [ptr, len] = plan.array.locals;
  const apart = plan.source !== plan.array;
  const [end, addr, src] = [cx.local("i32"), cx.local("i32"), cx.local("i32")];
  const prev = cx.local(e.value === "f64" ? "f64" : "i32");
  // E ≤ a.length (a length is below 2^31: 4-byte elements or wider in a 4 GiB memory); a negative
  // int32 E runs no trip. Then C − 1 ≥ 0 and i < E ≤ length: every access is in range.
  const le = plan.bound.type === "i32" ? "i32.le_s" : "i32.le_u";
  cx.emit(...plan.bound.code, ["local.tee", end], ["local.get", len], [le]);
  if (apart) cx.emit(["local.get", end], ["local.get", plan.source.locals[1]], [le], ["i32.and"]);
  cx.open("if");
  cx.emit(["i32.const", plan.start], ["local.get", end], ["i32.lt_s"]);
  cx.open("if");
  const at = (k: Instr[]): Instr[] => [["local.get", ptr], ...k, ["i32.add"]];
  cx.emit(...at([["local.get", end], ["i32.const", e.bytes], ["i32.mul"]]), ["local.set", end]);
  cx.emit(...at([["i32.const", (plan.start - 1) * e.bytes]]), [e.load], ["local.set", prev]);
  cx.emit(...at([["i32.const", plan.start * e.bytes]]), ["local.set", addr]);
  if (apart) cx.emit(["local.get", plan.source.locals[0]], ["i32.const", plan.start * s.bytes], ["i32.add"], ["local.set", src]);
  // loop { prev = a[i] op prev (or prev op a[i]); a[i] = prev; next address; while it is not the end }
  const top = cx.open("loop");
  const current: Typed = { type: s.value, code: [["local.get", apart ? src : addr], [s.load]] };
  const previous: Typed = { type: e.value, code: [["local.get", prev]] };
  const type = plan.previousFirst
    ? binary(cx, plan.op, previous, current, plan.opNode)
    : binary(cx, plan.op, current, previous, plan.opNode);
  // The element's conversion, as the store as written does it (places.ts elementPlace).
  cx.emit(...(e.value === "f64" ? cx.convert(type, "f64", plan.opNode, "an element") : cx.int32(type, plan.opNode)));
  cx.emit(["local.set", prev], ["local.get", addr], ["local.get", prev], [e.store]);
  if (apart) cx.emit(["local.get", src], ["i32.const", s.bytes], ["i32.add"], ["local.set", src]);
  cx.emit(["local.get", addr], ["i32.const", e.bytes], ["i32.add"], ["local.tee", addr], ["local.get", end], ["i32.ne"]);
  cx.emit(["br_if", cx.depth - top]);
  cx.close();
  cx.close();
  cx.emit(["else"]);
  scalar.asWritten();
  cx.close();
}
