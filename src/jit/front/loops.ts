// Counted loops written other ways, lowered to the `for` the analyses and the transforms know (an
// int32 counter proven by ranges.ts, the escape-time shape of transforms/vectorize.ts). Each is the
// same program:
//
//   let x = 0, y = 0, i = 0;                       let x = 0, y = 0, i = 0;
//   while (x * x + y * y <= 4 && i < max) {   →    for (; i < max; i++) {
//     …                                              if (!(x * x + y * y <= 4)) break;
//     i++;                                           …
//   }                                              }
//
//   let zr = 0, zi = 0, n = 0;                     let zr = 0, zi = 0, n = 0;
//   for (n = 0; n < max; n++) …               →    for (; n < max; n++) …
//
//   for (; i < max && x * x + y * y <= 4; i++) →   for (; i < max; i++) { if (!(x * x + y * y <= 4)) break; … }
//
// The `while`: its test is `v < N` alone or a chain of `&&` with one `v < N` (or `N > v`) in it, the
// other operands read no memory and call nothing but `Math` (so testing `v < N` first, as the `for`
// does, changes nothing: `&&` only skips code that has no effect); its body ends with `v++` (`++v`,
// `v += 1`, `v = v + 1`), writes or declares v nowhere else, and holds no `continue` of this loop (which would
// skip that last `v++`, where a `for` runs its update). Then one trip of each runs the same statements.
// A `for` whose test is such a chain and whose update is `v++`: `v < N` its test, the rest an exit at
// the top of its body (where the test ran, after the update; a `continue` still goes to the update).
// The `for`: its init `v = K` (a number literal) and the `let` that declares v just before it, with an
// initial value that is a literal too and nothing between that mentions v: the declaration takes K.
import type { FunctionPlan } from "../codegen/plan.ts";
import { childNodes, type Node } from "./parse.ts";
import { mapChildren } from "./lower.ts";

/** The plan with such loops lowered (the same plan when it has none). */
export function lowerCountedLoops(plan: FunctionPlan): FunctionPlan {
  const parsed = plan.parsed;
  if (!parsed || !contains(parsed.body, (n) => n.type === "WhileStatement" || n.type === "ForStatement")) return plan;
  return { ...plan, parsed: { ...parsed, body: lowered(parsed.body) } };
}

function lowered(node: Node): Node {
  const copy = mapChildren(node, lowered);
  if (copy.type === "WhileStatement") {
    const loop = whileAsFor(copy);
    return loop ? sharedProducts(loop) : copy;
  }
  if (copy.type === "ForStatement") return sharedProducts(forTestSplit(copy) ?? copy);
  if (copy.type === "BlockStatement") copy.body = initsDeclared(copy.body);
  return copy;
}

/** `while (… && v < N && …) { …; v++; }` as `for (; v < N; v++) { if (!(…)) break; … }`; undefined when it is not of that shape. */
function whileAsFor(loop: Node): Node | undefined {
  const body = loop.body;
  if (body.type !== "BlockStatement" || body.body.length === 0) return undefined;
  const last: Node = body.body[body.body.length - 1];
  const v = last.type === "ExpressionStatement" ? incremented(last.expression) : undefined;
  if (!v) return undefined;
  const conjuncts = chain(loop.test);
  const at = conjuncts.findIndex((c) => boundOf(c, v) !== undefined);
  if (at < 0) return undefined;
  const others = conjuncts.filter((_, k) => k !== at);
  if (!others.every(readsNoMemory)) return undefined;
  const rest: Node[] = body.body.slice(0, -1);
  const declares = (n: Node) => n.type === "VariableDeclarator" && n.id.type === "Identifier" && n.id.name === v;
  if (rest.some((s) => contains(s, (n) => writes(n, v) || declares(n))) || rest.some(continuesLoop)) return undefined;
  const span = { start: loop.start, end: loop.end };
  const id = (): Node => ({ type: "Identifier", name: v, ...span });
  const statements = others.length > 0 ? [exitUnless(others, span), ...rest] : rest;
  return {
    type: "ForStatement",
    init: null,
    test: { type: "BinaryExpression", operator: "<", left: id(), right: boundOf(conjuncts[at], v), ...span },
    update: { type: "UpdateExpression", operator: "++", prefix: false, argument: id(), ...span },
    body: { ...body, body: statements },
    ...span,
  };
}

