// Typed-array methods, each as ECMAScript defines it for typed arrays (`.fill` is in allocation.ts):
//
// - `a.subarray(begin, end)`: a view of the same memory, a new (pointer, length) pair into a's block,
//   no copy and no call of the host. begin and end are relative (ToIntegerOrInfinity, from the end
//   when negative, clamped to [0, length]). A write through the view is a write to a: the view is not
//   a parameter's name, so a store through it counts as a store to every array parameter (places.ts
//   `writtenParameter`: all are copied back). It lives as long as any array value (allocation.ts): a
//   view of an array the function made is one more array value of that block, which stays while an
//   array local declared outside the block is assigned there. The transforms already take any two
//   names for possibly overlapping views (arguments can be views of one buffer): their run-time guards
//   compare addresses. Returned, a view of an argument is that part of the caller's typed array
//   (runtime/boundary.ts), as in JavaScript.
// - `a.set(src, offset)`: src a typed array (bigint and number arrays do not mix: JavaScript's
//   TypeError, refused here), offset ToIntegerOrInfinity; a negative one, or offset + src.length past
//   a.length, throws the RangeError the engine throws (the host replays the case). The same element type: `memory.copy`
//   (which copies as if through a temporary, as the spec does for one buffer). Another: each element
//   converted as a store converts it, through a temporary block when the two ranges overlap.
// - `a.slice(begin, end)`: a new array of a's type, allocated as `new T(n)` is (given back at the end of
//   the block declaring it, or of the call), holding a copy of the range.
import type { FunctionContext } from "./context.ts";
import { describeType } from "./describe.ts";
import { recurse } from "./recursion.ts";
import { ALLOC_ELEMENTS, ALLOC_IMPORTS, convertingCopy, relativeIndex } from "./allocation.ts";
import { writtenParameter } from "./places.ts";
import { THROW_IMPORT } from "./throw.ts";
import { childNodes, type Node } from "../front/parse.ts";
import { ELEMENTS, elementOf, isArray, isBigint, isNumber, type ArrayType, type ResultType } from "../analysis/types.ts";
import type { Instr } from "../wasm/wasm.ts";

/** The typed-array methods jit compiles (`.fill` included: allocation.ts). */
export const TYPED_ARRAY_METHODS = ["subarray", "set", "slice", "fill"] as const;

/**
 * The names a function calls `.subarray`, `.set` or `.slice` on, with the names assigned to them
 * (`const b = a; b.set(…)`): a plain Array passed there would not behave as a typed array (it has no
 * `subarray` or `set`; its `slice` is an Array). `all` when a receiver is not a name; `method`, the
 * first such method, for the message. Names are not scoped: a name used so anywhere counts.
 */
export function typedMethodReceivers(body: Node): { names: Set<string>; all: boolean; method?: string } {
  const names = new Set<string>();
  const flows: [to: string, from: string][] = [];
  let all = false;
  let method: string | undefined;
  const walk = (n: Node) => {
    if (
      n.type === "CallExpression" &&
      n.callee.type === "MemberExpression" &&
      !n.callee.computed &&
      ["subarray", "set", "slice"].includes(n.callee.property.name)
    ) {
      method ??= n.callee.property.name;
      if (n.callee.object.type === "Identifier") names.add(n.callee.object.name);
      else all = true;
    }
    if (n.type === "VariableDeclarator" && n.id.type === "Identifier" && n.init?.type === "Identifier")
      flows.push([n.id.name, n.init.name]);
    if (n.type === "AssignmentExpression" && n.left.type === "Identifier" && n.right.type === "Identifier")
      flows.push([n.left.name, n.right.name]);
    for (const c of childNodes(n)) walk(c);
  };
  walk(body);
  for (let grew = true; grew;) {
    grew = false;
    for (const [to, from] of flows) if (names.has(to) && !names.has(from)) grew = !!names.add(from);
  }
  return { names, all, method };
}

/**
 * A method call on a typed array: compiled when it is one of the methods above, refused by name
 * otherwise; undefined (nothing emitted) when the object is not an array.
 */
