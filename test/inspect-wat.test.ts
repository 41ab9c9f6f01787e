// inspect: the WAT of one function, its instructions counted and its loops found, for built-in
// kernels, for any .wasm, and clear errors for a missing function or a file that is not wasm.
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WasmLoadError } from "../src/errors.ts";
import { assembleWat } from "../src/wat/wabt.ts";
import { main } from "../src/cli/inspect.ts";
import { formatListing, inspectFunction, inspectKernel, summarize } from "../src/inspect/inspect.ts";

const KERNELS_WITH_LOOPS = ["sumIntegers", "sumRange", "fnv1a64", "xxhash64", "mandelbrotRows", "countPrimesRange"];

describe("inspectKernel", () => {
  it.each(KERNELS_WITH_LOOPS)("%s: instructions counted and its inner loop found", async (name) => {
    const listing = await inspectKernel(name);
    expect(listing.name).toBe(name);
    expect(listing.header).toMatch(/^\(func \$\S+ \(type/);
    expect(listing.instructionCount).toBeGreaterThan(0);
    expect(listing.instructionCount).toBe(listing.lines.length);
    const inner = listing.loops.filter((l) => l.innermost);
    expect(inner.length).toBeGreaterThan(0);
    for (const loop of inner) {
      expect(listing.lines[loop.start].trim()).toMatch(/^loop\b/);
      expect(listing.lines[loop.end].trim()).toBe("end");
      expect(loop.instructions).toBe(loop.end - loop.start + 1);
    }
  });

  it("sumIntegers' loop adds with one i64.add per integer and stops at hi (i64.ne, after one lo ≥ hi check)", async () => {
    const listing = await inspectKernel("sumIntegers");
    const loop = listing.loops.find((l) => l.innermost)!;
    const body = listing.lines.slice(loop.start, loop.end + 1).map((l) => l.trim());
    expect(body.filter((l) => l === "i64.add").length).toBe(2); // the sum and the counter
    expect(body.some((l) => /^i64\.(ne|eq)$/.test(l))).toBe(true);
    expect(listing.calls).toEqual([]);
  });

  it("marks the inner loop in the formatted listing", async () => {
    const listing = await inspectKernel("sumRange");
    const text = formatListing(listing);
    const loop = listing.loops.find((l) => l.innermost)!;
    expect(text.split("\n")[0]).toBe(`;; sumRange: ${summarize(listing)}`);
    expect(text).toMatch(/^┌\s+loop/m);
    expect(text).toMatch(/^└\s+end$/m);
    expect(text.split("\n").filter((l) => /^[┌│└]/.test(l)).length).toBe(loop.instructions);
  });

  it("names the function that is missing and suggests near names", async () => {
    await expect(inspectKernel("sum")).rejects.toThrow(WasmLoadError);
    await expect(inspectKernel("sum")).rejects.toThrow(/no function `sum` \(did you mean `sumIntegers`, `sumRange`(, `[A-Za-z]+`)*\?\)/);
    await expect(inspectKernel("nothingLikeIt")).rejects.toThrow(/no function `nothingLikeIt`; exported functions: .*sumIntegers/);
  });
});

describe("inspectFunction on any module", () => {
  const nested = `(module
    (func (export "grid") (param $n i32) (result i32)
      (local $i i32) (local $j i32) (local $acc i32)
      loop $rows
        i32.const 0
        local.set $j
        loop $cols
          local.get $acc
          i32.const 1
          i32.add
          local.set $acc
          local.get $j
          i32.const 1
          i32.add
          local.tee $j
          local.get $n
          i32.lt_u
          br_if $cols
        end
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        local.get $n
        i32.lt_u
        br_if $rows
      end
      local.get $acc)
    (func (export "empty")))`;

  it("finds nested loops, their depth, and only the inner one as innermost", async () => {
    const listing = await inspectFunction(await assembleWat(nested), "grid");
    expect(listing.loops.map((l) => [l.depth, l.innermost])).toEqual([
      [0, false],
      [1, true],
    ]);
    const [outer, inner] = listing.loops;
    expect(inner.start).toBeGreaterThan(outer.start);
    expect(inner.end).toBeLessThan(outer.end);
    expect(listing.locals.join(" ")).toContain("(local $i i32)");
  });

  it("lists an empty function with no instructions and no loop", async () => {
    const listing = await inspectFunction(await assembleWat(nested), "empty");
    expect(listing.instructionCount).toBe(0);
    expect(listing.loops).toEqual([]);
    expect(summarize(listing)).toBe("0 instructions; no loop");
  });

  it("reads a .wasm file given by URL", async () => {
    const listing = await inspectFunction(new URL("../build/hotpath.wasm", import.meta.url), "sumRange");
    expect(listing.loops.length).toBeGreaterThan(0);
  });

  it("refuses a file that is not wasm, saying what it starts with", async () => {
    await expect(inspectFunction(new URL("../package.json", import.meta.url), "f")).rejects.toThrow(
      /`source` is not a valid WebAssembly module: it does not start with \\0asm \(\d+ bytes; starts with 7b/,
    );
    await expect(inspectFunction(new Uint8Array(0), "f")).rejects.toThrow(/starts with nothing/);
  });

  it("refuses a compiled Module, which keeps no bytes to disassemble", async () => {
    const module = await WebAssembly.compile(await readFile(new URL("../build/hotpath.wasm", import.meta.url)));
    await expect(inspectFunction(module, "sumRange")).rejects.toThrow(TypeError);
  });

  it("refuses an empty function name", async () => {
    await expect(inspectKernel("")).rejects.toThrow(/Expected `name` to be a function name/);
  });
});

describe("hotpath inspect", () => {
  afterEach(() => vi.restoreAllMocks());

  it("prints the listing of a kernel and exits 0", async () => {
    const out: string[] = [];
    vi.spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
    expect(await main(["sumIntegers"])).toBe(0);
    expect(out.join("\n")).toMatch(/^;; sumIntegers in build\/hotpath\.wasm \(WebAssembly\): \d+ instructions; inner loop/);
  });

  it("prints JSON with --json", async () => {
    const out: string[] = [];
    vi.spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
    expect(await main(["sumRange", "--json"])).toBe(0);
    const json = JSON.parse(out.join("\n"));
    expect(json.wasm.name).toBe("sumRange");
    expect(json.wasm.instructionCount).toBeGreaterThan(0);
  });

  it("exits 2 with usage when no name is given", async () => {
    const err: string[] = [];
    vi.spyOn(console, "error").mockImplementation((s: string) => void err.push(s));
    expect(await main([])).toBe(2);
    expect(err.join("\n")).toMatch(/expected a kernel name/);
  });
});

describe("extract edge cases", () => {
  it("a function with locals and no code keeps its locals intact", async () => {
    const listing = await inspectFunction(await assembleWat(`(module (func (export "idle") (local i32 i64)))`), "idle");
    expect(listing.instructionCount).toBe(0);
    expect(listing.locals.join(" ")).not.toMatch(/\)\)$/);
  });

  it("finds a function by its debug name when it is not exported", async () => {
    const listing = await inspectFunction(
      await assembleWat(`(module (func $helper (result i32) i32.const 1) (func (export "f") (result i32) call $helper))`),
      "helper",
    );
    expect(listing.lines).toEqual(["i32.const 1"]);
    expect(
      (
        await inspectFunction(
          await assembleWat(`(module (func $helper (result i32) i32.const 1) (func (export "f") (result i32) call $helper))`),
          "f",
        )
      ).calls,
    ).toEqual(["helper"]);
  });
});
