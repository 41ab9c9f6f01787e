// Typed arrays a function makes: `new Float64Array(n)` (n zeroed elements) and `new Float64Array(a)`
// (a copy of a typed array, its values converted as stores convert them). The compiled code asks the host for a block of jit's memory
// (runtime/memory.ts `callAlloc`: JavaScript's length checks and errors), zeroes it (`memory.fill`) or
// copies the elements in (`memory.copy`), and holds the array as every array, a (pointer, length) pair.
//
// A block lives until the end of the call that made it (the boundary gives back every block its call
// made, whether it returned or trapped: runtime/boundary.ts), or until the end of the block statement
// that declared it (`{ const v = new Float64Array(3); … }` in a loop's body), or a `break`/`continue`
// out of it: unless the array may outlive that block. An array value moves only through assignments
// to locals (a function returns it, or passes it to a callee, which can keep it nowhere), so it may
// outlive its block when the block assigns to an array local declared outside it (a double buffer's
// swap), or returns. A returned array is copied out to an ordinary typed array by the boundary (the
// very argument object when the function returns an array it was given).
import type { FunctionContext, Var } from "./context.ts";
import { describeType } from "./describe.ts";
import { recurse } from "./recursion.ts";
import { childNodes, type Node } from "../front/parse.ts";
import {
  ELEMENTS,
  elementOf,
  isArray,
  isBigint,
  isNumber,
  typedArrayElement,
  type ArrayType,
  type ElementType,
  type ResultType,
} from "../analysis/types.ts";
import { elementPlace, storedType, storedValue, writtenParameter } from "./places.ts";
import type { Instr } from "../wasm/wasm.ts";

/** The host functions allocating code imports from `env` (runtime/host.ts provides them). */
export const ALLOC_IMPORTS = { alloc: "__hp_alloc", free: "__hp_free" } as const;

/** The element types by the number the code passes to `alloc` (its second argument). */
export const ALLOC_ELEMENTS = Object.keys(ELEMENTS) as readonly ElementType[];

/** The element type of `new Name(…)` (or `new Name(…).fill(…)`) when Name is a typed array jit knows and no local hides it. */
export function allocatedElement(cx: FunctionContext, node: Node): ElementType | undefined {
  if (isFill(node)) return allocatedElement(cx, node.callee.object);
  if (node.type !== "NewExpression" || node.callee.type !== "Identifier" || cx.lookup(node.callee.name)) return undefined;
  return typedArrayElement(node.callee.name);
}

/** Does `node` make an array: `new Name(…)`, `x.slice(…)`, either filled (`.fill(…)`)? Its block is then the declared local's (`owned`). */
export function makesArray(cx: FunctionContext, node: Node): boolean {
  if (isFill(node)) return makesArray(cx, node.callee.object);
  if (isSlice(node)) return true;
  return allocatedElement(cx, node) !== undefined;
}

/** `x.slice(…)`: a typed array's slice, when x is one (the code generator checks): a new array. */
export const isSlice = (node: Node): boolean =>
  node.type === "CallExpression" &&
  node.callee.type === "MemberExpression" &&
  !node.callee.computed &&
  node.callee.property.name === "slice";

/** `x.fill(…)`: a typed array's fill, when x is one (the code generator checks). */
export const isFill = (node: Node): boolean =>
  node.type === "CallExpression" &&
  node.callee.type === "MemberExpression" &&
  !node.callee.computed &&
  node.callee.property.name === "fill";

/**
 * `a.fill(value, start, end)`, as TypedArray.prototype.fill: the value converted once (a number, or a
 * bigint for a bigint array: JavaScript throws otherwise), start and end relative (negative from the
 * end), truncated and clamped to [0, length], then every element in between stored as an assignment
 * stores it. Leaves the array (the call's value).
 */
