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
import type { FunctionContext } from "./context.ts";
import { describeType } from "./describe.ts";
import { recurse } from "./recursion.ts";
import { relativeIndex } from "./allocation.ts";
import type { Node } from "../front/parse.ts";
import { ELEMENTS, elementOf, isArray, type ArrayType, type ResultType } from "../analysis/types.ts";
import type { Instr } from "../wasm/wasm.ts";

/** The typed-array methods jit compiles (`.fill` included: allocation.ts). */
export const TYPED_ARRAY_METHODS = ["subarray", "fill"] as const;

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
  const method = name === "subarray" ? subarray : undefined;
  if (!method)
    throw cx.fail(
      `\`.${name}()\` on a ${describeType(type)} is not supported by jit: jit compiles the typed-array methods ${TYPED_ARRAY_METHODS.map((m) => `\`.${m}\``).join(", ")} (write the loop for the others)`,
      node.callee.property,
    );
  if (args.length > 2) throw cx.err(`\`.${name}\` with ${args.length} arguments (it takes a begin and an end)`, node);
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