export function arrayMethod(cx: FunctionContext, node: Node): ResultType | undefined {
  const object = node.callee.object;
  const name: string = node.callee.property.name;
  const typed = recurse.detached(cx, object);
  if (!isArray(typed.type)) return undefined;
  const type = typed.type;
  const args: Node[] = node.arguments;
  const method = name === "subarray" ? subarray : name === "set" ? set : name === "slice" ? slice : undefined;
  if (!method)
    throw cx.fail(
      `\`.${name}()\` on a ${describeType(type)} is not supported by jit: jit compiles the typed-array methods ${TYPED_ARRAY_METHODS.map((m) => `\`.${m}\``).join(", ")} (write the loop for the others)`,
      node.callee.property,
    );
  if (args.length > 2)
    throw cx.err(
      `\`.${name}\` with ${args.length} arguments (it takes ${name === "set" ? "an array and an offset" : "a begin and an end"})`,
      node,
    );
  cx.builder.usesMemory = true;
  cx.emit(...typed.code);
  const [ptr, length] = [cx.local("i32"), cx.local("i32")];
  cx.emit(["local.set", length], ["local.set", ptr]);
  return method(cx, node, type, ptr, length);
}

const shiftOf = (type: ArrayType): number => Math.log2(ELEMENTS[elementOf(type)].bytes);

function subarray(cx: FunctionContext, node: Node, type: ArrayType, ptr: number, length: number): ResultType {
  const args: Node[] = node.arguments;
  const begin = relativeIndex(cx, args[0], length, [["i32.const", 0]], "`.subarray`");
  const end = relativeIndex(cx, args[1], length, [["local.get", length]], "`.subarray`");
  cx.emit(["local.get", ptr], ["local.get", begin], ["i32.const", shiftOf(type)], ["i32.shl"], ["i32.add"]);
  cx.emit(...count(begin, end));
  return type;
}

/** max(end − begin, 0) of two i32 locals in [0, length]. */
const count = (begin: number, end: number): Instr[] => [
  ["local.get", end],
  ["local.get", begin],
  ["i32.sub"],
  ["i32.const", 0],
  ["local.get", end],
  ["local.get", begin],
  ["i32.gt_u"],
  ["select"],
];

function slice(cx: FunctionContext, node: Node, type: ArrayType, ptr: number, length: number): ResultType {
  const args: Node[] = node.arguments;
  const begin = relativeIndex(cx, args[0], length, [["i32.const", 0]], "`.slice`");
  const end = relativeIndex(cx, args[1], length, [["local.get", length]], "`.slice`");
  const [n, out] = [cx.local("i32"), cx.local("i32")];
  const element = elementOf(type);
  const alloc = cx.builder.hostFunction("env", ALLOC_IMPORTS.alloc, ["f64", "i32"], ["i32"]);
  cx.emit(...count(begin, end), ["local.set", n]);
  cx.emit(["local.get", n], ["f64.convert_i32_u"], ["i32.const", ALLOC_ELEMENTS.indexOf(element)], ["call", alloc], ["local.set", out]);
  const shift = shiftOf(type);
  cx.emit(["local.get", out], ["local.get", ptr], ["local.get", begin], ["i32.const", shift], ["i32.shl"], ["i32.add"]);
  cx.emit(["local.get", n], ["i32.const", shift], ["i32.shl"], ["memory.copy"]);
  cx.emit(["local.get", out], ["local.get", n]);
  return type;
}

