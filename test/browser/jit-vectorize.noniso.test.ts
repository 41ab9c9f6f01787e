// vectorize in a Chromium page WITHOUT cross-origin isolation: the pool passes messages, so the
// parallel target sends each worker its chunk's slices (a data: URL worker module runs the loop) and
// gets the output slices back; the answer is the plain map's.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPool, type Pool } from "../../src/index.ts";
import { vectorize } from "../../src/jit/index.ts";

const gauss = (x: number, s: number) => Math.exp(-(x * x) / (2 * s * s));
const xs = Float64Array.from({ length: 5001 }, (_, i) => i / 500 - 5);
const plain = Float64Array.from(xs, (x) => gauss(x, 0.8));

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ workers: 2, warmUp: false });
});
afterAll(() => pool?.close());

it("gives the plain map's answer through a message-mode pool", async () => {
  expect(globalThis.crossOriginIsolated).toBe(false);
  expect(pool.mode).toBe("message");
  expect(vectorize(gauss, "f64(f64, f64)")(xs, 0.8)).toEqual(plain);
  const par = vectorize(gauss, "f64(f64, f64)", { target: "parallel", pool });
  expect(await par(xs, 0.8)).toEqual(plain);
  const out = new Float64Array(xs.length);
  expect(await par(xs, 0.8, { out })).toBe(out);
  expect(out).toEqual(plain);
  const mulAdd = vectorize((v: bigint, k: bigint) => v * k + 1n, "u64(u64, u64)", { target: "parallel", pool });
  const big = BigUint64Array.of(0n, 1n, 2n ** 53n + 1n, 2n ** 64n - 1n);
  expect(await mulAdd(big, 3n)).toEqual(BigUint64Array.from(big, (v) => BigInt.asUintN(64, v * 3n + 1n)));
});
