// The builtins jit understands: Math.* with a wasm instruction (or a short sequence giving JavaScript's
// result), Math/Number constants, BigInt.asUintN/asIntN with a literal width, Number() and BigInt(),
// Number.isNaN/isFinite/isInteger/isSafeInteger and the global isNaN/isFinite.
import type { FunctionContext } from "./context.ts";
import { describeType } from "./describe.ts";
import { recurse } from "./recursion.ts";
import { THROW_IMPORT } from "./throw.ts";
import { round } from "./numeric.ts";
import { int32Literal, integerDivision } from "./operators.ts";
import { unwrap } from "../transforms/loop-shape.ts";
import type { Node } from "../front/parse.ts";
import { constant } from "../analysis/typing.ts";
import { type ResultType, isBigint, isNumber } from "../analysis/types.ts";

export const MATH_CONSTANTS: Record<string, number> = {
  PI: Math.PI,
  E: Math.E,
  LN2: Math.LN2,
  LN10: Math.LN10,
  LOG2E: Math.LOG2E,
  LOG10E: Math.LOG10E,
  SQRT2: Math.SQRT2,
  SQRT1_2: Math.SQRT1_2,
};
export const NUMBER_CONSTANTS: Record<string, number> = {
  MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER,
  MIN_SAFE_INTEGER: Number.MIN_SAFE_INTEGER,
  MAX_VALUE: Number.MAX_VALUE,
  MIN_VALUE: Number.MIN_VALUE,
  EPSILON: Number.EPSILON,
  POSITIVE_INFINITY: Infinity,
  NEGATIVE_INFINITY: -Infinity,
  NaN: NaN,
};
export const MATH_UNARY: Record<string, string> = {
  sqrt: "f64.sqrt",
  abs: "f64.abs",
  floor: "f64.floor",
  ceil: "f64.ceil",
  trunc: "f64.trunc",
};

/** One f64 argument per name, converted from any number. */
export function numbers(cx: FunctionContext, args: Node[], count: number | "some", node: Node, name: string) {
  if (count === "some" ? args.length === 0 : args.length !== count)
    throw cx.fail(`Math.${name}() with ${args.length} arguments is not supported by jit`, node);
  for (const a of args) {
    const t = recurse.expr(cx, a);
    if (!isNumber(t)) throw cx.fail(`Math.${name}() of a ${describeType(t)}`, a);
    cx.emit(...cx.convert(t, "f64", a, `Math.${name}`));
  }
}

export function math(cx: FunctionContext, name: string, args: Node[], node: Node): ResultType {
  // `Math.floor(a / b)` of int32 values with b ≥ 1: an integer division (operators.ts), no f64 at all.
  const quotient = (name === "floor" || name === "trunc") && args.length === 1 ? unwrap(args[0]) : undefined;
  if (quotient && cx.intervals.division(quotient) === "floor") {
    const type = integerDivision(cx, "floor", recurse.detached(cx, quotient.left), recurse.detached(cx, quotient.right), quotient);
    if (type) return type;
  }
  if (MATH_UNARY[name]) return (numbers(cx, args, 1, node, name), cx.emit([MATH_UNARY[name]]), "f64");
  switch (name) {
    case "min":
    case "max":
      numbers(cx, args, "some", node, name);
      for (let i = 1; i < args.length; i++) cx.emit([`f64.${name}`]);
      return "f64";
    case "round":
      numbers(cx, args, 1, node, name);
      cx.emit(...round(cx.local("f64"), cx.local("f64")));
      return "f64";
    case "sign": {
      numbers(cx, args, 1, node, name);
      const x = cx.local("f64");
      cx.emit(["local.set", x], ["f64.const", 1], ["f64.const", -1], ["local.get", x], ["f64.const", 0], ["f64.gt"], ["select"]);
      cx.emit(["local.get", x], ["local.get", x], ["f64.abs"], ["f64.const", 0], ["f64.gt"], ["select"]);
      return "f64";
    }
    case "fround":
      numbers(cx, args, 1, node, name);
      cx.emit(["f32.demote_f64"], ["f64.promote_f32"]);
      return "f64";
    case "imul":
    case "clz32":
      if (args.length !== (name === "imul" ? 2 : 1))
        throw cx.fail(`Math.${name}() with ${args.length} arguments is not supported by jit`, node);
      for (const a of args) {
        const { type, code } = int32Literal(a, recurse.detached(cx, a));
        cx.emit(...code, ...cx.int32(type, a, a));
      }
      cx.emit([name === "imul" ? "i32.mul" : "i32.clz"]);
      return "i32";
  }
  const arity = HOST_MATH[name];
  if (arity !== undefined) {
    // The host's own function, imported: JavaScript's result by construction (see host.ts).
    if (arity !== 0) numbers(cx, args, arity, node, name);
    else if (args.length !== 0) throw cx.fail(`Math.${name}() takes no arguments`, node);
    const params = args.map(() => "f64" as const);
    cx.emit(["call", cx.builder.hostFunction("Math", name, params, ["f64"])]);
    return "f64";
  }
  throw cx.err(`Math.${name}`, node.callee);
}