/** `for (init; … && v < N && …; v++) body` as `for (init; v < N; v++) { if (!(…)) break; body }`; undefined when it is not of that shape. */
function forTestSplit(loop: Node): Node | undefined {
  const v = loop.update ? incremented(loop.update) : undefined;
  if (!v || loop.test?.type !== "LogicalExpression") return undefined;
  const conjuncts = chain(loop.test);
  const at = conjuncts.findIndex((c) => boundOf(c, v) !== undefined);
  if (at < 0 || conjuncts.length < 2) return undefined;
  const others = conjuncts.filter((_, k) => k !== at);
  if (!others.every(readsNoMemory)) return undefined;
  const span = { start: loop.start, end: loop.end };
  const body = loop.body.type === "BlockStatement" ? loop.body.body : [loop.body];
  return { ...loop, test: conjuncts[at], body: { type: "BlockStatement", body: [exitUnless(others, span), ...body], ...span } };
}

/** `if (!(a && b …)) break;` */
function exitUnless(conditions: Node[], span: { start: number; end: number }): Node {
  const test = conditions.reduce((a, b) => ({ type: "LogicalExpression", operator: "&&", left: a, right: b, ...span }));
  return {
    type: "IfStatement",
    test: { type: "UnaryExpression", operator: "!", prefix: true, argument: test, ...span },
    consequent: { type: "BreakStatement", label: null, ...span },
    alternate: null,
    ...span,
  };
}

let hidden = 0;

/**
 * A product of two names computed more than once at the top of a `for` body, both names unchanged
 * between (`if (x * x + y * y > 4) break; const t = x * x - y * y + cx;`): computed once, into a
 * `const` declared just before its first use, and read where the others were. The same doubles (the
 * same operation on the same values; IEEE 754 multiplication is commutative, so `y * x` is `x * y`),
 * one multiplication fewer per trip, as V8 finds for the JavaScript. Only over a prefix of the body
 * whose statements read no memory and call nothing but `Math` (declarations, assignments to names,
 * `if (…) break;`), so that computing the product a little earlier changes nothing.
 */
