// Lowering before the analyses: swaps by destructuring, `var` used as `let`, helpers whose body is one
// `return` (lowerForms, below); `for (const x of a)` over an array is a counted loop over its indices
// (lowerArrayLoops); `for (const i of prange(lo, hi)) body` in a function compiled for one
// thread (no `parallel: true`) is the counted loop it means, `for (let i = lo; i < hi; i++) body`, so
// the analyses and the code generator see the loop shape they know (an int32 counter, a bound).
// The bound is read once, as prange reads it: a bound the body could change is copied first. Number
// bounds must be safe integers, as prange checks: `__prange_bounds(lo, hi)` before the loop traps
// otherwise (calls.ts), where the loop would have counted from a fraction.
import { childNodes, type Node } from "./parse.ts";
import { isPrangeCall } from "../parallel/prange.ts";
import type { FunctionPlan } from "../codegen/plan.ts";

let hidden = 0;

/** The plan with its prange loops lowered (the same plan when it has none). */
export function lowerPrange(plan: FunctionPlan): FunctionPlan {
  const parsed = plan.parsed;
  if (!parsed || !contains(parsed.body, isPrangeLoop)) return plan;
  const bigParams = new Set(
    parsed.params.flatMap((p, i) =>
      p.type === "Identifier" && (plan.params[i] === "u64" || plan.params[i] === "i64") ? [p.name as string] : [],
    ),
  );
  return { ...plan, parsed: { ...parsed, body: rewrite(parsed.body, bigParams) } };
}

function rewrite(node: Node, bigParams: ReadonlySet<string>): Node {
  const copy: Node = { ...node };
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) copy[key] = value.map((v) => (isNode(v) ? rewrite(v, bigParams) : v));
    else if (isNode(value)) copy[key] = rewrite(value, bigParams);
  }
  return isPrangeLoop(copy) ? counted(copy, bigParams) : copy;
}

function counted(loop: Node, bigParams: ReadonlySet<string>): Node {
  const at = { start: loop.start, end: loop.end };
  const args = loop.right.arguments as Node[];
  const hi = args.length === 1 ? args[0] : args[1];
  const name = loop.left.declarations?.[0]?.id?.name as string | undefined;
  // Malformed loops (`for (x of prange(…))`, one argument too many) are left to the code generator's error.
  if (loop.left.type !== "VariableDeclaration" || !name || args.length < 1 || args.length > 2) return loop;
  const lo =
    args.length === 2
      ? args[0]
      : isBig(hi, bigParams)
        ? { type: "Literal", value: 0n, bigint: "0", raw: "0n", ...at }
        : { type: "Literal", value: 0, raw: "0", ...at };
  const id = (n: string): Node => ({ type: "Identifier", name: n, ...at });
  const stable =
    hi.type === "Literal" ||
    (hi.type === "Identifier" && !contains(loop.body, (n) => writes(n, hi.name))) ||
    (hi.type === "MemberExpression" && !hi.computed && hi.property.name === "length" && hi.object.type === "Identifier");
  const bound = stable ? hi : id(`__prange_hi${++hidden}`);
  // Number bounds that are not known safe integers (a literal one, an array's length) are checked.
  const big = isBig(hi, bigParams) || isBig(lo, bigParams);
  const known = (n: Node) =>
    (n.type === "Literal" && Number.isSafeInteger(n.value)) ||
    (n.type === "MemberExpression" && !n.computed && n.property.name === "length");
  const guard = !big && (!known(lo) || !known(hi));
  const start = guard && lo.type !== "Identifier" && lo.type !== "Literal" ? id(`__prange_lo${++hidden}`) : lo;
  // Each iteration has its own binding of the loop's variable: a body that assigns it (`i++`) changes
  // that iteration's copy, not the count. Then the loop counts with a hidden counter.
  const counter = contains(loop.body, (n) => writes(n, name)) ? `__prange_i${++hidden}` : name;
  const body: Node =
    counter === name
      ? loop.body
      : { type: "BlockStatement", body: [declaration(loop.left.kind, id(name), id(counter), at), loop.body], ...at };
  const forLoop = countedFor(counter, start, bound, body, at);
  const before: Node[] = [];
  if (start !== lo) before.push(declaration("const", start, lo, at));
  if (!stable) before.push(declaration("const", bound, hi, at));
  if (guard)
    before.push({
      type: "ExpressionStatement",
      expression: { type: "CallExpression", callee: id(PRANGE_BOUNDS), arguments: [start, bound], optional: false, ...at },
      ...at,
    });
  return before.length === 0 ? forLoop : { type: "BlockStatement", body: [...before, forLoop], ...at };
}

