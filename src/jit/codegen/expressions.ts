// Expressions: the dispatcher over ESTree expression nodes, literals (an int32 number literal is an
// i32 until it meets f64 arithmetic), names, `&&`/`||`, unary operators and `?:`.
import { call, newExpression } from "./calls.ts";
import type { FunctionContext, Typed } from "./context.ts";
import { CONSTRUCTS, describeType } from "./describe.ts";
import { binary, power, remainderZeroTest } from "./operators.ts";
import type { Node } from "../front/parse.ts";
import { assign, member, update } from "./places.ts";
import { effect } from "./statements.ts";
import { type ResultType, isArray, isBigint, isClass, isNumber, wasmTypes } from "../analysis/types.ts";
import { join } from "../analysis/typing.ts";
import { recurse } from "./recursion.ts";
import type { Instr } from "../wasm/wasm.ts";

/** Compiles into a separate list, so operands' types are known before they are placed and converted. */
export function detached(cx: FunctionContext, node: Node): Typed {
  const saved = cx.code;
  cx.code = [];
  try {
    const type = expr(cx, node);
    return { type, code: cx.code };
  } finally {
    cx.code = saved;
  }
}

/**
 * Compiles `node` for its truthiness (an i32 0 or 1): a test of `if`, a loop, `?:` or `!`. There `a && b`
 * and `a || b` are the truthiness of each side with JavaScript's short circuit, whatever their types
 * (`if (a[i] && a[i] > t)`: a number and a boolean, which have no common type as a value).
 */
export function cond(cx: FunctionContext, node: Node) {
  if (node.type === "LogicalExpression" && (node.operator === "&&" || node.operator === "||")) {
    cond(cx, node.left);
    cx.open("if", "i32");
    if (node.operator === "&&") {
      cond(cx, node.right);
      cx.emit(["else"], ["i32.const", 0]);
    } else {
      cx.emit(["i32.const", 1], ["else"]);
      cond(cx, node.right);
    }
    cx.close();
    return;
  }
  if (node.type === "UnaryExpression" && node.operator === "!") {
    cond(cx, node.argument);
    cx.emit(["i32.eqz"]);
    return;
  }
  const type = expr(cx, node);
  cx.emit(...cx.truthy(type, node));
}

export function expr(cx: FunctionContext, node: Node): ResultType {
  switch (node.type) {
    case "Literal":
      return literal(cx, node);
    case "Identifier":
      return identifier(cx, node);
    case "BinaryExpression":
      if (node.operator === "**") return power(cx, node);
      return remainderZeroTest(cx, node) ?? binary(cx, node.operator, detached(cx, node.left), detached(cx, node.right), node);
    case "LogicalExpression":
      return logical(cx, node);
    case "UnaryExpression":
      return unary(cx, node);
    case "UpdateExpression":
      return update(cx, node, true)!;
    case "AssignmentExpression":
      return assign(cx, node, true)!;
    case "ConditionalExpression":
      return conditional(cx, node);
    case "CallExpression":
      return call(cx, node);
    case "MemberExpression":
      return member(cx, node);
    case "NewExpression":
      return newExpression(cx, node);
    case "TSAsExpression":
    case "TSSatisfiesExpression":
    case "TSNonNullExpression":
    case "TSTypeAssertion":
      // TypeScript source text: `x as T`, `x satisfies T`, `x!` and `<T>x` are x (types come from the values).
      return expr(cx, node.expression);
    case "SequenceExpression":
      node.expressions.slice(0, -1).forEach((e: Node) => effect(cx, e));
      return expr(cx, node.expressions[node.expressions.length - 1]);
    case "ThisExpression":
      if (cx.plan.constructing) throw cx.err("`this` other than `this.field`", node);
      throw cx.err(CONSTRUCTS[node.type], node);
    default:
      throw cx.err(CONSTRUCTS[node.type] ?? `a ${node.type}`, node);
  }
}

