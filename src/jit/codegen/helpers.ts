// Helpers with a body of statements, declared inside the function: `function clamp(x) { if (x < 0)
// return 0; …; return x; }` (hoisted: callable anywhere in its block) and `const smooth = (t) => { … }`
// or `const g = function (t) { … }` (callable after the declaration). Each is compiled as a wasm
// function of its own in the module (module.ts `specialize`, one per signature of its arguments), whose
// parameters are its own, then the outer variables it reads (and the ones the helpers it calls read),
// passed at each call: a helper that assigns no outer variable sees, during its call, exactly their
// values at the call (nothing else runs meanwhile), so this is the closure's meaning.
//
// Names mean what they mean where the helper is defined (JavaScript's scopes, found here from the
// source, every block's declarations included), and at each call the variable visible under that name
// must be that one, already declared: an inner `k` at the call hiding the closure's `k`, or a `let k`
// not yet reached (JavaScript's ReferenceError), is refused by name. Refused too: assigning an outer
// variable, the helper used other than by calling it directly, helpers calling each other in a cycle,
// `this`/`arguments`/`new.target`, another number of arguments. The analyses of the enclosing function
// see a helper's body as reads only (bits.ts counts every read in it as a full read of the number).
import type { FunctionContext, Var } from "./context.ts";
import type { JitTarget } from "./plan.ts";
import { recurse } from "./recursion.ts";
import { childNodes, type Node, type ParsedFunction } from "../front/parse.ts";
import type { ResultType, ValueType } from "../analysis/types.ts";

/** A helper: its function node, and what each outer name it reads means where it is defined (null: no variable of the function). */
export interface HelperFunction {
  readonly name: string;
  readonly node: Node;
  readonly params: readonly Node[];
  readonly free: ReadonlyMap<string, Node | null>;
  /** The first reference to each outer name in its body (where a refusal points). */
  readonly where: ReadonlyMap<string, Node>;
  /** The text of the function it is declared in (with node.start, its identity in the module). */
  readonly text: string;
  readonly typescript: boolean;
}

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);
const SCOPES = new Set(["BlockStatement", "SwitchStatement", "ForStatement", "ForOfStatement", "ForInStatement"]);

/** `init` of `const name = …` when it is a helper compiled as its own function: an arrow or function expression with a block body. */
export function isHelperInit(init: Node): boolean {
  return (init.type === "ArrowFunctionExpression" && init.body.type === "BlockStatement") || init.type === "FunctionExpression";
}

/** The helper `fn` (declared as `name` by `decl`), its outer names resolved where it is defined. */
export function helperFunction(cx: FunctionContext, fn: Node, name: string): HelperFunction {
  if (fn.async || fn.generator) throw cx.err(`an ${fn.async ? "async" : "generator"} nested function`, fn);
  const params = fn.params as Node[];
  for (const p of params)
    if (p.type !== "Identifier") throw cx.err(`a ${p.type === "AssignmentPattern" ? "default" : "destructured or rest"} parameter`, p);
  // Each reference not declared by a scope between it and the helper (its parameters included) is outer.
  const outer: Node[] = [];
  const visit = (n: Node, chain: readonly Node[], key?: string, parent?: Node): void => {
    if (n.type === "ThisExpression" || n.type === "MetaProperty" || (n.type === "Identifier" && n.name === "arguments"))
      throw cx.err(
        `\`${n.type === "ThisExpression" ? "this" : n.type === "MetaProperty" ? "new.target" : "arguments"}\` in a nested function`,
        n,
      );
    if (n.type === "Identifier") {
      const reference = key !== "label" && !(parent?.type === "MemberExpression" && !parent.computed && key === "property");
      if (reference && !chain.some((scope) => declaredIn(scope, n.name))) outer.push(n);
    }
    const inner = SCOPES.has(n.type) || FUNCTIONS.has(n.type) ? [...chain, n] : chain;
    for (const k of Object.keys(n)) {
      if (k === "loc" || k === "typeAnnotation" || k === "returnType" || (n.type === "Property" && k === "key" && !n.computed)) continue;
      const value = n[k];
      if (Array.isArray(value)) for (const v of value) v && typeof v.type === "string" && visit(v, inner, k, n);
      else if (value && typeof value.type === "string") visit(value, inner, k, n);
    }
  };
  visit(fn.body, [fn]);
  const free = new Map<string, Node | null>();
  const where = new Map<string, Node>();
  for (const r of outer)
    if (!free.has(r.name)) {
      free.set(r.name, declarationOf(cx, fn, r.name));
      where.set(r.name, r);
    }
  // A write to an outer variable would be invisible to the analyses of the enclosing function.
  const writes = (n: Node): void => {
    const target = n.type === "AssignmentExpression" ? n.left : n.type === "UpdateExpression" ? n.argument : undefined;
    if (target && outer.includes(target))
      throw cx.err(`assigning \`${target.name}\`, a variable outside the nested function \`${name}\`,`, n);
    childNodes(n).forEach(writes);
  };
  writes(fn.body);
  return { name, node: fn, params, free, where, text: cx.source.text, typescript: cx.plan.parsed!.typescript };
}

