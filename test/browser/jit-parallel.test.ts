// jit(f, { parallel: true }) in Chromium, cross-origin isolated: the default pool runs in jit's shared
// memory (module Web Workers), so reductions, reads and writes work, jit.array arrays with no copy.
import { describe, expect, it } from "vitest";
import { closeDefaultPool, jit } from "../../src/jit/index.ts";
import { countAndSum, hitsPage, plainHits, squares, weighted, ws, xs } from "./jit-parallel-cases.ts";

describe("parallel jit in Chromium, cross-origin isolated", () => {
  it("reduces, reads and writes arrays on the default pool", async () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(await jit(hitsPage, { parallel: true })(20_000n)).toBe(plainHits(20_000n));
    expect(await jit(weighted, { parallel: true })(xs, ws)).toBe(weighted(xs, ws));
    expect(await jit(countAndSum, { parallel: true })(xs)).toBe(countAndSum(xs));
    const out = jit.array(Float64Array, xs.length);
    await jit(squares, { parallel: true })(out, jit.array(Float64Array, xs));
    expect(Array.from(out)).toEqual(Array.from(xs, (x) => x * x));
    const plain = new Float64Array(xs.length);
    await jit(squares, { parallel: true })(plain, xs);
    expect(Array.from(plain)).toEqual(Array.from(xs, (x) => x * x));
    await closeDefaultPool();
  });
});
