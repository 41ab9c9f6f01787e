// The boundary of an AssemblyScript function typed in the AssemblyScript tab, read from its source:
// the kernel contract's FunctionSpec (hotpath/kernel), as `hotpath compile` derives it from asc's
// bindings. Scalars (u64 i64 u32 i32 f64 f32 bool) cross as themselves; an `xPtr: usize, xLen: i32`
// pair is one typed-array parameter `x`, whose element type a `@buffer x f64[]` doc tag names (u8[]
// without one), `inout` when the function's writes should reach the caller's array.
import type { FunctionSpec, ParamSpec } from "hotpath/kernel";

const SCALARS = new Set(["u64", "i64", "u32", "i32", "f64", "f32", "bool"]);
const BUFFERS = new Set(["u8[]", "i32[]", "u32[]", "f32[]", "f64[]", "i64[]", "u64[]"]);

/** A signature the playground cannot pass arguments to, with the 1-based line and column of the culprit. */
export class SignatureError extends Error {
  override readonly name = "SignatureError";
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** The exported function named `preferred` (else the first exported function) of `source`, as a FunctionSpec. */
export function asFunctionSpec(source: string, preferred?: string): FunctionSpec {
  const found = [...source.matchAll(/(\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?export\s+function\s+(\w+)\s*\(([^)]*)\)\s*(?::\s*(\w+))?/g)];
  if (!found.length) throw new SignatureError("no `export function` here: the AssemblyScript tab races one exported function", 1, 1);
  const m = found.find((f) => f[3] === preferred) ?? found[0];
  const at = (offset: number) => {
    const before = source.slice(0, offset).split("\n");
    return [before.length, before[before.length - 1].length + 1] as const;
  };
  const paramsStart = m.index! + m[0].indexOf("(", m[0].indexOf(m[3])) + 1;
  const tags = new Map<string, { type: string; inout: boolean }>();
  for (const t of (m[2] ?? "").matchAll(/@buffer\s+(\w+)\s+(\S+)(\s+inout)?/g)) tags.set(t[1], { type: t[2], inout: !!t[3] });

  const raw: Array<{ name: string; type: string; offset: number }> = [];
  let offset = paramsStart;
  for (const part of m[4].split(",")) {
    const text = part.trim();
    const p = /^(\w+)\s*:\s*(\w+)$/.exec(text);
    const where = offset + part.indexOf(text);
    offset += part.length + 1;
    if (!text) continue;
    if (!p) throw new SignatureError(`expected a parameter \`name: type\`, got \`${text}\``, ...at(where));
    raw.push({ name: p[1], type: p[2], offset: where });
  }

  const params: ParamSpec[] = [];
  for (let i = 0; i < raw.length; i++) {
    const p = raw[i];
    const next = raw[i + 1];
    const stem = /^(\w*?)Ptr$/.exec(p.name)?.[1];
    if (
      stem !== undefined &&
      stem !== "" &&
      p.type === "usize" &&
      next?.name === `${stem}Len` &&
      ["i32", "u32", "usize"].includes(next.type)
    ) {
      const tag = tags.get(stem);
      const type = tag?.type ?? "u8[]";
      if (!BUFFERS.has(type))
        throw new SignatureError(`@buffer ${stem}: expected one of ${[...BUFFERS].join(" ")}, got ${type}`, ...at(p.offset));
      params.push({ name: stem, type: type as ParamSpec["type"], ...(tag?.inout ? { inout: true } : {}) });
      i++;
      continue;
    }
    if (!SCALARS.has(p.type))
      throw new SignatureError(
        `parameter \`${p.name}\`: expected one of ${[...SCALARS].join(" ")}, or an \`xPtr: usize, xLen: i32\` pair for a typed array; got ${p.type}`,
        ...at(p.offset),
      );
    params.push({ name: p.name, type: p.type as ParamSpec["type"] });
  }
  const result = m[5] ?? "void";
  if (result !== "void" && !SCALARS.has(result))
    throw new SignatureError(
      `the result: expected one of ${[...SCALARS].join(" ")} or void, got ${result}`,
      ...at(m.index! + m[0].lastIndexOf(result)),
    );
  return { name: m[3], params, result: result as FunctionSpec["result"] };
}

/** "u64(u64, u64)", "f64(f64[], f64[])": a FunctionSpec written as jit writes its signatures. */
export const specText = (spec: FunctionSpec): string => `${spec.result}(${spec.params.map((p) => p.type).join(", ")})`;
