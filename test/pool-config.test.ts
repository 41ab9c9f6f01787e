// The pool's configuration without a worker: options checked and defaulted, the data path chosen.
import { describe, expect, it } from "vitest";
import { WorkerError } from "../src/errors.ts";
import { MAX_CHUNKS, callChunks, chooseMode, poolConfig } from "../src/pool/config.ts";

const sharedHere = { cores: () => 6, sharedMemoryReason: () => undefined };
const noShared = { cores: () => 2, sharedMemoryReason: () => "the page is not cross-origin isolated" };

describe("pool configuration", () => {
  it("fills in defaults: the platform's cores, auto mode, 4 chunks per worker, warm-up on", () => {
    const config = poolConfig(undefined, sharedHere);
    expect(config).toMatchObject({ workers: 6, mode: "shared", chunksPerWorker: 4, warmUp: true });
    expect(config.modeReason).toBe("shared memory, because SharedArrayBuffer can be posted to workers here");
    expect(poolConfig({ workers: 3, warmUp: false }, noShared)).toMatchObject({
      workers: 3,
      mode: "message",
      warmUp: false,
      modeReason:
        "message passing, because the page is not cross-origin isolated: every call copies its arrays to the workers and back (pool.alloc arrays too)",
    });
  });

  it("chooses the data path: by request, or by what the platform allows", () => {
    expect(chooseMode("message", undefined)).toEqual({
      mode: "message",
      modeReason:
        "message passing was requested (options.mode): every call copies its arrays to the workers and back (pool.alloc arrays too)",
    });
    expect(chooseMode("shared", undefined).mode).toBe("shared");
    expect(() => chooseMode("shared", "no SAB")).toThrow(WorkerError);
    expect(() => chooseMode("shared", "no SAB")).toThrow(/options.mode is "shared", but shared memory cannot be used here: no SAB/);
    expect(chooseMode("auto", "no SAB").mode).toBe("message");
  });

  it("treats null as a bad value, never as the default", () => {
    for (const key of ["workers", "mode", "source", "threadsSource", "chunksPerWorker", "warmUp", "workerUrl"])
      expect(() => poolConfig({ [key]: null }, sharedHere), key).toThrow(new RegExp(`\`options.${key}\` to be .*, got null`));
  });

  it("checks both sources in either mode (a wrong value is a mistake even where it goes unused)", () => {
    for (const bad of [42, true, {}, [], "", () => 1, Symbol.iterator as never, 10n])
      for (const key of ["source", "threadsSource"]) {
        expect(() => poolConfig({ [key]: bad }, sharedHere), `${key} ${String(bad)}`).toThrow(TypeError);
        expect(() => poolConfig({ [key]: bad }, noShared), `${key} ${String(bad)}`).toThrow(
          new RegExp(`\`options.${key}\` to be a URL, a URL string, bytes or a WebAssembly.Module`),
        );
      }
    expect(poolConfig({ source: new Uint8Array(8), threadsSource: "https://example.com/t.wasm" }, sharedHere).threadsSource).toBe(
      "https://example.com/t.wasm",
    );
  });

  it("takes a worker URL as a URL or an absolute URL string", () => {
    expect(poolConfig({ workerUrl: "https://cdn.example/w.js" }, sharedHere).workerUrl?.href).toBe("https://cdn.example/w.js");
    expect(() => poolConfig({ workerUrl: "not a url" }, sharedHere)).toThrow(/`options.workerUrl` to be a URL/);
    expect(() => poolConfig({ workerUrl: 7 }, sharedHere)).toThrow(TypeError);
  });

  it("caps a call's chunks with a named RangeError", () => {
    expect(callChunks(undefined, "options", 8)).toBe(8);
    expect(callChunks({ chunks: MAX_CHUNKS }, "options", 8)).toBe(MAX_CHUNKS);
    expect(() => callChunks({ chunks: 2 ** 24 }, "options", 8)).toThrow(
      new RangeError(`Expected \`options.chunks\` to be an integer in [1, ${MAX_CHUNKS}], got 16777216 (number)`),
    );
    expect(() => callChunks({ chunks: null as never }, "options", 8)).toThrow(TypeError);
    expect(() => callChunks({ signal: null as never }, "options", 8)).toThrow(/`options.signal` to be an AbortSignal, got null/);
  });
});
