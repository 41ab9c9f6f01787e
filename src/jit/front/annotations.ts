// Types from TypeScript annotations in source text: when every parameter is annotated, they are the
// declared signature (the return annotation too, when there is one), so no signature string is needed.
// bigint is u64 (as for a bigint argument; a signature string chooses i64), number f64, boolean bool;
// typed arrays by their class; a jit type name (`i32`, `u32`, `i64`, `u64`, `f64`, type aliases the
// caller declared for numbers) or a jitClass name stands for itself. An object or tuple return type
// (`{ lo: number; hi: number }`, `[number, number]`) leaves the result to the returns (its shape and types).
import type { Node, ParsedFunction } from "./parse.ts";
import { parseSignature, type ClassType, type ResultType, type Signature, type ValueType } from "../analysis/types.ts";

const KEYWORDS: Record<string, ResultType> = {
  TSBigIntKeyword: "u64",
  TSNumberKeyword: "f64",
  TSBooleanKeyword: "bool",
  TSVoidKeyword: "void",
};
const ARRAYS: Record<string, ValueType> = {
  Float64Array: "f64[]",
  Float32Array: "f32[]",
  Int32Array: "i32[]",
  Uint32Array: "u32[]",
  Uint8Array: "u8[]",
  BigInt64Array: "i64[]",
  BigUint64Array: "u64[]",
};

/** The signature the annotations declare, or undefined when no parameter is annotated (types then come from the call). */
export function annotatedSignature(parsed: ParsedFunction, findClass: (name: string) => ClassType | undefined): Signature | undefined {
  const annotated = parsed.params.filter((p) => p.typeAnnotation);
  if (annotated.length === 0) return undefined;
  const missing = parsed.params.find((p) => !p.typeAnnotation);
  if (missing)
    throw parsed.source.error(
      `parameter \`${missing.name ?? "…"}\` has no type annotation where others have one: annotate every parameter (or none, to type them from the call)`,
      missing,
    );
  const params = parsed.params.map((p) => typeOf(parsed, p.typeAnnotation.typeAnnotation, false, findClass) as ValueType);
  const ret = parsed.node.returnType?.typeAnnotation as Node | undefined;
  // `: { lo: number; hi: number }` or `: [number, number]`: the result's shape and types come from its returns.
  const shaped = ret?.type === "TSTypeLiteral" || ret?.type === "TSTupleType";
  return { params, result: ret && !shaped ? typeOf(parsed, ret, true, findClass) : undefined };
}

function typeOf(parsed: ParsedFunction, t: Node, result: boolean, findClass: (name: string) => ClassType | undefined): ResultType {
  const keyword = KEYWORDS[t.type];
  if (keyword && (result || keyword !== "void")) return keyword;
  if (t.type === "TSTypeReference" && t.typeName.type === "Identifier" && !t.typeArguments && !t.typeParameters) {
    const name: string = t.typeName.name;
    if (ARRAYS[name]) return ARRAYS[name];
    try {
      // A jit type name ("i32", "u64", …) or a jitClass: what a signature string would accept.
      const one = parseSignature(result ? `${name}()` : `(${name})`, findClass);
      return result ? one.result! : one.params[0];
    } catch {
      // Not a name jit knows: the error below names it.
    }
  }
  const text = parsed.source.text.slice(t.start - parsed.source.shift, t.end - parsed.source.shift);
  throw parsed.source.error(
    `the type \`${text}\` has no jit equivalent (bigint, number, boolean, a typed array, a jitClass, or i32/u32/i64/u64/f64)`,
    t,
  );
}