/**
 * The plan with its `for (const x of a)` loops over an array (`a` a name, not a prange call) lowered to
 * `for (let k = 0; k < a.length; k++) { const x = a[k]; body }`: a typed array's iterator reads the
 * elements by index up to its length, which cannot change (jit's arrays are never resizable), so the
 * loop is the same, and the analyses and transforms see the counted loop they know. Where the body
 * assigns `a`, the loop iterates the array it started with: a copy of the name, taken before.
 * `for (x of a)` with an outer x assigns it instead. Other `for…of` loops are left to the code
 * generator's error.
 */
export function lowerArrayLoops(plan: FunctionPlan): FunctionPlan {
  const parsed = plan.parsed;
  if (!parsed || !contains(parsed.body, isArrayLoop)) return plan;
  const lower = (node: Node): Node => {
    const copy: Node = { ...node };
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (Array.isArray(value)) copy[key] = value.map((v) => (isNode(v) ? lower(v) : v));
      else if (isNode(value) && key !== "loc") copy[key] = lower(value);
    }
    return isArrayLoop(copy) ? indexed(copy) : copy;
  };
  return { ...plan, parsed: { ...parsed, body: lower(parsed.body) } };
}

function isArrayLoop(n: Node): boolean {
  if (n.type !== "ForOfStatement" || n.await || n.right.type !== "Identifier") return false;
  const left = n.left;
  if (left.type === "Identifier") return true;
  return left.type === "VariableDeclaration" && left.declarations.length === 1 && left.declarations[0].id.type === "Identifier";
}

function indexed(loop: Node): Node {
  const at = { start: loop.start, end: loop.end };
  const id = (n: string): Node => ({ type: "Identifier", name: n, ...at });
  const array = loop.right as Node;
  const source = contains(loop.body, (n) => writes(n, array.name)) ? id(`__of_array${++hidden}`) : array;
  const k = `__of_k${++hidden}`;
  const element: Node = { type: "MemberExpression", object: source, property: id(k), computed: true, optional: false, ...at };
  const first: Node =
    loop.left.type === "Identifier"
      ? {
          type: "ExpressionStatement",
          expression: { type: "AssignmentExpression", operator: "=", left: loop.left, right: element, ...at },
          ...at,
        }
      : declaration(loop.left.kind, loop.left.declarations[0].id, element, at);
  const zero: Node = { type: "Literal", value: 0, raw: "0", ...at };
  const length: Node = { type: "MemberExpression", object: source, property: id("length"), computed: false, optional: false, ...at };
  const forLoop = countedFor(k, zero, length, { type: "BlockStatement", body: [first, loop.body], ...at }, at);
  if (source === array) return forLoop;
  return { type: "BlockStatement", body: [declaration("const", source, array, at), forLoop], ...at };
}

type At = { start: number; end: number };

/** `kind name = init;` */
function declaration(kind: string, name: Node, init: Node, at: At): Node {
  return { type: "VariableDeclaration", kind, declarations: [{ type: "VariableDeclarator", id: name, init, ...at }], ...at };
}

/** `for (let counter = start; counter < bound; counter++) body` */
function countedFor(counter: string, start: Node, bound: Node, body: Node, at: At): Node {
  const id = (): Node => ({ type: "Identifier", name: counter, ...at });
  return {
    type: "ForStatement",
    init: declaration("let", id(), start, at),
    test: { type: "BinaryExpression", operator: "<", left: id(), right: bound, ...at },
    update: { type: "UpdateExpression", operator: "++", prefix: false, argument: id(), ...at },
    body,
    ...at,
  };
}

/** The hidden builtin that checks a lowered prange's number bounds (codegen/calls.ts). */
export const PRANGE_BOUNDS = "__prange_bounds";

/** A bound that is a bigint: a bigint literal, a bigint parameter, or an expression with either in it. */
function isBig(node: Node, bigParams: ReadonlySet<string>): boolean {
  return contains(node, (n) => (n.type === "Literal" && n.bigint !== undefined) || (n.type === "Identifier" && bigParams.has(n.name)));
}