export function fillCall(cx: FunctionContext, node: Node): ResultType {
  const args: Node[] = node.arguments;
  if (args.length > 3) throw cx.err(`\`.fill\` with ${args.length} arguments (it takes a value, a start and an end)`, node);
  const object = node.callee.object;
  const type = recurse.expr(cx, object);
  if (!isArray(type)) throw cx.err(`\`.fill\` of a ${describeType(type)}`, node);
  const [ptr, length] = [cx.local("i32"), cx.local("i32")];
  cx.emit(["local.set", length], ["local.set", ptr]);
  cx.builder.wrote(writtenParameter(cx, object));
  cx.builder.usesMemory = true;
  const element = elementOf(type);
  const valueType = args.length > 0 ? recurse.expr(cx, args[0]) : "f64";
  if (args.length === 0) cx.emit(["f64.const", NaN]); // undefined: NaN for a number array
  const wanted = ELEMENTS[element].value;
  const [from, value] = isBigint(wanted) ? [wanted, cx.local("i64")] : ["f64" as const, cx.local("f64")];
  cx.emit(...cx.convert(valueType, from, args[0] ?? node, "the value of `.fill`"), ["local.set", value]);
  const k = relativeIndex(cx, args[1], length, [["i32.const", 0]], "`.fill`");
  const last = relativeIndex(cx, args[2], length, [["local.get", length]], "`.fill`");
  // What each element stores, converted once (ToInt32, clamping or rounding is the same for each).
  const stored = cx.local(storedType(type));
  cx.emit(["local.get", value], ...storedValue(cx, type, from, node), ["local.set", stored]);
  const shift = Math.log2(ELEMENTS[element].bytes);
  const at = (index: number): Instr[] => [["local.get", ptr], ["local.get", index], ["i32.const", shift], ["i32.shl"], ["i32.add"]];
  if (shift === 0) {
    // Bytes: one memory.fill of last − k of them (the stored i32's low byte, as i32.store8 keeps).
    cx.emit(["local.get", k], ["local.get", last], ["i32.lt_u"]);
    cx.open("if");
    cx.emit(...at(k), ["local.get", stored], ["local.get", last], ["local.get", k], ["i32.sub"], ["memory.fill"]);
    cx.close();
  } else {
    const exit = cx.open("block");
    const top = cx.open("loop");
    cx.emit(["local.get", k], ["local.get", last], ["i32.ge_u"], ["br_if", cx.depth - exit]);
    cx.emit(...at(k), ["local.get", stored], [ELEMENTS[element].store]);
    cx.emit(["local.get", k], ["i32.const", 1], ["i32.add"], ["local.set", k], ["br", cx.depth - top]);
    cx.close();
    cx.close();
  }
  cx.emit(["local.get", ptr], ["local.get", length]);
  return type;
}

/**
 * An end of a range of `.fill`, `.subarray`, `.slice`: the argument ToIntegerOrInfinity (truncated, NaN
 * as 0), from the end when negative, clamped to [0, length]; `otherwise` (code leaving an i32) when the
 * argument is absent. Returns the i32 local holding it.
 */
export function relativeIndex(cx: FunctionContext, arg: Node | undefined, length: number, otherwise: Instr[], what: string): number {
  const out = cx.local("i32");
  if (!arg) return (cx.emit(...otherwise, ["local.set", out]), out);
  const t = recurse.expr(cx, arg);
  if (!isNumber(t)) throw cx.fail(`a ${describeType(t)} as an index of ${what} (a number is expected)`, arg);
  const x = cx.local("f64");
  const len: Instr[] = [["local.get", length], ["f64.convert_i32_u"]];
  cx.emit(...cx.convert(t, "f64", arg, `an index of ${what}`), ["f64.trunc"], ["local.tee", x], ["local.get", x], ["f64.eq"]);
  cx.emit(["if", "f64"], ["local.get", x], ["else"], ["f64.const", 0], ["end"], ["local.tee", x]);
  cx.emit(["f64.const", 0], ["f64.lt"], ["if", "f64"], ...len, ["local.get", x], ["f64.add"], ["f64.const", 0], ["f64.max"]);
  cx.emit(["else"], ["local.get", x], ...len, ["f64.min"], ["end"], ["i32.trunc_sat_f64_u"], ["local.set", out]);
  return out;
}

/** Compiles `new Name()`, `new Name(length)` or `new Name(typed array)` (a copy): leaves (pointer, length). */
export function newTypedArray(cx: FunctionContext, element: ElementType, node: Node): ResultType {
  const name = ELEMENTS[element].array.name;
  const type: ArrayType = `${element}[]`;
  const args: Node[] = node.arguments;
  if (args.length > 1 || args.some((a) => a.type === "SpreadElement"))
    throw cx.err(`\`new ${name}\` with ${args.length} arguments (it takes a length, or a ${name} to copy)`, node);
  const length = cx.local("f64");
  let source: { local: number; type: ArrayType } | undefined;
  if (args.length === 0) cx.emit(["f64.const", 0], ["local.set", length]);
  else {
    const arg = recurse.expr(cx, args[0]);
    if (isNumber(arg)) cx.emit(...cx.convert(arg, "f64", args[0], "the length"), ["local.set", length]);
    else if (isArray(arg)) {
      // A copy, as long as the array: of its bytes, or of its values converted as a store converts them.
      if (isBigint(ELEMENTS[elementOf(arg)].value) !== isBigint(ELEMENTS[element].value))
        throw cx.fail(
          `\`new ${name}\` of a ${describeType(arg)}: bigint and number arrays do not convert (JavaScript throws a TypeError)`,
          node,
        );
      const count = cx.local("i32");
      source = { local: cx.local("i32"), type: arg };
      cx.emit(["local.set", count], ["local.set", source.local], ["local.get", count], ["f64.convert_i32_u"], ["local.set", length]);
    } else throw cx.fail(`\`new ${name}\` of a ${describeType(arg)}: jit takes a number (the length) or a typed array (copied)`, args[0]);
  }
  const alloc = cx.builder.hostFunction("env", ALLOC_IMPORTS.alloc, ["f64", "i32"], ["i32"]);
  cx.builder.usesMemory = true;
  const [ptr, count] = [cx.local("i32"), cx.local("i32")];
  // The host checked the length as JavaScript does (an integer once truncated, NaN as 0, ≥ 0, room
  // in memory), so its truncation here is exact, and so is its size in bytes. The block is zeroed (a
  // stacked one was used before), or the copy's elements written, here: memory.fill and memory.copy.
  cx.emit(["local.get", length], ["i32.const", ALLOC_ELEMENTS.indexOf(element)], ["call", alloc], ["local.set", ptr]);
  cx.emit(["local.get", length], ["i32.trunc_sat_f64_u"], ["local.set", count]);
  const bytes: Instr[] = [["local.get", count], ["i32.const", Math.log2(ELEMENTS[element].bytes)], ["i32.shl"]];
  if (source === undefined) cx.emit(["local.get", ptr], ["i32.const", 0], ...bytes, ["memory.fill"]);
  else if (source.type === type) cx.emit(["local.get", ptr], ["local.get", source.local], ...bytes, ["memory.copy"]);
  else convertingCopy(cx, source, { local: ptr, type }, count, node);
  cx.emit(["local.get", ptr], ["local.get", count]);
  return type;
}

