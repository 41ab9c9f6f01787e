// The types compiled code works with, their WebAssembly representation, and Numba-style signature
// strings ("u64(u64)", "f64(f64[], i32)", "Point2D(Point2D, Point2D)").
//
// Semantics: u64/i64 are JavaScript bigints reduced modulo 2^64 after every operation; they differ only
// in comparisons, division, remainder, `>>` and how results cross back to JavaScript (u64: unsigned,
// i64: signed). f64 is a JavaScript number. i32/u32 are numbers known to be int32/uint32 (parameters
// declared so, results of bitwise operators); arithmetic on them is done in f64, as JavaScript does.
import type { ValType } from "../wasm/wasm.ts";

export type ScalarType = "u64" | "i64" | "f64" | "i32" | "u32" | "bool";
export type ElementType = "f64" | "f32" | "i32" | "u32" | "u8" | "i64" | "u64" | "i16" | "u16" | "i8" | "u8c";
export type ArrayType = `${ElementType}[]`;

/** A jitClass: a record of scalar fields, passed flattened (see class.ts). */
export interface ClassType {
  readonly kind: "class";
  readonly name: string;
  readonly fields: readonly (readonly [string, ScalarType])[];
  readonly ctor: abstract new (...args: any[]) => object;
  /** The class's source text: part of the cache key of every function that uses it. */
  readonly source: string;
}

export type ValueType = ScalarType | ArrayType | ClassType;

/**
 * A result of several scalars: `return { lo, hi }` (a fresh plain object per call, keys in source
 * order) or `return [q, r]` (a fresh Array). Returned as several wasm results, like a jitClass; a
 * result type only (no parameter, local or callee's value has it).
 */
export interface RecordType {
  readonly kind: "record";
  /** `[a, b]`: an Array; else a plain object. */
  readonly array: boolean;
  /** For an Array, the keys are "0", "1", …. */
  readonly fields: readonly (readonly [string, ScalarType])[];
}

export type ResultType = ValueType | RecordType | "void";

export interface ElementInfo {
  readonly array: new (length: number) => ArrayLike<number | bigint> & ArrayBufferView;
  readonly bytes: number;
  readonly load: string;
  readonly store: string;
  /** The type of a read element. */
  readonly value: ScalarType;
}

export const ELEMENTS: Record<ElementType, ElementInfo> = {
  f64: { array: Float64Array, bytes: 8, load: "f64.load", store: "f64.store", value: "f64" },
  f32: { array: Float32Array, bytes: 4, load: "f32.load", store: "f32.store", value: "f64" },
  i32: { array: Int32Array, bytes: 4, load: "i32.load", store: "i32.store", value: "i32" },
  u32: { array: Uint32Array, bytes: 4, load: "i32.load", store: "i32.store", value: "u32" },
  u8: { array: Uint8Array, bytes: 1, load: "i32.load8_u", store: "i32.store8", value: "i32" },
  i64: { array: BigInt64Array, bytes: 8, load: "i64.load", store: "i64.store", value: "i64" },
  u64: { array: BigUint64Array, bytes: 8, load: "i64.load", store: "i64.store", value: "u64" },
  i16: { array: Int16Array, bytes: 2, load: "i32.load16_s", store: "i32.store16", value: "i32" },
  u16: { array: Uint16Array, bytes: 2, load: "i32.load16_u", store: "i32.store16", value: "i32" },
  i8: { array: Int8Array, bytes: 1, load: "i32.load8_s", store: "i32.store8", value: "i32" },
  // A store rounds to the nearest integer (ties to even) and clamps to [0, 255], NaN to 0 (places.ts).
  u8c: { array: Uint8ClampedArray, bytes: 1, load: "i32.load8_u", store: "i32.store8", value: "i32" },
};

/** Element types whose store is ToInt32 and a wrap to the element's width (not Uint8ClampedArray's clamp). */
export const WRAPPING_ELEMENTS: ReadonlySet<ElementType> = new Set(["i32", "u32", "u8", "i16", "u16", "i8"]);

const TYPED_ARRAYS = new Map(Object.entries(ELEMENTS).map(([element, info]) => [info.array.name, element as ElementType]));

/** The element type of a typed array constructor jit knows, by its name ("Float64Array" → "f64"). */
export const typedArrayElement = (name: string): ElementType | undefined => TYPED_ARRAYS.get(name);

export const isArray = (t: ResultType): t is ArrayType => typeof t === "string" && t.endsWith("[]");
export const isClass = (t: ResultType): t is ClassType => typeof t === "object" && t.kind === "class";
export const isRecord = (t: ResultType | undefined): t is RecordType => typeof t === "object" && t.kind === "record";
export const isBigint = (t: ResultType): t is "u64" | "i64" => t === "u64" || t === "i64";
export const isNumber = (t: ResultType): t is "f64" | "i32" | "u32" => t === "f64" || t === "i32" || t === "u32";
export const elementOf = (t: ArrayType): ElementType => t.slice(0, -2) as ElementType;
export const typeName = (t: ResultType): string =>
  isClass(t)
    ? t.name
    : isRecord(t)
      ? t.array
        ? `[${t.fields.map(([, f]) => f).join(", ")}]`
        : `{${t.fields.map(([k, f]) => `${k}: ${f}`).join(", ")}}`
      : t;

