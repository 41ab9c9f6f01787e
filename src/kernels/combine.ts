// The named ways to fold the results of a range's pieces, shared by the pool's reduceRange, the
// cluster and the built-in range kernels. Each is associative, so any split of the range folds to the
// single-thread answer; none needs a closure to cross to a worker or another machine.
import { expected } from "../errors.ts";

export type NamedCombine = "wrapAdd" | "add" | "min" | "max";

export const NAMED_COMBINES: Readonly<Record<NamedCombine, (a: never, b: never) => unknown>> = {
  wrapAdd: (a: bigint, b: bigint) => {
    if (typeof a !== "bigint" || typeof b !== "bigint")
      throw new TypeError(expected("the results", 'bigints for combine "wrapAdd"', typeof a !== "bigint" ? a : b));
    return BigInt.asUintN(64, a + b);
  },
  add: (a: number, b: number) => a + b,
  min: (a: number, b: number) => (b < a ? b : a),
  max: (a: number, b: number) => (b > a ? b : a),
};

/** `name` as a NamedCombine, or a TypeError naming `options.combine`. @internal */
export function checkCombine(name: string): NamedCombine {
  if (Object.hasOwn(NAMED_COMBINES, name)) return name as NamedCombine;
  throw new TypeError(expected("options.combine", 'a function (a, b) => a ⊕ b, or "wrapAdd", "add", "min" or "max"', name));
}
