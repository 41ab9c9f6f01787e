// jit(f, { parallel: true }) in Chromium WITHOUT cross-origin isolation: the default pool passes
// messages, so reductions and arrays that are only read work, and a loop that writes an array is
// refused by name.
import { describe, expect, it } from "vitest";
import { closeDefaultPool, jit } from "../../src/jit/index.ts";
import { hitsPage, plainHits, squares, weighted, ws, xs } from "./jit-parallel-cases.ts";

describe("parallel jit in Chromium without cross-origin isolation", () => {
  it("reduces and reads arrays by message; refuses a loop that writes one, by name", async () => {
    expect(globalThis.crossOriginIsolated).toBe(false);
    expect(await jit(hitsPage, { parallel: true })(20_000n)).toBe(plainHits(20_000n));
    expect(await jit(weighted, { parallel: true })(xs, ws)).toBe(weighted(xs, ws));
    await expect(jit(squares, { parallel: true })(new Float64Array(xs.length), xs)).rejects.toThrow(
      /squares's prange loop writes `out`: a parallel loop that writes an array needs the pool's shared memory/,
    );
    await closeDefaultPool();
  });
});
