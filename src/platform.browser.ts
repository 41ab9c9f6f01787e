// Platform adapter for browsers (and any runtime whose wasm arrives over fetch): streaming compile,
// with a fallback for servers that do not send `Content-Type: application/wasm`.
import type { Platform } from "./platform.ts";

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
    if (typeof SharedArrayBuffer !== "function") return "SharedArrayBuffer is not available in this runtime";
    if (globalThis.crossOriginIsolated === false)
      return "the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
    return undefined;
  },
};
