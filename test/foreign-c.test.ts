// The C example: examples/c/sum.c built to wasm32 by clang (examples/c/build.mjs: the system's clang,
// else @yowasp/clang from npm), loaded with the tutorial's cdef, gives the AssemblyScript kernel's
// answers; its f is a closed form (no loop). Without any C → wasm compiler these tests fail with what
// to install, unless HOTPATH_SKIP_C=1 leaves them out.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect } from "vitest";
import { buildC, missingToolchain } from "../examples/c/build.mjs";
import { load } from "../src/foreign/index.ts";
import { inspectFunction } from "../src/inspect/inspect.ts";
import { kernels } from "../src/kernels/kernels.ts";
import { itWith } from "./support/tools.ts";

const missing = await missingToolchain();
const it = itWith("c", missing && `the C chapter (examples/c) needs a C compiler for wasm32: ${missing}`);
const dir = await mkdtemp(join(tmpdir(), "hotpath-c-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("C via clang, loaded with declared signatures", async () => {
  // Its own output file: other suites and the examples may be building build/c/sum.wasm right now.
  const url = missing ? undefined! : pathToFileURL((await buildC(join(dir, "sum.wasm"))).out);
  const c = missing
    ? undefined!
    : await load(url, {
        signatures: "uint64_t f(uint64_t); uint64_t sum_u32(const uint32_t *xs, size_t n); void scale(double *xs, size_t n, double k);",
      });
  const k = await kernels();

  it("f gives the AssemblyScript sumIntegers' answers", () => {
    for (const n of [0n, 1n, 2n, 3n, 10n, 100n, 1000n, 65_537n, 1_000_000n]) expect(c.lib.f(n)).toBe(k.sumIntegers(n));
  });

  it("f wraps modulo 2^64 exactly where the sum passes 2^64", () => {
    for (const n of [2n ** 32n, 2n ** 33n + 7n, 2n ** 63n, 2n ** 64n - 1n])
      expect(c.lib.f(n)).toBe(BigInt.asUintN(64, (n * (n - 1n)) / 2n));
    // The AssemblyScript kernel agrees where its loop is short: a range ending at 2^64 − 1.
    expect(k.sumRange(2n ** 64n - 4n, 2n ** 64n - 1n)).toBe(BigInt.asUintN(64, 3n * 2n ** 64n - 4n - 3n - 2n));
  });

  it("reads a buffer passed for a pointer, and writes one back", () => {
    expect(c.lib.sum_u32(new Uint32Array([1, 2, 3, 4_000_000_000]), 4)).toBe(4_000_000_006n);
    const xs = new Float64Array([1, -2, 0.5]);
    expect(c.lib.scale(xs, 3, 4)).toBeUndefined();
    expect([...xs]).toEqual([4, -8, 2]);
  });

  it("checks the declarations against what clang emitted", async () => {
    await expect(load(url, { signatures: "u32 f(u32)" })).rejects.toThrow(
      /Signature of `f` does not match the module: .* the export is \(i64\) -> i64/,
    );
  });

  it("inspect shows f as a closed form: no loop, a 128-bit multiply from compiler-rt", async () => {
    const listing = await inspectFunction(url, "f");
    expect(listing.loops).toEqual([]);
    expect(listing.calls).toContain("__multi3");
    expect(listing.instructionCount).toBeGreaterThan(0);
    const loopy = await inspectFunction(url, "sum_u32");
    expect(loopy.loops.some((l) => l.innermost)).toBe(true);
  });
});
