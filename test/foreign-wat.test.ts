// "From scratch": examples/wat/sum.wat, assembled at run time by wabt and loaded through load(),
// gives the AssemblyScript kernel's answers, by its loop and by its hand-written closed form.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { WasmLoadError } from "../src/errors.ts";
import { load } from "../src/foreign/index.ts";
import { assembleWat } from "../src/wat/wabt.ts";
import { inspectFunction } from "../src/inspect/inspect.ts";
import { kernels } from "../src/kernels/kernels.ts";

const source = await readFile(new URL("../examples/wat/sum.wat", import.meta.url), "utf8");

describe("examples/wat/sum.wat", async () => {
  const bytes = await assembleWat(source, "sum.wat");
  const { lib } = await load(bytes, { signatures: "u64 f(u64 n); u64 f_closed(u64 n)" });
  const k = await kernels();

  it("assembles to a valid module", () => {
    expect(WebAssembly.validate(bytes)).toBe(true);
  });

  it("f and f_closed give sumIntegers' answers", () => {
    for (const n of [0n, 1n, 2n, 3n, 4n, 5n, 10n, 999n, 1000n, 65_536n, 1_000_001n]) {
      const expected = k.sumIntegers(n);
      expect(lib.f(n)).toBe(expected);
      expect(lib.f_closed(n)).toBe(expected);
    }
  });

  it("f_closed wraps modulo 2^64 for even and odd n", () => {
    for (const n of [2n ** 32n, 2n ** 32n + 1n, 2n ** 40n + 3n, 2n ** 63n, 2n ** 64n - 2n, 2n ** 64n - 1n])
      expect(lib.f_closed(n)).toBe(BigInt.asUintN(64, (n * (n - 1n)) / 2n));
  });

  it("the loop form agrees with the AssemblyScript range kernel past 2^64", () => {
    // f(n) − f(m) is the sum over [m, n): compare wrapped differences on a short range near the top.
    const lo = 2n ** 32n;
    const hi = lo + 3000n;
    expect(BigInt.asUintN(64, (lib.f_closed(hi) as bigint) - (lib.f_closed(lo) as bigint))).toBe(k.sumRange(lo, hi));
  });

  it("inspect finds the hand-written loop in f and none in f_closed", async () => {
    expect((await inspectFunction(bytes, "f")).loops.filter((l) => l.innermost)).toHaveLength(1);
    expect((await inspectFunction(bytes, "f_closed")).loops).toEqual([]);
  });
});

describe("assembleWat", () => {
  it("reports a syntax error with the file name and line", async () => {
    await expect(assembleWat("(module\n  (func (result i32) i32.konst 1))", "bad.wat")).rejects.toThrow(WasmLoadError);
    await expect(assembleWat("(module\n  (func (result i32) i32.konst 1))", "bad.wat")).rejects.toThrow(
      /Could not assemble bad\.wat: .*bad\.wat:2:/s,
    );
  });

  it("reports a module that parses but does not validate", async () => {
    await expect(assembleWat(`(module (func (result i32) i64.const 1))`, "types.wat")).rejects.toThrow(/types\.wat is not a valid module/);
  });

  it("refuses what is not text", async () => {
    await expect(assembleWat(42 as never)).rejects.toThrow(/Expected `text` to be WebAssembly text/);
  });
});
