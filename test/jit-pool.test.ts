// A jitted range function runs on the pool directly (it carries a KernelRef, src/kernels/contract.ts):
// on 1, 2 and 3 workers, in both pool modes, it gives the single-thread answer, both as a lazy jit
// function (the pool resolves the version for (lo, hi)'s types) and with a declared signature.
import { describe, expect, it } from "vitest";
import { createPool } from "../src/index.ts";
import { KERNEL_REF, kernelRefOf } from "../src/kernels/contract.ts";
import { jit, jitClass } from "../src/jit/index.ts";

function sumSquaresRange(lo: bigint, hi: bigint) {
  let total = 0n;
  for (let i = lo; i < hi; i++) total += i * i;
  return total;
}

const HI = 3_000_000n;
const expected = jit(sumSquaresRange, "u64(u64, u64)")(0n, HI);

describe.each(["shared", "message"] as const)("jit on the pool, %s mode", (mode) => {
  it.each([1, 2, 3])("%i worker(s): a fresh lazy jit function gives the single-thread answer", async (workers) => {
    const pool = await createPool({ workers, mode, warmUp: false });
    try {
      const fresh = jit(sumSquaresRange);
      const result = await pool.reduceRange(fresh, 0n, HI, { combine: "wrapAdd", chunks: workers * 4 });
      expect(result).toBe(expected);
      expect(fresh.signatures).toEqual(["u64(u64, u64)"]); // compiled here, for the pool, from (lo, hi)'s types
    } finally {
      await pool.close();
    }
  });

  it("a jit function with a declared signature runs there too", async () => {
    const pool = await createPool({ workers: 2, mode, warmUp: false });
    try {
      const typed = jit(sumSquaresRange, "u64(u64, u64)");
      expect(await pool.reduceRange(typed, 0n, HI, { combine: "wrapAdd" })).toBe(expected);
    } finally {
      await pool.close();
    }
  });
});

it("pool.reduceRange(jit(sumRange), 0n, 10n ** 10n) wraps like the single-thread u64 sum", async () => {
  const sumRange = jit(function sumRange(lo: bigint, hi: bigint) {
    let total = 0n;
    for (let i = lo; i < hi; i++) total += i;
    return total;
  });
  const pool = await createPool({ workers: 2, warmUp: false });
  try {
    // 10^10 iterations would take ≈3 s per core; the range's length is what matters, so check a far-off window of it.
    const lo = 10n ** 10n - 4_000_000n;
    const result = await pool.reduceRange(sumRange, lo, 10n ** 10n, { combine: "wrapAdd" });
    const n = 10n ** 10n;
    expect(result).toBe(BigInt.asUintN(64, (n * (n - 1n)) / 2n - (lo * (lo - 1n)) / 2n));
  } finally {
    await pool.close();
  }
});

describe("the KernelRef a jit function carries", () => {
  it("with a signature: the spec names the parameters and gives the types; the module imports nothing", async () => {
    const typed = jit(function scale(xs: Float64Array, k: number) {
      for (let i = 0; i < xs.length; i++) xs[i] *= k;
    }, "void(f64[], f64)");
    const ref = kernelRefOf(typed)!;
    expect(ref.spec).toEqual({
      name: "scale",
      params: [
        { name: "xs", type: "f64[]", inout: true },
        { name: "k", type: "f64" },
      ],
      result: "void",
    });
    const module = await ref.module();
    expect(WebAssembly.Module.imports(module)).toEqual([]);
    // The function, its memory, and the globals a trap records its reason in (src/jit/codegen/traps.ts).
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toEqual(["scale", "memory", "__trap", "__trap_index", "__trap_length"]);
    const bytes = await ref.bytes!(); // what hotpath/cluster ships: the same module
    expect(WebAssembly.Module.exports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).map((e) => e.name)).toEqual([
      "scale",
      "memory",
      "__trap",
      "__trap_index",
      "__trap_length",
    ]);
  });

  it("without: a resolver compiling the version for the arguments' types", () => {
    const lazy = jit(function twice(x: any) {
      return x + x;
    });
    expect(typeof lazy[KERNEL_REF]).toBe("function");
    expect(kernelRefOf(lazy, [3])!.spec).toEqual({ name: "twice", params: [{ name: "x", type: "f64" }], result: "f64" });
    expect(kernelRefOf(lazy, [3n])!.spec).toEqual({ name: "twice", params: [{ name: "x", type: "u64" }], result: "u64" });
    expect(lazy.signatures).toEqual(["f64(f64)", "u64(u64)"]);
    expect(kernelRefOf(lazy, [3])).toBe(kernelRefOf(lazy, [4])); // one KernelRef per specialization (the pool caches by it)
    expect(() => kernelRefOf(lazy, ["3"])).toThrow(
      /Expected `x` to be a bigint, number, boolean, jitClass instance or one of Float64Array/,
    );
  });

  it("a function taking jitClass values cannot cross the contract: asking says why", () => {
    const Pair = jitClass(
      { a: "u64", b: "u64" },
      class Pair {
        constructor(
          public a: bigint,
          public b: bigint,
        ) {}
      },
    );
    const sum = jit((p: InstanceType<typeof Pair>) => p.a + p.b, "u64(Pair)");
    expect(sum(new Pair(1n, 2n))).toBe(3n);
    expect(() => kernelRefOf(sum)).toThrow(/jitClass values \(Pair\) do not cross the kernel contract/);
  });
});
