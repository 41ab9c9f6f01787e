// Platform adapter for Node, Deno and Bun: files are read from disk, workers are worker_threads.
// Its twin for browsers is platform.browser.ts; both satisfy the `Platform` contract in platform.ts.
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Worker, parentPort, receiveMessageOnPort } from "node:worker_threads";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { nodeWorkerUrl } from "./assets.ts";
import type { Endpoint } from "comlink";
import type { Platform, PoolWorker } from "./platform.ts";

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
  spawnWorker(url?: URL): PoolWorker {
    const script = url ?? nodeWorkerUrl();
    // Deno's node:worker_threads serialises every message, even a transferred buffer (≈270 ms for
    // 16 MB, against 0.3–2.5 ms for a Web Worker): there the pool's workers are module Web Workers.
    if (isDeno()) return webWorker(script);
    const worker = new Worker(script);
    let ended = false;
    let failure: Error | undefined;
    let listener: ((reason: string) => void) | undefined;
    // Without an "error" listener, a worker's uncaught exception would be rethrown in this thread.
    worker.on("error", (error) => (failure = error));
    worker.on("exit", (code) => {
      if (ended) return;
      ended = true;
      listener?.(failure ? `it threw ${failure.name}: ${failure.message}` : `it exited with code ${code}`);
    });
    return {
      endpoint: nodeEndpoint(worker),
      url: script.href,
      onExit: (l) => void (listener = l),
      hold: (on) => void (on ? worker.ref() : worker.unref()),
      async terminate() {
        ended = true;
        await worker.terminate();
      },
    };
  },
  parentEndpoint() {
    if (parentPort) return nodeEndpoint(parentPort);
    // A Deno Web Worker (see spawnWorker): its global scope is the endpoint.
    if (isDeno() && typeof (globalThis as { postMessage?: unknown }).postMessage === "function") return globalThis as unknown as Endpoint;
    throw new Error("parentEndpoint() called outside a worker thread");
  },
  // Node only: Deno's pool workers are Web Workers, and Bun is left to its event loop (not checked there).
  pollParent:
    parentPort && !isDeno() && typeof (globalThis as { Bun?: unknown }).Bun === "undefined"
      ? () => {
          const received = receiveMessageOnPort(parentPort!);
          return received ? { data: received.message } : undefined;
        }
      : undefined,
};

function isDeno(): boolean {
  return typeof (globalThis as { Deno?: unknown }).Deno === "object" && typeof globalThis.Worker === "function";
}

/** A module Web Worker (Deno): an uncaught error, or a script that cannot load, counts as its end. */
function webWorker(script: URL): PoolWorker {
  const worker = new globalThis.Worker(script, { type: "module" });
  let ended = false;
  let listener: ((reason: string) => void) | undefined;
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    if (ended) return;
    ended = true;
    worker.terminate();
    listener?.(`it failed: ${event.message || "the worker script could not run"}`);
  });
  return {
    endpoint: worker,
    url: script.href,
    onExit: (l) => void (listener = l),
    async terminate() {
      ended = true;
      worker.terminate();
    },
  };
}
