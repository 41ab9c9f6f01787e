import { describe, expect, it } from "vitest";
import { compileWasm, kernels, twins } from "../../src/index.ts";

describe("loader in Chromium (cross-origin isolated page)", () => {
  it("fetches and instantiates the kernels beside the module", async () => {
    const k = await kernels();
    expect(k.sumIntegers(100_000n)).toBe(twins.bigint.sumIntegers(100_000n));
    expect(k.sumIntegers(0)).toBe(0n);
  });

  it("accepts a URL string, bytes and a compiled module as the source", async () => {
    const url = new URL("../../build/hotpath.wasm", import.meta.url);
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const module = await compileWasm(bytes);
    for (const source of [url.href, bytes, module]) {
      const k = await kernels({ source, warmUp: false });
      expect(k.sumRange(10n, 20n)).toBe(145n);
    }
  });

  it("runs the published bundle build/browser.js, which finds hotpath.wasm beside itself", async () => {
    const bundle = new URL("../../build/browser.js", import.meta.url).href;
    const published = await import(/* @vite-ignore */ bundle);
    const k = await published.kernels();
    expect(k.sumIntegers(1_000_000n)).toBe(499999500000n);
    expect(() => k.sumIntegers(-1)).toThrow(RangeError);
  });

  it("is cross-origin isolated, so SharedArrayBuffer exists", () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe("function");
  });

  it("rejects a URL that serves something other than wasm", async () => {
    await expect(kernels({ source: new URL("../../package.json", import.meta.url) })).rejects.toThrow(/Could not load WebAssembly/);
  });
});
