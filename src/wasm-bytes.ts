// Reading a `.wasm` from whatever the caller has, written once for every loader: `compileWasm`
// (kernels, pool, classes), foreign `load()` and `inspect`. Browser-safe: URLs are read by the
// `#platform` adapter (the file system in Node, Deno and Bun; fetch everywhere else). Every message
// names the argument (`name`) and, for bytes that are not wasm, how many there were and how they start.
import { platform } from "#platform";
import { WasmLoadError, expected } from "./errors.ts";
import { checkNotDetached } from "./validate.ts";

/** A source that still has its bytes: a URL (or URL string) or the bytes themselves. */
export type WasmBytesSource = URL | string | ArrayBuffer | ArrayBufferView;

/** Where a `.wasm` can come from: a URL (or URL string), its bytes, or an already compiled module. */
export type WasmSource = WasmBytesSource | WebAssembly.Module;

/** What a loader accepts, for messages: "a URL, a URL string, bytes or a WebAssembly.Module". */
export const ANY_SOURCE = "a URL, a URL string, bytes or a WebAssembly.Module";

/**
 * An exact-size copy of the caller's bytes: a pooled Node Buffer is a view into a larger ArrayBuffer
 * (wabt and the binary reader would read past its end), and the caller may reuse or detach theirs.
 * @internal
 */
export function copyBytes(source: ArrayBuffer | ArrayBufferView, name = "source"): Uint8Array<ArrayBuffer> {
  checkNotDetached(source, name, "the bytes of a .wasm");
  const view = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return view.slice();
}

/** `source` as a URL (a string resolves against the page in browsers); a TypeError naming `name` and `what` otherwise. @internal */
export function toUrl(source: unknown, name: string, what = ANY_SOURCE): URL {
  if (source instanceof URL) return source;
  if (typeof source === "string") {
    try {
      return new URL(source, globalThis.location?.href);
    } catch {
      // Falls through to the message below: "not a url" is neither a URL nor a path URL.
    }
  }
  throw new TypeError(expected(name, what, source));
}

/** "00 61 73 6d": the first four bytes in hex, or "nothing" for an empty input. @internal */
export function hexHead(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ") || "nothing";
}

/** True when `bytes` start with the WebAssembly magic number `\0asm`. @internal */
export function hasWasmMagic(bytes: Uint8Array): boolean {
  return bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

/** A WasmLoadError unless `bytes` start with `\0asm`, saying how many bytes there were and how they start. @internal */
export function checkMagic(bytes: Uint8Array, name: string): void {
  if (!hasWasmMagic(bytes))
    throw new WasmLoadError(
      `\`${name}\` is not a valid WebAssembly module: it does not start with \\0asm (${bytes.byteLength} bytes; starts with ${hexHead(bytes)})`,
    );
}

/**
 * The bytes of a `.wasm`: an exact-size copy of the caller's bytes, or the contents of the URL.
 * Starts with `\0asm` (a WasmLoadError otherwise); not validated, so `inspect` can read modules this
 * runtime could not compile. Node, Deno, Bun and browsers.
 * @internal
 */
export async function readWasmBytes(source: WasmBytesSource, name: string, what = ANY_SOURCE): Promise<Uint8Array<ArrayBuffer>> {
  let bytes: Uint8Array<ArrayBuffer>;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) bytes = copyBytes(source, name);
  else {
    const url = toUrl(source, name, what);
    try {
      bytes = await platform.readBytes(url);
    } catch (cause) {
      throw new WasmLoadError(`Could not load WebAssembly from ${url}: ${(cause as Error).message}`, { cause });
    }
  }
  checkMagic(bytes, name);
  return bytes;
}

/** Validates and compiles `bytes`; a WasmLoadError that tells bytes that are not wasm from a module this runtime cannot validate. @internal */
export async function compileBytes(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<WebAssembly.Module> {
  checkMagic(bytes, name);
  if (!WebAssembly.validate(bytes))
    throw new WasmLoadError(
      `\`${name}\` is not a valid WebAssembly module here: it starts with \\0asm but does not validate (${bytes.byteLength} bytes; it may be damaged or use a feature this runtime lacks)`,
    );
  return WebAssembly.compile(bytes);
}

/** Compiles `source` (or returns it when it is already a `WebAssembly.Module`), streaming from a URL where the platform can. */
export async function compileWasm(source: WasmSource, name = "source"): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return compileBytes(copyBytes(source, name), name);
  const url = toUrl(source, name);
  try {
    return await platform.compileUrl(url);
  } catch (cause) {
    throw new WasmLoadError(`Could not load WebAssembly from ${url}: ${(cause as Error).message}`, { cause });
  }
}

/** The compiled module and, unless the caller passed a compiled module, its bytes (foreign `load()` reads types from them). @internal */
export async function compileWithBytes(source: WasmSource, name = "source"): Promise<{ module: WebAssembly.Module; bytes?: Uint8Array }> {
  if (source instanceof WebAssembly.Module) return { module: source };
  const bytes = await readWasmBytes(source, name);
  return { module: await compileBytes(bytes, name), bytes };
}
