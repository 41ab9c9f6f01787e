// A jitted range function runs on the pool: its compiled module (no imports) is posted to the workers,
// on 1, 2 and 3 workers, in both pool modes, and gives the single-thread answer.
import { describe, expect, it } from "vitest";
import { createPool } from "../src/index.ts";
import { jit } from "../src/jit/index.ts";

function sumSquaresRange(lo: bigint, hi: bigint) {
  let total = 0n;
  for (let i = lo; i < hi; i++) total += i * i;
  return total;
}

const fast = jit(sumSquaresRange);
const { module, exportName } = fast.compile("u64(u64, u64)");
const HI = 3_000_000n;
const expected = fast(0n, HI);
const combine = (a: bigint, b: bigint) => BigInt.asUintN(64, a + b);

describe.each(["shared", "message"] as const)("jit on the pool, %s mode", (mode) => {
  it.each([1, 2, 3])("%i worker(s) give the single-thread answer", async (workers) => {
    const pool = await createPool({ workers, mode, warmUp: false });
    try {
      const result = await pool.reduceRange<bigint>({ wasm: module, export: exportName }, 0n, HI, {
        combine,
        initial: 0n,
        chunks: workers * 4,
      });
      expect(BigInt.asUintN(64, result)).toBe(expected);
    } finally {
      await pool.close();
    }
  });
});

it("the single-thread answer is the JavaScript one, wrapped to u64", () => {
  expect(expected).toBe(BigInt.asUintN(64, sumSquaresRange(0n, HI)));
});
