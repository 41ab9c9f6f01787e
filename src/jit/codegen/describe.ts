// How the code generator names things in its JitErrors: constructs outside the subset, types, parameters.
import type { Node } from "../front/parse.ts";
import { ELEMENTS, elementOf, isArray, isBigint, isClass, isNumber, isRecord, typeName, type ResultType } from "../analysis/types.ts";

/** Destructuring jit does not lower (front/lower.ts lowers the forms named here). */
export const DESTRUCTURING =
  "destructuring other than `[a, b] = [x, y];` or `let [a, b] = [x, y];` (names or elements `a[i]`, an array literal of as many elements: no holes, spread, rest, defaults, nesting or objects)";

/** What a construct is called in an error message. */
export const CONSTRUCTS: Record<string, string> = {
  ObjectExpression: "an object literal",
  ArrayExpression: "an array literal",
  TemplateLiteral: "a template string",
  TaggedTemplateExpression: "a tagged template",
  FunctionExpression: "a nested function (closure)",
  ArrowFunctionExpression: "a nested function (closure)",
  FunctionDeclaration:
    "a nested function declaration whose body is more than one `return E;` (jit compiles `function f(x) { return E; }` into its calls)",
  ClassDeclaration: "a class declaration",
  ClassExpression: "a class expression",
  TryStatement: "try/catch (exceptions)",
  ThrowStatement: "throw (exceptions)",
  SwitchStatement: "switch",
  ForInStatement: "for…in",
  ForOfStatement: "for…of",
  WithStatement: "with",
  AwaitExpression: "await",
  YieldExpression: "yield",
  SpreadElement: "spread (…)",
  ChainExpression: "optional chaining (?.)",
  ThisExpression: "`this` outside a jitClass constructor",
  Super: "super",
  ImportExpression: "import()",
  MetaProperty: "new.target / import.meta",
  ArrayPattern: DESTRUCTURING,
  ObjectPattern: DESTRUCTURING,
};

export function describeType(t: ResultType): string {
  if (t === "bool") return "boolean";
  if (isBigint(t)) return `bigint (${t})`;
  if (isNumber(t)) return `number (${t})`;
  if (isArray(t)) return `${ELEMENTS[elementOf(t)].array.name}`;
  if (isClass(t)) return `${t.name} value`;
  if (isRecord(t)) return `${t.array ? "array" : "object"} ${typeName(t)}`;
  return "void";
}

export function describeNode(node: Node): string {
  return node.type === "AssignmentPattern" ? "default-valued" : node.type === "RestElement" ? "rest" : "destructured";
}