export function literal(cx: FunctionContext, node: Node): ResultType {
  const value = node.value;
  if (typeof node.bigint === "string") {
    cx.emit(["i64.const", BigInt.asIntN(64, BigInt(node.bigint))]);
    return cx.bigint;
  }
  if (typeof value === "number") return number(cx, value);
  if (typeof value === "boolean") {
    cx.emit(["i32.const", value ? 1 : 0]);
    return "bool";
  }
  if (typeof value === "string") throw cx.err("a string", node);
  if (value === null) throw cx.err("null", node);
  throw cx.err("a regular expression", node);
}

export function number(cx: FunctionContext, value: number): ResultType {
  if ((value | 0) === value && !Object.is(value, -0)) {
    cx.emit(["i32.const", value]);
    return "i32";
  }
  cx.emit(["f64.const", value]);
  return "f64";
}

export function identifier(cx: FunctionContext, node: Node): ResultType {
  const v = cx.lookup(node.name);
  if (v?.inline) throw cx.err(`\`${node.name}\`, an arrow function, used other than by calling it (jit compiles it into its calls)`, node);
  if (v?.helper) throw cx.err(`\`${node.name}\`, a nested function, used other than by calling it directly`, node);
  if (v) {
    for (const l of v.locals) cx.emit(["local.get", l]);
    return v.type;
  }
  if (node.name === "NaN") return number(cx, NaN);
  if (node.name === "Infinity") return number(cx, Infinity);
  if (node.name === "undefined") throw cx.err("undefined", node);
  throw cx.fail(
    `\`${node.name}\` is not a parameter or local of the function: closures over outer variables are not supported by jit (pass it as a parameter)`,
    node,
  );
}

export function logical(cx: FunctionContext, node: Node): ResultType {
  if (node.operator === "??") throw cx.err("`??`", node);
  const left = detached(cx, node.left);
  const right = detached(cx, node.right);
  const type = join(left.type, right.type);
  if (type === undefined || isClass(type) || isArray(type) || type === "void")
    throw cx.fail(`\`${node.operator}\` between a ${describeType(left.type)} and a ${describeType(right.type)}`, node);
  const vt = wasmTypes(type)[0];
  const saved = cx.local(vt);
  cx.emit(...left.code, ...cx.convert(left.type, type, node, node.operator), ["local.tee", saved], ...cx.truthy(type, node));
  const rightCode = [...right.code, ...cx.convert(right.type, type, node, node.operator)];
  cx.open("if", vt);
  if (node.operator === "&&") cx.emit(...rightCode, ["else"], ["local.get", saved]);
  else cx.emit(["local.get", saved], ["else"], ...rightCode);
  cx.close();
  return type;
}

export function unary(cx: FunctionContext, node: Node): ResultType {
  const op = node.operator;
  const arg = node.argument;
  if (op === "-" && arg.type === "Literal" && typeof arg.value === "number") return number(cx, -arg.value);
  // `typeof parameter === "number"` is folded before (front/typeof.ts); any other typeof is a string.
  if (op === "typeof") throw cx.err('`typeof` other than a parameter\'s compared with a string (`typeof n === "number"`)', node);
  if (op === "void" || op === "delete") throw cx.err(`\`${op}\``, node);
  // A negative bigint constant cannot be a u64: it would be 2^64 − k and compare as that, where
  // JavaScript compares it as −k (a sentinel `let best = -1n` would never be beaten). Refuse it.
  if (op === "-" && typeof arg.bigint === "string" && cx.bigint === "u64" && BigInt(arg.bigint) !== 0n)
    throw cx.fail(
      `\`-${arg.bigint}n\` is a negative bigint in a function compiled for u64, where it would be 2^64 − ${arg.bigint} and compare as that: give the function an i64 signature (such as "i64(i64)") or write the value modulo 2^64`,
      node,
    );
  // `!` only asks for truthiness: its operand compiles as a condition (`!(a[i] && m)` mixes types).
  if (op === "!") return (cond(cx, arg), cx.emit(["i32.eqz"]), "bool");
  const { type: given, code } = detached(cx, arg);
  // A boolean operand of `+ - ~` is the number 0 or 1 (JavaScript's ToNumber): its i32 0/1.
  const type = given === "bool" ? "i32" : given;
  if (op === "-" && isBigint(type)) return (cx.emit(["i64.const", 0n], ...code, ["i64.sub"]), type);
  cx.emit(...code);
  switch (op) {
    case "-":
    case "+":
      if (!isNumber(type)) throw cx.err(`unary \`${op}\` on a ${describeType(type)}`, node);
      cx.emit(...cx.convert(type, "f64", node, op));
      if (op === "-") cx.emit(["f64.neg"]);
      return "f64";
    case "~":
      if (isBigint(type)) return (cx.emit(["i64.const", -1n], ["i64.xor"]), type);
      cx.emit(...cx.int32(type, node, node.argument), ["i32.const", -1], ["i32.xor"]);
      return "i32";
  }
  throw cx.err(`\`${op}\``, node);
}