function writes(n: Node, name: string): boolean {
  const target = n.type === "AssignmentExpression" ? n.left : n.type === "UpdateExpression" ? n.argument : undefined;
  return target?.type === "Identifier" && target.name === name;
}

function isPrangeLoop(n: Node): boolean {
  return n.type === "ForOfStatement" && isPrangeCall(n.right);
}

function isNode(value: unknown): value is Node {
  return !!value && typeof value === "object" && typeof (value as Node).type === "string";
}

/** The first node of `node` (itself included) that passes `test`. */
function findNode(node: Node, test: (n: Node) => boolean): Node | undefined {
  let found: Node | undefined;
  contains(node, (n) => (test(n) ? ((found = n), true) : false));
  return found;
}

function contains(node: Node, test: (n: Node) => boolean): boolean {
  if (test(node)) return true;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v) && contains(v, test)) return true;
    } else if (isNode(value) && key !== "loc" && contains(value, test)) return true;
  }
  return false;
}

/**
 * The plan with each `let x;` that is first assigned `x = E;` (or `for (x = E; …)`) later in its block,
 * before anything else mentions x, declared there instead: `let x = E;` (`let x = E; for (; …)`).
 * jit infers a local's type from its initial value, and nothing reads x before that assignment, so
 * nothing can see the move (JavaScript's `undefined` is never observed). Other `let x;` stay, and the
 * code generator refuses them by name.
 */
export function lowerDeclarations(plan: FunctionPlan): FunctionPlan {
  const parsed = plan.parsed;
  if (!parsed || !contains(parsed.body, (n) => n.type === "VariableDeclarator" && !n.init)) return plan;
  return { ...plan, parsed: { ...parsed, body: declared(parsed.body) } };
}

function declared(node: Node): Node {
  const copy: Node = { ...node };
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) copy[key] = value.map((v) => (isNode(v) ? declared(v) : v));
    else if (isNode(value) && key !== "loc") copy[key] = declared(value);
  }
  if (copy.type === "BlockStatement") copy.body = movedDeclarations(copy.body);
  return copy;
}

function movedDeclarations(statements: Node[]): Node[] {
  const out = [...statements];
  for (let i = 0; i < out.length; i++) {
    const s = out[i];
    if (s.type !== "VariableDeclaration" || s.kind !== "let") continue;
    let declarations: Node[] = s.declarations;
    for (const d of s.declarations as Node[]) {
      if (d.init || d.id.type !== "Identifier") continue;
      const name = d.id.name as string;
      // Nothing else in the declaration mentions x (`let x, y = x`).
      if (declarations.some((other) => other !== d && other.init && mentions(other.init, name))) continue;
      const later = out.flatMap((t, k) => (k > i && mentions(t, name) ? [k] : []));
      if (later.length === 0) continue;
      // In this block; or, where one statement holds every mention, in the innermost block holding them
      // all (a loop's body: `let t;` before a loop that swaps with it), whose every trip assigns it first.
      const inner = later.length === 1 ? innermostBlock(out[later[0]], name) : undefined;
      if (
        !declareAt(out, later[0], d, name) &&
        !(
          inner &&
          declareAt(
            inner.body,
            inner.body.findIndex((t: Node) => mentions(t, name)),
            d,
            name,
          )
        )
      )
        continue;
      declarations = declarations.filter((other) => other !== d);
    }
    if (declarations.length === s.declarations.length) continue;
    if (declarations.length > 0) out[i] = { ...s, declarations };
    else out.splice(i--, 1);
  }
  return out;
}

const mentions = (n: Node, name: string) => contains(n, (m) => m.type === "Identifier" && m.name === name);

/**
 * Where `statements[at]` is `x = E;` (or `for (x = E; …)`) with E free of x: that statement made
 * `let x = E;` (before the loop, which keeps no init), in place; false where it is not.
 */
function declareAt(statements: Node[], at: number, d: Node, name: string): boolean {
  const t = statements[at];
  const assigns = (n: Node | null | undefined) =>
    n?.type === "AssignmentExpression" &&
    n.operator === "=" &&
    n.left.type === "Identifier" &&
    n.left.name === name &&
    !mentions(n.right, name)
      ? n
      : undefined;
  const assignment = t?.type === "ExpressionStatement" ? assigns(t.expression) : t?.type === "ForStatement" ? assigns(t.init) : undefined;
  if (!assignment) return false;
  const declared = declaration("let", d.id, assignment.right, { start: assignment.start, end: assignment.end });
  statements.splice(at, 1, ...(t.type === "ForStatement" ? [declared, { ...t, init: null }] : [declared]));
  return true;
}

