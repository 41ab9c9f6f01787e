// `prange(lo, hi)`: in plain JavaScript an ordinary range iterator, so a function written for
// `jit(f, { parallel: true })` still runs as it is (for `verify`, `fallback`, and for reading). In a
// function jitted with `parallel: true`, the loop `for (const i of prange(lo, hi))` is split over a
// pool instead (parallel.ts).
import { expected } from "../../errors.ts";
import type { Node } from "../front/parse.ts";

/** The integers [0, hi) or [lo, hi), as numbers or as bigints (both bounds of one type). */
export function prange(hi: number): Iterable<number>;
export function prange(hi: bigint): Iterable<bigint>;
export function prange(lo: number, hi: number): Iterable<number>;
export function prange(lo: bigint, hi: bigint): Iterable<bigint>;
export function prange(a: number | bigint, b?: number | bigint): Iterable<number | bigint> {
  const [lo, hi] = b === undefined ? [typeof a === "bigint" ? 0n : 0, a] : [a, b];
  const big = typeof lo === "bigint";
  if (!big && (typeof lo !== "number" || !Number.isSafeInteger(lo)))
    throw new TypeError(expected(b === undefined ? "hi" : "lo", "a safe integer or a bigint", lo));
  if (big ? typeof hi !== "bigint" : typeof hi !== "number" || !Number.isSafeInteger(hi))
    throw new TypeError(expected("hi", big ? "a bigint, like `lo`" : "a safe integer, like `lo`", hi));
  return {
    *[Symbol.iterator]() {
      if (big) for (let i = lo as bigint; i < (hi as bigint); i++) yield i;
      else for (let i = lo as number; i < (hi as number); i++) yield i;
    },
  };
}

/**
 * Is this call a prange? jit sees only source text, never what a name is bound to, and minifiers rename
 * imports (`Yd(e)`), bundlers number them (`prange2`), Vite calls them as `(0, __vite_ssr_import_1__.prange)`.
 * jit compiles no other `for…of`, so in a jitted function any `for (const i of name(…))` with one or two
 * arguments is read as prange, as is `anything.prange(…)`.
 * @internal
 */
export function isPrangeCall(n: Node): boolean {
  if (n.type !== "CallExpression" || n.arguments.length < 1 || n.arguments.length > 2) return false;
  let callee = n.callee as Node;
  if (callee.type === "SequenceExpression") callee = callee.expressions[callee.expressions.length - 1];
  if (callee.type === "Identifier") return true;
  return callee.type === "MemberExpression" && !callee.computed && callee.property.name === "prange";
}
