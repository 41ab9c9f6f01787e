// First-order recurrences through an array (prefix sums, running sums, smoothing filters), by scalar
// replacement:
//
//   for (let i = C; i < E; i++) a[i] op= R;   // op one of + − *
//   for (let i = C; i < E; i++) a[i] = R;
//   R: + − * / of a[i − 1] (at least once), elements b[i] (b is a or another array), number
//      constants and number locals (the loop writes none: its one statement stores a[i]).
//
// (`a[i] += a[i - 1]`, `c[i] = c[i - 1] + x[i]`, `y[i] = k * x[i] + (1 - k) * y[i - 1]`.) C an integer
// constant ≥ 1, E an int32/uint32 the loop cannot change, the arrays Float64Arrays, Int32Arrays or
// Uint32Arrays. As written, each trip loads a[i − 1], which the trip before has just stored: a
// store→load dependency through memory on every step. Here the value stored is kept in a local and
// stands for that load, so a trip's chain is the arithmetic alone.
//
// Exact: the local holds the bits the store wrote (the element's own conversion, ToInt32 or none, is
// applied before both), which is what the load would read back: the only store of the loop is a[i],
// made after the trip's loads, so memory is the loop's own at every load (b may be any view, even
// one overlapping a). Every operation is compiled by the code generator's own `binary` on the same
// nodes (the same instruction, the same operand order, the same int32 facts), so every element is the
// loop's. The bounds are checked once, before: E ≤ the length of a and of every b (then every a[i],
// a[i − 1] and b[i] is in range, C − 1 ≥ 0); otherwise the loop runs as written, and traps where it must.
import type { FunctionContext, Typed, Var } from "../codegen/context.ts";
import type { Node } from "../front/parse.ts";
import { recurse } from "../codegen/recursion.ts";
import { binary } from "../codegen/operators.ts";
import { constant } from "../analysis/typing.ts";
import { countedLoop } from "./loop-shape.ts";
import { ELEMENTS, elementOf, isArray, type ResultType } from "../analysis/types.ts";
import type { Instr } from "../wasm/wasm.ts";

export interface RecurrenceScalar {
  /** Compiles the loop as written (its init included). */
  asWritten(): void;
}

type Kind = "f64" | "i32" | "u32";

interface Plan {
  /** The array written (and read at i − 1), by its Var. */
  array: Var;
  kind: Kind;
  /** The counter's name, the start C and the bound E (compiled apart). */
  counter: string;
  start: number;
  bound: Typed;
  /** The assignment: `a[i] = R` or `a[i] op= R`, and R. */
  assignment: Node;
  value: Node;
  /** The arrays R reads at [i], by name (the written array among them if R reads a[i]). */
  sources: Map<string, { v: Var; kind: Kind }>;
}

const OPERATORS = new Set(["+", "-", "*"]);
const VALUE_OPERATORS = new Set(["+", "-", "*", "/"]);

/** Emits the recurrence with a carried local (and the loop as written when the bounds check fails); false, nothing emitted, when it is not of the shape. */
export function recurrenceLoop(cx: FunctionContext, node: Node, scalar: RecurrenceScalar): boolean {
  const plan = planOf(cx, node);
  if (!plan) return false;
  emit(cx, plan, scalar);
  return true;
}

