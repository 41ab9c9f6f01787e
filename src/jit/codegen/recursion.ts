// The code generator's recursive entry points. An expression holds sub-expressions, and the modules
// for calls, operators, places, built-ins and statements all need to compile one; expressions.ts
// needs them in turn. Instead of importing each other (an import cycle), those modules call through
// this table, which expressions.ts fills in when it loads.
import type { FunctionContext, Typed } from "./context.ts";
import type { Node } from "../front/parse.ts";
import type { ResultType } from "../analysis/types.ts";

export interface Recursion {
  /** Compiles an expression; returns its type. */
  expr(cx: FunctionContext, node: Node): ResultType;
  /** Compiles an expression as a condition (an i32 truth value). */
  cond(cx: FunctionContext, node: Node): void;
  /** Compiles an expression into a separate list, so its type is known before it is placed. */
  detached(cx: FunctionContext, node: Node): Typed;
  /** A number literal (an i32 while it fits, else f64). */
  number(cx: FunctionContext, value: number): ResultType;
  /** A name: a local, a parameter or a known constant. */
  identifier(cx: FunctionContext, node: Node): ResultType;
}

const unset = (): never => {
  throw new Error("jit: the code generator was used before src/jit/codegen/expressions.ts loaded");
};

/** Filled in by expressions.ts. */
export const recurse: Recursion = { expr: unset, cond: unset, detached: unset, number: unset, identifier: unset };
