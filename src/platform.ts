// The contract both platform adapters fulfil. Code elsewhere imports `#platform`, which package.json
// maps to platform.node.ts or platform.browser.ts (and the build script bakes into each bundle).

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
}