const fromArrows = new WeakMap<Node, HelperFunction>();

/** The helper an arrow compiled into its calls (inline.ts) is when a helper calls it. */
function asHelper(cx: FunctionContext, arrow: Node, name: string): HelperFunction {
  let helper = fromArrows.get(arrow);
  if (!helper) fromArrows.set(arrow, (helper = helperFunction(cx, arrow, name)));
  return helper;
}

/** Registers the function declarations of a block (or body) before its statements: JavaScript hoists them. */
export function hoistHelpers(cx: FunctionContext, statements: readonly Node[]): void {
  const scope = cx.scopes[cx.scopes.length - 1];
  for (const s of statements) {
    if (s.type !== "FunctionDeclaration") continue;
    if (scope.has(s.id.name)) throw cx.fail(`\`${s.id.name}\` is declared twice`, s.id);
    scope.set(s.id.name, { type: "bool", locals: [], constant: true, decl: s, helper: helperFunction(cx, s, s.id.name) });
  }
}

/**
 * The declaration `name` means at `fn` in the function being compiled: a declarator, a function
 * declaration, a parameter (of a helper being compiled: the outer declaration it stands for), or null.
 */
function declarationOf(cx: FunctionContext, fn: Node, name: string): Node | null {
  const parsed = cx.plan.parsed!;
  const path = pathTo(parsed.body, fn);
  if (!path) throw cx.fail(`a nested function jit cannot place in its function`, fn);
  for (let i = path.length - 1; i >= 0; i--) {
    const found = declaredIn(path[i], name);
    if (found) return found;
  }
  const i = parsed.params.findIndex((p) => p.type === "Identifier" && p.name === name);
  if (i >= 0) return cx.plan.closure?.decls[i] ?? parsed.params[i];
  return cx.plan.closure?.helpers.find(([n]) => n === name)?.[1].decl ?? null;
}

/** The nodes from `root` down to (not including) `target`, or undefined when it is not inside. */
function pathTo(root: Node, target: Node): Node[] | undefined {
  if (root === target) return [];
  for (const child of childNodes(root)) {
    const rest = pathTo(child, target);
    if (rest) return [root, ...rest];
  }
  return undefined;
}

/** What `scope` (a block, a `for`, a switch, a function) declares as `name` directly, or undefined. */
function declaredIn(scope: Node, name: string): Node | undefined {
  const statements: Node[] =
    scope.type === "BlockStatement"
      ? scope.body
      : scope.type === "SwitchStatement"
        ? scope.cases.flatMap((c: Node) => c.consequent)
        : scope.type === "ForStatement"
          ? [scope.init].filter(Boolean)
          : scope.type === "ForOfStatement" || scope.type === "ForInStatement"
            ? [scope.left]
            : [];
  for (const s of statements) {
    if (s.type === "VariableDeclaration") for (const d of s.declarations) if (d.id.type === "Identifier" && d.id.name === name) return d;
    if (s.type === "FunctionDeclaration" && s.id.name === name) return s;
  }
  if (FUNCTIONS.has(scope.type)) {
    const p = (scope.params as Node[]).find((q) => q.type === "Identifier" && q.name === name);
    if (p) return p;
    if (scope.type === "FunctionExpression" && scope.id?.name === name) return scope;
  }
  return undefined;
}

