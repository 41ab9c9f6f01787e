// The contract both platform adapters fulfil. Code elsewhere imports `#platform`, which package.json
// maps to platform.node.ts or platform.browser.ts (and the build script bakes into each bundle).
import type { Endpoint } from "comlink";

/** One of the pool's workers, as the platform started it. */
export interface PoolWorker {
  /** The comlink endpoint to talk to it. */
  readonly endpoint: Endpoint;
  /** The worker script's URL, for error messages. */
  readonly url: string;
  /** Registers the listener called once if the worker ends or fails by itself (never after `terminate()`), with a reason for error messages. */
  onExit(listener: (reason: string) => void): void;
  /** Whether this worker keeps the process alive (Node's ref/unref); absent where the runtime has no such notion. */
  hold?(on: boolean): void;
  /** Stops the worker; resolves once it can no longer run (or touch shared memory). */
  terminate(): Promise<void>;
}

export interface Platform {
  /** "node" for Node, Deno and Bun; "browser" for pages and web workers. */
  readonly name: "node" | "browser";
  /** Reads a file: or http(s): URL completely. */
  readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>>;
  /** Compiles the `.wasm` at `url`, streaming where the platform can. */
  compileUrl(url: URL): Promise<WebAssembly.Module>;
  /** Logical cores the platform reports (at least 1). */
  cores(): number;
  /** Why a shared WebAssembly.Memory cannot be posted to workers here, or undefined when it can. */
  sharedMemoryReason(): string | undefined;
  /**
   * Starts one of the pool's workers (build/worker.node.js on worker_threads, or build/worker.browser.js
   * as a module Web Worker), or the script at `url` (`createPool({ workerUrl })`). A worker whose script
   * cannot start reports why through `onExit` (not found, wrong MIME type, blocked by CSP), naming the URL.
   */
  spawnWorker(url?: URL): PoolWorker;
  /** Inside a pool worker: the endpoint to its parent. */
  parentEndpoint(): Endpoint;
  /**
   * Inside a pool worker, where the platform can: takes the parent's next message without the event
   * loop (Node's receiveMessageOnPort), or undefined when none waits. A worker that just answered polls
   * for a short while, so a caller's next job is taken at once instead of after an event-loop wake-up.
   */
  pollParent?(): { readonly data: unknown } | undefined;
}