function set(cx: FunctionContext, node: Node, type: ArrayType, ptr: number, length: number): ResultType {
  const args: Node[] = node.arguments;
  if (args.length === 0) throw cx.fail("`.set()` without a source array (JavaScript throws a TypeError)", node);
  const source = recurse.expr(cx, args[0]);
  if (!isArray(source))
    throw cx.fail(
      `\`.set\` of a ${describeType(source)}: jit takes a typed array as the source (a plain array literal is not supported)`,
      args[0],
    );
  if (isBigint(ELEMENTS[elementOf(source)].value) !== isBigint(ELEMENTS[elementOf(type)].value))
    throw cx.fail(
      `\`.set\` of a ${describeType(source)} into a ${describeType(type)}: bigint and number arrays do not mix (JavaScript throws a TypeError)`,
      args[0],
    );
  const object = node.callee.object;
  cx.builder.wrote(writtenParameter(cx, object));
  const [from, n] = [cx.local("i32"), cx.local("i32")];
  cx.emit(["local.set", n], ["local.set", from]);
  // The offset, ToIntegerOrInfinity: truncated, NaN as 0.
  const offset = cx.local("f64");
  if (args[1]) {
    const t = recurse.expr(cx, args[1]);
    if (!isNumber(t)) throw cx.fail(`a ${describeType(t)} as the offset of \`.set\` (a number is expected)`, args[1]);
    cx.emit(...cx.convert(t, "f64", args[1], "the offset of `.set`"), ["f64.trunc"], ["local.tee", offset]);
    cx.emit(["local.get", offset], ["f64.eq"], ["if", "f64"], ["local.get", offset], ["else"], ["f64.const", 0], ["end"]);
    cx.emit(["local.set", offset]);
  } else cx.emit(["f64.const", 0], ["local.set", offset]);
  // offset < 0, or offset + src.length > length (+∞ included): the RangeError the engine throws for
  // each (the host replays the case: V8 and JavaScriptCore word them differently).
  const { line, column } = cx.source.position(node.start);
  const site = (replay: "set-negative" | "set-range") =>
    cx.builder.trapSite({ what: `\`.set\` (at ${line}:${column})`, index: false, thrown: { ctor: "RangeError", parts: [], replay } });
  const raise = cx.builder.hostFunction("env", THROW_IMPORT, ["i32"], []);
  cx.emit(["local.get", offset], ["f64.const", 0], ["f64.lt"]);
  cx.emit(["if"], ["i32.const", site("set-negative")], ["call", raise], ["unreachable"], ["end"]);
  cx.emit(
    ["local.get", offset],
    ["local.get", n],
    ["f64.convert_i32_u"],
    ["f64.add"],
    ["local.get", length],
    ["f64.convert_i32_u"],
    ["f64.gt"],
  );
  cx.emit(["if"], ["i32.const", site("set-range")], ["call", raise], ["unreachable"], ["end"]);
  const to = cx.local("i32");
  const [shift, sourceShift] = [shiftOf(type), shiftOf(source)];
  cx.emit(
    ["local.get", ptr],
    ["local.get", offset],
    ["i32.trunc_f64_u"],
    ["i32.const", shift],
    ["i32.shl"],
    ["i32.add"],
    ["local.set", to],
  );
  if (source === type) {
    // The bytes, as if through a temporary where the two overlap (memory.copy is a memmove).
    cx.emit(["local.get", to], ["local.get", from], ["local.get", n], ["i32.const", shift], ["i32.shl"], ["memory.copy"]);
    return "void";
  }
  // Another element type: converted element by element, from a copy of the source when the target's
  // bytes overlap it (the spec clones the source when both share a buffer: the same values).
  const temporary = cx.local("i32");
  const alloc = cx.builder.hostFunction("env", ALLOC_IMPORTS.alloc, ["f64", "i32"], ["i32"]);
  const free = cx.builder.hostFunction("env", ALLOC_IMPORTS.free, ["i32"], []);
  const bytes = (s: number): Instr[] => [["local.get", n], ["i32.const", s], ["i32.shl"]];
  cx.emit(["i32.const", 0], ["local.set", temporary]);
  cx.emit(["local.get", from], ["local.get", to], ...bytes(shift), ["i32.add"], ["i32.lt_u"]);
  cx.emit(["local.get", to], ["local.get", from], ...bytes(sourceShift), ["i32.add"], ["i32.lt_u"], ["i32.and"]);
  cx.emit(["if"], ["local.get", n], ["f64.convert_i32_u"], ["i32.const", ALLOC_ELEMENTS.indexOf(elementOf(source))], ["call", alloc]);
  cx.emit(["local.tee", temporary], ["local.get", from], ...bytes(sourceShift), ["memory.copy"]);
  cx.emit(["local.get", temporary], ["local.set", from], ["end"]);
  convertingCopy(cx, { local: from, type: source }, { local: to, type }, n, node);
  cx.emit(["local.get", temporary], ["if"], ["local.get", temporary], ["call", free], ["end"]);
  return "void";
}
