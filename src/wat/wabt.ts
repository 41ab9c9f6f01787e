// wabt (WebAssembly text ↔ binary), imported on first use: it is large (≈77 ms to load in Node 20)
// and only `inspect` and `assembleWat` need it, so the browser-safe entries never import it statically.
import { WasmLoadError, expected } from "../errors.ts";

type Wabt = Awaited<ReturnType<typeof import("wabt")>>;
let wabtPromise: Promise<Wabt> | undefined;

/** wabt, imported once, on first use. @internal */
export function loadWabt(): Promise<Wabt> {
  wabtPromise ??= import("wabt").then(
    (m) => m.default(),
    (cause) => {
      wabtPromise = undefined;
      throw new Error(`hotpath needs the \`wabt\` package for this (npm install wabt): ${(cause as Error).message}`, { cause });
    },
  );
  return wabtPromise;
}

/** Every post-MVP feature hotpath's own modules use, so wabt reads and writes them. */
export const WABT_FEATURES = {
  simd: true,
  threads: true,
  bulk_memory: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
  multi_value: true,
  reference_types: true,
} as const;

/** Assembles WebAssembly text into a binary with wabt (Node, Deno, Bun; browsers with a bundler). Syntax errors name the line. */
export async function assembleWat(text: string, filename = "module.wat"): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof text !== "string") throw new TypeError(expected("text", "WebAssembly text (a string)", text));
  const wabt = await loadWabt();
  let mod;
  try {
    mod = wabt.parseWat(filename, text, WABT_FEATURES);
  } catch (cause) {
    throw new WasmLoadError(`Could not assemble ${filename}: ${(cause as Error).message.trim()}`, { cause });
  }
  try {
    mod.resolveNames();
    (mod.validate as (features?: typeof WABT_FEATURES) => void)(WABT_FEATURES);
    return new Uint8Array(mod.toBinary({ write_debug_names: true }).buffer);
  } catch (cause) {
    throw new WasmLoadError(`${filename} is not a valid module: ${(cause as Error).message.trim()}`, { cause });
  } finally {
    mod.destroy();
  }
}
