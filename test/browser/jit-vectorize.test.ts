// vectorize in a cross-origin-isolated Chromium page: on this thread, and on a pool of 2 workers in
// shared mode (the loop through forRows in the pool's shared memory).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPool, type Pool } from "../../src/index.ts";
import { jit, vectorize } from "../../src/jit/index.ts";

const gauss = (x: number, s: number) => Math.exp(-(x * x) / (2 * s * s));
const xs = Float64Array.from({ length: 5001 }, (_, i) => i / 500 - 5);
const plain = Float64Array.from(xs, (x) => gauss(x, 0.8));
const big = BigUint64Array.of(0n, 1n, 2n ** 53n + 1n, 2n ** 64n - 1n);
const bigPlain = BigUint64Array.from(big, (v) => BigInt.asUintN(64, v * 3n + 1n));

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ workers: 2, warmUp: false });
});
afterAll(() => pool?.close());

it("gives the plain map's answer on this thread and on a shared-mode pool", async () => {
  expect(globalThis.crossOriginIsolated).toBe(true);
  expect(pool.mode).toBe("shared");
  expect(vectorize(gauss, "f64(f64, f64)")(xs, 0.8)).toEqual(plain);
  const par = vectorize(gauss, "f64(f64, f64)", { target: "parallel", pool });
  expect(await par(xs, 0.8)).toEqual(plain);
  const a = jit.array(Float64Array, xs.length);
  a.set(xs);
  expect(await par(a, 0.8)).toEqual(plain);
  jit.free(a);
  const mulAdd = vectorize((v: bigint, k: bigint) => v * k + 1n, "u64(u64, u64)", { target: "parallel", pool });
  expect(await mulAdd(big, 3n)).toEqual(bigPlain);
});

it("adaptive in the page: large copied calls give the plain answers every time, and the original is tried", () => {
  function dot(a: Float64Array, b: Float64Array) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
  const n = 1 << 17; // 1 MiB each: the copies are most of the call
  const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3);
  const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
  const fast = jit(dot);
  for (let r = 0; r < 40; r++) expect(Object.is(fast(a, b), dot(a, b))).toBe(true);
  expect(fast.stats.plainCalls).toBeGreaterThanOrEqual(2);
  // vectorize's cpu target: its plain loop (built with new Function) gives the same elements.
  const xsBig = Float64Array.from({ length: 1 << 15 }, (_, i) => i / 4000 - 4);
  const expected = Float64Array.from(xsBig, (x) => gauss(x, 0.8));
  const g = vectorize(gauss, "f64(f64, f64)");
  for (let r = 0; r < 12; r++) expect(g(xsBig, 0.8)).toEqual(expected);
});
