// The check most jit tests make: on random inputs the jitted function gives what the original gives,
// bigints modulo 2^64 (jit's u64), doubles by Object.is (NaN, −0), and leaves the arrays it was given
// as the original leaves them (each side gets its own copies).
import fc from "fast-check";
import { expect } from "vitest";
import { jit } from "../../src/jit/index.ts";

/** Checks `fn` jitted (with `signature`, if given) against `fn` on `arbs`; returns the jitted function's WAT. */
export function agrees<A extends unknown[]>(
  fn: (...args: A) => unknown,
  arbs: { [K in keyof A]: fc.Arbitrary<A[K]> },
  signature?: string,
  runs = 300,
): string {
  const fast = jit(fn, signature) as unknown as ((...args: A) => unknown) & { inspect(): string };
  const copy = (args: unknown[]) => args.map((v) => (ArrayBuffer.isView(v) ? (v as Float64Array).slice() : v)) as A;
  fc.assert(
    fc.property(...(arbs as unknown as [fc.Arbitrary<unknown>]), (...args: unknown[]) => {
      const [mine, theirs] = [copy(args), copy(args)];
      const want = fn(...theirs);
      const got = fast(...mine);
      if (typeof want === "bigint") expect(got).toBe(BigInt.asUintN(64, want));
      else expect(Object.is(got, want) ? "same" : `${String(got)} vs ${String(want)} for ${args.map(String)}`).toBe("same");
      expect(mine.map(String)).toEqual(theirs.map(String));
    }),
    { numRuns: runs },
  );
  return fast.inspect();
}
