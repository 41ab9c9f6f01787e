// Platform adapter for browsers (and any runtime whose wasm arrives over fetch): streaming compile,
// with a fallback for servers that do not send `Content-Type: application/wasm`.
import type { Endpoint } from "comlink";
import { browserWorkerUrl, newBrowserWorker } from "./assets.ts";
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
  spawnWorker(url?: URL): PoolWorker {
    const worker = url ? new Worker(url, { type: "module" }) : newBrowserWorker();
    const script = (url ?? browserWorkerUrl()).href;
    let ended = false;
    let listener: ((reason: string) => void) | undefined;
    // A Web Worker has no exit event: an uncaught error (or a script that failed to load) is the only
    // sign of trouble, so it counts as the worker's death and the worker is stopped for good.
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      if (ended) return;
      ended = true;
      worker.terminate();
      // A script that could not load gives an error event with no message: ask the server why.
      if (event.message) listener?.(`it failed: ${event.message}`);
      else void whyNotLoaded(script).then((why) => listener?.(`its script could not run: ${why}`));
    });
    return {
      endpoint: worker,
      url: script,
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

/** Why a worker script did not load, as far as a second request can tell: HTTP status, MIME type, or (when both look right) CSP or a script error. */
async function whyNotLoaded(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch (cause) {
    return `fetching ${url} failed (${(cause as Error).message}): a network error, or a Content-Security-Policy that blocks it`;
  }
  if (!response.ok) return `HTTP ${response.status} ${response.statusText} for ${url}`;
  const type = response.headers.get("content-type") ?? "";
  if (!/javascript|ecmascript/i.test(type))
    return `${url} was served as ${type ? `"${type}"` : "no Content-Type"}, but a module worker needs a JavaScript MIME type (text/javascript)`;
  return `${url} loads (HTTP ${response.status}, ${type}), so a Content-Security-Policy (worker-src, script-src) blocks it, or it fails to import (see the console)`;
}