function sharedProducts(loop: Node): Node {
  if (loop.body.type !== "BlockStatement") return loop;
  const statements: Node[] = loop.body.body;
  const simple = (st: Node): boolean =>
    (st.type === "VariableDeclaration" &&
      (st.declarations as Node[]).every((d) => d.id.type === "Identifier" && (!d.init || readsNoMemory(d.init)))) ||
    (st.type === "ExpressionStatement" &&
      st.expression.type === "AssignmentExpression" &&
      st.expression.left.type === "Identifier" &&
      readsNoMemory(st.expression.right)) ||
    (st.type === "IfStatement" && !st.alternate && readsNoMemory(st.test) && isBreak(st.consequent));
  let end = 0;
  while (end < statements.length && simple(statements[end])) end++;
  if (end < 2) return loop;
  // Each product of two names: where it is first computed and how often, until one of its names changes.
  const key = (n: Node) =>
    n.type === "BinaryExpression" && n.operator === "*" && n.left.type === "Identifier" && n.right.type === "Identifier"
      ? [n.left.name, n.right.name].sort().join("*")
      : undefined;
  const seen = new Map<string, { first: number; count: number; names: [string, string] }>();
  const closed = new Set<string>();
  for (let k = 0; k < end; k++) {
    const st = statements[k];
    contains(st, (n) => {
      const id = key(n);
      if (id && !closed.has(id)) {
        const entry = seen.get(id);
        if (entry) entry.count++;
        else seen.set(id, { first: k, count: 1, names: [n.left.name, n.right.name] });
      }
      return false;
    });
    // What this statement writes ends the products of that name (its reads came first).
    const written = writtenBy(st);
    for (const [id, e] of seen) if (e.names.some((n) => written.includes(n))) closed.add(id);
  }
  // Not where its first use is in the declaration of one of its names (`const a = 1, b = a * a + a * a`).
  const declares = (k: number, names: string[]) =>
    statements[k].type === "VariableDeclaration" && (statements[k].declarations as Node[]).some((d) => names.includes(d.id.name));
  const shared = [...seen].filter(([, e]) => e.count > 1 && !declares(e.first, e.names));
  if (shared.length === 0) return loop;
  const span = { start: loop.start, end: loop.end };
  const temps = new Map(shared.map(([id]) => [id, `__product${++hidden}`]));
  // Replaced in the statements up to (and including) the one that closes it.
  const open = new Set(temps.keys());
  const out: Node[] = [];
  for (let k = 0; k < statements.length; k++) {
    let st = statements[k];
    for (const [id, e] of shared)
      if (e.first === k)
        out.push({
          type: "VariableDeclaration",
          kind: "const",
          declarations: [
            { type: "VariableDeclarator", id: { type: "Identifier", name: temps.get(id), ...span }, init: product(e.names, span), ...span },
          ],
          ...span,
        });
    if (k < end && open.size > 0) {
      const replace = (n: Node): Node => {
        const id = key(n);
        return id && open.has(id) ? { type: "Identifier", name: temps.get(id), start: n.start, end: n.end } : mapChildren(n, replace);
      };
      st = replace(st);
      const written = writtenBy(st);
      for (const [id, e] of shared) if (e.names.some((n) => written.includes(n))) open.delete(id);
    }
    out.push(st);
  }
  return { ...loop, body: { ...loop.body, body: out } };
}

/** The names one of sharedProducts' statements assigns or declares. */
const writtenBy = (st: Node): string[] =>
  st.type === "VariableDeclaration"
    ? (st.declarations as Node[]).map((d) => d.id.name)
    : st.type === "ExpressionStatement"
      ? [st.expression.left.name]
      : [];

const product = ([a, b]: [string, string], span: { start: number; end: number }): Node => ({
  type: "BinaryExpression",
  operator: "*",
  left: { type: "Identifier", name: a, ...span },
  right: { type: "Identifier", name: b, ...span },
  ...span,
});

function isBreak(node: Node): boolean {
  if (node.type === "BlockStatement") return node.body.length === 1 && isBreak(node.body[0]);
  return node.type === "BreakStatement" && !node.label;
}

/** The name `e` adds one to: `v++`, `++v`, `v += 1`, `v = v + 1`. */
function incremented(e: Node): string | undefined {
  if (e.type === "UpdateExpression" && e.operator === "++" && e.argument.type === "Identifier") return e.argument.name;
  if (e.type !== "AssignmentExpression" || e.left.type !== "Identifier") return undefined;
  const v = e.left.name as string;
  const one = (n: Node) => n.type === "Literal" && n.value === 1;
  if (e.operator === "+=" && one(e.right)) return v;
  const r = e.right;
  if (
    e.operator === "=" &&
    r.type === "BinaryExpression" &&
    r.operator === "+" &&
    r.left.type === "Identifier" &&
    r.left.name === v &&
    one(r.right)
  )
    return v;
  return undefined;
}

/** The operands of a chain of `&&` (the expression itself when it is not one). */
function chain(e: Node): Node[] {
  return e.type === "LogicalExpression" && e.operator === "&&" ? [...chain(e.left), ...chain(e.right)] : [e];
}

