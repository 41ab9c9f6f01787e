// What `hotpath compile` found in an AssemblyScript module beyond the kernel contract's scalars and
// buffer pairs: the JSON description (a "shape") of every export that takes or returns strings,
// arrays, objects or class instances, of the classes they reach, and of the exported globals. The
// compiler writes it into the generated module; the runtime (bind.ts) turns it into typed functions,
// TypeScript classes and accessors. Plain data only: it crosses to workers as it is.

/** Numbers at the boundary, as AssemblyScript names them (isize/usize are 32-bit: wasm32). */
export type NumberKind = "i8" | "u8" | "i16" | "u16" | "i32" | "u32" | "i64" | "u64" | "f32" | "f64" | "bool" | "isize" | "usize";

/** The typed array that carries a numeric element kind (bool as u8, as AssemblyScript stores it). */
export const ELEMENT_ARRAYS = {
  i8: Int8Array,
  u8: Uint8Array,
  i16: Int16Array,
  u16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  isize: Int32Array,
  usize: Uint32Array,
  i64: BigInt64Array,
  u64: BigUint64Array,
  f32: Float32Array,
  f64: Float64Array,
  bool: Uint8Array,
} as const;

/** One value's type at the boundary. `nullable` reference types accept and return `null`. */
export type TypeShape =
  | { readonly kind: "number"; readonly type: NumberKind }
  | { readonly kind: "string"; readonly nullable?: boolean }
  | { readonly kind: "arraybuffer"; readonly nullable?: boolean }
  /** A typed array (`Float64Array`, …): `name` is the constructor's name in both languages. */
  | { readonly kind: "typedarray"; readonly name: string; readonly element: NumberKind; readonly id: number; readonly nullable?: boolean }
  /** `Array<T>` of numbers: a JS array (of bigints for i64/u64), copied both ways. */
  | { readonly kind: "array"; readonly element: NumberKind; readonly id: number; readonly nullable?: boolean }
  /** `StaticArray<T>` of numbers: a JS array, copied both ways. */
  | { readonly kind: "staticarray"; readonly element: NumberKind; readonly id: number; readonly nullable?: boolean }
  /** A class of public fields and no constructor: a plain object, copied both ways. `class` indexes ModuleShape.classes. */
  | { readonly kind: "object"; readonly class: number; readonly nullable?: boolean }
  /** Any other class: a TypeScript class wrapping the instance (pinned while held). `class` indexes ModuleShape.classes. */
  | { readonly kind: "instance"; readonly class: number; readonly nullable?: boolean };

export interface ParamShape {
  readonly name: string;
  readonly type: TypeShape;
}

/** A function (or method, or accessor) the runtime binds. */
export interface FunctionShape {
  /** The name callers see. */
  readonly name: string;
  /** The wasm export it calls (the same name for module functions; a generated wrapper for class members). */
  readonly export: string;
  readonly params: readonly ParamShape[];
  /** Present when the last parameters are optional: how many a call must pass (asc's `__setArgumentsLength` says how many it did). */
  readonly required?: number;
  /** Absent: void. */
  readonly result?: TypeShape;
  /** The AssemblyScript signature, for the declaration's doc comment. */
  readonly signature: string;
}

export interface FieldShape {
  readonly name: string;
  readonly type: TypeShape;
  /** Byte offset in the object: plain objects are read and written there. */
  readonly offset: number;
  /** Class instances: the wrappers reading and writing it (no setter: read-only). */
  readonly get?: string;
  readonly set?: string;
}

export interface ClassShape {
  /** The class's name in the source ("Body"); the TypeScript class has it too. */
  readonly name: string;
  /** AssemblyScript's internal name ("nbody/Body"). */
  readonly internalName: string;
  /** The runtime type id (`idof<T>()`), needed to allocate plain objects. */
  readonly id: number;
  /** Bytes of its fields (plain objects). */
  readonly size: number;
  /** True: copied as a plain object; false: wrapped as a class instance. */
  readonly plain: boolean;
  /** Instances: the base class (an index into ModuleShape.classes) when it is bound too; the TypeScript class extends it. */
  readonly base?: number;
  readonly fields: readonly FieldShape[];
  /** Getters/setters declared with `get`/`set` (instances only). */
  readonly accessors: readonly { readonly name: string; readonly type: TypeShape; readonly get?: string; readonly set?: string }[];
  readonly methods: readonly FunctionShape[];
  /** Instances: the wrapper that runs `new`, absent when the class cannot be constructed from TypeScript. */
  readonly create?: FunctionShape;
}

export interface GlobalShape {
  readonly name: string;
  readonly type: TypeShape;
  /** `let`/`var`: an accessor with a setter; `const`: a value read at load. */
  readonly mutable: boolean;
  /** Managed types: the wrapper that assigns it (so that the collector sees the write). */
  readonly set?: string;
}

/** Everything the runtime needs beyond the kernel contract's FunctionSpecs. */
export interface ModuleShape {
  /** Built with a collecting runtime and `--exportRuntime` (`__new`, `__pin`, `__unpin`, `__collect`). */
  readonly gc: boolean;
  /** Runtime ids of `String` and `ArrayBuffer`. */
  readonly ids: { readonly string: number; readonly arrayBuffer: number };
  readonly functions: readonly FunctionShape[];
  readonly classes: readonly ClassShape[];
  readonly globals: readonly GlobalShape[];
  /** Exported enums: each becomes the object a TypeScript enum is (`Color.Red` and `Color[0]`). */
  readonly enums?: readonly { readonly name: string; readonly members: readonly string[] }[];
}

/** The shape of a KernelRef's bound function (`KernelRef.bound`), or undefined for a function of the kernel contract. @internal */
export function boundShape(ref: { readonly bound?: { readonly shape: unknown; readonly function: string } }): FunctionShape | undefined {
  if (!ref.bound) return undefined;
  const name = ref.bound.function;
  return (ref.bound.shape as ModuleShape).functions.find((f) => f.name === name);
}

/** True for types held in the module's collected heap (everything but numbers). @internal */
export function isManaged(type: TypeShape): boolean {
  return type.kind !== "number";
}

/** The TypeScript type of a shape, as declarations write it; `classes` names objects and instances. @internal */
export function tsTypeOf(type: TypeShape, classes: readonly ClassShape[]): string {
  const nullable = "nullable" in type && type.nullable ? " | null" : "";
  switch (type.kind) {
    case "number":
      return type.type === "bool" ? "boolean" : type.type === "i64" || type.type === "u64" ? "bigint" : "number";
    case "string":
      return `string${nullable}`;
    case "arraybuffer":
      return `ArrayBuffer${nullable}`;
    case "typedarray":
      return `${type.name}${nullable}`;
    case "array":
    case "staticarray": {
      const element = type.element === "bool" ? "boolean" : type.element === "i64" || type.element === "u64" ? "bigint" : "number";
      return `${element}[]${nullable}`;
    }
    case "object":
    case "instance":
      return `${classes[type.class].name}${nullable}`;
  }
}
