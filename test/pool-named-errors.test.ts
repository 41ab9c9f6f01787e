// Errors that reached users unnamed (issue 18's fuzz of every public function): a detached buffer given
// to the hashes or as a wasm source threw V8's own "Cannot perform Construct on a detached ArrayBuffer",
// and pool.map({ module }) with a URL that is not JavaScript rejected with "vm is not defined". Each is now
// a TypeError that names the parameter; every test here failed before the fix.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kernels } from "../src/kernels/kernels.ts";
import { createPool, type Pool } from "../src/pool/pool.ts";

const k = await kernels();

/** A view whose buffer was transferred away (a postMessage or structuredClone transfer does this). */
function detachedView<T extends ArrayBufferView>(view: T): T {
  structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
  return view;
}
function detachedBuffer(bytes = 16): ArrayBuffer {
  const buffer = new ArrayBuffer(bytes);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

describe("detached buffers on this thread", () => {
  it.each(["fnv1a64", "xxhash64"] as const)("k.%s(detached view or ArrayBuffer) is a TypeError naming `data`", (name) => {
    for (const data of [detachedView(new Uint8Array(8)), detachedView(new Float64Array(2)), detachedBuffer()]) {
      expect(() => k[name](data)).toThrow(TypeError);
      expect(() => k[name](data)).toThrow(/^Expected `data` to be bytes whose buffer is not detached/);
    }
  });

  it("kernels({ source: detached }) rejects with a TypeError naming options.source", async () => {
    for (const source of [detachedBuffer(), detachedView(new Uint8Array(8))]) {
      const error = await kernels({ source }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^Expected `options.source` to be .*whose buffer is not detached/);
    }
  });

  it.each(["source", "threadsSource"] as const)("createPool({ %s: detached }) rejects with a TypeError naming it", async (key) => {
    for (const bytes of [detachedBuffer(), detachedView(new Uint8Array(8))]) {
      const error = await createPool({ workers: 1, warmUp: false, [key]: bytes }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(new RegExp(`^Expected \`options.${key}\` to be .*whose buffer is not detached`));
    }
  });
});

describe.each(["shared", "message"] as const)("named errors on a pool, %s mode", (mode) => {
  let pool: Pool;
  beforeAll(async () => {
    pool = await createPool({ workers: 2, mode, warmUp: false });
  });
  afterAll(() => pool?.close());

  it("pool.hashMany with a detached view or ArrayBuffer is a TypeError naming buffers[i]", async () => {
    for (const bad of [detachedView(new Uint8Array(8)), detachedBuffer()]) {
      const error = await pool.hashMany([new Uint8Array(4), bad]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^Expected `buffers\[1\]` to be .*whose buffer is not detached/);
    }
    // The pool still answers afterwards.
    expect([...(await pool.hashMany([new Uint8Array([1, 2, 3])]))]).toEqual([k.xxhash64(new Uint8Array([1, 2, 3]))]);
  });

  it("pool.map({ module }) with a URL that is not a JavaScript module rejects with a TypeError naming fn.module", async () => {
    // Like /etc/hostname on a machine named vm: an extensionless text file (Node runs it as CommonJS).
    const dir = mkdtempSync(join(tmpdir(), "hotpath-not-js-"));
    const hostname = join(dir, "hostname");
    writeFileSync(hostname, "vm\n");
    try {
      for (const notJs of [pathToFileURL(hostname), new URL("../package.json", import.meta.url)]) {
        const error = await pool.map({ module: notJs, export: "f" }, [1, 2]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(/^Expected `fn.module` to be the URL of an ES module this worker can import, got /);
        expect((error as Error).message).toContain(notJs.href);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await pool.sumIntegers(1000n)).toBe(499500n);
  });
});
