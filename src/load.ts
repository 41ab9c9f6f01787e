// Getting a compiled WebAssembly.Module from whatever the caller has, and instantiating hotpath's
// kernel modules with the imports they expect.
import { platform } from "#platform";
import { KernelError, WasmLoadError, describe } from "./errors.ts";

/** Where a `.wasm` can come from: a URL (or URL string), its bytes, or an already compiled module. */
export type WasmSource = URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module;

/** Compiles `source` (or returns it when it is already a `WebAssembly.Module`). Works everywhere. */
export async function compileWasm(source: WasmSource, name = "source"): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    // An exact-size copy: pooled Node Buffers share a larger ArrayBuffer, and the caller may reuse theirs.
    const bytes = (
      source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
    ).slice();
    if (!WebAssembly.validate(bytes))
      throw new WasmLoadError(`\`${name}\` is not a valid WebAssembly module (${bytes.byteLength} bytes; starts with ${hexHead(bytes)})`);
    return WebAssembly.compile(bytes);
  }
  let url: URL;
  if (source instanceof URL) url = source;
  else if (typeof source === "string") {
    try {
      url = new URL(source, globalThis.location?.href);
    } catch {
      throw new TypeError(`Expected \`${name}\` to be a URL, a path URL string, bytes or a WebAssembly.Module, got ${describe(source)}`);
    }
  } else throw new TypeError(`Expected \`${name}\` to be a URL, bytes or a WebAssembly.Module, got ${describe(source)}`);
  try {
    return await platform.compileUrl(url);
  } catch (cause) {
    throw new WasmLoadError(`Could not load WebAssembly from ${url}: ${(cause as Error).message}`, { cause });
  }
}

function hexHead(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ") || "nothing";
}

/** Reads an AssemblyScript string (UTF-16, byte length stored just before it) from memory. */
export function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return "";
  const buffer = memory.buffer;
  const bytes = new Uint32Array(buffer, ptr - 4, 1)[0];
  const units = new Uint16Array(buffer.slice(ptr, ptr + bytes) as ArrayBuffer);
  return String.fromCharCode(...units);
}

/** The `env` imports every AssemblyScript module built with the stub runtime may ask for. */
export function assemblyScriptImports(
  memory: () => WebAssembly.Memory,
  extra: Record<string, WebAssembly.ImportValue> = {},
): WebAssembly.Imports {
  return {
    env: {
      abort(messagePtr: number, filePtr: number, line: number, column: number): never {
        const mem = memory();
        const message = readAsString(mem, messagePtr) || "abort";
        const file = readAsString(mem, filePtr);
        throw new KernelError(`${message}${file ? ` (at ${file}:${line}:${column})` : ""}`, "abort");
      },
      trace(messagePtr: number, n: number, ...args: number[]): void {
        console.log(`trace: ${readAsString(memory(), messagePtr)}${n ? " " : ""}${args.slice(0, n).join(", ")}`);
      },
      seed(): number {
        return Date.now() * Math.random();
      },
      ...extra,
    },
  };
}

/** Throws a WasmLoadError naming every export in `names` that `module` lacks (before instantiating it). */
export function requireExports(module: WebAssembly.Module, names: readonly string[], what: string): void {
  const have = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = names.filter((name) => !have.has(name));
  if (missing.length)
    throw new WasmLoadError(
      `${what} lacks the export${missing.length > 1 ? "s" : ""} ${missing.map((m) => `\`${m}\``).join(", ")}: is it the right .wasm, built from the current sources?`,
    );
}