function planOf(cx: FunctionContext, node: Node): Plan | undefined {
  const loop = cx.label === undefined ? countedLoop(node) : undefined;
  if (!loop || loop.start < 1 || loop.start > 2 ** 24) return undefined;
  const { counter: i, start } = loop;
  // The bound: a constant, a name (the body writes only a[i]), or the length of one.
  const e = loop.bound;
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
  if (!target || (assignment.operator !== "=" && !OPERATORS.has(assignment.operator.slice(0, -1)))) return undefined;
  const array = lookupArray(cx, target);
  if (!array) return undefined;
  const sources = new Map<string, { v: Var; kind: Kind }>();
  if (assignment.operator !== "=") sources.set(target, array);
  let carried = 0;
  const valid = (n: Node): boolean => {
    if (element(n, i, 1) === target) return (carried++, true);
    const name = element(n, i, 0);
    if (name !== undefined) {
      const source = lookupArray(cx, name);
      if (source) sources.set(name, source);
      return source !== undefined;
    }
    if (n.type === "BinaryExpression") return VALUE_OPERATORS.has(n.operator) && valid(n.left) && valid(n.right);
    if (n.type === "Literal") return typeof n.value === "number";
    if (n.type !== "Identifier" || n.name === i) return false;
    const v = cx.lookup(n.name);
    return v !== undefined && (v.type === "f64" || v.type === "i32" || v.type === "u32") && v.locals.length === 1;
  };
  if (!valid(assignment.right) || carried === 0) return undefined;
  const bound = recurse.detached(cx, e);
  if (bound.type !== "i32" && bound.type !== "u32") return undefined;
  return { array: array.v, kind: array.kind, counter: i, start, bound, assignment, value: assignment.right, sources };
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
  const [ptr, len] = plan.array.locals;
  const [end, addr] = [cx.local("i32"), cx.local("i32")];
  const prev = cx.local(e.value === "f64" ? "f64" : "i32");
  const target = element(plan.assignment.left, plan.counter, 0)!;
  // A pointer walking each array read at [i]; a[i] is read through a's own.
  const walks = new Map<string, { local: number; bytes: number }>();
  for (const [name, s] of plan.sources) if (name !== target) walks.set(name, { local: cx.local("i32"), bytes: ELEMENTS[s.kind].bytes });
  // E ≤ the length of a and of every b (a length is below 2^31: 4-byte elements or wider in a 4 GiB
  // memory); a negative int32 E runs no trip. Then C − 1 ≥ 0 and i < E ≤ length: every access is in range.
  const le = plan.bound.type === "i32" ? "i32.le_s" : "i32.le_u";
  cx.emit(...plan.bound.code, ["local.tee", end], ["local.get", len], [le]);
  for (const [name] of walks) cx.emit(["local.get", end], ["local.get", plan.sources.get(name)!.v.locals[1]], [le], ["i32.and"]);
  cx.open("if");
  cx.emit(["i32.const", plan.start], ["local.get", end], ["i32.lt_s"]);
  cx.open("if");
  const at = (k: Instr[]): Instr[] => [["local.get", ptr], ...k, ["i32.add"]];
  cx.emit(...at([["local.get", end], ["i32.const", e.bytes], ["i32.mul"]]), ["local.set", end]);
  cx.emit(...at([["i32.const", (plan.start - 1) * e.bytes]]), [e.load], ["local.set", prev]);
  cx.emit(...at([["i32.const", plan.start * e.bytes]]), ["local.set", addr]);
  for (const [name, w] of walks) {
    const base = plan.sources.get(name)!.v.locals[0];
    cx.emit(["local.get", base], ["i32.const", plan.start * w.bytes], ["i32.add"], ["local.set", w.local]);
  }
  // loop { prev = the new a[i], computed with prev for a[i − 1]; a[i] = prev; next addresses; while not the end }
  const top = cx.open("loop");
  const detach = (compile: () => ResultType): Typed => {
    const saved = cx.code;
    cx.code = [];
    try {
      const type = compile();
      return { type, code: cx.code };
    } finally {
      cx.code = saved;
    }
  };
  const operand = (n: Node): Typed => {
    if (element(n, plan.counter, 1) === target) return { type: e.value, code: [["local.get", prev]] };
    const name = element(n, plan.counter, 0);
    if (name !== undefined) {
      const kind = ELEMENTS[plan.sources.get(name)!.kind];
      return { type: kind.value, code: [["local.get", name === target ? addr : walks.get(name)!.local], [kind.load]] };
    }
    if (n.type === "BinaryExpression") {
      const [l, r] = [operand(n.left), operand(n.right)];
      return detach(() => binary(cx, n.operator, l, r, n));
    }
    return recurse.detached(cx, n);
  };
  const a = plan.assignment;
  const value =
    a.operator === "="
      ? operand(plan.value)
      : detach(() => binary(cx, a.operator.slice(0, -1), { type: e.value, code: [["local.get", addr], [e.load]] }, operand(plan.value), a));
  cx.emit(...value.code);
  // The element's conversion, as the store as written does it (places.ts elementPlace).
  cx.emit(...(e.value === "f64" ? cx.convert(value.type, "f64", a, "an element") : cx.int32(value.type, a)));
  cx.emit(["local.set", prev], ["local.get", addr], ["local.get", prev], [e.store]);
  for (const [, w] of walks) cx.emit(["local.get", w.local], ["i32.const", w.bytes], ["i32.add"], ["local.set", w.local]);
  cx.emit(["local.get", addr], ["i32.const", e.bytes], ["i32.add"], ["local.tee", addr], ["local.get", end], ["i32.ne"]);
  cx.emit(["br_if", cx.depth - top]);
  cx.close();
  cx.close();
  cx.emit(["else"]);
  scalar.asWritten();
  cx.close();
}
