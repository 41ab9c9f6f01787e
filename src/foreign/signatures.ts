// Foreign signatures: the declarations a caller writes for a `.wasm` (cffi's `cdef`: "uint64_t f(uint64_t n);",
// "u64 f(u64)", or objects), parsed into one `Signature` shape and written back for messages. Pure.
import { expected } from "../errors.ts";

/** A value type as declared: wasm's own, with signedness for integers, and `ptr` for a wasm32 address. */
export type ForeignType = "i32" | "u32" | "i64" | "u64" | "f32" | "f64" | "ptr";

/** One function's signature in object form: `{ params: ["u64"], result: "u64" }` (no result: returns nothing). */
export interface SignatureObject {
  params: readonly ForeignType[];
  result?: ForeignType | "void";
}

/**
 * Declarations, in the small C-like form cffi's `cdef` uses (`"uint64_t f(uint64_t n);"` or
 * `"u64 f(u64)"`, several separated by `;` or new lines, or an array of them), or as an object
 * mapping each function name to a `SignatureObject`.
 */
export type Signatures = string | readonly string[] | Readonly<Record<string, SignatureObject>>;

/** A parsed declaration. */
export interface Signature {
  readonly name: string;
  readonly params: readonly { readonly type: ForeignType; readonly name?: string }[];
  readonly result: ForeignType | "void";
}

const C_TYPES: Record<string, ForeignType | "void"> = {
  void: "void",
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  f32: "f32",
  f64: "f64",
  ptr: "ptr",
  usize: "ptr",
  isize: "i32",
  int: "i32",
  unsigned: "u32",
  "unsigned int": "u32",
  int32_t: "i32",
  uint32_t: "u32",
  size_t: "u32",
  uintptr_t: "u32",
  int64_t: "i64",
  uint64_t: "u64",
  "long long": "i64",
  "unsigned long long": "u64",
  float: "f32",
  double: "f64",
  // wasm32 C: long is 32 bits.
  long: "i32",
  "unsigned long": "u32",
};

const TYPE_WORDS = new Set([
  ...Object.keys(C_TYPES).flatMap((k) => k.split(" ")),
  "char",
  "short",
  "signed",
  "uint8_t",
  "int8_t",
  "uint16_t",
  "int16_t",
]);

/** The wasm value type each declared type is passed as. */
export const WASM_KIND: Record<ForeignType, "i32" | "i64" | "f32" | "f64"> = {
  i32: "i32",
  u32: "i32",
  ptr: "i32",
  i64: "i64",
  u64: "i64",
  f32: "f32",
  f64: "f64",
};

/** Parses declarations into signatures; a malformed one is a TypeError quoting it. */
export function parseSignatures(signatures: Signatures): Signature[] {
  if (typeof signatures === "string") return splitDeclarations(signatures).map(parseDeclaration);
  if (Array.isArray(signatures)) {
    return signatures.flatMap((s, i) => {
      if (typeof s !== "string") throw new TypeError(expected(`options.signatures[${i}]`, 'a declaration string such as "u64 f(u64)"', s));
      return splitDeclarations(s).map(parseDeclaration);
    });
  }
  if (signatures === null || typeof signatures !== "object")
    throw new TypeError(
      expected(
        "options.signatures",
        'declarations ("u64 f(u64)"), an array of them, or an object { name: { params, result } }',
        signatures,
      ),
    );
  return Object.entries(signatures as Record<string, SignatureObject>).map(([name, sig]) => {
    const where = `options.signatures.${name}`;
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new TypeError(expected("options.signatures", "function names that are identifiers", name));
    if (sig === null || typeof sig !== "object" || !Array.isArray(sig.params))
      throw new TypeError(expected(where, "an object { params: [...types], result?: type }", sig));
    for (const key of Object.keys(sig))
      if (key !== "params" && key !== "result") throw new TypeError(`Unknown key \`${where}.${key}\`; expected \`params\` or \`result\``);
    const params = sig.params.map((t, i) => ({ type: valueType(t, `${where}.params[${i}]`) }));
    const result = sig.result === undefined || sig.result === "void" ? "void" : valueType(sig.result, `${where}.result`);
    return { name, params, result };
  });
}

function splitDeclarations(text: string): string[] {
  return text
    .split(/[;\n]/)
    .map((s) => s.replace(/\/\/.*$/, "").trim())
    .filter(Boolean);
}

function valueType(type: unknown, where: string): ForeignType {
  if (typeof type === "string" && type in WASM_KIND) return type as ForeignType;
  throw new TypeError(expected(where, `one of ${Object.keys(WASM_KIND).join(", ")}`, type));
}

/** `const uint32_t *xs` → ptr, `uint64_t n` → u64 named n, `u64` → u64. */
function parseTyped(text: string, declaration: string): { type: ForeignType | "void"; name?: string } {
  const pointer = text.includes("*");
  const words = text
    .replace(/\*/g, " ")
    .replace(/\b(const|volatile|restrict|struct|static|extern|inline)\b/g, " ")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) throw new TypeError(`Invalid declaration "${declaration}": a parameter has no type`);
  // Any pointer is an address; its name is the last word unless that word is part of the type.
  if (pointer) {
    const last = words[words.length - 1];
    return words.length >= 2 && !TYPE_WORDS.has(last) ? { type: "ptr", name: last } : { type: "ptr" };
  }
  // The longest prefix of words that names a type ("unsigned long long"), the rest is the name.
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const rest = words.slice(n);
    if (rest.length > 1) continue;
    const type = C_TYPES[words.slice(0, n).join(" ")];
    if (type) return rest.length ? { type, name: rest[0] } : { type };
  }
  throw new TypeError(
    `Invalid declaration "${declaration}": unknown type in \`${text.trim()}\`; use ${Object.keys(WASM_KIND).join(", ")} or a C type such as uint64_t, int32_t, double, T*`,
  );
}

function parseDeclaration(declaration: string): Signature {
  const m = /^(.*?)\b([A-Za-z_$][\w$]*)\s*\(([^()]*)\)$/.exec(declaration.replace(/\s+/g, " ").trim());
  if (!m || !m[1].trim())
    throw new TypeError(`Invalid declaration "${declaration}": expected \`result name(params)\`, for example "u64 f(u64 n)"`);
  const result = parseTyped(m[1], declaration).type;
  const inner = m[3].trim();
  const params =
    inner === "" || inner === "void"
      ? []
      : inner.split(",").map((p) => {
          const t = parseTyped(p, declaration);
          if (t.type === "void") throw new TypeError(`Invalid declaration "${declaration}": a parameter cannot be void`);
          return { type: t.type, ...(t.name ? { name: t.name } : {}) };
        });
  return { name: m[2], params, result };
}

/** "u64 f(u64 n)": a signature written back in the short form, for messages. */
export function formatSignature(sig: Signature): string {
  return `${sig.result} ${sig.name}(${sig.params.map((p) => (p.name ? `${p.type} ${p.name}` : p.type)).join(", ")})`;
}