/** Math functions with no exact WebAssembly instruction, called as imports: their argument counts. */
export const HOST_MATH: Record<string, number | "some"> = {
  ...Object.fromEntries(
    "sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh exp expm1 log log1p log2 log10 cbrt".split(" ").map((n) => [n, 1]),
  ),
  atan2: 2,
  pow: 2,
  hypot: "some",
  random: 0,
};

export function asN(cx: FunctionContext, unsigned: boolean, args: Node[], node: Node): ResultType {
  const bits = args[0];
  if (
    args.length !== 2 ||
    bits.type !== "Literal" ||
    typeof bits.value !== "number" ||
    !(bits.value >= 1 && bits.value <= 64 && Number.isInteger(bits.value))
  )
    throw cx.fail(`BigInt.${unsigned ? "asUintN" : "asIntN"} needs a literal bit count from 1 to 64 here`, bits ?? node);
  const t = recurse.expr(cx, args[1]);
  if (!isBigint(t)) throw cx.fail(`BigInt.${unsigned ? "asUintN" : "asIntN"} of a ${describeType(t)}`, args[1]);
  const b = bits.value;
  if (b < 64) {
    if (unsigned) cx.emit(["i64.const", (1n << BigInt(b)) - 1n], ["i64.and"]);
    else cx.emit(["i64.const", BigInt(64 - b)], ["i64.shl"], ["i64.const", BigInt(64 - b)], ["i64.shr_s"]);
  }
  return unsigned ? "u64" : "i64";
}

/** The tests on numbers: `Number.isNaN`… (`Number.${name}`), and the global `isNaN`, `isFinite`. */
export const NUMBER_TESTS = new Set(["isNaN", "isFinite", "isInteger", "isSafeInteger"]);
export const GLOBAL_TESTS = new Set(["isNaN", "isFinite"]);

/**
 * `Number.isNaN(x)`, `isFinite`, `isInteger`, `isSafeInteger`; with `global`, `isNaN(x)` and
 * `isFinite(x)`, which convert x to a number first (a boolean is 0 or 1; a bigint throws in
 * JavaScript, so it is refused here). `Number.*` of anything but a number is false.
 */
export function numberTest(cx: FunctionContext, name: string, args: Node[], node: Node, global: boolean): ResultType {
  const label = global ? `${name}()` : `Number.${name}()`;
  if (args.length !== 1) throw cx.fail(`${label} with ${args.length} arguments is not supported by jit`, node);
  const t = recurse.expr(cx, args[0]);
  if (t === "void") throw cx.fail(`${label} of a call that returns nothing`, args[0]);
  if (global && t !== "bool" && !isNumber(t))
    throw cx.fail(`${label} of a ${describeType(t)}${isBigint(t) ? " (JavaScript throws a TypeError)" : ""}`, args[0]);
  if (t !== "f64") {
    // A boolean (0 or 1 for the global ones), an int32 or a uint32: finite integers, safe ones. Not a number: false.
    cx.drop(t);
    cx.emit(["i32.const", !isNumber(t) && !global ? 0 : name === "isNaN" ? 0 : 1]);
    return "bool";
  }
  const x = cx.local("f64");
  cx.emit(["local.tee", x]);
  switch (name) {
    case "isNaN":
      cx.emit(["local.get", x], ["f64.ne"]);
      break;
    case "isFinite":
      // x − x is 0 for a finite x, NaN for ±∞ and NaN.
      cx.emit(["local.get", x], ["f64.sub"], ["f64.const", 0], ["f64.eq"]);
      break;
    default:
      // An integer: its own truncation (NaN is not), and finite (±∞ is its own truncation too), or at most 2^53 − 1 in magnitude.
      cx.emit(["f64.trunc"], ["local.get", x], ["f64.eq"], ["local.get", x], ["f64.abs"]);
      cx.emit(name === "isInteger" ? ["f64.const", Infinity] : ["f64.const", Number.MAX_SAFE_INTEGER], [
        name === "isInteger" ? "f64.lt" : "f64.le",
      ]);
      cx.emit(["i32.and"]);
  }
  return "bool";
}

