// compare() from hotpath/bench takes a jitted function directly: the jit function (lazy, or with a
// signature) is measured against the plain function it was made from, on this thread and, for a range
// function, on the pool; every implementation's answer is checked against the plain function's.
import { expect, it } from "vitest";
import { compare } from "../src/bench/compare.ts";
import { jit } from "../src/jit/index.ts";

function sumSquaresRange(lo: bigint, hi: bigint) {
  let total = 0n;
  for (let i = lo; i < hi; i++) total = BigInt.asUintN(64, total + i * i);
  return total;
}

function dot(a: Float64Array, b: Float64Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

const preset = { rounds: 3, minRounds: 2, minSampleMs: 1, budgetMs: 60, warmupMs: 5 };

it("compare(jit(rangeFn), rangeFn, [lo, hi]): this thread and the pool give the plain function's answer", async () => {
  const { result, text } = await compare(jit(sumSquaresRange), sumSquaresRange, [3n, 20_000n], { preset, workers: [1, 2], print: false });
  const [c] = result.cases;
  expect(c.truth).toBe(String(sumSquaresRange(3n, 20_000n)));
  expect(c.implementations.map((i) => i.id)).toEqual(expect.arrayContaining(["ts", "wasm", "pool-shared-1", "pool-message-2"]));
  for (const i of c.implementations) {
    expect([i.id, i.status]).toEqual([i.id, expect.stringMatching(/^(ok|flat)$/)]);
    expect([i.id, i.value]).toEqual([i.id, c.truth]);
  }
  expect(text).toContain("sumSquaresRange");
}, 60_000);

it("compare(jit(dot, signature), dot, [a, b]): typed arrays cross the contract", async () => {
  const a = Float64Array.from({ length: 4096 }, (_, i) => (i % 7) - 3);
  const b = Float64Array.from({ length: 4096 }, (_, i) => (i % 5) * 0.5);
  const { result } = await compare(jit(dot, "f64(f64[], f64[])"), dot, [a, b], { preset, print: false });
  const [c] = result.cases;
  expect(c.implementations.map((i) => [i.id, i.value])).toEqual([
    ["ts", String(dot(a, b))],
    ["wasm", String(dot(a, b))],
  ]);
}, 60_000);
