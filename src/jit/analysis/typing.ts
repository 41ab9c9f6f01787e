// Rules on types that do not depend on where the code generator is: how two types join (a `return`
// against another, the branches of `?:`), what an argument may be passed as, and constant folding.
import type { Node } from "../front/parse.ts";
import { isBigint, isNumber, type ResultType, type ValueType } from "./types.ts";

/**
 * An expression that only reads locals and constants through operators `allows` accepts (a unary
 * operator with `unary` true): no calls, no element reads, no assignments. TypeScript's `as`, `!` and
 * `satisfies` are their operand.
 */
export function pure(node: Node, allows: (operator: string, unary: boolean) => boolean): boolean {
  switch (node.type) {
    case "Identifier":
    case "Literal":
      return true;
    case "UnaryExpression":
      return allows(node.operator, true) && pure(node.argument, allows);
    case "BinaryExpression":
      return allows(node.operator, false) && pure(node.left, allows) && pure(node.right, allows);
    case "TSAsExpression":
    case "TSNonNullExpression":
    case "TSSatisfiesExpression":
      return pure(node.expression, allows);
    default:
      return false;
  }
}

/** The value of a literal, a negated literal, or `**` of those; undefined for anything else. */
export function constant(node: Node): number | bigint | undefined {
  if (node.type === "Literal")
    return typeof node.bigint === "string" ? BigInt(node.bigint) : typeof node.value === "number" ? node.value : undefined;
  if (node.type === "UnaryExpression" && node.operator === "-") {
    const v = constant(node.argument);
    return v === undefined ? undefined : -v;
  }
  if (node.type === "BinaryExpression" && node.operator === "**") {
    const [l, r] = [constant(node.left), constant(node.right)];
    if (typeof l === "number" && typeof r === "number") return l ** r;
    if (typeof l === "bigint" && typeof r === "bigint" && r >= 0n) return l ** r;
  }
  return undefined;
}

/** The type both values can take, if any: numbers join to f64, bigints to i64 when either is i64. */
export function join(a: ResultType, b: ResultType): ResultType | undefined {
  if (a === b) return a;
  if (isBigint(a) && isBigint(b)) return a === "i64" || b === "i64" ? "i64" : "u64";
  if (isNumber(a) && isNumber(b)) return "f64";
  return undefined;
}

/** Can a value of type `from` be passed where `to` is declared? */
export function compatible(from: ResultType, to: ValueType): boolean {
  if (from === to) return true;
  if (isBigint(from) && isBigint(to)) return true;
  return to === "f64" && (from === "i32" || from === "u32");
}
