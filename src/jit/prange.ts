// `prange(lo, hi)`: in plain JavaScript an ordinary range iterator, so a function written for
// `jit(f, { parallel: true })` still runs as it is (for `verify`, `fallback`, and for reading). In a
// function jitted with `parallel: true`, the loop `for (const i of prange(lo, hi))` is split over a
// pool instead (parallel.ts).
import { expected } from "../errors.ts";

/** The integers [0, hi) or [lo, hi), as numbers or as bigints (both bounds of one type). */
export function prange(hi: number): Iterable<number>;
export function prange(hi: bigint): Iterable<bigint>;
export function prange(lo: number, hi: number): Iterable<number>;
export function prange(lo: bigint, hi: bigint): Iterable<bigint>;
export function prange(a: number | bigint, b?: number | bigint): Iterable<number | bigint> {
  const [lo, hi] = b === undefined ? [typeof a === "bigint" ? 0n : 0, a] : [a, b];
  const big = typeof lo === "bigint";
  if (big ? typeof hi !== "bigint" : typeof lo !== "number" || !Number.isSafeInteger(lo))
    throw new TypeError(
      expected(b === undefined ? "hi" : "lo", "a safe integer or a bigint (both bounds of one type)", b === undefined ? a : lo),
    );
  if (!big && (typeof hi !== "number" || !Number.isSafeInteger(hi))) throw new TypeError(expected("hi", "a safe integer, like `lo`", hi));
  return {
    *[Symbol.iterator]() {
      if (big) for (let i = lo as bigint; i < (hi as bigint); i++) yield i;
      else for (let i = lo as number; i < (hi as number); i++) yield i;
    },
  };
}