/** `count` elements from `from` to `to`, each read and stored as `to[i] = from[i]` converts it (ToInt32 and a wrap, rounding to f32, clamping). */
export function convertingCopy(
  cx: FunctionContext,
  from: { local: number; type: ArrayType },
  to: { local: number; type: ArrayType },
  count: number,
  node: Node,
): void {
  const [i, read, write] = [cx.local("i32"), cx.local("i32"), cx.local("i32")];
  const address = (base: number, type: ArrayType): Instr[] => [
    ["local.get", base],
    ["local.get", i],
    ["i32.const", Math.log2(ELEMENTS[elementOf(type)].bytes)],
    ["i32.shl"],
    ["i32.add"],
  ];
  const [source, target] = [elementPlace(cx, from.type, read), elementPlace(cx, to.type, write)];
  cx.emit(["i32.const", 0], ["local.set", i]);
  const exit = cx.open("block");
  const top = cx.open("loop");
  cx.emit(["local.get", i], ["local.get", count], ["i32.ge_u"], ["br_if", cx.depth - exit]);
  cx.emit(...address(from.local, from.type), ["local.set", read], ...address(to.local, to.type), ["local.set", write]);
  cx.emit(...source.get, ...target.set(source.type, node));
  cx.emit(["local.get", i], ["i32.const", 1], ["i32.add"], ["local.set", i], ["br", cx.depth - top]);
  cx.close();
  cx.close();
}

/** Does `block` assign to an array local declared outside it (so an array made in it may outlive it)? */
export function assignsOuterArray(cx: FunctionContext, block: Node): boolean {
  return (
    first(block, (n) => {
      if (n.type !== "AssignmentExpression" || n.left.type !== "Identifier") return false;
      const v = cx.lookup(n.left.name);
      return v !== undefined && isArray(v.type);
    }) !== undefined
  );
}

/**
 * The first `new Float64Array(…)` (of any typed array jit knows) or `x.slice(…)` in `node`, and how to
 * name it ("`new Float64Array`", "`.slice`"): what runs only on this thread. `.set` too (between element
 * types it may copy through a temporary block): refused where arrays cannot be made.
 */
export function firstAllocation(node: Node): { node: Node; name: string; instead: string } | undefined {
  const made = first(
    node,
    (n) =>
      (n.type === "NewExpression" && n.callee.type === "Identifier" && typedArrayElement(n.callee.name) !== undefined) ||
      isSlice(n) ||
      (n.type === "CallExpression" && n.callee.type === "MemberExpression" && !n.callee.computed && n.callee.property.name === "set"),
  );
  if (!made) return undefined;
  if (made.type === "NewExpression")
    return { node: made, name: `\`new ${made.callee.name}\``, instead: "make the array outside and pass it in" };
  const name = made.callee.property.name as string;
  return name === "slice"
    ? { node: made, name: "`.slice`", instead: "make the array outside and pass it in" }
    : { node: made, name: "`.set`", instead: "write the copy as a loop (between element types `.set` may copy through a temporary array)" };
}

function first(node: Node, test: (n: Node) => boolean): Node | undefined {
  if (test(node)) return node;
  for (const child of childNodes(node)) {
    const found = first(child, test);
    if (found) return found;
  }
  return undefined;
}

/** Gives back the arrays the scope made (`owned`), last made first, unless they may outlive it. */
export function freeOwned(cx: FunctionContext, scope: Map<string, Var>): void {
  if (cx.escaping.get(scope) !== false) return;
  const owned = [...scope.values()].filter((v) => v.owned).reverse();
  if (owned.length === 0) return;
  const free = cx.builder.hostFunction("env", ALLOC_IMPORTS.free, ["i32"], []);
  for (const v of owned) cx.emit(["local.get", v.locals[0]], ["call", free]);
}
