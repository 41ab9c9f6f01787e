// Reading the exported functions' types from a module's bytes (WebAssembly.Module.exports gives
// kinds, not types), so a declaration can be checked against the binary once, at load time. Pure.
import { WasmLoadError } from "../errors.ts";
import { WASM_KIND, formatSignature, type Signature } from "./signatures.ts";

export interface FuncType {
  params: string[];
  results: string[];
}

const VALTYPE: Record<number, string> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
  0x70: "funcref",
  0x6f: "externref",
};

/** The types of the exported functions, by export name; undefined when the binary uses encodings this reader does not know. */
export function exportedFunctionTypes(bytes: Uint8Array): Map<string, FuncType> | undefined {
  let pos = 8;
  const u8 = () => bytes[pos++];
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return result;
    }
  };
  const name = () => {
    const len = leb();
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + len));
    pos += len;
    return s;
  };
  const limits = () => {
    const flags = u8();
    leb();
    if (flags & 1) leb();
  };
  const types: FuncType[] = [];
  const funcTypes: number[] = [];
  const exports = new Map<string, FuncType>();
  while (pos < bytes.length) {
    const id = u8();
    const size = leb();
    const end = pos + size;
    if (id === 1) {
      for (let i = leb(); i > 0; i--) {
        if (u8() !== 0x60) return undefined;
        const params = Array.from({ length: leb() }, () => VALTYPE[u8()] ?? "?");
        const results = Array.from({ length: leb() }, () => VALTYPE[u8()] ?? "?");
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let i = leb(); i > 0; i--) {
        name();
        name();
        const kind = u8();
        if (kind === 0) funcTypes.push(leb());
        else if (kind === 1) (u8(), limits());
        else if (kind === 2) limits();
        else if (kind === 3) (u8(), u8());
        else return undefined;
      }
    } else if (id === 3) {
      for (let i = leb(); i > 0; i--) funcTypes.push(leb());
    } else if (id === 7) {
      for (let i = leb(); i > 0; i--) {
        const exportName = name();
        const kind = u8();
        const index = leb();
        if (kind === 0) exports.set(exportName, types[funcTypes[index]]);
      }
    }
    pos = end;
  }
  return exports;
}

/** A WasmLoadError when the declaration does not match the export's type in the binary. */
export function checkType(sig: Signature, actual: FuncType): void {
  const declaredParams = sig.params.map((p) => WASM_KIND[p.type]);
  const declaredResults = sig.result === "void" ? [] : [WASM_KIND[sig.result]];
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(declaredParams, actual.params) || !same(declaredResults, actual.results)) {
    const show = (p: readonly string[], r: readonly string[]) => `(${p.join(", ")}) -> ${r.length ? r.join(", ") : "nothing"}`;
    throw new WasmLoadError(
      `Signature of \`${sig.name}\` does not match the module: declared "${formatSignature(sig)}", which is ${show(declaredParams, declaredResults)} in wasm, but the export is ${show(actual.params, actual.results)}`,
    );
  }
}