/** The innermost block of `node` holding every mention of `name` in it; undefined where one lies outside every block. */
function innermostBlock(node: Node, name: string): Node | undefined {
  const holding = Object.keys(node)
    .filter((key) => key !== "loc")
    .flatMap((key) => (Array.isArray(node[key]) ? node[key] : [node[key]]))
    .filter((c: unknown) => isNode(c) && mentions(c, name)) as Node[];
  const deeper = holding.length === 1 ? innermostBlock(holding[0], name) : undefined;
  return deeper ?? (node.type === "BlockStatement" ? node : undefined);
}

/**
 * The plan with each parameter `n = default` read as `n`: a call always gives it a value, the
 * caller's or the default computed before the call (runtime/defaults.ts).
 */
export function lowerDefaultParams(plan: FunctionPlan): FunctionPlan {
  const parsed = plan.parsed;
  if (!parsed?.params.some((p) => p.type === "AssignmentPattern" && p.left.type === "Identifier")) return plan;
  const params = parsed.params.map((p) => (p.type === "AssignmentPattern" && p.left.type === "Identifier" ? p.left : p));
  return { ...plan, parsed: { ...parsed, params } };
}

/**
 * Everyday forms lowered to the subset the analyses and the code generator know (each the same
 * program; what does not fit is left, or refused here, by name):
 * - `function sq(x) { return E; }` declared in a block, and `(x) => { return E; }`: the arrow
 *   `const sq = (x) => E;` that codegen/inline.ts compiles into each call. A declaration is hoisted in
 *   JavaScript: one mentioned before it, or calling itself, stays a declaration (codegen/helpers.ts
 *   compiles it, as every other nested function with statements); one mentioned outside its block is refused.
 * - `[a, b] = [b, a + b];` (a statement, or a loop's update in a loop without `continue`): every right
 *   element into a hidden `const` in order, then the targets assigned in order, as JavaScript does;
 *   `let [lo, hi] = [0, n - 1];`: `let lo = 0, hi = n - 1;`.
 * - `var x = E` declared once, every mention of x after its declaration and inside the block (or the
 *   `for`) where `let` would be seen: `let`; `for (var i = S; …)` with i read after the loop in the
 *   same block: `let i = S; for (; …)`. Other `var`s are refused, saying why.
 */
export function lowerForms(plan: FunctionPlan): FunctionPlan {
  const parsed = plan.parsed;
  if (!parsed) return plan;
  const body = parsed.body;
  let [arrows, functions, patterns, vars] = [false, false, false, false];
  contains(body, (n) => {
    arrows ||= n.type === "ArrowFunctionExpression" && n.body.type === "BlockStatement";
    functions ||= n.type === "FunctionDeclaration";
    patterns ||= n.type === "ArrayPattern";
    vars ||= n.type === "VariableDeclaration" && n.kind === "var";
    return false;
  });
  if (!arrows && !functions && !patterns && !vars) return plan;
  const source = parsed.source;
  let lowered = body;
  if (arrows || functions) lowered = helpers(lowered, source);
  if (patterns) lowered = destructured(lowered, source);
  if (vars || patterns) lowered = varsAsLet(lowered, parsed.params, source);
  return { ...plan, parsed: { ...parsed, body: lowered } };
}

type Source = { error(what: string, at: Node | number): Error };

/** A copy of `node` with `f` applied to each child node (`f` recursing gives a bottom-up rewrite: children first). */
export function mapChildren(node: Node, f: (n: Node) => Node): Node {
  const copy: Node = { ...node };
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) copy[key] = value.map((v) => (isNode(v) ? f(v) : v));
    else if (isNode(value) && key !== "loc") copy[key] = f(value);
  }
  return copy;
}

