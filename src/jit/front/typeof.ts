// `typeof n === "number"` on a parameter, as argument checks write it: each specialization knows its
// parameters' types, so the comparison is a constant there ("number" for f64/i32/u32, "bigint" for
// u64/i64, "boolean", "object" for arrays and jitClass values). Then a branch that cannot run is
// dropped (`if (false) S`, `false ? a : b`, `true || x`), so that code written for another type of the
// argument (`typeof n === "bigint" ? n * 2n : n * 2`, or after a guard clause that returns or
// throws) need not compile. A parameter that a
// declaration in the body could hide is left alone (the code generator refuses `typeof` by name).
import type { Node } from "./parse.ts";
import type { FunctionPlan } from "../codegen/plan.ts";
import { isArray, isBigint, isClass, type ValueType } from "../analysis/types.ts";

/** The plan with `typeof parameter` compared with a string literal folded, and the branches it decides pruned. */
export function lowerTypeof(plan: FunctionPlan): FunctionPlan {
  const parsed = plan.parsed;
  if (!parsed || !has(parsed.body, (n) => n.type === "UnaryExpression" && n.operator === "typeof")) return plan;
  const declared = new Set<string>();
  walk(parsed.body, (n) => {
    if (n.type === "VariableDeclarator" && n.id.type === "Identifier") declared.add(n.id.name);
    if ((n.type === "FunctionDeclaration" || n.type === "ClassDeclaration") && n.id) declared.add(n.id.name);
    if (n.type === "CatchClause" && n.param?.type === "Identifier") declared.add(n.param.name);
  });
  const types = new Map<string, string>();
  parsed.params.forEach((p, i) => {
    if (p.type === "Identifier" && !declared.has(p.name) && plan.params[i] !== undefined) types.set(p.name, typeOf(plan.params[i]));
  });
  if (types.size === 0) return plan;
  return { ...plan, parsed: { ...parsed, body: fold(parsed.body, types) } };
}

/** What `typeof` gives for a value of this type. */
function typeOf(t: ValueType): string {
  if (t === "bool") return "boolean";
  if (isBigint(t)) return "bigint";
  if (isArray(t) || isClass(t)) return "object";
  return "number";
}

const EQUALITY: Record<string, boolean> = { "===": true, "==": true, "!==": false, "!=": false };

function fold(node: Node, types: ReadonlyMap<string, string>): Node {
  const copy: Node = { ...node };
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) copy[key] = value.map((v) => (isNode(v) ? fold(v, types) : v));
    else if (isNode(value) && key !== "loc") copy[key] = fold(value, types);
  }
  const at = { start: node.start, end: node.end };
  const literal = (value: boolean): Node => ({ type: "Literal", value, raw: String(value), ...at });
  switch (copy.type) {
    case "BinaryExpression": {
      if (!(copy.operator in EQUALITY)) return copy;
      const known = (n: Node) =>
        n.type === "UnaryExpression" && n.operator === "typeof" && n.argument.type === "Identifier"
          ? types.get(n.argument.name)
          : undefined;
      const text = (n: Node) => (n.type === "Literal" && typeof n.value === "string" ? (n.value as string) : undefined);
      const [type, other] = known(copy.left) !== undefined ? [known(copy.left), text(copy.right)] : [known(copy.right), text(copy.left)];
      if (type === undefined || other === undefined) return copy;
      return literal((type === other) === EQUALITY[copy.operator]);
    }
    case "UnaryExpression":
      return copy.operator === "!" && isBoolean(copy.argument) ? literal(!copy.argument.value) : copy;
    case "LogicalExpression":
      // `true || x` is true and `false && x` false, without x; `false || x` and `true && x` are x.
      if (!isBoolean(copy.left) || copy.operator === "??") return copy;
      return (copy.operator === "||") === copy.left.value ? copy.left : copy.right;
    case "ConditionalExpression":
      return isBoolean(copy.test) ? (copy.test.value ? copy.consequent : copy.alternate) : copy;
    case "IfStatement":
      if (!isBoolean(copy.test)) return copy;
      return copy.test.value ? copy.consequent : (copy.alternate ?? { type: "EmptyStatement", ...at });
    case "BlockStatement": {
      // What follows a `return` or `throw` of the block never runs (a guard clause decided above:
      // `if (typeof x !== "bigint") throw …; return x * 2n;`); function declarations are hoisted, kept.
      const end = copy.body.findIndex((t: Node) => t.type === "ReturnStatement" || t.type === "ThrowStatement");
      if (end < 0 || end === copy.body.length - 1) return copy;
      return {
        ...copy,
        body: [...copy.body.slice(0, end + 1), ...copy.body.slice(end + 1).filter((t: Node) => t.type === "FunctionDeclaration")],
      };
    }
    default:
      return copy;
  }
}

const isBoolean = (n: Node): boolean => n.type === "Literal" && typeof n.value === "boolean";

function isNode(value: unknown): value is Node {
  return !!value && typeof value === "object" && typeof (value as Node).type === "string";
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    if (key === "loc") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v)) walk(v, visit);
    } else if (isNode(value)) walk(value, visit);
  }
}

function has(node: Node, test: (n: Node) => boolean): boolean {
  let found = false;
  walk(node, (n) => (found ||= test(n)));
  return found;
}
