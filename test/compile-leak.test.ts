// Nothing leaks across the boundary of a compiled module with a collector: 100,000 calls passing and
// returning strings, arrays, typed arrays and objects leave the module's memory size, asc's own count of
// allocated bytes (itcms `total`, exported by hotpath compile) and the pins where they started. The
// statistic is shown to move first, so that "unchanged" means something.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, fixtures, outDir, root } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);

let k: any;

beforeAll(async () => {
  const out = await outDir("leak");
  await run(process.execPath, [cli, "compile", join(fixtures, "kernels/values.ts"), "--out", out], { cwd: root });
  k = await (await import(/* @vite-ignore */ join(out, "values.js"))).default.load();
}, 120_000);

const snapshot = () => {
  k.heap.collect();
  return { memoryBytes: k.heap.memoryBytes(), usedBytes: k.heap.usedBytes(), pinned: k.heap.pinned };
};

describe("compiled modules with a collector", () => {
  it("count what TypeScript holds: pinned instances show in asc's statistic until disposed", () => {
    const start = snapshot();
    const held = Array.from({ length: 100 }, (_, i) => new k.Counter(`c${i}`, i));
    const holding = snapshot();
    expect(holding.pinned).toBe(start.pinned + 100);
    expect(holding.usedBytes).toBeGreaterThan(start.usedBytes + 100 * 16);
    for (const c of held) c.dispose();
    expect(snapshot()).toEqual(start);
  });

  it("100,000 calls passing and returning strings and arrays leave memory, asc's statistics and pins where they started", () => {
    const start = snapshot();
    const text = "héllo wörld \u{1F600} ".repeat(8);
    const ints = Array.from({ length: 100 }, (_, i) => i * 3 - 50);
    const floats = new Float64Array(100).map((_, i) => i / 7);
    const bigs = [1n, -2n, 3n];
    for (let i = 0; i < 100_000; i++) {
      if (k.echo(text) !== text) throw new Error(`echo changed the string at call ${i}`);
      if (k.reversed(ints)[0] !== ints[99]) throw new Error(`reversed is wrong at call ${i}`);
      if (k.doubled(floats)[7] !== 2) throw new Error(`doubled is wrong at call ${i}`);
      if (k.sumI64(bigs) !== 2n) throw new Error(`sumI64 is wrong at call ${i}`);
      if (k.retag({ label: "a", count: 1n, at: { x: 1, y: 2, z: 3 } }, "b").label !== "ab") throw new Error(`retag is wrong at call ${i}`);
    }
    const end = snapshot();
    expect(end).toEqual(start);
  }, 120_000);
});