/** A lowered prange's bounds (front/lower.ts): numbers must be safe integers, as prange checks; the call traps otherwise. */
export function prangeBounds(cx: FunctionContext, args: Node[], node: Node): ResultType {
  for (const a of args) {
    numberTest(cx, "isSafeInteger", [a], node, false);
    cx.emit(["i32.eqz"], ["if"], ...cx.trap(a, "a prange bound that is not a safe integer (prange throws a TypeError):"), ["end"]);
  }
  return "void";
}

export function toNumber(cx: FunctionContext, arg: Node): ResultType {
  const t = recurse.expr(cx, arg);
  // A u64 shifted right by a constant ≥ 1 (`Number(s >> 11n)`, a random draw) is below 2^63: the
  // signed conversion (one instruction on x64) gives the same double as the unsigned one (a branchy sequence).
  const shifted = arg.type === "BinaryExpression" && arg.operator === ">>" && typeof constant(arg.right) === "bigint";
  const below63 = shifted && (constant(arg.right) as bigint) >= 1n && (constant(arg.right) as bigint) < 64n;
  if (isBigint(t)) cx.emit([t === "u64" && !below63 ? "f64.convert_i64_u" : "f64.convert_i64_s"]);
  else if (t === "bool") cx.emit(["f64.convert_i32_u"]);
  else if (isNumber(t)) cx.emit(...cx.convert(t, "f64", arg, "Number()"));
  else throw cx.fail(`Number() of a ${describeType(t)}`, arg);
  return "f64";
}

/**
 * BigInt(x): a number must be a finite integer, else the engine's own RangeError (the host replays
 * `BigInt(x)`: codegen/throw.ts). An integer past the 64 bits is taken modulo 2^64, as every bigint
 * result is (`%` of 2^64 is exact on doubles), then converted: the bits are the same for u64 and i64.
 */
export function toBigint(cx: FunctionContext, arg: Node): ResultType {
  const t = recurse.expr(cx, arg);
  if (isBigint(t)) return t;
  if (t === "i32") cx.emit(["i64.extend_i32_s"]);
  else if (t === "u32" || t === "bool") cx.emit(["i64.extend_i32_u"]);
  else if (t === "f64") {
    const x = cx.local("f64");
    const { line, column } = cx.source.position(arg.start);
    const site = cx.builder.trapSite({
      what: `BigInt() (at ${line}:${column})`,
      index: false,
      thrown: { ctor: "RangeError", parts: [{ value: "f64" }], replay: "bigint" },
    });
    // NaN, a fraction or ±Infinity (x − x is NaN): thrown.
    cx.emit(["local.tee", x], ["f64.trunc"], ["local.get", x], ["f64.ne"]);
    cx.emit(["local.get", x], ["local.get", x], ["f64.sub"], ["f64.const", 0], ["f64.ne"], ["i32.or"]);
    cx.emit(["if"], ["local.get", x], ["i32.const", site], ["call", cx.builder.hostFunction("env", THROW_IMPORT, ["f64", "i32"], [])]);
    cx.emit(["unreachable"], ["end"]);
    cx.emit(["local.get", x], ["f64.abs"], ["f64.const", 2 ** 64], ["f64.ge"], ["if"]);
    cx.emit(["local.get", x], ["f64.const", 2 ** 64], ["call", cx.builder.helper("fmod")], ["local.set", x], ["end"]);
    // x in (−2^64, 2^64): below −2^63, x + 2^64 (exact: both multiples of x's unit) has the same low 64 bits.
    cx.emit(["local.get", x], ["f64.const", 0], ["f64.lt"], ["if", "i64"]);
    cx.emit(
      ["local.get", x],
      ["f64.const", 2 ** 64],
      ["f64.add"],
      ["local.get", x],
      ["local.get", x],
      ["f64.const", -(2 ** 63)],
      ["f64.lt"],
    );
    cx.emit(["select"], ["i64.trunc_f64_s"], ["else"], ["local.get", x], ["i64.trunc_f64_u"], ["end"]);
  } else throw cx.fail(`BigInt() of a ${describeType(t)}`, arg);
  return cx.bigint;
}
