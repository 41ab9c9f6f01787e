// What can be read and written: locals, jitClass fields in a constructor, typed-array elements (bounds
// checked: an index outside [0, length) or not an integer traps), with `=`, compound assignment and `++`.
import { MATH_CONSTANTS, NUMBER_CONSTANTS } from "./builtins.ts";
import type { FunctionContext, Place, Typed, Var } from "./context.ts";
import { CONSTRUCTS, DESTRUCTURING, describeType } from "./describe.ts";
import { recurse } from "./recursion.ts";
import { binary, powerOf } from "./operators.ts";
import type { Node } from "../front/parse.ts";
import {
  type ArrayType,
  ELEMENTS,
  type ResultType,
  elementOf,
  isArray,
  isBigint,
  isClass,
  isNumber,
  wasmTypes,
} from "../analysis/types.ts";
import type { Instr, ValType } from "../wasm/wasm.ts";
import { isInt32, isUint32 } from "../analysis/intervals.ts";

/** The thing an assignment or `++` writes to. */
export function placeOf(cx: FunctionContext, node: Node): Place {
  if (node.type === "TSAsExpression" || node.type === "TSNonNullExpression" || node.type === "TSSatisfiesExpression")
    return placeOf(cx, node.expression);
  if (node.type === "Identifier") {
    const v = cx.lookup(node.name);
    if (!v) recurse.identifier(cx, node); // throws the right error
    if (v!.constant) throw cx.fail(`\`${node.name}\` is a const`, node);
    return localPlace(cx, v!);
  }
  if (node.type === "MemberExpression") {
    if (node.object.type === "ThisExpression" && cx.plan.constructing && !node.computed) {
      const field = cx.fields.get(node.property.name);
      if (!field)
        throw cx.fail(
          `\`this.${node.property.name}\` is not a field of ${cx.plan.constructing.name} (fields: ${[...cx.fields.keys()].join(", ")})`,
          node.property,
        );
      return localPlace(cx, field);
    }
    const object = recurse.detached(cx, node.object);
    if (isArray(object.type) && node.computed) {
      cx.builder.wrote(writtenParameter(cx, node.object));
      cx.emit(...object.code);
      const addr = cx.local("i32");
      const { code, offset } = address(cx, object.type, node.property, node.object);
      cx.emit(...code, ["local.set", addr]);
      return elementPlace(cx, object.type, addr, offset);
    }
    if (isClass(object.type))
      throw cx.err("assigning to a field of a jitClass value outside its constructor (values are passed by value)", node);
    if (isArray(object.type)) throw cx.err("assigning to `length`", node);
  }
  throw cx.err(`assigning to ${CONSTRUCTS[node.type] ?? `a ${node.type}`}`, node);
}

/** The entry function's parameter an array store goes to, when it is one that is never reassigned; else "all". */
export function writtenParameter(cx: FunctionContext, object: Node): number | "all" {
  if (!cx.plan.exported || object.type !== "Identifier") return "all";
  const v = cx.lookup(object.name);
  if (!v || !cx.isParameter(object.name, v) || cx.ranges.writtenParams.has(object.name)) return "all";
  return cx.plan.parsed!.params.findIndex((p) => p.type === "Identifier" && p.name === object.name);
}

export function localPlace(cx: FunctionContext, v: Var): Place {
  return {
    type: v.type,
    get: v.locals.map((l) => ["local.get", l] as Instr),
    set: (from, at, value) => [
      // A proven i32/u32 local (intervals.ts): whatever is assigned is an integer in its range. A local
      // read only through ToInt32 (bits.ts): ToInt32 of whatever is assigned.
      ...(v.wrapped && isNumber(from)
        ? cx.int32(from, at, value)
        : v.proven && isNumber(from)
          ? cx.represent(from, v.type as "i32" | "u32", at)
          : cx.convert(from, v.type, at, "assignment")),
      ...[...v.locals].reverse().map((l) => ["local.set", l] as Instr),
    ],
    proven: v.proven,
  };
}