/** Compiles a call of helper `fn`: its arguments, then the outer variables it reads, then a call of its function. */
export function helperCall(cx: FunctionContext, name: string, fn: HelperFunction, node: Node): ResultType {
  const args: Node[] = node.arguments;
  if (args.length !== fn.params.length)
    throw cx.fail(`\`${name}\` takes ${fn.params.length} argument${fn.params.length === 1 ? "" : "s"}, given ${args.length}`, node);
  // The outer variables it and the helpers it calls read (by name), and those helpers.
  const values = new Map<string, { v: Var; decl: Node }>();
  const helpers = new Map<string, Var>();
  const visiting: HelperFunction[] = [];
  const collect = (h: HelperFunction, at: Node): void => {
    if (visiting.includes(h))
      throw cx.fail(
        `\`${h.name}\` calling itself${visiting.length > 1 ? ` (through ${visiting.map((x) => `\`${x.name}\``).join(", ")})` : ""}: recursion between nested functions is not supported by jit`,
        at,
      );
    visiting.push(h);
    for (const [outer, decl] of h.free) {
      if (!decl) continue;
      const v = cx.lookup(outer);
      if (v?.decl !== decl)
        throw cx.fail(
          v
            ? `\`${outer}\` names another variable at this call of \`${name}\` than where \`${h.name}\` is defined (rename one of them)`
            : `\`${outer}\`, read by \`${h.name}\`, is not declared yet at this call of \`${name}\` (JavaScript's ReferenceError)`,
          node,
        );
      const clash = fn.params.find((p) => p.name === outer);
      if (clash && h !== fn)
        throw cx.fail(`\`${outer}\`, read by \`${h.name}\`, is a parameter of \`${name}\` too (rename one of them)`, clash);
      if (v.helper || v.inline) {
        // An arrow compiled into its calls here (inline.ts) is a function of its own in the helper.
        const helper = v.helper ?? asHelper(cx, v.inline!.node, outer);
        if (!helpers.has(outer)) {
          helpers.set(outer, v.helper ? v : { type: "bool", locals: [], constant: true, decl, helper });
          collect(helper, h.where.get(outer)!);
        } else if (visiting.includes(helper)) collect(helper, h.where.get(outer)!);
        continue;
      }
      if (v.wrapped) throw cx.fail(`\`${outer}\`, read by \`${h.name}\`, kept as its int32 bits`, node);
      values.set(outer, { v, decl });
    }
    visiting.pop();
  };
  collect(fn, node);
  const captured = [...values];
  const typed = [
    ...args.map((a) => recurse.detached(cx, a)),
    ...captured.map(([outer]) => recurse.detached(cx, { type: "Identifier", name: outer, start: node.start, end: node.end })),
  ];
  const types = typed.map((t, i) => {
    if (t.type === "void") throw cx.fail("passing the result of a call that returns nothing", args[i] ?? node);
    return t.type === "u32" ? "f64" : t.type;
  });
  typed.forEach((t, i) => cx.emit(...t.code, ...cx.convert(t.type, types[i], args[i] ?? node, `argument ${i + 1} of ${name}`)));
  const at = fn.node;
  const parsed: ParsedFunction = {
    name,
    params: [...fn.params, ...captured.map(([outer]) => ({ type: "Identifier", name: outer, start: at.start, end: at.start }))],
    body: fn.node.body,
    node: at,
    source: cx.source,
    typescript: fn.typescript,
  };
  const target: JitTarget = {
    name,
    source: `${fn.text}\u0000helper@${at.start}(${captured.map(([outer]) => outer).join(",")})`,
    parsed: () => parsed,
    signatures: [],
  };
  const spec = cx.builder.specialize(target, types as ValueType[], undefined, false, {
    decls: [...fn.params.map(() => undefined), ...captured.map(([, c]) => c.decl)],
    helpers: [...helpers],
  });
  if (spec.result === undefined) throw cx.fail(`\`${name}\` calling itself`, node);
  cx.emit(["call", spec.index]);
  return spec.result;
}
