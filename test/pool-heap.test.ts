// The pool's building blocks: the free-list heap in shared memory, and range splitting.
import { describe, expect, it } from "vitest";
import { SharedHeap } from "../src/heap.ts";
import { splitCount, splitRange } from "../src/pool/split.ts";

describe("SharedHeap", () => {
  const memory = () => new WebAssembly.Memory({ initial: 1, maximum: 64, shared: true });

  it("hands out aligned, disjoint blocks and grows the memory", () => {
    const heap = new SharedHeap(memory(), 1000, 64 * 65536);
    const a = heap.alloc(10, "a");
    const b = heap.alloc(100_000, "b");
    const c = heap.alloc(1, "c");
    expect(a).toBe(1008);
    expect(b).toBe(a + 16);
    expect(c).toBe(b + 100_000);
    expect([a, b, c].every((p) => p % 16 === 0)).toBe(true);
    expect(heap.memory.buffer.byteLength).toBeGreaterThanOrEqual(c + 16);
  });

  it("reuses freed blocks first-fit and merges neighbours", () => {
    const heap = new SharedHeap(memory(), 0, 64 * 65536);
    const [a, b, c, d] = [64, 64, 64, 64].map((n, i) => heap.alloc(n, `x${i}`));
    heap.free(b);
    expect(heap.alloc(32, "small")).toBe(b);
    heap.free(b);
    heap.free(c);
    // b and c merged: 128 bytes fit where neither alone would.
    expect(heap.alloc(128, "merged")).toBe(b);
    heap.free(b);
    heap.free(a);
    heap.free(d);
    expect(heap.used).toBe(0);
    // Everything free again: allocation starts from the base.
    expect(heap.alloc(16, "again")).toBe(0);
  });

  it("refuses blocks past its limit with the parameter's name, and unknown frees", () => {
    const heap = new SharedHeap(memory(), 0, 2 * 65536);
    expect(() => heap.alloc(3 * 65536, "the image")).toThrow(
      new RangeError("Expected `the image` to fit in the pool's shared memory (131072 bytes left of 131072), got 196608 bytes"),
    );
    expect(() => heap.free(48)).toThrow(/48 is not an allocated block/);
  });
});

describe("splitRange and splitCount", () => {
  it("cover [lo, hi) exactly with contiguous, non-empty, near-equal parts", () => {
    for (const [lo, hi, parts] of [
      [0, 10, 3],
      [5, 6, 4],
      [0, 1000, 7],
      [3, 103, 9],
      [0, 2, 2],
    ]) {
      const p = splitCount(lo, hi, parts);
      expect(p[0][0]).toBe(lo);
      expect(p[p.length - 1][1]).toBe(hi);
      expect(p.length).toBe(Math.min(parts, hi - lo));
      for (let i = 0; i < p.length; i++) {
        expect(p[i][1]).toBeGreaterThan(p[i][0]);
        if (i) expect(p[i][0]).toBe(p[i - 1][1]);
      }
      const sizes = p.map(([a, b]) => b - a);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(splitCount(5, 5, 3)).toEqual([]);
  });

  it("split bigint ranges up to 2^64 the same way", () => {
    const top = 2n ** 64n - 1n;
    const p = splitRange(top - 10n, top, 4);
    expect(p).toEqual([
      [top - 10n, top - 8n],
      [top - 8n, top - 5n],
      [top - 5n, top - 3n],
      [top - 3n, top],
    ]);
    expect(splitRange(0n, 2n, 5)).toEqual([
      [0n, 1n],
      [1n, 2n],
    ]);
    expect(splitRange(7n, 3n, 2)).toEqual([]);
  });
});
