// Reads what a module exports out of asc's own program, as an asc transform (`afterCompile`): every
// exported function with its resolved parameter and result types, the classes those reach (fields with
// their offsets, methods, accessors, constructor), the exported globals, and each export that cannot
// be bound with the reason why. The rules follow asc's `--bindings esm` (src/bindings/js.ts): a class
// without a base, an explicit constructor or private members is a plain object, copied; any other class
// is a reference. Where asc hands JavaScript an opaque reference, hotpath binds a TypeScript class:
// its methods and fields are reached through small exported wrappers that this file writes in
// AssemblyScript (`classWrappers`), appended to the class's own source file for a second compile.
import type { ClassShape, FieldShape, FunctionShape, GlobalShape, NumberKind, ParamShape, TypeShape } from "./shape.ts";

/** Exports whose names start with this are hotpath's wrappers, never the user's. */
export const WRAPPER_PREFIX = "__hotpath_";

/** An export left out of the generated module, and why. */
export interface Skipped {
  readonly name: string;
  readonly reason: string;
}

/** Everything the transform found. */
export interface Analysis {
  functions: (FunctionShape & { readonly asParams: { name: string; type: string }[]; readonly asResult: string })[];
  classes: ClassShape[];
  globals: GlobalShape[];
  enums: { name: string; members: string[] }[];
  skipped: Skipped[];
  ids: { string: number; arrayBuffer: number };
  /** Wrapper source to append, by the internal path of the file that declares the classes ("nbody"). */
  wrappers: Map<string, string>;
}

// The parts of asc's program model used here (asc's own declarations do not compile under hotpath's settings).
/* eslint-disable @typescript-eslint/no-explicit-any */
type Program = any;
type AsType = any;
type AsClass = any;