/** N when `c` is `v < N` or `N > v`, N free of v. */
function boundOf(c: Node, v: string): Node | undefined {
  if (c.type !== "BinaryExpression") return undefined;
  const isV = (n: Node) => n.type === "Identifier" && n.name === v;
  const bound = c.operator === "<" && isV(c.left) ? c.right : c.operator === ">" && isV(c.right) ? c.left : undefined;
  return bound && !contains(bound, isV) ? bound : undefined;
}

/** Names, literals and operators on them, `.length`, `Math.f(…)`: nothing that reads memory, writes or calls code. */
function readsNoMemory(e: Node): boolean {
  switch (e.type) {
    case "Identifier":
    case "Literal":
      return true;
    case "BinaryExpression":
    case "LogicalExpression":
      return readsNoMemory(e.left) && readsNoMemory(e.right);
    case "UnaryExpression":
      return e.operator !== "delete" && readsNoMemory(e.argument);
    case "ConditionalExpression":
      return readsNoMemory(e.test) && readsNoMemory(e.consequent) && readsNoMemory(e.alternate);
    case "MemberExpression":
      return !e.computed && e.property.name === "length" && e.object.type === "Identifier";
    case "CallExpression":
      return (
        e.callee.type === "MemberExpression" &&
        !e.callee.computed &&
        e.callee.object.type === "Identifier" &&
        e.callee.object.name === "Math" &&
        (e.arguments as Node[]).every(readsNoMemory)
      );
    default:
      return false;
  }
}

/** `v = …`, `v += …`, `v++`… */
function writes(n: Node, v: string): boolean {
  const target = n.type === "AssignmentExpression" ? n.left : n.type === "UpdateExpression" ? n.argument : undefined;
  return target?.type === "Identifier" && target.name === v;
}

/** Does `s` hold a `continue` of the loop it is in (not of a loop inside it)? Labelled ones count. */
function continuesLoop(s: Node): boolean {
  const visit = (n: Node, inner: boolean): boolean => {
    if (n.type === "ContinueStatement") return !!n.label || !inner;
    if (n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression" || n.type === "FunctionDeclaration") return false;
    const loop = ["ForStatement", "WhileStatement", "DoWhileStatement", "ForOfStatement", "ForInStatement"].includes(n.type);
    return childNodes(n).some((c) => visit(c, inner || loop));
  };
  return visit(s, false);
}

/** Each `for (v = K; …)` whose v a `let` of this block declares with a literal, nothing between mentioning v: K moved into the declaration. */
function initsDeclared(statements: Node[]): Node[] {
  const out = [...statements];
  for (let k = 0; k < out.length; k++) {
    const loop = out[k];
    const init = loop.type === "ForStatement" ? loop.init : undefined;
    if (init?.type !== "AssignmentExpression" || init.operator !== "=" || init.left.type !== "Identifier") continue;
    if (init.right.type !== "Literal" || typeof init.right.value !== "number") continue;
    const v = init.left.name as string;
    const isV = (n: Node) => n.type === "Identifier" && n.name === v;
    for (let d = k - 1; d >= 0; d--) {
      const s = out[d];
      const declarator =
        s.type === "VariableDeclaration" && s.kind === "let"
          ? (s.declarations as Node[]).find((x) => x.id.type === "Identifier" && x.id.name === v)
          : undefined;
      if (declarator) {
        if (declarator.init && declarator.init.type !== "Literal") break;
        if ((s.declarations as Node[]).some((x) => x !== declarator && x.init && contains(x.init, isV))) break;
        out[d] = { ...s, declarations: (s.declarations as Node[]).map((x) => (x === declarator ? { ...x, init: init.right } : x)) };
        out[k] = { ...loop, init: null };
        break;
      }
      if (contains(s, isV)) break;
    }
  }
  return out;
}

function contains(node: Node, test: (n: Node) => boolean): boolean {
  if (test(node)) return true;
  return childNodes(node).some((c) => contains(c, test));
}
