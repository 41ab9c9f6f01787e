// The loader in Node: every kind of source, and clear errors for bad ones.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileWasm, kernels, WasmLoadError } from "../src/index.ts";

const wasmUrl = new URL("../build/hotpath.wasm", import.meta.url);

describe("kernels() sources", () => {
  it("loads build/hotpath.wasm by default", async () => {
    const k = await kernels();
    expect(k.sumIntegers(10n)).toBe(45n);
  });

  it("accepts a file URL, a URL string, a pooled Node Buffer, an ArrayBuffer and a compiled Module", async () => {
    const buffer = await readFile(wasmUrl); // may be a view into a larger pooled ArrayBuffer
    const exact = new Uint8Array(buffer).buffer;
    const module = await compileWasm(buffer);
    for (const source of [wasmUrl, wasmUrl.href, buffer, exact, module]) {
      const k = await kernels({ source, warmUp: false });
      expect(k.sumRange(10n, 20n)).toBe(145n);
    }
  });

  it("does not keep a reference to the caller's bytes", async () => {
    const bytes = new Uint8Array(await readFile(wasmUrl));
    const pending = compileWasm(bytes);
    bytes.fill(0);
    await expect(pending).resolves.toBeInstanceOf(WebAssembly.Module);
  });
});

describe("kernels() errors", () => {
  it("names the source when the bytes are not wasm", async () => {
    await expect(kernels({ source: new TextEncoder().encode("hello") })).rejects.toThrow(
      /`options\.source` is not a valid WebAssembly module: it does not start with \\0asm \(5 bytes; starts with 68 65 6c 6c\)/,
    );
  });

  it("says which file is missing", async () => {
    const missing = new URL("../build/nope.wasm", import.meta.url);
    const error = await kernels({ source: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmLoadError);
    expect((error as Error).message).toContain(fileURLToPath(missing).split("/").pop());
  });

  it("rejects a source of the wrong type", async () => {
    await expect(kernels({ source: 42 as never })).rejects.toThrow(TypeError);
    await expect(kernels({ source: 42 as never })).rejects.toThrow(
      /Expected `options\.source` to be a URL, a URL string, bytes or a WebAssembly\.Module, got 42 \(number\)/,
    );
  });

  it("rejects unknown option keys and wrong option types", async () => {
    await expect(kernels({ warmup: true } as never)).rejects.toThrow(
      /Unknown option `options\.warmup`; expected one of: `source`, `warmUp`/,
    );
    await expect(kernels({ warmUp: "yes" } as never)).rejects.toThrow(/Expected `options\.warmUp` to be a boolean/);
    await expect(kernels(null as never)).rejects.toThrow(/Expected `options` to be an options object, got null/);
  });

  it("reports a module that lacks the kernels' exports", async () => {
    // The smallest valid module: magic and version, no exports.
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(kernels({ source: empty })).rejects.toThrow(WasmLoadError);
  });
});
