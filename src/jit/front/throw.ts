// `throw new RangeError(`n must be ≥ 0, got ${n}`)`: the statement a function validates its arguments
// with, read as the error's class and its message's pieces, text and values. The code generator
// passes the values to the host, which throws the same error JavaScript would (codegen/throw.ts,
// runtime/boundary.ts); the analyses see each value as a read and the statement as an exit.
import { childNodes, type Node } from "./parse.ts";
import type { FunctionPlan } from "../codegen/plan.ts";

/** The error classes a jitted function may throw: the host's own, by name. */
export const ERROR_CLASSES = ["Error", "RangeError", "TypeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface Thrown {
  readonly ctor: ErrorClass;
  /** The message: text, and the expressions whose values (ToString of each) come between. */
  readonly parts: readonly (string | Node)[];
}

/**
 * `new C(message)` or `C(message)` (the same error), C one of ERROR_CLASSES and the message a string
 * literal, a template literal, or a `+` chain of them and values whose left end is a string; or the
 * reason it is not.
 */
export function thrown(argument: Node | null | undefined): Thrown | { reason: string } {
  const what =
    "`throw` of anything but `new Error(message)` (or RangeError, TypeError, …; a message of string literals, template literals and `+`)";
  if (!argument || (argument.type !== "NewExpression" && argument.type !== "CallExpression")) return { reason: what };
  const callee = argument.callee;
  if (callee.type !== "Identifier" || !(ERROR_CLASSES as readonly string[]).includes(callee.name)) return { reason: what };
  const args = argument.arguments as Node[];
  if (args.length > 1) return { reason: `\`${callee.name}\` with options (a second argument) in a \`throw\`` };
  if (args.length === 0) return { ctor: callee.name as ErrorClass, parts: [] };
  const parts = message(args[0]);
  return parts ? { ctor: callee.name as ErrorClass, parts: merge(parts) } : { reason: what };
}

/** The value expressions of a throw statement's message (the analyses read them); none where it has none. */
export function thrownValues(argument: Node | null | undefined): Node[] {
  const t = thrown(argument);
  return "parts" in t ? t.parts.filter((p): p is Node => typeof p !== "string") : [];
}

/** The first `throw` statement in `node`: parallel code refuses it (its chunks run on workers, which cannot throw the user's error). */
export function firstThrow(node: Node): Node | undefined {
  if (node.type === "ThrowStatement") return node;
  for (const child of childNodes(node)) {
    const found = firstThrow(child);
    if (found) return found;
  }
  return undefined;
}

/** A string-valued expression's pieces; undefined where it is not one jit reads. */
function message(node: Node): (string | Node)[] | undefined {
  const n = node.type === "ParenthesizedExpression" ? node.expression : node;
  if (n.type === "Literal" && typeof n.value === "string") return [n.value];
  if (n.type === "TemplateLiteral") {
    const out: (string | Node)[] = [];
    n.quasis.forEach((q: Node, i: number) => {
      out.push(q.value.cooked as string);
      if (i < n.expressions.length) out.push(n.expressions[i]);
    });
    return out;
  }
  // `"text " + x + " more"`, `n + " is negative"`: `+` with a string on either side concatenates
  // (left-associative: in `a + b + " text"` the sum a + b comes first, as one value).
  if (n.type === "BinaryExpression" && n.operator === "+") {
    const [left, right] = [message(n.left), message(n.right)];
    if (left) return [...left, ...(right ?? [n.right])];
    if (right) return [n.left, ...right];
  }
  return undefined;
}

/** Adjacent text pieces as one. */
function merge(parts: (string | Node)[]): (string | Node)[] {
  const out: (string | Node)[] = [];
  for (const p of parts) {
    if (typeof p === "string" && typeof out[out.length - 1] === "string") out[out.length - 1] += p;
    else out.push(p);
  }
  return out;
}

/**
 * The plan with each `const message = "text"` (a string literal, or a template literal without
 * values) that only thrown errors' messages mention written into those messages: jit has no string
 * values, and the text is the same wherever it is read.
 */
export function lowerThrowMessages(plan: FunctionPlan): FunctionPlan {
  const parsed = plan.parsed;
  if (!parsed || !firstThrow(parsed.body)) return plan;
  const texts = new Map<string, Node>();
  const declared = new Map<string, number>();
  visit(parsed.body, (n) => {
    if (n.type !== "VariableDeclarator" || n.id.type !== "Identifier") return;
    declared.set(n.id.name, (declared.get(n.id.name) ?? 0) + 1);
    if (n.init && isText(n.init)) texts.set(n.id.name, n.init);
  });
  for (const p of parsed.params) if (p.type === "Identifier") declared.set(p.name, 2);
  // Declared once, as a const, and every other mention inside a throw statement's argument.
  const inlined = new Set([...texts.keys()].filter((name) => declared.get(name) === 1 && mentionsOnlyInThrows(parsed.body, name)));
  if (inlined.size === 0) return plan;
  const rewrite = (node: Node): Node | undefined => {
    if (node.type === "VariableDeclaration") {
      const kept = node.declarations.filter((d: Node) => !(d.id.type === "Identifier" && inlined.has(d.id.name)));
      if (kept.length === 0) return undefined;
      if (kept.length !== node.declarations.length) node = { ...node, declarations: kept };
    }
    if (node.type === "Identifier" && inlined.has(node.name)) return texts.get(node.name);
    const copy: Node = { ...node };
    for (const key of Object.keys(node)) {
      // `a.length` names a property, not a variable.
      if (key === "loc" || (key === "property" && node.type === "MemberExpression" && !node.computed)) continue;
      const value = node[key];
      if (Array.isArray(value)) copy[key] = value.flatMap((v) => (isNode(v) ? (rewrite(v) ?? []) : [v]));
      else if (isNode(value)) copy[key] = rewrite(value) ?? { type: "EmptyStatement", start: value.start, end: value.end };
    }
    return copy;
  };
  return { ...plan, parsed: { ...parsed, body: rewrite(parsed.body)! } };
}

const isText = (n: Node) =>
  (n.type === "Literal" && typeof n.value === "string") || (n.type === "TemplateLiteral" && n.expressions.length === 0);

function mentionsOnlyInThrows(body: Node, name: string): boolean {
  let ok = true;
  const walk = (n: Node, inThrow: boolean) => {
    if (n.type === "Identifier" && n.name === name && !inThrow) ok = false;
    if (n.type === "VariableDeclarator" && n.id.type === "Identifier" && n.id.name === name) {
      if (n.init) walk(n.init, inThrow);
      return;
    }
    for (const c of childNodes(n)) walk(c, inThrow || n.type === "ThrowStatement");
  };
  walk(body, false);
  return ok;
}

function visit(node: Node, f: (n: Node) => void): void {
  f(node);
  for (const c of childNodes(node)) visit(c, f);
}

function isNode(value: unknown): value is Node {
  return !!value && typeof value === "object" && typeof (value as Node).type === "string";
}
