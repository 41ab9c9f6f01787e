// Bounds checks out of a counted loop whose array indices are affine in its counter: records of K
// numbers in a row (`bodies[j * 7 + 3]`, through `const bj = j * 7`), rows of a matrix
// (`a[i * w + j]` in the j loop, i and w unchanged by it). Each such access would check its index
// against the array's length on every iteration; instead, before the loop, one guard checks the
// smallest and the largest index each access can take over the counter's whole range, and when every
// one is in bounds the loop runs in a copy without those checks. Otherwise (or when the loop does not
// run at all) nothing changes: the copy with the checks runs, and traps where it always did.
//
//   for (let v = S; v < E; v++) body     // v an i32 counter the body never writes, E unchanging
//   for (let v = S; v >= E; v--) body    // (or v > E): counting down
//
// An index qualifies when it is `k·v + Σ cᵢ·xᵢ + c`: k and cᵢ integer constants (|k|, |cᵢ| ≤ 2^16),
// xᵢ int32/uint32 locals the body neither writes nor declares again (at most four), body `const`s
// of that form substituted (declared once, at the top of the body). Over v in [S, last], last = E − 1
// (⌈E⌉ − 1 for a double E; counting down, [⌈E⌉, S] or [⌊E⌋ + 1, S]), its extremes are at the ends; the guard computes them in f64, where every
// term is an integer below 2^50, so exactly. Which accesses run (an `if`) does not matter: the guard
// covers every value the counter takes. The code computing each index is unchanged; only its check goes.
import type { FunctionContext, Var } from "../codegen/context.ts";
import { childNodes, type Node } from "../front/parse.ts";
import { recurse } from "../codegen/recursion.ts";
import { constant } from "../analysis/typing.ts";
import { isArray } from "../analysis/types.ts";
import type { Instr } from "../wasm/wasm.ts";
import { unwrap } from "./loop-shape.ts";

const COEFFICIENT = 2 ** 16;
const TERMS = 4;

interface Form {
  k: number;
  c: number;
  terms: Map<Var, number>;
}

export interface BoundsVersion {
  /** Leaves an i32: 1 when every access in `indices` is in bounds for every value of the counter. */
  guard: Instr[];
  /** The index expressions whose checks the unchecked copy leaves out. */
  indices: Set<Node>;
}

