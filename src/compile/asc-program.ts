// asc's program model as hotpath reads it (analyze.ts, class-wrappers.ts): the enums it needs
// (assemblyscript's ElementKind, TypeKind, TypeFlags, CommonFlags, checked against 0.28), asc's rule for
// a plain object, and a function's shape from its resolved signature. asc's own declarations do not
// compile under hotpath's settings, so its objects are typed loosely here.
import type { FunctionShape, NumberKind, ParamShape, TypeShape } from "../kernels/shape.ts";

/** Exports whose names start with this are hotpath's wrappers, never the user's. */
export const WRAPPER_PREFIX = "__hotpath_";

export type Program = any;
export type AsType = any;
export type AsClass = any;

// asc's enums (assemblyscript's ElementKind, TypeKind, TypeFlags, CommonFlags), checked against 0.28.
export const KIND = { Global: 0, Enum: 2, FunctionPrototype: 4, ClassPrototype: 6, PropertyPrototype: 10, Namespace: 12, File: 13 };
export const FLAG = {
  Const: 8,
  Static: 32,
  Readonly: 64,
  Abstract: 128,
  Private: 512,
  Protected: 1024,
  Generic: 65536,
  Constructor: 524288,
};
export const NULLABLE = 512;
export const SOURCE_USER_ENTRY = 1;
export const NUMBER_KINDS: Record<number, NumberKind> = {
  0: "bool",
  1: "i8",
  2: "i16",
  3: "i32",
  4: "i64",
  5: "isize",
  6: "u8",
  7: "u16",
  8: "u32",
  9: "u64",
  10: "usize",
  11: "f32",
  12: "f64",
};
export const VOID = 25;

/** Thrown inside `describe` for a type that cannot cross; caught per export or member. */
export class Unbindable extends Error {}

/** asc's rule for a plain object (bindings/js.ts): no explicit base, no explicit constructor, no private or protected member. */
export function isPlainObject(c: AsClass): boolean {
  if (c.base && !c.prototype.implicitlyExtendsObject) return false;
  for (const member of c.members?.values() ?? [])
    if (member.isAny(FLAG.Private | FLAG.Protected) || (member.is(FLAG.Constructor) && !isNative(member))) return false;
  return true;
}
function isNative(member: any): boolean {
  return member.declaration?.range?.source?.internalPath === "~lib/native";
}

export function functionShape(
  name: string,
  exportName: string,
  fn: any,
  skip: (reason: string) => void,
  describe: (t: AsType) => TypeShape,
): (FunctionShape & { asParams: { name: string; type: string }[]; asResult: string }) | undefined {
  const sig = fn.signature;
  const names: string[] = fn.prototype.functionTypeNode.parameters.map((p: any) => p.name.text);
  const params: ParamShape[] = [];
  const asParams: { name: string; type: string }[] = [];
  for (let i = 0; i < sig.parameterTypes.length; i++) {
    const pname = names[i] ?? `arg${i}`;
    try {
      params.push({ name: pname, type: describe(sig.parameterTypes[i]) });
      asParams.push({ name: pname, type: String(sig.parameterTypes[i]) });
    } catch (error) {
      if (!(error instanceof Unbindable)) throw error;
      skip(`parameter \`${pname}\` has type ${error.message}`);
      return undefined;
    }
  }
  let result: TypeShape | undefined;
  if (sig.returnType.kind !== VOID)
    try {
      result = describe(sig.returnType);
    } catch (error) {
      if (!(error instanceof Unbindable)) throw error;
      skip(`its result has type ${error.message}`);
      return undefined;
    }
  const signature = `${name}(${asParams.map((p) => `${p.name}: ${shortType(p.type)}`).join(", ")}): ${shortType(String(sig.returnType))}`;
  const required = sig.requiredParameters < params.length ? { required: sig.requiredParameters as number } : {};
  return {
    name,
    export: exportName,
    params,
    ...required,
    ...(result ? { result } : {}),
    signature,
    asParams,
    asResult: String(sig.returnType),
  };
}

/** `~lib/string/String | null` → `String | null`, `nbody/Body` → `Body`: how the source writes it. */
export function shortType(type: string): string {
  return type.replace(/(?:~lib\/)?[\w./-]*\/(\w+)/g, "$1");
}

/** The identifier a class's wrappers are named by: its internal name made safe ("nbody/Body" → "nbody_Body"). */
export function wrapperStem(internalName: string): string {
  return `${WRAPPER_PREFIX}${internalName.replace(/[^\w]/g, "_")}`;
}