/**
 * ToUint8Clamp of the f64 on the stack, as a Uint8ClampedArray stores: clamped to [0, 255], rounded to
 * the nearest integer with ties to even (`f64.nearest`); NaN stays NaN through max and min, and the
 * saturating truncation makes it 0.
 */
const CLAMP_U8: Instr[] = [["f64.const", 0], ["f64.max"], ["f64.const", 255], ["f64.min"], ["f64.nearest"], ["i32.trunc_sat_f64_u"]];

export function elementPlace(cx: FunctionContext, type: ArrayType, addr: number, offset = 0): Place {
  const e = ELEMENTS[elementOf(type)];
  const f32 = elementOf(type) === "f32";
  return {
    type: e.value,
    get: [["local.get", addr], [e.load, offset], ...(f32 ? [["f64.promote_f32"] as Instr] : [])],
    set: (from, at, stored) => {
      const value = cx.local(storedType(type));
      return [
        ...storedValue(cx, type, from, at, stored),
        ["local.set", value],
        ["local.get", addr],
        ["local.get", value],
        [e.store, offset],
      ];
    },
  };
}

/** The wasm type an element of `type` is stored as (f32 for a Float32Array's, i32 for the other integer arrays'). */
export function storedType(type: ArrayType): ValType {
  return elementOf(type) === "f32" ? "f32" : wasmTypes(ELEMENTS[elementOf(type)].value)[0];
}

/**
 * What storing a value of type `from` (on the stack) into an element of `type` stores, left on the
 * stack as storedType(type): JavaScript converts what is stored, ToInt32 (then the store wraps) for
 * integer arrays, clamping for Uint8ClampedArray, rounding for Float32Array.
 */
export function storedValue(cx: FunctionContext, type: ArrayType, from: ResultType, at: Node, stored?: Node): Instr[] {
  const e = ELEMENTS[elementOf(type)];
  if (elementOf(type) === "f32") return [...cx.convert(from, "f64", at, "an element"), ["f32.demote_f64"]];
  if (e.value === "f64") return cx.convert(from, "f64", at, "an element");
  if (isBigint(e.value)) return cx.convert(from, e.value, at, "an element");
  if (elementOf(type) === "u8c") return [...cx.convert(from, "f64", at, "an element"), ...CLAMP_U8];
  return cx.int32(from, at, stored);
}

export function assign(cx: FunctionContext, node: Node, valueNeeded: boolean): ResultType | undefined {
  const op: string = node.operator;
  if (op === "&&=" || op === "||=" || op === "??=") throw cx.err(`\`${op}\``, node);
  // `[a, b] = [b, a + b];` as a statement is lowered before (front/lower.ts); what is left is refused.
  if (node.left.type === "ArrayPattern" || node.left.type === "ObjectPattern")
    throw cx.err(
      valueNeeded ? "using the value of a destructuring assignment (write `[a, b] = [b, a];` as a statement of its own)" : DESTRUCTURING,
      node,
    );
  const place = placeOf(cx, node.left);
  let value: Typed = recurse.detached(cx, node.right);
  if (op !== "=") {
    const saved = cx.code;
    cx.code = [];
    const old: Typed = { type: place.type, code: place.get };
    // `x **= y` is `x = x ** y` with x read once, as every compound assignment.
    const type = op === "**=" ? powerOf(cx, old, value, node) : binary(cx, op.slice(0, -1), old, value, node);
    value = { type, code: cx.code };
    cx.code = saved;
  }
  if (value.type === "void") throw cx.fail("assigning the result of a call that returns nothing", node.right);
  cx.emit(...value.code);
  // The facts of what is stored: the right side's, for `=` (a compound assignment's are its operation's).
  const stored = op === "=" ? node.right : undefined;
  if (!valueNeeded) {
    cx.emit(...place.set(value.type, node, stored));
    return undefined;
  }
  if (wasmTypes(value.type).length !== 1) throw cx.err("using the value of an assignment of a jitClass value", node);
  const keep = cx.local(wasmTypes(value.type)[0]);
  cx.emit(["local.tee", keep], ...place.set(value.type, node, stored), ["local.get", keep]);
  return value.type;
}

