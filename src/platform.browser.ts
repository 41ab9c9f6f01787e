// Platform adapter for browsers (and any runtime whose wasm arrives over fetch): streaming compile,
// with a fallback for servers that do not send `Content-Type: application/wasm`.
import type { Endpoint } from "comlink";
import { newBrowserWorker } from "./assets.ts";
import type { Platform, PoolWorker } from "./platform.ts";

export const platform: Platform = {
  name: "browser",
  async readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
    return new Uint8Array(await response.arrayBuffer());
  },
  async compileUrl(url: URL): Promise<WebAssembly.Module> {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText} for ${url}`);
    const type = response.headers.get("content-type") ?? "";
    if (typeof WebAssembly.compileStreaming === "function" && type.startsWith("application/wasm"))
      return WebAssembly.compileStreaming(response);
    return WebAssembly.compile(await response.arrayBuffer());
  },
  cores(): number {
    return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
  },
  sharedMemoryReason(): string | undefined {
    // Isolation first: a page without it has no SharedArrayBuffer at all, and the fix is the headers.
    if (globalThis.crossOriginIsolated === false)
      return "the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
    if (typeof SharedArrayBuffer !== "function") return "SharedArrayBuffer is not available in this runtime";
    return undefined;
  },
  spawnWorker(): PoolWorker {
    const worker = newBrowserWorker();
    let ended = false;
    let listener: ((reason: string) => void) | undefined;
    // A Web Worker has no exit event: an uncaught error (or a script that failed to load) is the only
    // sign of trouble, so it counts as the worker's death and the worker is stopped for good.
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      if (ended) return;
      ended = true;
      worker.terminate();
      listener?.(`it failed: ${event.message || "the worker script could not run"}`);
    });
    return {
      endpoint: worker,
      onExit: (l) => void (listener = l),
      async terminate() {
        ended = true;
        worker.terminate();
      },
    };
  },
  parentEndpoint(): Endpoint {
    return globalThis as unknown as Endpoint;
  },
};
