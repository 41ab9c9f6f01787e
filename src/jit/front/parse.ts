// The front end: a function's source text (`fn.toString()`, or text the caller gives) → its ESTree
// nodes, with acorn (why acorn: docs/decisions.md). `toString()` of a function never has
// TypeScript annotations; text that plain JavaScript parsing refuses is parsed again as TypeScript
// (typescript.ts loads that parser then, and only then).
import { parse } from "acorn";
import { JitError } from "../errors.ts";
import { typescriptParser } from "./typescript.ts";

/** An ESTree node as acorn gives it (the code generator checks `type` before reading fields). */
export interface Node {
  type: string;
  start: number;
  end: number;
  [field: string]: any;
}

export interface ParsedFunction {
  /** The function's own name ("" for anonymous functions and arrows). */
  name: string;
  params: Node[];
  /** A BlockStatement, or the expression of an arrow function without braces. */
  body: Node;
  node: Node;
  /** The text every position refers to, and where it starts inside the text acorn parsed. */
  source: SourceText;
  /** Parsed as TypeScript (the text has annotations). */
  typescript: boolean;
}

/** Runs `run` with a new innermost block scope on `scopes` (the analyses' name → binding maps), removed after. @internal */
export function inScope<T>(scopes: Map<string, T>[], run: () => void): void {
  scopes.push(new Map());
  try {
    run();
  } finally {
    scopes.pop();
  }
}

/** The child nodes of `node`, in source order (TypeScript annotations left out: they compile to nothing). @internal */
export function childNodes(node: Node): Node[] {
  const out: Node[] = [];
  for (const key of Object.keys(node)) {
    if (key === "type" || key === "start" || key === "end" || key === "loc" || key === "typeAnnotation" || key === "returnType") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (v && typeof v.type === "string") out.push(v);
    } else if (value && typeof value === "object" && typeof value.type === "string") out.push(value);
  }
  return out;
}

/** Source text plus the length of the wrapper put in front of it before parsing (positions are shifted back). */
export class SourceText {
  constructor(
    readonly text: string,
    readonly shift: number,
  ) {}

  /** 1-based line and column of a parsed position. */
  position(at: number): { line: number; column: number } {
    const before = this.text.slice(0, Math.max(0, at - this.shift));
    const lines = before.split("\n");
    return { line: lines.length, column: lines[lines.length - 1].length + 1 };
  }

  /** A JitError naming `what` at node (or position) `at`, with the source line and a caret under it. */
  error(what: string, at: Node | number): JitError {
    const { line, column } = this.position(typeof at === "number" ? at : at.start);
    const text = this.text.split("\n")[line - 1] ?? "";
    const gutter = `${line} | `;
    const frame = `${gutter}${text}\n${" ".repeat(gutter.length - 2)}| ${" ".repeat(column - 1)}^`;
    return new JitError(`${what} (at ${line}:${column})\n${frame}`, line, column);
  }
}

function parseWrapped(text: string, before: string, after: string, typescript = false): Node | SyntaxError {
  try {
    const options = { ecmaVersion: "latest", sourceType: "script" } as const;
    let program: Node;
    if (!typescript) program = parse(before + text + after, options);
    else {
      const parser = typescriptParser();
      if (typeof parser === "string") return new SyntaxError(`TypeScript source text cannot be parsed: ${parser}`);
      program = parser.parse(before + text + after, { ...options, locations: true });
    }
    return program.body[0].expression;
  } catch (e) {
    return e as SyntaxError;
  }
}

/**
 * Parses a function, arrow or method (`toString()` of `{ f(x) {} }.f` is `f(x) {}`: wrapped in an object).
 * With `allowTypeScript` (text given by the caller), text JavaScript refuses is tried as TypeScript.
 * @internal
 */
export function parseFunction(text: string, allowTypeScript = false): ParsedFunction {
  let node = parseWrapped(text, "(", ")");
  let source = new SourceText(text, 1);
  let typescript = false;
  if (node instanceof SyntaxError) {
    const method = parseWrapped(text, "({", "})");
    // `({})` parses too: text with no function in it (empty, a comment) is not a method.
    if (!(method instanceof SyntaxError) && method.properties.length === 1 && method.properties[0].type === "Property") {
      node = method.properties[0].value as Node;
      source = new SourceText(text, 2);
    } else if (allowTypeScript) {
      const ts = parseWrapped(text, "(", ")", true);
      if (ts instanceof SyntaxError) throw syntaxError(source, ts);
      [node, typescript] = [ts, true];
    } else throw syntaxError(source, node);
  }
  if (node.type !== "FunctionExpression" && node.type !== "ArrowFunctionExpression")
    throw source.error(`a ${node.type} is not a function that can be compiled`, node);
  if (node.async) throw source.error("an async function is not supported", node);
  if (node.generator) throw source.error("a generator function is not supported", node);
  return { name: node.id?.name ?? "", params: node.params, body: node.body, node, source, typescript };
}

/** The constructor of a class (`toString()` of a class is its whole declaration). @internal */
export function parseConstructor(text: string): ParsedFunction | undefined {
  const node = parseWrapped(text, "(", ")");
  const source = new SourceText(text, 1);
  if (node instanceof SyntaxError) throw syntaxError(source, node);
  if (node.type !== "ClassExpression") throw source.error("jitClass expects a class", node);
  if (node.superClass) throw source.error("a jitClass cannot extend another class", node.superClass);
  const ctor = node.body.body.find((m: Node) => m.kind === "constructor") as Node | undefined;
  if (!ctor) return undefined;
  return { name: node.id?.name ?? "", params: ctor.value.params, body: ctor.value.body, node: ctor.value, source, typescript: false };
}

function syntaxError(source: SourceText, e: SyntaxError): JitError {
  const at = (e as SyntaxError & { pos?: number }).pos ?? source.shift;
  return source.error(`cannot parse the function: ${e.message.replace(/ \(\d+:\d+\)$/, "")}`, at);
}
