// `throw new RangeError(`n must be ≥ 0, got ${n}`)`: the statement a function validates its arguments
// with, read as the error's class and its message's pieces, text and values. The code generator
// passes the values to the host, which throws the same error JavaScript would (codegen/throw.ts,
// runtime/boundary.ts); the analyses see each value as a read and the statement as an exit.
import { childNodes, type Node } from "./parse.ts";

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
