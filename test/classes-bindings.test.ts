// AssemblyScript classes bound as TS classes: totals, points, a TS subclass, explicit lifetime.
import { describe, expect, it } from "vitest";
import { DisposedError, WasmObject, gcRuntime, loadClasses } from "../src/classes/index.ts";
import { WasmLoadError } from "../src/errors.ts";

const mod = await loadClasses();
const { Accumulator, Point2D, addPoints, runtime } = mod;

describe("Accumulator", () => {
  it("starts at 0 and adds u64 increments", () => {
    const acc = new Accumulator();
    expect(acc.total).toBe(0n);
    acc.add(5);
    acc.add(7n);
    expect(acc.total).toBe(12n);
    expect(String(acc)).toBe("Accumulator(total = 12)");
    acc.dispose();
  });

  it("wraps its total modulo 2^64 like the AssemblyScript u64", () => {
    const acc = new Accumulator();
    acc.add(2n ** 64n - 1n);
    acc.add(3n);
    expect(acc.total).toBe(2n);
    acc.dispose();
  });

  it("rejects increments a u64 cannot hold, naming the parameter", () => {
    const acc = new Accumulator();
    expect(() => acc.add(-1)).toThrow(new RangeError("Expected `increment` to be a u64 (0 ≤ n < 2^64), got -1 (number)"));
    expect(() => acc.add("5" as never)).toThrow(TypeError);
    expect(acc.total).toBe(0n);
    acc.dispose();
  });

  it("keeps separate objects separate", () => {
    const a = new Accumulator();
    const b = new Accumulator();
    a.add(1);
    b.add(100);
    expect([a.total, b.total]).toEqual([1n, 100n]);
    a.dispose();
    b.dispose();
  });
});

describe("a TS subclass, as in the tutorial", () => {
  class FriendlyAccumulator extends Accumulator {
    help(): string {
      return "Use this class to accumulate numbers.";
    }
    override toString(): string {
      return `Accumulator: total = ${this.total}`;
    }
  }

  it("inherits add and total, adds help() and its own toString", () => {
    const acc = new FriendlyAccumulator();
    acc.add(5);
    expect(acc.total).toBe(5n);
    expect(acc.help()).toBe("Use this class to accumulate numbers.");
    expect(`${acc}`).toBe("Accumulator: total = 5");
    expect(acc).toBeInstanceOf(Accumulator);
    expect(acc).toBeInstanceOf(WasmObject);
    acc.dispose();
    expect(() => acc.total).toThrow(new DisposedError("This FriendlyAccumulator was disposed; it cannot be used after dispose()"));
  });
});

describe("Point2D and addPoints", () => {
  it("adds points into a new point", () => {
    const a = new Point2D(1, 2);
    const b = new Point2D(3n, 4n);
    const c = addPoints(a, b);
    expect([c.x, c.y]).toEqual([4n, 6n]);
    expect(String(c)).toBe("Point2D(4, 6)");
    expect(c).toBeInstanceOf(Point2D);
    expect([a.x, a.y, b.x, b.y]).toEqual([1n, 2n, 3n, 4n]);
    for (const p of [a, b, c]) p.dispose();
  });

  it("wraps coordinates modulo 2^64", () => {
    const a = new Point2D(2n ** 64n - 1n, 0);
    const c = addPoints(a, a);
    expect(c.x).toBe(2n ** 64n - 2n);
    a.dispose();
    c.dispose();
  });

  it("refuses what is not a live Point2D of this instance", async () => {
    const a = new Point2D(1, 1);
    const acc = new Accumulator();
    expect(() => addPoints(a, acc as never)).toThrow(/Expected `b` to be a Point2D, got a/);
    expect(() => addPoints({ x: 1n, y: 1n } as never, a)).toThrow(TypeError);
    const other = await loadClasses();
    const foreign = new other.Point2D(1, 1);
    expect(() => addPoints(a, foreign as never)).toThrow(/Expected `b` to be a Point2D of the same module instance/);
    const gone = new Point2D(2, 2);
    gone.dispose();
    expect(() => addPoints(a, gone)).toThrow(DisposedError);
    for (const x of [a, acc, foreign]) x.dispose();
  });
});

describe("lifetime", () => {
  it("pins while held and unpins on dispose; dispose twice is harmless", () => {
    const before = runtime.pinned;
    const acc = new Accumulator();
    expect(runtime.pinned).toBe(before + 1);
    expect(acc.disposed).toBe(false);
    acc.dispose();
    acc.dispose();
    expect(acc.disposed).toBe(true);
    expect(runtime.pinned).toBe(before);
  });

  it("refuses use after dispose with a DisposedError, not a read of freed memory", () => {
    const acc = new Accumulator();
    acc.add(1);
    acc.dispose();
    expect(() => acc.add(1)).toThrow(DisposedError);
    expect(() => acc.total).toThrow(/This Accumulator was disposed; it cannot be used after dispose\(\)/);
    expect(String(acc)).toBe("Accumulator (disposed)");
    expect(new DisposedError("x").code).toBe("DISPOSED");
  });

  it("disposes through Symbol.dispose (what `using` calls)", () => {
    const before = runtime.pinned;
    const acc = new Accumulator();
    acc[Symbol.dispose]();
    expect(acc.disposed).toBe(true);
    expect(runtime.pinned).toBe(before);
  });

  it("keeps an object alive across collections while it is held", () => {
    const acc = new Accumulator();
    acc.add(41);
    // Allocate and drop many objects, collecting, so that an unpinned object would be reused.
    for (let i = 0; i < 2000; i++) new Point2D(i, i).dispose();
    runtime.collect();
    const filler = Array.from({ length: 200 }, () => new Accumulator());
    for (const f of filler) f.add(7);
    acc.add(1);
    expect(acc.total).toBe(42n);
    for (const f of filler) f.dispose();
    acc.dispose();
  });

  it("refuses a module built without the GC runtime exports", async () => {
    const kernels = await WebAssembly.instantiate(
      await import("node:fs/promises").then((fs) => fs.readFile(new URL("../build/hotpath.wasm", import.meta.url))),
      {
        env: { abort() {}, trace() {}, seed: () => 0 },
      },
    );
    expect(() => gcRuntime(kernels.instance)).toThrow(WasmLoadError);
    expect(() => gcRuntime(kernels.instance)).toThrow(/does not export __pin, __unpin, __collect: build it with .*--exportRuntime/);
    await expect(loadClasses({ source: new URL("../build/hotpath.wasm", import.meta.url) })).rejects.toThrow(WasmLoadError);
    await expect(loadClasses({ wasm: 1 } as never)).rejects.toThrow(/Unknown option `options.wasm`/);
  });
});
