import { describe, expect, it } from "vitest";
import { WasmLoadError, bindKernels, compileWasm, instantiateKernels, kernels, twins } from "../src/index.ts";
import { KERNEL_FUNCTIONS } from "../src/kernels/abi.ts";
import { threadsWasmUrl } from "../src/wasm-assets.ts";

describe("kernels()", () => {
  it("rejects unknown options and a non-boolean warmUp", async () => {
    await expect(kernels({ warmup: false } as never)).rejects.toThrow("Unknown option `options.warmup`");
    await expect(kernels({ warmUp: "no" } as never)).rejects.toThrow(TypeError);
  });

  it("gives working kernels without the warm-up, and warmUp() leaves every kernel usable", async () => {
    const k = await kernels({ warmUp: false });
    expect(k.sumIntegers(10n)).toBe(45n);
    k.warmUp();
    expect(k.countPrimes(1000)).toBe(168);
    expect(k.fnv1a64("a")).toBe(0xaf63dc4c8601ec8cn);
    expect(k.longestCollatz(10)).toEqual({ start: 9n, steps: 19 });
  });

  it("the built module exports exactly the functions the ABI lists (src/kernels/abi.ts KERNEL_FUNCTIONS)", async () => {
    const module = await compileWasm(new URL("../build/hotpath.wasm", import.meta.url));
    const exported = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === "function")
      .map((e) => e.name)
      .sort();
    expect(exported).toEqual([...KERNEL_FUNCTIONS].sort());
    const k = await kernels({ warmUp: false });
    for (const name of KERNEL_FUNCTIONS) expect(typeof k.exports[name]).toBe("function");
  });
});

describe("bindKernels()", () => {
  it("refuses raw exports that lack some of the ABI, naming what is missing", async () => {
    const k = await kernels({ warmUp: false });
    const { matmul: _, ...partial } = k.exports as unknown as Record<string, unknown>;
    expect(() => bindKernels(partial as never)).toThrow(WasmLoadError);
    expect(() => bindKernels(partial as never)).toThrow("lacks the export `matmul`");
    expect(() => bindKernels({ heapBase: () => 0 } as never)).toThrow(/lacks the exports `memory`, `sumIntegers`/);
  });
});

describe("the threads build", () => {
  it("gives the same answers from one imported shared memory, two instances side by side", async () => {
    const module = await compileWasm(threadsWasmUrl());
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const one = instantiateKernels(module, memory);
    const two = instantiateKernels(module, memory);
    expect(one.exports.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(one.countPrimes(1_000_000)).toBe(78498);
    expect(two.xxhash64("abc")).toBe(0x44bc2cf5ad770999n);
    const options = { width: 40, height: 30, maxIter: 200 };
    expect(one.mandelbrot(options)).toEqual(twins.number.mandelbrot(options));
    // collatzBestSteps is per instance: a second instance's search does not disturb the first's answer.
    one.exports.longestCollatzRange(1n, 1000n);
    two.exports.longestCollatzRange(27n, 28n);
    expect(one.exports.collatzBestSteps()).toBe(178);
    expect(two.exports.collatzBestSteps()).toBe(111);
  });
});
