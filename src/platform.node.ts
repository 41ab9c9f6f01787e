// Platform adapter for Node, Deno and Bun: files are read from disk, workers are worker_threads.
// Its twin for browsers is platform.browser.ts; both satisfy the `Platform` contract in platform.ts.
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { Platform } from "./platform.ts";

export const platform: Platform = {
  name: "node",
  async readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
    if (url.protocol === "file:") return new Uint8Array(await readFile(url));
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
    return new Uint8Array(await response.arrayBuffer());
  },
  async compileUrl(url: URL): Promise<WebAssembly.Module> {
    return WebAssembly.compile(await this.readBytes(url));
  },
  cores(): number {
    return availableParallelism();
  },
  sharedMemoryReason(): string | undefined {
    return typeof SharedArrayBuffer === "function" ? undefined : "SharedArrayBuffer is not available in this runtime";
  },
};