export function update(cx: FunctionContext, node: Node, valueNeeded: boolean): ResultType | undefined {
  const place = placeOf(cx, node.argument);
  const type = place.type;
  let step: Instr[];
  let next: ResultType;
  if (isBigint(type)) [step, next] = [[["i64.const", 1n], [node.operator === "++" ? "i64.add" : "i64.sub"]], type];
  // A proven local (its new value is in its range: intervals.ts), or an element of an integer array
  // (the store takes ToInt32 of the exact f64 result, which is the wrapping add): the i32 instruction.
  else if ((type === "i32" || type === "u32") && (place.proven || cx.intervals.wraps(node)))
    [step, next] = [[["i32.const", 1], [node.operator === "++" ? "i32.add" : "i32.sub"]], type];
  else if (isNumber(type))
    [step, next] = [
      [...cx.convert(type, "f64", node, node.operator), ["f64.const", 1], [node.operator === "++" ? "f64.add" : "f64.sub"]],
      "f64",
    ];
  else throw cx.err(`\`${node.operator}\` on a ${describeType(type)}`, node);
  if (!valueNeeded) {
    cx.emit(...place.get, ...step, ...place.set(next, node));
    return undefined;
  }
  const keepType = node.prefix ? next : type;
  const keep = cx.local(wasmTypes(keepType)[0]);
  if (node.prefix) cx.emit(...place.get, ...step, ["local.tee", keep], ...place.set(next, node), ["local.get", keep]);
  else cx.emit(...place.get, ["local.tee", keep], ...step, ...place.set(next, node), ["local.get", keep]);
  return keepType;
}

/** With an array's (pointer, length) on the stack, leaves the checked byte address of element `index`. */
export function address(cx: FunctionContext, type: ArrayType, index: Node, object: Node): { code: Instr[]; offset: number } {
  cx.builder.usesMemory = true;
  const ptr = cx.local("i32");
  const len = cx.local("i32");
  const idx = cx.local("i32");
  // The trap of an index outside [0, length) or not an integer, with the index (code pushing it as an f64) and the length.
  const outside = (value: Instr[]): Instr[] =>
    cx.trap(object, "an index outside [0, length) or not an integer in", {
      text: `${cx.sourceOf(object)}[${cx.sourceOf(index)}]`,
      index: value,
      length: [["local.get", len], ["f64.convert_i32_u"]],
    });
  const out: Instr[] = [
    ["local.set", len],
    ["local.set", ptr],
  ];
  const shift = Math.log2(ELEMENTS[elementOf(type)].bytes);
  const checked = !inBounds(cx, index, object) && !cx.safeIndices.has(index);
  // An index the analysis proved int32 (uint32) is computed in i32 (intervals.ts); other sums of int32 terms exactly in i64.
  const proven = cx.intervals.of(index);
  const split = proven && isInt32(proven) ? constantPart(cx, index) : undefined;
  if (split) {
    // `b + c`, b an int32 ≥ 0: the address is ptr + b·size and c·size the instruction's offset, so that
    // `a[b]`, `a[b + 1]`… share one address computation. Exact: when b + c is in [0, length), ptr + b·size
    // lies between ptr and the element's address, below 2^32.
    const base = cx.local("i32");
    out.push(...split.code, ["local.set", base]);
    if (checked)
      out.push(
        ["local.get", base],
        ["i32.const", split.c],
        ["i32.add"],
        ["local.get", len],
        ["i32.ge_u"],
        ["if"],
        ...outside([["local.get", base], ["i32.const", split.c], ["i32.add"], ["f64.convert_i32_u"]]),
        ["end"],
      );
    out.push(["local.get", ptr], ["local.get", base], ["i32.const", shift], ["i32.shl"], ["i32.add"]);
    return { code: out, offset: split.c << shift };
  }
  const exact = proven && (isInt32(proven) || isUint32(proven)) ? undefined : exactIndex(cx, index);
  const { type: it, code } = exact ?? recurse.detached(cx, index);
  out.push(...code);
  // An index that is not an integer in [0, length) traps (JavaScript would read undefined / ignore the write).
  const known = exact ? undefined : cx.intervals.of(index);
  if (it === "f64" && known && known.int && !known.nan && known.lo >= 0 && known.hi <= 2 ** 32 - 1) {
    // Proven an integer in [0, 2^32) (intervals.ts): the truncation is exact; the bounds check stays.
    out.push(["i32.trunc_f64_u"], ["local.set", idx]);
  } else if (it === "f64") {
    const f = cx.local("f64");
    out.push(
      ["local.tee", f],
      ["i32.trunc_sat_f64_u"],
      ["local.tee", idx],
      ["f64.convert_i32_u"],
      ["local.get", f],
      ["f64.ne"],
      ["if"],
      ...outside([["local.get", f]]),
      ["end"],
    );
  } else if (isBigint(it) || exact) {
    const b = cx.local("i64");
    out.push(
      ["local.tee", b],
      ["local.get", len],
      ["i64.extend_i32_u"],
      ["i64.ge_u"],
      ["if"],
      ...outside([["local.get", b], [isBigint(it) && it === "u64" ? "f64.convert_i64_u" : "f64.convert_i64_s"]]),
      ["end"],
      ["local.get", b],
      ["i32.wrap_i64"],
      ["local.set", idx],
    );
  } else if (it === "i32" || it === "u32") out.push(["local.set", idx]);
  else throw cx.fail(`an array index must be a number or a bigint, got a ${describeType(it)}`, index);
  if (!exact && checked)
    out.push(
      ["local.get", idx],
      ["local.get", len],
      ["i32.ge_u"],
      ["if"],
      ...outside([["local.get", idx], [it === "i32" ? "f64.convert_i32_s" : "f64.convert_i32_u"]]),
      ["end"],
    );
  out.push(["local.get", ptr], ["local.get", idx], ["i32.const", shift], ["i32.shl"], ["i32.add"]);
  return { code: out, offset: 0 };
}