/** Every Identifier named `name` that is a reference (not `o.name`, not a label). */
function references(node: Node, name: string): Node[] {
  const out: Node[] = [];
  const visit = (n: Node, key?: string) => {
    if (n.type === "Identifier" && n.name === name && key !== "label") out.push(n);
    for (const k of Object.keys(n)) {
      if (k === "loc" || (n.type === "MemberExpression" && !n.computed && k === "property")) continue;
      const value = n[k];
      if (Array.isArray(value)) value.forEach((v) => isNode(v) && visit(v, k));
      else if (isNode(value)) visit(value, k);
    }
  };
  visit(node);
  return out;
}

/** `{ return E; }`: E; undefined for any other body. */
function returned(body: Node): Node | undefined {
  if (body.type !== "BlockStatement" || body.body.length !== 1) return undefined;
  const only = body.body[0];
  return only.type === "ReturnStatement" && only.argument ? only.argument : undefined;
}

function helpers(body: Node, source: Source): Node {
  const root = body;
  const lower = (node: Node): Node => {
    const copy = mapChildren(node, lower);
    if (copy.type === "ArrowFunctionExpression" && !copy.async && copy.body.type === "BlockStatement") {
      const e = returned(copy.body);
      return e ? { ...copy, body: e, expression: true } : copy;
    }
    if (copy.type === "BlockStatement") copy.body = functionsAsArrows(copy, root, source);
    return copy;
  };
  return lower(body);
}

/** The statements of `block` with each `function f(x) { return E; }` as `const f = (x) => E;`. */
function functionsAsArrows(block: Node, root: Node, source: Source): Node[] {
  const out: Node[] = [];
  // Every function declared in the block (those left declarations too: codegen/helpers.ts).
  const lowered = new Set<string>((block.body as Node[]).filter((s) => s.type === "FunctionDeclaration").map((s) => s.id.name as string));
  for (const s of block.body as Node[]) {
    // esbuild's keepNames writes `__name(f, "f");` after a declaration: the declaration is f.
    if (
      s.type === "ExpressionStatement" &&
      s.expression.type === "CallExpression" &&
      s.expression.callee.type === "Identifier" &&
      s.expression.callee.name === "__name" &&
      s.expression.arguments[0]?.type === "Identifier" &&
      lowered.has(s.expression.arguments[0].name)
    )
      continue;
    // JavaScript (sloppy mode) also binds a block's function in the enclosing function: refused there.
    if (s.type === "FunctionDeclaration" && block !== root)
      for (const r of references(root, s.id.name))
        if (r.start < block.start || r.start >= block.end)
          throw source.error(`\`${s.id.name}\` used outside the block that declares it (a nested function is compiled into its calls)`, r);
    const e = s.type === "FunctionDeclaration" && !s.async && !s.generator ? returned(s.body) : undefined;
    if (!e) {
      out.push(s);
      continue;
    }
    // A function's own `this`, `arguments`, `new.target` are not the arrow's.
    const own = (n: Node) =>
      n.type === "ThisExpression" || n.type === "MetaProperty" || (n.type === "Identifier" && n.name === "arguments");
    if (contains(e, own))
      throw source.error("`this`, `arguments` or `new.target` in a nested function is not supported by jit", findNode(e, own)!);
    const name: string = s.id.name;
    const at = { start: s.start, end: s.end };
    // Calling itself or mentioned before it (JavaScript hoists it): left a
    // declaration, compiled as a function of its own (codegen/helpers.ts), which refuses recursion.
    const elsewhere = (r: Node) => r.start !== s.id.start && r.start < s.end;
    if (references(e, name).length > 0 || references(root, name).some(elsewhere)) {
      out.push(s);
      continue;
    }
    const arrow: Node = {
      type: "ArrowFunctionExpression",
      id: null,
      params: s.params,
      body: e,
      expression: true,
      async: false,
      generator: false,
      ...at,
    };
    out.push(declaration("const", s.id, arrow, at));
  }
  return out;
}

/** `[t1, …, tn] = [e1, …, en]` of names and elements, no holes, spread, defaults, rest or nesting. */
function swapShape(n: Node | null | undefined): boolean {
  if (n?.type !== "AssignmentExpression" || n.operator !== "=" || n.left.type !== "ArrayPattern" || n.right.type !== "ArrayExpression")
    return false;
  const [targets, values] = [n.left.elements as (Node | null)[], n.right.elements as (Node | null)[]];
  return (
    targets.length === values.length &&
    targets.every((t) => t && (t.type === "Identifier" || (t.type === "MemberExpression" && !t.optional))) &&
    values.every((v) => v && v.type !== "SpreadElement")
  );
}

