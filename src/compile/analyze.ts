// Reads what a module exports out of asc's own program, as an asc transform (`afterCompile`): every
// exported function with its resolved parameter and result types, the classes those reach (fields with
// their offsets, methods, accessors, constructor), the exported globals, and each export that cannot
// be bound with the reason why. The rules follow asc's `--bindings esm` (src/bindings/js.ts): a class
// without a base, an explicit constructor or private members is a plain object, copied; any other class
// is a reference. Where asc hands JavaScript an opaque reference, hotpath binds a TypeScript class:
// its methods and fields are reached through small exported wrappers that this file writes in
// AssemblyScript (class-wrappers.ts), appended to the class's own source file for a second compile.
import {
  KIND,
  FLAG,
  NUMBER_KINDS,
  NULLABLE,
  SOURCE_USER_ENTRY,
  Unbindable,
  functionShape,
  isPlainObject,
  wrapperStem,
  WRAPPER_PREFIX,
  type AsClass,
  type AsType,
  type Program,
} from "./asc-program.ts";
import { classShape, sourceType } from "./class-wrappers.ts";
import type { ClassShape, FunctionShape, GlobalShape, NumberKind, TypeShape } from "../kernels/shape.ts";

export { WRAPPER_PREFIX };

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

  // The classes reached so far, and those their members reach; then the module's subclasses of any of
  // them (an object returned as its base comes back as its own class), and what those reach, until none is new.
  const reachedSubclasses = () => {
    for (const c of program.managedClasses.values()) {
      if (classIndex.has(c) || String(c.internalName).startsWith("~lib/") || isPlainObject(c)) continue;
      for (let b = c.base; b; b = b.base)
        if (classIndex.has(b) && !classes[classIndex.get(b)!]?.plain) {
          describe(c.type);
          break;
        }
    }
  };
  while (pending.length || (reachedSubclasses(), pending.length)) {
    const c = pending.shift();
    const name = String(c.name).replace(/<.*$/, "");
    const shape = classShape(c, describe, wrappers, (member, reason) => out.skipped.push({ name: `${name}.${member}`, reason }));
    // A bound base class: the TypeScript class extends its class, so an instance goes where the base is expected.
    let base: number | undefined;
    if (!shape.plain && c.base && !c.prototype.implicitlyExtendsObject)
      try {
        const t = describe(c.base.type);
        if (t.kind === "instance") base = t.class;
      } catch (error) {
        if (!(error instanceof Unbindable)) throw error;
      }
    classes[classIndex.get(c)!] = base === undefined ? shape : { ...shape, base };
  }
  out.globals.sort((a, b) => a.name.localeCompare(b.name));
  return out;
}
