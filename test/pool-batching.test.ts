// Jobs travel in batches (protocol.ts): the jobs a worker is sent in one turn go as one message and
// their results come back together. Each call must still get its own result or error, and a user
// function that ends its worker must not take the built-in calls batched around it down with it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerError } from "../src/errors.ts";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool, type Pool } from "../src/pool/pool.ts";

const k = await kernels();
const functions = new URL("./pool-fixtures/functions.mjs", import.meta.url);
const fn = (name: string) => ({ module: functions, export: name });

describe.each(["message", "shared"] as const)("batched jobs, %s mode", (mode) => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 2, mode, warmUp: false });
  });
  afterAll(() => pool?.close());

  it("many one-chunk calls in flight each get their own result", async () => {
    const ranges = Array.from({ length: 300 }, (_, i) => [BigInt(i * 977), BigInt(i * 977 + 1 + ((i * 7919) % 5000))] as const);
    const buffers = Array.from({ length: 40 }, (_, i) => new Uint8Array(100 + i).fill(i));
    const [sums, hashes, pis] = await Promise.all([
      Promise.all(ranges.map(([lo, hi]) => pool.sumRange(lo, hi, { chunks: 1 }))),
      Promise.all(buffers.map((b) => pool.hashMany([b], { chunks: 1 }))),
      Promise.all([1n, 2n, 3n].map((seed) => pool.monteCarloPi(200_000n, seed, { chunks: 1 }))),
    ]);
    expect(sums).toEqual(ranges.map(([lo, hi]) => k.sumRange(lo, hi)));
    expect(hashes.map((h) => h[0])).toEqual(buffers.map((b) => k.xxhash64(b)));
    expect(pis.map((p) => p.inside)).toEqual([1n, 2n, 3n].map((seed) => k.monteCarloPi(200_000n, seed).inside));
  });

  it("an error in one call of a batch rejects that call only", async () => {
    const before = Array.from({ length: 50 }, (_, i) => pool.sumRange(0n, BigInt(1000 + i), { chunks: 1 }));
    const failing = pool.map(fn("failOnThree"), [1, 2, 3, 4], { chunks: 1 }).catch((e) => e);
    const after = Array.from({ length: 50 }, (_, i) => pool.sumRange(0n, BigInt(2000 + i), { chunks: 1 }));
    expect(await Promise.all(before)).toEqual(Array.from({ length: 50 }, (_, i) => k.sumRange(0n, BigInt(1000 + i))));
    const error = await failing;
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toMatch(/^three is not allowed \(in worker \d+, items \[0, 4\) of map\(failOnThree\)\)$/);
    expect(await Promise.all(after)).toEqual(Array.from({ length: 50 }, (_, i) => k.sumRange(0n, BigInt(2000 + i))));
  });

  it("a user function that ends its worker fails only its own call, not the built-in calls batched around it", async () => {
    const before = Array.from({ length: 60 }, (_, i) => pool.sumRange(BigInt(i), BigInt(5000 + i), { chunks: 1 }));
    const dying = pool.map(fn("exitWorker"), [1], { chunks: 1 }).catch((e) => e);
    const after = Array.from({ length: 60 }, (_, i) => pool.sumRange(BigInt(i), BigInt(9000 + i), { chunks: 1 }));
    expect(await Promise.all(before)).toEqual(Array.from({ length: 60 }, (_, i) => k.sumRange(BigInt(i), BigInt(5000 + i))));
    expect(await dying).toBeInstanceOf(WorkerError);
    expect(await Promise.all(after)).toEqual(Array.from({ length: 60 }, (_, i) => k.sumRange(BigInt(i), BigInt(9000 + i))));
    expect(await pool.sumIntegers(1_000_000n)).toBe(k.sumIntegers(1_000_000n));
  });
});
