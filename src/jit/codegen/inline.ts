// Helpers written inside the function: `const at = (x, y) => src[y * w + x];`. An arrow with an
// expression body (or `{ return E; }`, and `function at(x, y) { return E; }`: front/lower.ts makes
// them this arrow), declared `const`, that assigns nothing is compiled into each call: the arguments
// are evaluated in order into locals of their own (the parameters), then the body is compiled with the
// parameters in scope, reading the outer locals it names (as the closure does: their current values).
//
// Where this is the closure's meaning: the body assigns no variable (a write would be invisible to the
// analyses, which do not look into the arrow), and each outer name it reads means at the call the
// variable it meant where the arrow was defined (a `const k` of an inner block at the call would hide
// the closure's `k`: refused by name). The arrow is only ever called: any other use of its name (passed
// on, returned, compared) is refused, and so is a call with another number of arguments.
import type { FunctionContext, Var } from "./context.ts";
import { recurse } from "./recursion.ts";
import { childNodes, type Node } from "../front/parse.ts";
import { wasmTypes, type ResultType, type ValueType } from "../analysis/types.ts";

/** An arrow compiled into its calls: its node, and the variable each outer name it reads meant where it was defined. */
export interface InlineFunction {
  readonly node: Node;
  readonly params: readonly string[];
  readonly outer: ReadonlyMap<string, Var | undefined>;
}

/** Calls being compiled (an arrow that calls itself would never end). */
const active = new WeakSet<Node>();

/** The inline function `init` declares (`const f = (…) => expression`), or undefined when it is not one. */
export function inlineFunction(cx: FunctionContext, init: Node, kind: string): InlineFunction | undefined {
  // esbuild's keepNames (tsx, some bundlers) writes `__name((x) => …, "f")` for `(x) => …`.
  if (init.type === "CallExpression" && init.callee.type === "Identifier" && init.callee.name === "__name" && !cx.lookup("__name"))
    init = init.arguments[0] ?? init;
  if (init.type !== "ArrowFunctionExpression" || init.async || init.generator) return undefined;
  // `{ return E; }` was lowered to E (front/lower.ts), and so was `function f(x) { return E; }`.
  if (init.body.type === "BlockStatement")
    throw cx.err("a nested function (closure) whose body is more than one `return E;` (jit compiles `(x) => E` into its calls)", init);
  if (kind !== "const") throw cx.err("an arrow function in a `let` (declare it `const`: jit compiles it into each call)", init);
  const params: string[] = [];
  for (const p of init.params as Node[]) {
    if (p.type !== "Identifier") throw cx.err(`a ${p.type === "AssignmentPattern" ? "default" : "destructured or rest"} parameter`, p);
    params.push(p.name);
  }
  const outer = new Map<string, Var | undefined>();
  const visit = (n: Node): void => {
    if (n.type === "AssignmentExpression" || n.type === "UpdateExpression")
      throw cx.err("an assignment in an arrow function (jit compiles arrows that only compute a value)", n);
    if (n.type === "ArrowFunctionExpression" || n.type === "FunctionExpression") throw cx.err("a function inside an arrow function", n);
    if (n.type === "Identifier" && !params.includes(n.name)) outer.set(n.name, cx.lookup(n.name));
    for (const child of childNodes(n)) {
      // `a.length`, `Math.PI`: the property's name is no variable.
      if (n.type === "MemberExpression" && !n.computed && child === n.property) continue;
      visit(child);
    }
  };
  visit(init.body);
  return { node: init, params, outer };
}

/** Compiles a call of `fn`: the arguments into its parameters, then its body. */
export function inlineCall(cx: FunctionContext, name: string, fn: InlineFunction, node: Node): ResultType {
  const args: Node[] = node.arguments;
  if (args.length !== fn.params.length)
    throw cx.fail(`\`${name}\` takes ${fn.params.length} argument${fn.params.length === 1 ? "" : "s"}, given ${args.length}`, node);
  if (active.has(fn.node)) throw cx.err(`\`${name}\` calling itself (an arrow is compiled into each call)`, node);
  for (const [outerName, meant] of fn.outer)
    if (cx.lookup(outerName) !== meant)
      throw cx.fail(
        `\`${outerName}\` names another variable at this call of \`${name}\` than where \`${name}\` is defined (rename one of them)`,
        node,
      );
  const params = args.map((arg) => {
    const type = recurse.expr(cx, arg);
    if (type === "void") throw cx.fail("passing the result of a call that returns nothing", arg);
    const locals = wasmTypes(type).map((t) => cx.local(t));
    for (const l of [...locals].reverse()) cx.emit(["local.set", l]);
    return { type, locals };
  });
  let type: ResultType = "void";
  active.add(fn.node);
  try {
    cx.scoped(() => {
      const scope = cx.scopes[cx.scopes.length - 1];
      // (No expression has a record type: calls.ts refuses reading a callee's.)
      fn.params.forEach((p, i) => scope.set(p, { type: params[i].type as ValueType, locals: params[i].locals, constant: true }));
      type = recurse.expr(cx, fn.node.body);
    });
  } finally {
    active.delete(fn.node);
  }
  return type;
}