// asc's enums (assemblyscript's ElementKind, TypeKind, TypeFlags, CommonFlags), checked against 0.28.
const KIND = { Global: 0, Enum: 2, FunctionPrototype: 4, ClassPrototype: 6, PropertyPrototype: 10, Namespace: 12, File: 13 };
const FLAG = { Const: 8, Static: 32, Readonly: 64, Abstract: 128, Private: 512, Protected: 1024, Generic: 65536, Constructor: 524288 };
const NULLABLE = 512;
const SOURCE_USER_ENTRY = 1;
const NUMBER_KINDS: Record<number, NumberKind> = {
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
const VOID = 25;

/** Thrown inside `describe` for a type that cannot cross; caught per export or member. */
class Unbindable extends Error {}

/**
 * An asc transform object: pass it in `transforms`; after the compile, `result` holds the analysis.
 * With `totalExport`, the collector's count of allocated bytes (`~lib/rt/itcms/total`) is exported
 * under that name, so that a leak shows in asc's own statistic, not only in the memory's size.
 */
export function analysisTransform(totalExport?: string): {
  afterInitialize(p: Program): void;
  afterCompile(m: any): void;
  result?: Analysis;
} {
  let program: Program;
  const transform = {
    result: undefined as Analysis | undefined,
    afterInitialize(p: Program) {
      program = p;
    },
    afterCompile(module: any) {
      transform.result = analyze(program);
      const total = "~lib/rt/itcms/total";
      let found = false;
      try {
        found = totalExport !== undefined && !!module.getGlobal(total);
      } catch {
        // The stub runtime has no collector to count.
      }
      if (found) module.addGlobalExport(total, totalExport!);
    },
  };
  return transform;
}

function analyze(program: Program): Analysis {
  const classes: ClassShape[] = [];
  const classIndex = new Map<AsClass, number>();
  const pending: AsClass[] = [];
  const wrappers = new Map<string, string>();
  const out: Analysis = {
    functions: [],
    classes,
    globals: [],
    enums: [],
    skipped: [],
    ids: { string: program.stringInstance.id, arrayBuffer: program.arrayBufferInstance.id },
    wrappers,
  };

  const typedArrays = new Map<unknown, string>(
    ["Int8", "Uint8", "Uint8Clamped", "Int16", "Uint16", "Int32", "Uint32", "Int64", "Uint64", "Float32", "Float64"].map((n) => [
      program[`${n[0].toLowerCase()}${n.slice(1)}ArrayPrototype`],
      n.endsWith("64") && n.startsWith("Int") ? "BigInt64Array" : n === "Uint64" ? "BigUint64Array" : `${n}Array`,
    ]),
  );

  const numberOf = (type: AsType): NumberKind | undefined => (type.isReference ? undefined : NUMBER_KINDS[type.kind]);

  const describe = (type: AsType): TypeShape => {
    const number = numberOf(type);
    if (number) return { kind: "number", type: number };
    if (type.kind === 13) throw new Unbindable("v128 (JavaScript has no 128-bit vectors)");
    const nullable = type.is(NULLABLE) ? { nullable: true } : {};
    if (type.signatureReference) throw new Unbindable(`${type}, a function: a closure cannot cross the boundary`);
    const c = type.classReference;
    if (!c || !type.isInternalReference) throw new Unbindable(`${type}, a host reference`);
    if (c === program.stringInstance) return { kind: "string", ...nullable };
    if (c.prototype === program.arrayBufferInstance.prototype) return { kind: "arraybuffer", ...nullable };
    const typed = typedArrays.get(c.prototype);
    if (typed) return { kind: "typedarray", name: typed, element: numberOf(c.getArrayValueType())!, id: c.id, ...nullable };
    if (c.prototype === program.arrayPrototype || c.prototype === program.staticArrayPrototype) {
      const element = numberOf(c.getArrayValueType());
      if (!element) throw new Unbindable(`${type}: arrays of references are not bound, only arrays of numbers`);
      return { kind: c.prototype === program.arrayPrototype ? "array" : "staticarray", element, id: c.id, ...nullable };
    }
    if (c.extendsPrototype(program.arrayBufferViewInstance.prototype)) throw new Unbindable(`${type}, a view hotpath does not know`);
    const file = c.prototype.declaration?.range?.source;
    if (!file || String(file.internalPath).startsWith("~lib/"))
      throw new Unbindable(
        `${type}, a standard-library class (of those, strings, ArrayBuffer, typed arrays and arrays of numbers are bound)`,
      );
    let index = classIndex.get(c);
    if (index === undefined) {
      index = classes.length;
      classIndex.set(c, index);
      classes.push(undefined as never);
      pending.push(c);
    }
    return { kind: isPlainObject(c) ? "object" : "instance", class: index, ...nullable };
  };

  const tryDescribe = (what: string, type: AsType, skip: (reason: string) => void): TypeShape | undefined => {
    try {
      return describe(type);
    } catch (error) {
      if (!(error instanceof Unbindable)) throw error;
      skip(`${what} has type ${error.message}`);
      return undefined;
    }
  };

  // Exported functions and globals of the entry file (and what it re-exports with `export *`).
  const visitFile = (file: any, seen: Set<unknown>) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [name, element] of file.exports ?? []) {
      if (name.startsWith(WRAPPER_PREFIX)) continue;
      visitExport(name, element);
    }
    for (const star of file.exportsStar ?? []) visitFile(star, seen);
  };
  const visitExport = (name: string, element: any) => {
    const skip = (reason: string) => out.skipped.push({ name, reason });
    switch (element.kind) {
      case KIND.FunctionPrototype: {
        const instances = [...(element.instances?.values() ?? [])].filter((f: any) => f.is(8388608 /* Compiled */));
        if (!instances.length) return skip("it is generic or never compiled, so the module does not export it");
        const fn = instances[0];
        const shape = functionShape(name, name, fn, skip, describe);
        if (shape) out.functions.push(shape);
        return;
      }
      case KIND.Global: {
        if (!element.is(8388608)) return;
        const type = tryDescribe("it", element.type, skip);
        if (!type) return;
        const mutable = !element.is(FLAG.Const);
        if (!mutable || type.kind === "number") return void out.globals.push({ name, type, mutable });
        // A reference written from JavaScript straight into the global would bypass the collector's
        // write barrier: it is assigned by a wrapper in AssemblyScript, appended to its file.
        const file = String(element.declaration.range.source.internalPath);
        const text = sourceType(element.type, file);
        if (!text || element.parent?.kind !== KIND.File || element.name !== name)
          return skip(
            "it is a mutable global of a managed type that hotpath cannot assign from its own file (a write from JavaScript would bypass the collector)",
          );
        const set = `${wrapperStem(file)}_set_global_${name}`;
        wrappers.set(file, `${wrappers.get(file) ?? ""}export function ${set}(value: ${text}): void { ${name} = value; }\n`);
        out.globals.push({ name, type, mutable, set });
        return;
      }
      case KIND.ClassPrototype:
        return; // asc exports no classes (warning AS235); they are bound where functions take or return them.
      case KIND.Enum: {
        if (!element.is(8388608)) return;
        // asc exports each value as a global `Enum.Value`; the module gets the object TypeScript's own enums make.
        const members = [...(element.members?.keys() ?? [])] as string[];
        out.enums.push({ name, members });
        return;
      }
      default:
        return skip("only functions and globals become exports of the generated module");
    }
  };
  for (const file of program.filesByName.values()) if (file.source.sourceKind === SOURCE_USER_ENTRY) visitFile(file, new Set());

  // The classes reached so far, and those their members reach.
  while (pending.length) {
    const c = pending.shift();
    classes[classIndex.get(c)!] = classShape(c, describe, wrappers);
  }
  out.globals.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}

