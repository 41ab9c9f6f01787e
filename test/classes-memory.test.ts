// Many objects created and disposed: the module's memory (it grows when the GC heap needs room and
// never shrinks) stays put; the same loop without dispose grows it, so the measure can fail.
import { describe, expect, it } from "vitest";
import { loadClasses } from "../src/classes/index.ts";

describe("memory across many objects", () => {
  it("does not grow when objects are disposed", async () => {
    const { Accumulator, Point2D, addPoints, runtime } = await loadClasses();
    const round = () => {
      for (let i = 0; i < 2000; i++) {
        const acc = new Accumulator();
        acc.add(i);
        acc.dispose();
      }
      const a = new Point2D(1, 2);
      for (let i = 0; i < 1000; i++) addPoints(a, a).dispose();
      a.dispose();
      runtime.collect();
    };
    // The heap settles during the first rounds (TLSF grows to its working size once).
    for (let i = 0; i < 5; i++) round();
    const settled = runtime.memoryBytes();
    for (let i = 0; i < 60; i++) round(); // 180 000 more objects
    expect(runtime.memoryBytes()).toBe(settled);
    expect(runtime.pinned).toBe(0);
  });

  it("grows when objects are held (the leak the test above would catch)", async () => {
    const { Accumulator, runtime } = await loadClasses();
    const start = runtime.memoryBytes();
    const held = Array.from({ length: 50_000 }, () => new Accumulator());
    runtime.collect();
    expect(runtime.pinned).toBe(50_000);
    expect(runtime.memoryBytes()).toBeGreaterThan(start + 50_000 * 8);
    for (const acc of held) acc.dispose();
    expect(runtime.pinned).toBe(0);
  });
});