/** `{ const __d1 = e1; …; t1 = __d1; …; }`: the right side first, left to right, then the targets in order. */
function swapped(n: Node): Node {
  const at = { start: n.start, end: n.end };
  const first: Node[] = [];
  const assigned = (n.left.elements as Node[]).map((target, k) => {
    const value: Node = n.right.elements[k];
    let from = value;
    if (value.type !== "Literal") {
      from = { type: "Identifier", name: `__d${++hidden}`, start: value.start, end: value.end };
      first.push(declaration("const", from, value, { start: value.start, end: value.end }));
    }
    const assignment: Node = {
      type: "AssignmentExpression",
      operator: "=",
      left: target,
      right: from,
      start: target.start,
      end: value.end,
    };
    return { type: "ExpressionStatement", expression: assignment, ...at };
  });
  return { type: "BlockStatement", body: [...first, ...assigned], ...at };
}

/** An expression whose value is not used that is a swap, or a sequence (`i++, [a, b] = [b, a]`) holding one. */
function swaps(e: Node): boolean {
  return swapShape(e) || (e.type === "SequenceExpression" && e.expressions.some(swapShape));
}

/** Such an expression as statements, in order. */
function statements(e: Node): Node {
  if (swapShape(e)) return swapped(e);
  const at = { start: e.start, end: e.end };
  const each = (e.expressions as Node[]).map((x) =>
    swapShape(x) ? swapped(x) : { type: "ExpressionStatement", expression: x, start: x.start, end: x.end },
  );
  return { type: "BlockStatement", body: each, ...at };
}

/** Does `body` hold a `continue` of the loop it is the body of? (any labelled one counts) */
function continues(body: Node): boolean {
  const visit = (n: Node, inner: boolean): boolean => {
    if (n.type === "ContinueStatement") return !!n.label || !inner;
    const loop = ["ForStatement", "WhileStatement", "DoWhileStatement", "ForOfStatement", "ForInStatement"].includes(n.type);
    return childNodes(n).some((c) => visit(c, inner || loop));
  };
  return visit(body, false);
}

function destructured(body: Node, source: Source): Node {
  const lower = (node: Node): Node => {
    const copy = mapChildren(node, lower);
    if (copy.type === "ExpressionStatement" && swaps(copy.expression)) return statements(copy.expression);
    if (copy.type === "ForStatement" && copy.update && swaps(copy.update)) {
      if (continues(copy.body))
        throw source.error(
          "destructuring as the update of a loop with `continue` is not supported by jit (move it to the body's end)",
          copy.update,
        );
      const at = { start: copy.body.start, end: copy.body.end };
      return { ...copy, update: null, body: { type: "BlockStatement", body: [copy.body, statements(copy.update)], ...at } };
    }
    if (copy.type === "VariableDeclaration" && copy.declarations.some((d: Node) => d.id.type === "ArrayPattern")) {
      const declarations = (copy.declarations as Node[]).flatMap((d) => {
        if (d.id.type !== "ArrayPattern" || d.init?.type !== "ArrayExpression") return [d];
        const [names, values] = [d.id.elements as (Node | null)[], d.init.elements as (Node | null)[]];
        if (
          names.length !== values.length ||
          !names.every((t) => t?.type === "Identifier") ||
          !values.every((v) => v && v.type !== "SpreadElement")
        )
          return [d];
        // `let [a, b] = [b, a]` reads a and b before they are initialised: a ReferenceError in JavaScript.
        for (const v of values as Node[])
          for (const t of names as Node[])
            if (references(v, t.name).length > 0)
              throw source.error(
                `\`${t.name}\` read in the destructuring that declares it (JavaScript throws a ReferenceError) is not supported by jit`,
                v,
              );
        return (names as Node[]).map((t, k) => ({
          type: "VariableDeclarator",
          id: t,
          init: values[k],
          start: t.start,
          end: values[k]!.end,
        }));
      });
      return { ...copy, declarations };
    }
    return copy;
  };
  return lower(body);
}

