// The generic API for users' own kernels: map, reduceRange and forRows, with functions from an ES
// module and from a wasm module (compiled once here, posted to the workers).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool, type Pool } from "../src/pool/pool.ts";
import { rowsWasm, sumWasm, trapWasm } from "./pool-fixtures/wat.ts";

const k = await kernels();
const functions = new URL("./pool-fixtures/functions.mjs", import.meta.url);
const fn = (name: string) => ({ module: functions, export: name });

describe.each(["shared", "message"] as const)("generic API, %s mode", (mode) => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 3, mode, warmUp: false });
  });
  afterAll(() => pool?.close());

  it("map keeps the items' order for any chunk count", async () => {
    const items = Array.from({ length: 50 }, (_, i) => i - 10);
    for (const chunks of [undefined, 1, 4, 50, 200])
      expect(await pool.map(fn("square"), items, { chunks })).toEqual(items.map((x) => x * x));
    expect(await pool.map(fn("slowSquare"), [1, 2, 3])).toEqual([1, 4, 9]);
    expect(await pool.map(fn("square"), [])).toEqual([]);
  });

  it("map uses the default export when no export is named, and accepts a URL string", async () => {
    expect(await pool.map({ module: functions.href }, [1, -2])).toEqual([-1, 2]);
  });

  it("map calls a wasm export, the module compiled once and posted", async () => {
    const twice = { wasm: trapWasm(), export: "twice" };
    expect(await pool.map(twice, [0.5, 1.5, -4])).toEqual([1, 3, -8]);
  });

  it("reduceRange folds bigint sub-ranges in order (JS and wasm give the kernel's sum)", async () => {
    const combine = (a: bigint, b: bigint) => BigInt.asUintN(64, a + b);
    for (const chunks of [undefined, 1, 7]) {
      expect(await pool.reduceRange(fn("sumRange"), 5n, 200_000n, { combine, initial: 0n, chunks })).toBe(k.sumRange(5n, 200_000n));
      const wasmSum = await pool.reduceRange<bigint>({ wasm: sumWasm(), export: "sumRange" }, 0n, 3_000_000n, {
        combine: (a, b) => BigInt.asUintN(64, BigInt.asUintN(64, a) + BigInt.asUintN(64, b)),
        initial: 0n,
        chunks,
      });
      expect(wasmSum).toBe(k.sumRange(0n, 3_000_000n));
    }
  });

  it("reduceRange cuts a number range into contiguous sub-ranges that cover it exactly", async () => {
    const spans = await pool.reduceRange<[number, number][]>(fn("span"), 3, 103, {
      combine: (a, b) => [...a, ...b],
      initial: [],
      chunks: 9,
    });
    expect(spans).toHaveLength(9);
    expect(spans[0][0]).toBe(3);
    expect(spans[8][1]).toBe(103);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBe(spans[i - 1][1]);
    expect(await pool.reduceRange(fn("span"), 10, 10, { combine: (a) => a, initial: "empty" })).toBe("empty");
  });

  it("a user function's error rejects the call with its class and message, naming the worker", async () => {
    const error = await pool.map(fn("failOnThree"), [1, 2, 3, 4], { chunks: 4 }).catch((e) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toMatch(/^three is not allowed \(in worker \d+, items \[2, 3\) of map\(failOnThree\)\)$/);
    expect(await pool.map(fn("square"), [3])).toEqual([9]);
  });

  it("rejects functions a worker could not load, before any work is sent", async () => {
    await expect(pool.map(((x: number) => x) as never, [1])).rejects.toThrow(TypeError);
    await expect(pool.map({ wasm: trapWasm(), export: "nope" }, [1])).rejects.toThrow(
      /`fn.export` to name a function the wasm module exports \(boom, div, twice\), got "nope"/,
    );
    await expect(pool.map({ module: functions, export: "square", extra: 1 } as never, [1])).rejects.toThrow(/Unknown option `fn.extra`/);
    await expect(pool.map(fn("square"), "abc" as never)).rejects.toThrow(/Expected `items` to be an array, got "abc" \(string\)/);
    await expect(pool.reduceRange(fn("span"), 0, 10n, { combine: (a) => a, initial: 0 })).rejects.toThrow(/`hi`/);
    await expect(pool.reduceRange(fn("span"), 0, 10, { initial: 0 } as never)).rejects.toThrow(/`options.combine` to be a function/);
    await expect(pool.map({ wasm: trapWasm(), export: "twice", memory: new WebAssembly.Memory({ initial: 1 }) }, [1])).rejects.toThrow(
      /`fn.memory` to be a shared WebAssembly.Memory/,
    );
  });

  it("a missing export of an ES module fails the call with the export's name", async () => {
    await expect(pool.map(fn("absent"), [1])).rejects.toThrow(/export `absent` of .*functions\.mjs to be a function, got undefined/);
  });
});

describe("forRows over shared memory", () => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 3, mode: "shared", warmUp: false });
  });
  afterAll(() => pool?.close());

  const expectedRows = (height: number, width: number) =>
    Int32Array.from({ length: height * width }, (_, i) => Math.floor(i / width) * 1000 + (i % width));

  it("JS rows write disjoint parts of one SharedArrayBuffer", async () => {
    const [height, width] = [53, 17];
    for (const chunks of [undefined, 1, 5, 53]) {
      const buffer = new SharedArrayBuffer(height * width * 4);
      await pool.forRows(fn("writeRows"), 0, height, { args: [buffer, width], chunks });
      expect(new Int32Array(buffer)).toEqual(expectedRows(height, width));
    }
  });

  it("wasm rows write into a shared memory every worker's instance imports", async () => {
    const [height, width] = [40, 33];
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 256, shared: true });
    const ptr = 1024;
    await pool.forRows({ wasm: rowsWasm(), export: "fillRows", memory }, 0, height, { args: [ptr, width], chunks: 6 });
    expect(new Int32Array(memory.buffer, ptr, height * width)).toEqual(expectedRows(height, width));
    // Only [start, end) is written.
    const other = new WebAssembly.Memory({ initial: 1, maximum: 256, shared: true });
    await pool.forRows({ wasm: rowsWasm(), export: "fillRows", memory: other }, 10, 20, { args: [0, width] });
    const cells = new Int32Array(other.buffer, 0, height * width);
    expect(cells[9 * width]).toBe(0);
    expect(cells[10 * width + 1]).toBe(10_001);
    expect(cells[20 * width]).toBe(0);
  });
});
