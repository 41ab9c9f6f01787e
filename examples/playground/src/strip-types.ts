// TypeScript → JavaScript for the plain side of the race, by blanking the type syntax with spaces
// (as Node's --experimental-strip-types does): every line and column stays where it was, so an error
// in the plain function points at the editor's own line. Parsed with acorn and its TypeScript plugin,
// the same front end jit uses; only syntax that has no run-time meaning is removed (annotations,
// `as`/`satisfies`, `!`, type parameters and arguments, `type`/`interface`/`declare` statements).
// Enums, namespaces and parameter properties have run-time meaning: they are refused with their line.
import { Parser, type Node as AcornNode } from "acorn";
import { tsPlugin } from "@sveltejs/acorn-typescript";

type Node = AcornNode & Record<string, unknown>;

/** TypeScript syntax that cannot be blanked away, with its 1-based line and column. */
export class StripError extends Error {
  override readonly name = "StripError";
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

let parser: typeof Parser | undefined;

/** `source` with its TypeScript-only syntax replaced by spaces (newlines kept). */
export function stripTypes(source: string): string {
  parser ??= Parser.extend(tsPlugin() as never);
  let ast: Node;
  try {
    ast = parser.parse(source, { ecmaVersion: "latest", sourceType: "module", locations: true }) as unknown as Node;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    throw new StripError((e as Error).message, loc?.line ?? 1, (loc?.column ?? 0) + 1);
  }
  const chars = source.split(""); // UTF-16 code units, as acorn's offsets count
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (chars[i] !== "\n" && chars[i] !== "\r") chars[i] = " ";
  };
  const refuse = (node: Node, what: string) => {
    const start = (node.loc as { start: { line: number; column: number } }).start;
    throw new StripError(`${what} has a run-time meaning in TypeScript: write it as plain JavaScript`, start.line, start.column + 1);
  };

  const visit = (node: Node) => {
    switch (node.type) {
      case "TSTypeAliasDeclaration":
      case "TSInterfaceDeclaration":
      case "TSDeclareFunction":
        return blank(node.start, node.end);
      case "TSEnumDeclaration":
        return refuse(node, "an enum");
      case "TSModuleDeclaration":
        return refuse(node, "a namespace");
      case "TSParameterProperty":
        return refuse(node, "a parameter property");
      case "TSAsExpression":
      case "TSSatisfiesExpression": {
        const inner = node.expression as Node;
        visit(inner);
        return blank(inner.end, node.end);
      }
      case "TSNonNullExpression": {
        const inner = node.expression as Node;
        visit(inner);
        return blank(node.end - 1, node.end);
      }
      case "TSTypeAssertion": {
        const inner = node.expression as Node;
        visit(inner);
        return blank(node.start, inner.start);
      }
    }
    if (node.declare === true) return blank(node.start, node.end);
    if (node.type === "Identifier" && node.optional === true && node.typeAnnotation)
      blank(node.start + (node.name as string).length, (node.typeAnnotation as Node).start); // the `?` of `b?: T`
    for (const key of ["typeAnnotation", "returnType", "typeParameters", "typeArguments"]) {
      const child = node[key] as Node | undefined;
      if (child && typeof child === "object" && typeof child.type === "string") blank(child.start, child.end);
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "typeAnnotation" || key === "returnType" || key === "typeParameters" || key === "typeArguments" || key === "loc")
        continue;
      if (Array.isArray(value)) for (const v of value) if (v && typeof v === "object" && typeof v.type === "string") visit(v);
      if (value && typeof value === "object" && typeof (value as Node).type === "string") visit(value as Node);
    }
  };
  visit(ast);
  return chars.join("");
}