/** `b + c` with c an integer constant in [1, 512] and b proven an int32 ≥ 0, computed in i32: b's code and c. */
function constantPart(cx: FunctionContext, index: Node): { code: Instr[]; c: number } | undefined {
  if (index.type !== "BinaryExpression" || index.operator !== "+") return undefined;
  const c = index.right.type === "Literal" ? index.right.value : undefined;
  if (typeof c !== "number" || !Number.isInteger(c) || c < 1 || c > 512) return undefined;
  const b = cx.intervals.of(index.left);
  if (!b || !isInt32(b) || b.lo < 0) return undefined;
  const base = recurse.detached(cx, index.left);
  return base.type === "i32" ? { code: base.code, c } : undefined;
}

/**
 * An index written as a sum of at most four terms, each an int32 value (i32 or u32), at most one of
 * them a product of two i32s (`py * width + px`), computed exactly in i64 instead of in f64, then
 * checked as any bigint index.
 * The same element as JavaScript's f64 arithmetic, or the same trap: if the exact value is in
 * [0, 2^32) the product is below 2^53 in magnitude (the other terms are below 2^32 each), so every f64
 * step is exact and gives it; if the product is larger, both the exact value and the f64 one are far
 * outside [0, 2^32) (rounding is monotonic), so both trap. At most 2^62 + 4·2^32 in magnitude: no i64 overflow.
 */
