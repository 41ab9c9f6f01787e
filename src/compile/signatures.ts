// From what asc knows to the kernel contract: the `--bindings esm` declarations asc writes for a module
// (one doc block per export, with each parameter's AssemblyScript type, such as `@param lo \`u64\``)
// become FunctionSpecs (src/kernels/contract.ts).
//
// Buffers: a kernel takes a typed array as two parameters, `<name>Ptr: usize` followed by `<name>Len`
// (i32, u32 or usize; the length counts elements). The pair becomes one parameter `<name>` of the
// generated function. Its element type is u8 (a Uint8Array) unless the function's doc comment says
// otherwise with `@buffer <name> <type>`, where type is u8[], i32[], u32[], f32[], f64[], i64[] or u64[];
// `@buffer <name> f64[] inout` also copies the kernel's writes back into the caller's array.
import {
  BUFFER_ARRAYS,
  type BufferType,
  type FunctionSpec,
  type ParamSpec,
  type ResultType,
  type ScalarType,
} from "../kernels/contract.ts";

/** AssemblyScript types a kernel's scalar parameters and results may have, and their boundary type. */
const SCALARS: Record<string, ScalarType> = {
  u64: "u64",
  i64: "i64",
  u32: "u32",
  i32: "i32",
  usize: "u32",
  isize: "i32",
  f64: "f64",
  f32: "f32",
  bool: "bool",
};
const LENGTHS = new Set(["i32", "u32", "usize"]);

/** A signature asc reported for one export: names and AssemblyScript types. */
export interface AscSignature {
  name: string;
  params: Array<{ name: string; type: string }>;
  result: string;
}

/** A problem with a kernel's exports, in terms of the source (which export, which parameter). */
export class SignatureError extends Error {
  constructor(
    message: string,
    readonly exportName: string,
  ) {
    super(message);
    this.name = "SignatureError";
  }
}

/** Reads the exported functions out of asc's `--bindings esm` .d.ts (asc's own doc blocks). */
export function parseBindings(dts: string): AscSignature[] {
  const out: AscSignature[] = [];
  const block = /\/\*\*([\s\S]*?)\*\/\s*export declare function (\w+)\(/g;
  for (const m of dts.matchAll(block)) {
    const doc = m[1];
    const params = [...doc.matchAll(/@param (\w+) `([^`]+)`/g)].map((p) => ({ name: p[1], type: p[2] }));
    const result = /@returns `([^`]+)`/.exec(doc)?.[1] ?? "void";
    out.push({ name: m[2], params, result });
  }
  return out;
}

/** `@buffer <name> <type> [inout]` tags of each exported function's doc comment in the kernel source, by function name. */
export function bufferTags(source: string): Map<string, Map<string, { type: string; inout: boolean }>> {
  const out = new Map<string, Map<string, { type: string; inout: boolean }>>();
  for (const m of source.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export\s+function\s+(\w+)/g)) {
    const tags = new Map<string, { type: string; inout: boolean }>();
    for (const t of m[1].matchAll(/@buffer\s+(\w+)\s+(\S+)(\s+inout)?/g)) tags.set(t[1], { type: t[2], inout: !!t[3] });
    if (tags.size) out.set(m[2], tags);
  }
  return out;
}

/** The FunctionSpec of each export, with (xPtr, xLen) pairs folded into buffer parameters. */
export function toSpecs(signatures: readonly AscSignature[], tags: ReturnType<typeof bufferTags>): FunctionSpec[] {
  return signatures.map((sig) => toSpec(sig, tags.get(sig.name) ?? new Map()));
}

function toSpec(sig: AscSignature, tags: Map<string, { type: string; inout: boolean }>): FunctionSpec {
  const params: ParamSpec[] = [];
  const used = new Set<string>();
  for (let i = 0; i < sig.params.length; i++) {
    const p = sig.params[i];
    const next = sig.params[i + 1];
    const stem = /^(\w*?)Ptr$/.exec(p.name)?.[1] ?? (p.name === "ptr" ? "" : undefined);
    if (stem !== undefined && p.type === "usize" && next && next.name === (stem ? `${stem}Len` : "len") && LENGTHS.has(next.type)) {
      const name = stem || "data";
      const tag = tags.get(name);
      const type = tag?.type ?? "u8[]";
      if (!(type in BUFFER_ARRAYS))
        throw new SignatureError(
          `\`${sig.name}\`: @buffer ${name} ${type}: the element type must be one of ${Object.keys(BUFFER_ARRAYS).join(", ")}`,
          sig.name,
        );
      params.push({ name, type: type as BufferType, ...(tag?.inout ? { inout: true } : {}) });
      used.add(name);
      i++;
      continue;
    }
    const scalar = SCALARS[p.type];
    if (!scalar)
      throw new SignatureError(
        `\`${sig.name}\`: parameter \`${p.name}\` has type ${p.type}; a kernel takes ${Object.keys(SCALARS).join(", ")}, ` +
          "or a buffer as `<name>Ptr: usize, <name>Len: i32` (no strings, arrays or objects: kernels do not allocate)",
        sig.name,
      );
    params.push({ name: p.name, type: scalar });
  }
  for (const name of tags.keys())
    if (!used.has(name))
      throw new SignatureError(`\`${sig.name}\`: @buffer ${name} names no \`${name}Ptr: usize, ${name}Len: i32\` parameter pair`, sig.name);
  const result: ResultType | undefined = sig.result === "void" ? "void" : SCALARS[sig.result];
  if (!result)
    throw new SignatureError(
      `\`${sig.name}\` returns ${sig.result}; a kernel returns void or one of ${Object.keys(SCALARS).join(", ")}`,
      sig.name,
    );
  return { name: sig.name, params, result };
}

/** The TypeScript type of a boundary type, as the generated .d.ts writes it. */
export function tsType(type: ScalarType | BufferType | "void"): string {
  if (type === "void") return "void";
  if (type.endsWith("[]")) return BUFFER_ARRAYS[type as BufferType].name;
  if (type === "u64" || type === "i64") return "bigint";
  if (type === "bool") return "boolean";
  return "number";
}
