// What the loop transforms recognise first: a counted loop's header, and expressions without their
// TypeScript-only wrappers. One definition, so every transform reads `for (let i = K; i < E; i++)` alike.
import { constant } from "../analysis/typing.ts";
import type { Node } from "../front/parse.ts";

/** A TypeScript-only wrapper (`x as T`, `x!`, `x satisfies T`) → its operand; anything else as it is. */
export function unwrap(node: Node): Node {
  while (node.type === "TSAsExpression" || node.type === "TSNonNullExpression" || node.type === "TSSatisfiesExpression")
    node = node.expression;
  return node;
}

/** A counted loop's header. */
export interface CountedLoop {
  /** The counter, a `let` of the loop. */
  readonly counter: string;
  /** Its start, an integer constant (each transform says which it takes). */
  readonly start: number;
  /** E of `counter < E`, unwrapped. */
  readonly bound: Node;
  readonly body: Node;
}

/** `for (let v = K; v < E; v++)` (or `++v`) with K an integer constant: its parts; else undefined. */
export function countedLoop(node: Node | undefined): CountedLoop | undefined {
  if (node?.type !== "ForStatement") return undefined;
  const { init, test, update, body } = node;
  if (init?.type !== "VariableDeclaration" || init.kind !== "let" || init.declarations.length !== 1) return undefined;
  const d = init.declarations[0];
  if (d.id.type !== "Identifier" || !d.init) return undefined;
  const start = constant(d.init);
  if (typeof start !== "number" || !Number.isInteger(start)) return undefined;
  const counter: string = d.id.name;
  const is = (n: Node) => unwrap(n).type === "Identifier" && unwrap(n).name === counter;
  if (test?.type !== "BinaryExpression" || test.operator !== "<" || !is(test.left)) return undefined;
  if (update?.type !== "UpdateExpression" || update.operator !== "++" || !is(update.argument)) return undefined;
  return { counter, start, bound: unwrap(test.right), body };
}