function exactIndex(cx: FunctionContext, index: Node): Typed | undefined {
  if (index.type !== "BinaryExpression" || !["+", "-", "*"].includes(index.operator)) return undefined;
  const terms: { node: Node; negative: boolean }[] = [];
  const flatten = (node: Node, negative: boolean) => {
    if (node.type === "BinaryExpression" && (node.operator === "+" || node.operator === "-")) {
      flatten(node.left, negative);
      flatten(node.right, node.operator === "-" ? !negative : negative);
    } else terms.push({ node, negative });
  };
  flatten(index, false);
  const products = terms.filter((t) => t.node.type === "BinaryExpression" && t.node.operator === "*");
  if (terms.length > 4 || products.length > 1) return undefined;
  const code: Instr[] = [["i64.const", 0n]];
  const leaf = (node: Node, inProduct: boolean): boolean => {
    const { type, code: c } = recurse.detached(cx, node);
    // A product of two i32s is at most 2^62 in magnitude; with a u32 it could reach 2^64.
    if (type !== "i32" && (type !== "u32" || inProduct)) return false;
    code.push(...c, [type === "i32" ? "i64.extend_i32_s" : "i64.extend_i32_u"]);
    return true;
  };
  for (const { node, negative } of terms) {
    const product = node.type === "BinaryExpression" && node.operator === "*";
    if (product ? !(leaf(node.left, true) && leaf(node.right, true)) : !leaf(node, false)) return undefined;
    if (product) code.push(["i64.mul"]);
    code.push([negative ? "i64.sub" : "i64.add"]);
  }
  return { type: "i64", code };
}

/**
 * `a[i]` in the body of `for (…; i < a.length; i++)` with i a counter from 0 up and a never reassigned:
 * 0 ≤ i < length already holds; so does it for `a[i - c]` (c a constant ≥ 0) where the analysis proved
 * the index ≥ 0.
 */
function inBounds(cx: FunctionContext, index: Node, object: Node): boolean {
  if (
    index.type === "BinaryExpression" &&
    index.operator === "-" &&
    index.right.type === "Literal" &&
    typeof index.right.value === "number"
  ) {
    const facts = cx.intervals.of(index);
    if (index.right.value >= 0 && facts && facts.int && !facts.nan && facts.lo >= 0) return inBounds(cx, index.left, object);
    return false;
  }
  if (index.type !== "Identifier" || object.type !== "Identifier") return false;
  const counter = cx.lookup(index.name);
  const array = cx.lookup(object.name);
  return cx.inBounds.some((f) => f.counter === counter && f.array === array);
}

export function member(cx: FunctionContext, node: Node): ResultType {
  const { object, property } = node;
  if (!node.computed && object.type === "Identifier" && !cx.lookup(object.name)) {
    const table = object.name === "Math" ? MATH_CONSTANTS : object.name === "Number" ? NUMBER_CONSTANTS : undefined;
    if (table && property.name in table) return recurse.number(cx, table[property.name]);
  }
  if (object.type === "ThisExpression" && cx.plan.constructing && !node.computed) {
    const field = cx.fields.get(property.name);
    if (!field) throw cx.fail(`\`this.${property.name}\` is read before it is a field`, node);
    for (const l of field.locals) cx.emit(["local.get", l]);
    return field.type;
  }
  const type = recurse.expr(cx, object);
  if (isArray(type)) {
    if (node.computed) {
      const addr = cx.local("i32");
      const { code, offset } = address(cx, type, property, object);
      cx.emit(...code, ["local.set", addr]);
      const place = elementPlace(cx, type, addr, offset);
      cx.emit(...place.get);
      return place.type;
    }
    if (property.name === "length") {
      const len = cx.local("i32");
      cx.emit(["local.set", len], ["drop"], ["local.get", len]);
      return "u32";
    }
    throw cx.err(`\`.${property.name}\` of a typed array (only indexing and .length)`, property);
  }
  if (isClass(type) && !node.computed) {
    const at = type.fields.findIndex(([name]) => name === property.name);
    if (at < 0)
      throw cx.fail(`\`${property.name}\` is not a field of ${type.name} (fields: ${type.fields.map(([n]) => n).join(", ")})`, property);
    // The fields are on the stack, last on top: keep the one asked for.
    const temps = type.fields.map(([, t]) => cx.local(wasmTypes(t)[0]));
    for (const t of [...temps].reverse()) cx.emit(["local.set", t]);
    cx.emit(["local.get", temps[at]]);
    return type.fields[at][1];
  }
  throw cx.err(
    node.computed
      ? "dynamic property access (`x[k]` on something other than a typed array)"
      : `property \`.${property.name}\` of a ${describeType(type)}`,
    node,
  );
}