export function conditional(cx: FunctionContext, node: Node): ResultType {
  const yes = detached(cx, node.consequent);
  const no = detached(cx, node.alternate);
  const type = join(yes.type, no.type);
  if (type === undefined) throw cx.fail(`the branches of \`?:\` give a ${describeType(yes.type)} and a ${describeType(no.type)}`, node);
  const vts = wasmTypes(type);
  if (vts.length > 1) {
    // An array (pointer, length) or a jitClass value: the branches leave it in locals (a block gives one value).
    const temps = vts.map((t) => cx.local(t));
    const store = temps.map((_, i) => ["local.set", temps[temps.length - 1 - i]] as Instr);
    cond(cx, node.test);
    cx.open("if");
    cx.emit(
      ...yes.code,
      ...cx.convert(yes.type, type, node, "?:"),
      ...store,
      ["else"],
      ...no.code,
      ...cx.convert(no.type, type, node, "?:"),
      ...store,
    );
    cx.close();
    cx.emit(...temps.map((t) => ["local.get", t] as Instr));
    return type;
  }
  const [a, b] = [
    [...yes.code, ...cx.convert(yes.type, type, node, "?:")],
    [...no.code, ...cx.convert(no.type, type, node, "?:")],
  ];
  const saved = cx.code;
  cx.code = [];
  cond(cx, node.test);
  const test = cx.code;
  cx.code = saved;
  if (selectable(a, test) && selectable(b, test)) {
    // Both values, then the test, then `select`: no branch to mispredict (a Collatz step, whose parity
    // is a coin toss: 3.4 → 2.5 ms in Node 20). The same value, as computing an arm has no effect.
    cx.emit(...a, ...b, ...test, ["select"]);
    return type;
  }
  cx.emit(...test);
  cx.open("if", vts[0]);
  cx.emit(...a, ["else"], ...b);
  cx.close();
  return type;
}

/** Instructions an arm of `?:` may hold to be computed whether or not it is taken: no effect, no trap, little work. */
const SELECTABLE =
  /^(local\.get|[if](32|64)\.const|global\.get|i(32|64)\.(add|sub|mul|and|or|xor|shl|shr_[su]|rotl|rotr|eqz?|ne|[lg][te]_[su]|extend_i32_[su]|wrap_i64|extend(8|16|32)_s)|f64\.(add|sub|mul|neg|abs|min|max|copysign|eq|ne|[lg][te]|convert_i(32|64)_[su]))$/;

/**
 * Whether `arm` is a few such instructions reading no local that `test` writes (the test, evaluated
 * after both arms with `select`, must see the same values it saw first).
 */
function selectable(arm: Instr[], test: Instr[]): boolean {
  if (arm.length > 12 || !arm.every(([op]) => SELECTABLE.test(op as string))) return false;
  const written = new Set(test.filter(([op]) => op === "local.set" || op === "local.tee").map(([, l]) => l));
  return written.size === 0 || !arm.some(([op, l]) => op === "local.get" && written.has(l));
}

Object.assign(recurse, { expr, cond, detached, number, identifier });