/** The same shape: both objects with the same keys in the same order, or both arrays of one length. */
export const sameShape = (a: RecordType, b: RecordType): boolean =>
  a.array === b.array && a.fields.length === b.fields.length && a.fields.every(([k], i) => k === b.fields[i][0]);

/** The wasm values a value of type `t` occupies: arrays are (pointer, length), classes their fields in order. @internal */
export function wasmTypes(t: ResultType): ValType[] {
  if (t === "void") return [];
  if (isClass(t) || isRecord(t)) return t.fields.flatMap(([, f]) => wasmTypes(f));
  if (isArray(t)) return ["i32", "i32"];
  return t === "u64" || t === "i64" ? ["i64"] : t === "f64" ? ["f64"] : ["i32"];
}

/** Element types that are no scalar type (a value read from them is a number). */
const ARRAY_ONLY: ReadonlySet<string> = new Set(["f32", "u8", "i16", "u16", "i8", "u8c"]);

const ALIASES: Record<string, ScalarType | ElementType | "void"> = {
  u64: "u64",
  uint64: "u64",
  i64: "i64",
  int64: "i64",
  f64: "f64",
  float64: "f64",
  i32: "i32",
  int32: "i32",
  u32: "u32",
  uint32: "u32",
  bool: "bool",
  boolean: "bool",
  f32: "f32",
  float32: "f32",
  u8: "u8",
  uint8: "u8",
  i16: "i16",
  int16: "i16",
  u16: "u16",
  uint16: "u16",
  i8: "i8",
  int8: "i8",
  u8c: "u8c",
  uint8clamped: "u8c",
  void: "void",
};

export interface Signature {
  readonly params: readonly ValueType[];
  readonly result: ResultType | undefined;
}

/** Parses "ret(a, b)" (the result may be omitted: "(a, b)", then it is inferred). @internal */
export function parseSignature(text: string, findClass: (name: string) => ClassType | undefined): Signature {
  const shaped = /^\s*([{[])([^{}[\]()]*)([}\]])\s*(\([^()]*\))\s*$/.exec(text);
  if (shaped) {
    const { params } = parseSignature(shaped[4], findClass);
    return { params, result: parseRecord(shaped[1] === "[", shaped[2], shaped[1] + shaped[3], text) };
  }
  const match = /^\s*([\w$]*(?:\s*\[\])?)\s*\(([^()]*)\)\s*$/.exec(text);
  if (!match) throw new TypeError(`Expected a signature such as "u64(u64)" or "void(f64[], f64)", got ${JSON.stringify(text)}`);
  const one = (name: string, result: boolean): ResultType => {
    const array = name.endsWith("[]");
    const base = array ? name.slice(0, -2).trim() : name;
    const alias = ALIASES[base];
    if (array && alias && alias !== "void" && alias !== "bool") return `${alias}[]`;
    if (!array && alias && !ARRAY_ONLY.has(alias) && (result || alias !== "void")) return alias as ScalarType | "void";
    const cls = array ? undefined : findClass(base);
    if (cls) return cls;
    throw new TypeError(
      `Unknown type ${JSON.stringify(name)} in signature ${JSON.stringify(text)}: expected u64, i64, f64, i32, u32, bool, void, ` +
        `an array such as f64[] (f64, f32, i32, u32, u8, u8c, i16, u16, i8, i64, u64), or the name of a jitClass`,
    );
  };
  const params = match[2].trim() === "" ? [] : match[2].split(",").map((p) => one(p.trim(), false) as ValueType);
  return { params, result: match[1] ? one(match[1], true) : undefined };
}

/** The fields of a record result spelled `{lo: f64, hi: f64}` or `[f64, f64]` (between the brackets: `inner`). */
function parseRecord(array: boolean, inner: string, brackets: string, text: string): RecordType {
  const bad = (why: string) =>
    new TypeError(`${why} in signature ${JSON.stringify(text)}: expected a result such as {lo: f64, hi: f64} or [f64, i32]`);
  if (brackets !== (array ? "[]" : "{}")) throw bad("Unmatched brackets");
  const parts = inner.trim() === "" ? [] : inner.split(",").map((p) => p.trim());
  const fields = parts.map((part, i): readonly [string, ScalarType] => {
    const m = array ? /^()([\w$]+)$/.exec(part) : /^([A-Za-z_$][\w$]*)\s*:\s*([\w$]+)$/.exec(part);
    if (!m) throw bad(`Expected ${array ? "a type" : "key: type"}, got ${JSON.stringify(part)}`);
    const type = ALIASES[m[2]];
    if (!type || type === "void" || ARRAY_ONLY.has(type))
      throw bad(`Unknown type ${JSON.stringify(m[2])} (u64, i64, f64, i32, u32 or bool)`);
    return [array ? String(i) : m[1], type as ScalarType];
  });
  const keys = fields.map(([k]) => k);
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) throw bad(`Key ${twice} given twice`);
  if (keys.includes("__proto__")) throw bad("A key __proto__");
  return { kind: "record", array, fields };
}

/** @internal */
export function signatureText(params: readonly ValueType[], result: ResultType): string {
  return `${typeName(result)}(${params.map(typeName).join(", ")})`;
}