/** What becomes of each `var` declaration: `let` in place, or `let` before the `for` whose init it is. */
function varsAsLet(body: Node, params: readonly Node[], source: Source): Node {
  const found: { decl: Node; scope: Node }[] = [];
  const visit = (n: Node, parent: Node | undefined, key: string | undefined): void => {
    if (n.type === "VariableDeclaration" && n.kind === "var") {
      const inBlock = parent?.type === "BlockStatement" && key === "body";
      const inLoop =
        (parent?.type === "ForStatement" && key === "init") ||
        ((parent?.type === "ForOfStatement" || parent?.type === "ForInStatement") && key === "left");
      if (!parent || (!inBlock && !inLoop))
        throw source.error(
          "`var` outside a block (a `switch` case, the body of an `if` or a loop) is not supported by jit (use let or const)",
          n,
        );
      found.push({ decl: n, scope: parent });
    }
    for (const k of Object.keys(n)) {
      if (k === "loc") continue;
      const value = n[k];
      if (Array.isArray(value)) value.forEach((v) => isNode(v) && visit(v, n, k));
      else if (isNode(value)) visit(value, n, k);
    }
  };
  visit(body, undefined, undefined);
  // The statement of `block` holding `loop` (the loop, or a label on it).
  const holder = (block: Node | undefined, loop: Node): number => {
    if (block?.type !== "BlockStatement") return -1;
    return (block.body as Node[]).findIndex((s) => {
      let t = s;
      while (t.type === "LabeledStatement") t = t.body;
      return t === loop;
    });
  };
  // The block holding the loop as one of its statements (through its labels).
  const blockOf = (loop: Node): Node | undefined => {
    let result: Node | undefined;
    const search = (n: Node): void => {
      if (result) return;
      if (n.type === "BlockStatement" && holder(n, loop) >= 0) result = n;
      else childNodes(n).forEach(search);
    };
    search(body);
    return result;
  };
  const counts = new Map<string, number>();
  for (const { decl } of found)
    for (const d of decl.declarations as Node[]) if (d.id.type === "Identifier") counts.set(d.id.name, (counts.get(d.id.name) ?? 0) + 1);
  const hoisted = new Map<Node, Node>(); // the `for` → its block
  for (const { decl, scope } of found) {
    let hoist = false;
    for (const d of decl.declarations as Node[]) {
      if (d.id.type !== "Identifier") throw source.error("`var` with destructuring is not supported by jit (use let or const)", d.id);
      const name: string = d.id.name;
      const what = `\`var ${name}\``;
      if (counts.get(name)! > 1) throw source.error(`${what} declared more than once is not supported by jit (use let or const)`, d.id);
      if (params.some((p) => references(p, name).length > 0))
        throw source.error(`${what} with the name of a parameter is not supported by jit (use let or const)`, d.id);
      const mentions = references(body, name).filter((r) => r !== d.id);
      const before = mentions.find((r) => r.start < d.end);
      if (before)
        throw source.error(
          `${what} used before its declaration (where JavaScript hoists it as undefined) is not supported by jit (use let or const)`,
          before,
        );
      const outside = (s: Node) => mentions.find((r) => r.start < s.start || r.start >= s.end);
      if (!outside(scope)) continue;
      const block = scope.type === "ForStatement" ? blockOf(scope) : undefined;
      if (block && !outside(block)) {
        hoist = true;
        continue;
      }
      throw source.error(
        `${what} used outside the ${scope.type === "BlockStatement" ? "block" : "loop"} that declares it is not supported by jit (use let or const, declared where every use sees it)`,
        outside(scope)!,
      );
    }
    if (hoist) hoisted.set(scope, blockOf(scope)!);
  }
  const lower = (node: Node): Node => {
    const copy = mapChildren(node, lower);
    if (copy.type === "VariableDeclaration" && copy.kind === "var") return { ...copy, kind: "let" };
    if (copy.type === "BlockStatement" && [...hoisted.values()].includes(node)) {
      copy.body = (copy.body as Node[]).flatMap((s, k) => {
        let loop: Node = node.body[k];
        while (loop.type === "LabeledStatement") loop = loop.body;
        if (!hoisted.has(loop)) return [s];
        // `s` is the lowered copy: take its init off (through its labels).
        const strip = (t: Node): Node => (t.type === "LabeledStatement" ? { ...t, body: strip(t.body) } : { ...t, init: null });
        let init: Node = s;
        while (init.type === "LabeledStatement") init = init.body;
        return [init.init, strip(s)];
      });
    }
    return copy;
  };
  return lower(body);
}
