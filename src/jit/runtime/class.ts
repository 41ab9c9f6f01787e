// jitClass: a class whose instances jitted code can take, build and return.
//
// Representation: flattened values. A jitClass value never lives in wasm memory; its fields (scalars
// only: u64, i64, f64, i32, u32, bool) travel as consecutive wasm values: a parameter becomes one
// wasm parameter per field, a result a multi-value return, a local one wasm local per field, and
// `new Point2D(a, b)` calls the compiled constructor, which returns the fields. So there are no
// lifetimes to manage and nothing to free; the price is value semantics inside jitted code, which is
// why fields can be assigned only in the constructor (`a.x = …` elsewhere is a JitError: JavaScript
// would mutate the caller's object, a copy cannot). Results come back as real instances of the class
// (made with its prototype, fields set; the constructor is not run again).
import { expected } from "../../errors.ts";
import { parseConstructor, type ParsedFunction } from "../front/parse.ts";
import { registerClass } from "./registry.ts";
import type { ScalarType } from "../analysis/types.ts";

const FIELD_TYPES: Record<string, ScalarType> = { u64: "u64", i64: "i64", f64: "f64", i32: "i32", u32: "u32", bool: "bool" };

/** The field types of a jitClass, in order: `{ x: "u64", y: "u64" }`. */
export type JitClassSpec = Record<string, "u64" | "i64" | "f64" | "i32" | "u32" | "bool">;

/** Makes `cls` usable in jitted code (and in signatures, by its name); returns the same class. */
export function jitClass<C extends abstract new (...args: any[]) => object>(spec: JitClassSpec, cls: C): C {
  if (spec === null || typeof spec !== "object")
    throw new TypeError(expected("spec", 'an object of field types such as { x: "u64" }', spec));
  if (typeof cls !== "function" || !/^class\b/.test(Function.prototype.toString.call(cls)))
    throw new TypeError(expected("cls", "a class", cls));
  const fields = Object.entries(spec).map(([name, type]) => {
    if (!FIELD_TYPES[type]) throw new TypeError(expected(`spec.${name}`, "one of u64, i64, f64, i32, u32, bool", type));
    return [name, FIELD_TYPES[type]] as const;
  });
  const source = `${JSON.stringify(spec)}\n${Function.prototype.toString.call(cls)}`;
  let parsed: ParsedFunction | undefined | null = null;
  const text = Function.prototype.toString.call(cls);
  registerClass({
    kind: "class",
    name: cls.name,
    fields,
    ctor: cls,
    source,
    init: () => {
      if (parsed === null) parsed = parseConstructor(text);
      if (!parsed) throw new TypeError(`jitClass ${cls.name} needs a constructor that sets its fields`);
      return parsed;
    },
  });
  return cls;
}
