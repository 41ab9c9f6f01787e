// The AssemblyScript wrappers that give TypeScript a class's members. asc exports no classes, so for
// each class a bound function takes or returns, hotpath writes small exported functions (`__hotpath_…`:
// the constructor, each public method, field and accessor) and appends them to the class's own file,
// where they can name it even when the file does not export it. Plain objects need none: they are
// copied field by field at their offsets. Also the ClassShape the runtime binds them by.
import {
  FLAG,
  KIND,
  NULLABLE,
  NUMBER_KINDS,
  Unbindable,
  VOID,
  functionShape,
  isPlainObject,
  wrapperStem,
  type AsClass,
  type AsType,
} from "./asc-program.ts";
import type { ClassShape, FieldShape, FunctionShape, TypeShape } from "../kernels/shape.ts";

/** The shape of one class, and (instances) the AssemblyScript wrappers its members need, added to `wrappers`. */
export function classShape(
  c: AsClass,
  describe: (t: AsType) => TypeShape,
  wrappers: Map<string, string>,
  skip: (member: string, reason: string) => void,
): ClassShape {
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
  const typeText = (t: AsType): string | undefined => sourceType(t, file);
  const elsewhere = "its type names a class declared in another file than the class (the wrapper could not name it)";

  const report = skip;
  for (const [name, member] of c.members ?? []) {
    if (member.isAny(FLAG.Private | FLAG.Protected | FLAG.Static)) continue;
    // An inherited member left out was reported with the class that declares it.
    skip = member.parent?.internalName === c.internalName ? report : () => {};
    if (member.kind === KIND.PropertyPrototype) {
      const instance = member.instance;
      if (member.isField) {
        if (!instance) continue;
        let type: TypeShape;
        try {
          type = describe(instance.type);
        } catch (error) {
          if (!(error instanceof Unbindable)) throw error;
          skip(name, `it has type ${error.message}${plain ? " (the object is copied without it)" : ""}`);
          continue;
        }
        const readonly = member.is(FLAG.Readonly);
        const text = typeText(instance.type);
        const field: { -readonly [K in keyof FieldShape]: FieldShape[K] } = { name, type, offset: instance.memoryOffset };
        if (!plain && topLevel && !text) skip(name, elsewhere);
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
          skip(name, `it has type ${error.message}`);
          continue;
        }
        const text = typeText(asType);
        if (!text) {
          skip(name, elsewhere);
          continue;
        }
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
      const shape = functionShape(isCtor ? "constructor" : name, exportName, fn, (reason) => skip(name, reason), describe);
      if (!shape) continue;
      const texts = fn.signature.parameterTypes.map(typeText);
      const resultText = fn.signature.returnType.kind === VOID ? "void" : typeText(fn.signature.returnType);
      if (texts.some((t: string | undefined) => !t) || !resultText) {
        skip(name, elsewhere);
        continue;
      }
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
export function sourceType(type: AsType, file: string): string | undefined {
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