/** asc's rule for a plain object (bindings/js.ts): no explicit base, no explicit constructor, no private or protected member. */
function isPlainObject(c: AsClass): boolean {
  if (c.base && !c.prototype.implicitlyExtendsObject) return false;
  for (const member of c.members?.values() ?? [])
    if (member.isAny(FLAG.Private | FLAG.Protected) || (member.is(FLAG.Constructor) && !isNative(member))) return false;
  return true;
}
function isNative(member: any): boolean {
  return member.declaration?.range?.source?.internalPath === "~lib/native";
}

function functionShape(
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

/** The shape of one class, and (instances) the AssemblyScript wrappers its members need, added to `wrappers`. */
function classShape(c: AsClass, describe: (t: AsType) => TypeShape, wrappers: Map<string, string>): ClassShape {
  const plain = isPlainObject(c);
  const stem = wrapperStem(c.internalName);
  const source = c.prototype.declaration.range.source;
  const file = String(source.internalPath);
  // Wrappers are appended to the class's own file: they can name it there even when it is not exported.
  const topLevel = c.prototype.parent?.kind === KIND.File;
  const lines: string[] = [];
  const fields: FieldShape[] = [];
  const accessors: ClassShape["accessors"][number][] = [];
  const methods: FunctionShape[] = [];
  let create: FunctionShape | undefined;
  const typeText = (t: AsType): string | undefined => {
    const text = sourceType(t, file);
    return text;
  };
  const ignore = () => {};

  for (const [name, member] of c.members ?? []) {
    if (member.isAny(FLAG.Private | FLAG.Protected | FLAG.Static)) continue;
    if (member.kind === KIND.PropertyPrototype) {
      const instance = member.instance;
      if (member.isField) {
        if (!instance) continue;
        let type: TypeShape;
        try {
          type = describe(instance.type);
        } catch (error) {
          if (!(error instanceof Unbindable)) throw error;
          continue;
        }
        const readonly = member.is(FLAG.Readonly);
        const text = typeText(instance.type);
        const field: { -readonly [K in keyof FieldShape]: FieldShape[K] } = { name, type, offset: instance.memoryOffset };
        if (!plain && topLevel && text) {
          field.get = `${stem}_get_${name}`;
          lines.push(`export function ${field.get}(self: ${c.name}): ${text} { return self.${name}; }`);
          if (!readonly) {
            field.set = `${stem}_set_${name}`;
            lines.push(`export function ${field.set}(self: ${c.name}, value: ${text}): void { self.${name} = value; }`);
          }
        }
        fields.push(field);
      } else if (!plain && topLevel) {
        const getter =
          member.getterPrototype &&
          c.program.resolver.resolveFunction(member.getterPrototype, null, c.contextualTypeArguments ?? new Map(), 1);
        const setter =
          member.setterPrototype &&
          c.program.resolver.resolveFunction(member.setterPrototype, null, c.contextualTypeArguments ?? new Map(), 1);
        const asType = getter?.signature.returnType ?? setter?.signature.parameterTypes[0];
        if (!asType) continue;
        let type: TypeShape;
        try {
          type = describe(asType);
        } catch (error) {
          if (!(error instanceof Unbindable)) throw error;
          continue;
        }
        const text = typeText(asType);
        if (!text) continue;
        const accessor: { name: string; type: TypeShape; get?: string; set?: string } = { name, type };
        if (getter) {
          accessor.get = `${stem}_get_${name}`;
          lines.push(`export function ${accessor.get}(self: ${c.name}): ${text} { return self.${name}; }`);
        }
        if (setter) {
          accessor.set = `${stem}_set_${name}`;
          lines.push(`export function ${accessor.set}(self: ${c.name}, value: ${text}): void { self.${name} = value; }`);
        }
        accessors.push(accessor);
      }
    } else if (member.kind === KIND.FunctionPrototype && !plain && topLevel) {
      if (member.is(FLAG.Generic)) continue;
      const isCtor = member.is(FLAG.Constructor);
      if (isCtor && c.prototype.is(FLAG.Abstract)) continue;
      const fn = c.program.resolver.resolveFunction(member, null, c.contextualTypeArguments ?? new Map(), 1);
      if (!fn) continue;
      const exportName = isCtor ? `${stem}_new` : `${stem}_m_${name}`;
      const shape = functionShape(isCtor ? "constructor" : name, exportName, fn, ignore, describe);
      if (!shape) continue;
      const texts = fn.signature.parameterTypes.map(typeText);
      const resultText = fn.signature.returnType.kind === VOID ? "void" : typeText(fn.signature.returnType);
      if (texts.some((t: string | undefined) => !t) || !resultText) continue;
      const params = texts.map((t: string, i: number) => `a${i}: ${t}`);
      const args = texts.map((_: string, i: number) => `a${i}`).join(", ");
      if (isCtor) {
        lines.push(`export function ${exportName}(${params.join(", ")}): ${c.name} { return new ${c.name}(${args}); }`);
        create = strip(shape);
      } else {
        const body = resultText === "void" ? `self.${name}(${args});` : `return self.${name}(${args});`;
        lines.push(`export function ${exportName}(${["self: " + c.name, ...params].join(", ")}): ${resultText} { ${body} }`);
        methods.push(strip(shape));
      }
    }
  }
  // A class without a constructor of its own gets `new C()` when it has no required fields to set.
  if (!plain && topLevel && !create && !c.prototype.is(FLAG.Abstract) && !c.members?.has("constructor") && c.constructorInstance) {
    lines.push(`export function ${stem}_new(): ${c.name} { return new ${c.name}(); }`);
    create = { name: "constructor", export: `${stem}_new`, params: [], signature: `constructor()` };
  }
  if (lines.length) wrappers.set(file, `${wrappers.get(file) ?? ""}${lines.join("\n")}\n`);
  return {
    name: String(c.name).replace(/<.*$/, ""),
    internalName: c.internalName,
    id: c.id,
    size: c.nextMemoryOffset,
    plain,
    fields,
    accessors,
    methods,
    ...(create ? { create } : {}),
  };
}

function strip(shape: FunctionShape & { asParams?: unknown; asResult?: unknown }): FunctionShape {
  const { asParams: _p, asResult: _r, ...rest } = shape;
  return rest;
}

/** How the wrappers write a type in the class's file: undefined when it names a class declared elsewhere. */
function sourceType(type: AsType, file: string): string | undefined {
  if (!type.isReference) return NUMBER_KINDS[type.kind];
  const c = type.classReference;
  if (!c) return undefined;
  const nullable = type.is(NULLABLE) ? " | null" : "";
  const internal = String(c.internalName);
  if (internal.startsWith("~lib/")) {
    const name = internal.replace(/^~lib\/[\w/]*\//, "");
    return /^[\w<>, |]+$/.test(name) ? `${name}${nullable}` : undefined;
  }
  const declaredIn = String(c.prototype.declaration.range.source.internalPath);
  if (declaredIn !== file || c.prototype.parent?.kind !== KIND.File) return undefined;
  return `${c.name}${nullable}`;
}