/** The guard and the accesses it covers for a counted `for` whose counter is declared (its init emitted); undefined when none qualifies. */
export function boundsVersion(cx: FunctionContext, node: Node): BoundsVersion | undefined {
  if (node.type !== "ForStatement" || node.update?.type !== "UpdateExpression") return undefined;
  const up = node.update.operator === "++";
  // Counting up: a counter ranges.ts proved (only its update writes it). Counting down (`>=` is no
  // counter shape there): the body's writes are checked below.
  if (up && !cx.ranges.updates.get(node.update)) return undefined;
  const test = node.test?.operator as string | undefined;
  if (node.test?.type !== "BinaryExpression" || (up ? test !== "<" : node.update.operator !== "--" || (test !== ">=" && test !== ">")))
    return undefined;
  const left = unwrap(node.test.left);
  if (left.type !== "Identifier" || unwrap(node.update.argument).name !== left.name) return undefined;
  const counterName = left.name as string;
  const counter = cx.lookup(counterName);
  const bound = unwrap(node.test.right);
  if (!counter || counter.type !== "i32" || counter.locals.length !== 1 || !cx.invariant(bound)) return undefined;

  // What the body writes and declares (at any depth), and its top-level `const` temporaries.
  const written = new Set<string>();
  const declared = new Map<string, number>();
  const temporaries = new Map<string, Node>();
  const accesses: Node[] = [];
  const walk = (x: Node, top: boolean): void => {
    switch (x.type) {
      case "FunctionExpression":
      case "ArrowFunctionExpression":
      case "FunctionDeclaration":
        return;
      case "AssignmentExpression":
        if (unwrap(x.left).type === "Identifier") written.add(unwrap(x.left).name as string);
        break;
      case "UpdateExpression":
        if (unwrap(x.argument).type === "Identifier") written.add(unwrap(x.argument).name as string);
        break;
      case "VariableDeclaration":
        for (const d of x.declarations as Node[])
          if (d.id.type === "Identifier") {
            declared.set(d.id.name as string, (declared.get(d.id.name as string) ?? 0) + 1);
            if (top && x.kind === "const" && d.init) temporaries.set(d.id.name as string, d.init);
          }
        break;
      case "MemberExpression":
        if (x.computed && unwrap(x.object).type === "Identifier") accesses.push(x);
        break;
    }
    for (const child of childNodes(x)) walk(child, false);
  };
  if (node.body.type === "BlockStatement") for (const s of node.body.body as Node[]) walk(s, true);
  else walk(node.body, false);

  if (written.has(counterName) || declared.has(counterName)) return undefined;

  const forms = new Map<string, Form | undefined>();
  const formOf = (n: Node, depth = 0): Form | undefined => {
    n = unwrap(n);
    const k = constant(n);
    if (typeof k === "number") return Number.isInteger(k) && Math.abs(k) <= 2 ** 31 ? { k: 0, c: k, terms: new Map() } : undefined;
    if (n.type === "Identifier") {
      const name = n.name as string;
      if (name === counterName) return { k: 1, c: 0, terms: new Map() };
      if (temporaries.has(name) && declared.get(name) === 1 && !written.has(name)) {
        if (!forms.has(name)) forms.set(name, depth > 8 ? undefined : formOf(temporaries.get(name)!, depth + 1));
        return forms.get(name);
      }
      const v = cx.lookup(name);
      if (!v || (v.type !== "i32" && v.type !== "u32") || v.locals.length !== 1 || written.has(name) || declared.has(name))
        return undefined;
      return { k: 0, c: 0, terms: new Map([[v, 1]]) };
    }
    if (n.type === "BinaryExpression" && (n.operator === "+" || n.operator === "-")) {
      const [a, b] = [formOf(n.left, depth), formOf(n.right, depth)];
      return a && b ? combine(a, b, n.operator === "-" ? -1 : 1) : undefined;
    }
    if (n.type === "BinaryExpression" && n.operator === "*") {
      const [a, b] = [formOf(n.left, depth), formOf(n.right, depth)];
      if (!a || !b) return undefined;
      const scalar = (f: Form) => (f.k === 0 && f.terms.size === 0 ? f.c : undefined);
      const [sa, sb] = [scalar(a), scalar(b)];
      if (sa !== undefined) return scale(b, sa);
      if (sb !== undefined) return scale(a, sb);
    }
    return undefined;
  };

  const indices = new Set<Node>();
  const checks: { array: Var; form: Form }[] = [];
  for (const access of accesses) {
    const name = unwrap(access.object).name as string;
    const array = cx.lookup(name);
    if (!array || !isArray(array.type) || !cx.invariant(unwrap(access.object)) || declared.has(name)) continue;
    const form = formOf(access.property);
    if (!form || !usable(form)) continue;
    indices.add(access.property);
    checks.push({ array, form });
  }
  if (indices.size === 0) return undefined;

  // first (the counter now), E and the other end, in f64: counting up, v < E ends at ⌈E⌉ − 1;
  // counting down, v >= E at ⌈E⌉ and v > E at ⌊E⌋ + 1.
  const [first, end, e] = [cx.local("f64"), cx.local("f64"), cx.local("f64")];
  const bounded = recurse.detached(cx, bound);
  if (bounded.type !== "i32" && bounded.type !== "u32" && bounded.type !== "f64") return undefined;
  const guard: Instr[] = [
    ["local.get", counter.locals[0]],
    ["f64.convert_i32_s"],
    ["local.set", first],
    ...bounded.code,
    ...(bounded.type === "i32" ? [["f64.convert_i32_s"] as Instr] : bounded.type === "u32" ? [["f64.convert_i32_u"] as Instr] : []),
    ["local.tee", e],
    ...((up
      ? [["f64.ceil"], ["f64.const", 1], ["f64.sub"]]
      : test === ">="
        ? [["f64.ceil"]]
        : [["f64.floor"], ["f64.const", 1], ["f64.add"]]) as Instr[]),
    ["local.set", end],
    // The loop does not run (the test fails at first, or E is NaN): no access happens, either copy is right.
    ["local.get", first],
    ["local.get", e],
    [up ? "f64.lt" : test === ">=" ? "f64.ge" : "f64.gt"],
    ["i32.eqz"],
  ];
  const [lo, hi] = up ? [first, end] : [end, first];
  const value = (form: Form, at: number): Instr[] => {
    const out: Instr[] = [["local.get", at], ["f64.const", form.k], ["f64.mul"], ["f64.const", form.c], ["f64.add"]];
    for (const [v, coefficient] of form.terms)
      out.push(
        ["local.get", v.locals[0]],
        [v.type === "u32" ? "f64.convert_i32_u" : "f64.convert_i32_s"],
        ["f64.const", coefficient],
        ["f64.mul"],
        ["f64.add"],
      );
    return out;
  };
  const all: Instr[] = [["i32.const", 1]];
  for (const { array, form } of checks) {
    const [low, high] = form.k >= 0 ? [lo, hi] : [hi, lo];
    all.push(...value(form, low), ["f64.const", 0], ["f64.ge"], ["i32.and"]);
    all.push(...value(form, high), ["local.get", array.locals[1]], ["f64.convert_i32_u"], ["f64.lt"], ["i32.and"]);
  }
  guard.push(...all, ["i32.or"]);
  return { guard, indices };
}

function combine(a: Form, b: Form, sign: number): Form {
  const terms = new Map(a.terms);
  for (const [v, c] of b.terms) terms.set(v, (terms.get(v) ?? 0) + sign * c);
  for (const [v, c] of terms) if (c === 0) terms.delete(v);
  return { k: a.k + sign * b.k, c: a.c + sign * b.c, terms };
}

function scale(f: Form, by: number): Form {
  return { k: f.k * by, c: f.c * by, terms: new Map([...f.terms].map(([v, c]) => [v, c * by])) };
}

/** Small enough that every value the guard computes is an exact integer in f64. */
function usable(f: Form): boolean {
  if (!Number.isInteger(f.k) || Math.abs(f.k) > COEFFICIENT || Math.abs(f.c) > 2 ** 40 || f.terms.size > TERMS) return false;
  for (const c of f.terms.values()) if (!Number.isInteger(c) || Math.abs(c) > COEFFICIENT) return false;
  return true;
}
