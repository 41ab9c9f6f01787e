// Statements: blocks, declarations (a local's type comes from its initial value), if, the loops
// (block/loop/block so `break` and `continue` are plain branches), labels, `return` and `throw` (throw.ts).
import type { FunctionContext, Loop, Var } from "./context.ts";
import { CONSTRUCTS, DESTRUCTURING, describeType } from "./describe.ts";
import { halvingBranchLoop, halvingLoop } from "../transforms/idioms.ts";
import { vectorizedLoop } from "../transforms/vectorize.ts";
import { elementwiseLoop } from "../transforms/vectorize-map.ts";
import { interchangedLoop } from "../transforms/interchange.ts";
import { stridedLoop } from "../transforms/strided.ts";
import { recurrenceLoop } from "../transforms/recurrence.ts";
import { searchLoop } from "../transforms/search.ts";
import { boundsVersion } from "../transforms/bounds.ts";
import { MARK } from "./chunk.ts";
import { assignsOuterArray, freeOwned, makesArray } from "./allocation.ts";
import { inlineFunction } from "./inline.ts";
import { helperFunction, hoistHelpers, isHelperInit } from "./helpers.ts";
import { throwStatement } from "./throw.ts";
import { unwrap } from "../transforms/loop-shape.ts";
import { recurse } from "./recursion.ts";
import type { Node } from "../front/parse.ts";
import { assign, update } from "./places.ts";
import {
  isArray,
  isBigint,
  isNumber,
  isRecord,
  sameShape,
  typeName,
  type RecordType,
  type ResultType,
  type ScalarType,
  type ValueType,
  wasmTypes,
} from "../analysis/types.ts";
import { constant, pure } from "../analysis/typing.ts";
import type { Instr } from "../wasm/wasm.ts";

export function stmt(cx: FunctionContext, node: Node): void {
  switch (node.type) {
    case "BlockStatement":
      return cx.scoped(() => {
        const scope = cx.scopes[cx.scopes.length - 1];
        cx.escaping.set(scope, assignsOuterArray(cx, node));
        hoistHelpers(cx, node.body);
        node.body.forEach((s: Node) => stmt(cx, s));
        freeOwned(cx, scope);
      });
    case "EmptyStatement":
    case "TSTypeAliasDeclaration": // TypeScript source text: type declarations are no code
    case "TSInterfaceDeclaration":
      return;
    case "VariableDeclaration":
      return declare(cx, node);
    case "ExpressionStatement":
      return effect(cx, node.expression);
    case "IfStatement":
      if (!node.alternate && selected(cx, node)) return;
      recurse.cond(cx, node.test);
      cx.open("if");
      cx.scoped(() => stmt(cx, node.consequent));
      if (node.alternate) {
        cx.emit(["else"]);
        cx.scoped(() => stmt(cx, node.alternate));
      }
      return cx.close();
    case "WhileStatement":
    case "ForStatement":
      if (vectorizedLoop(cx, node, { stmt: (s) => stmt(cx, s), loop: (l) => whileOrFor(cx, l) })) return;
      if (interchangedLoop(cx, node, { asWritten: () => whileOrFor(cx, node) })) return;
      if (elementwiseLoop(cx, node, { stmt: (s) => stmt(cx, s), asWritten: () => whileOrFor(cx, node) })) return;
      if (recurrenceLoop(cx, node, { asWritten: () => whileOrFor(cx, node) })) return;
      if (searchLoop(cx, node, { init: (i) => initialize(cx, i), loop: (l, b) => loop(cx, l, b), effect: (e) => effect(cx, e) })) return;
      if (stridedLoop(cx, node, { stmt: (s) => stmt(cx, s), asWritten: () => whileOrFor(cx, node) })) return;
      if (halvingLoop(cx, node, () => whileOrFor(cx, node))) return;
      if (halvingBranchLoop(cx, node, (l) => loop(cx, l, node.body))) return;
      return whileOrFor(cx, node);
    case "DoWhileStatement": {
      const label = takeLabel(cx);
      const breakDepth = cx.open("block");
      const top = cx.open("loop");
      const continueDepth = cx.open("block");
      loop(cx, { label, breakDepth, continueDepth }, node.body);
      cx.close();
      recurse.cond(cx, node.test);
      cx.emit(["br_if", cx.depth - top]);
      cx.close();
      return cx.close();
    }
    case "LabeledStatement":
      if (!["ForStatement", "WhileStatement", "DoWhileStatement"].includes(node.body.type))
        throw cx.err("a label on something other than a loop", node);
      cx.label = node.label.name;
      return stmt(cx, node.body);
    case "BreakStatement":
    case "ContinueStatement": {
      const name = node.label?.name as string | undefined;
      const continues = node.type === "ContinueStatement";
      const loop = [...cx.loops].reverse().find((l) => (name === undefined ? !(continues && l.switch) : l.label === name));
      if (!loop) throw cx.fail(`\`${node.type === "BreakStatement" ? "break" : "continue"}\` outside a loop`, node);
      const target = node.type === "BreakStatement" ? loop.breakDepth : loop.continueDepth;
      if (loop.scopes !== undefined) for (let i = cx.scopes.length - 1; i >= loop.scopes; i--) freeOwned(cx, cx.scopes[i]);
      return cx.emit(["br", cx.depth - target]);
    }
    case "ReturnStatement":
      return returnStatement(cx, node.argument, node);
    case "FunctionDeclaration":
      // Hoisted where its block starts (helpers.ts); elsewhere (a lone `if` body, a `switch` case) refused.
      if (cx.lookup(node.id.name)?.decl === node) return;
      throw cx.err("a function declared other than in a block or the function's body", node);
    case "SwitchStatement":
      return switchStatement(cx, node);
    case "ThrowStatement":
      return throwStatement(cx, node);
    default:
      throw cx.err(CONSTRUCTS[node.type] ?? `a ${node.type}`, node);
  }
}

/** `while (test) body` and `for (init; test; update) body`: block { loop { test; block { body } update } }. */
function whileOrFor(cx: FunctionContext, node: Node): void {
  return cx.scoped(() => {
    if (node.init) initialize(cx, node.init);
    const label = takeLabel(cx);
    const exit = node.type === "ForStatement" ? countedExit(cx, node) : undefined;
    const fact = node.update ? boundsFact(cx, node.update) : undefined;
    // A counted loop of the entry function outside any other loop may be moved into a function of its
    // own, called with growing bounds (chunk.ts), where the engine compiles wasm in its baseline tier first.
    const movable = exit !== undefined && cx.builder.chunkLoops && cx.plan.exported && cx.loops.length === 0;
    const emitLoop = (facts: { counter: Var; array: Var }[]) => {
      const breakDepth = cx.open("block");
      if (exit) {
        // A counted loop: `i < E` once, then `i != E` each trip (see countedExit).
        recurse.cond(cx, node.test);
        cx.emit(["i32.eqz"], ["br_if", cx.depth - breakDepth]);
      }
      if (movable) cx.emit([MARK.begin]);
      const top = cx.open("loop");
      if (exit) {
        const test: Instr[] = [...exit.code, ["i32.eqz"], ["br_if", cx.depth - breakDepth]];
        if (movable) (test.splice(exit.bound[1], 0, [MARK.boundEnd]), test.splice(exit.bound[0], 0, [MARK.bound]));
        cx.emit(...(movable ? [[MARK.test] as Instr, ...test, [MARK.testEnd] as Instr] : test));
      } else if (node.test) {
        recurse.cond(cx, node.test);
        cx.emit(["i32.eqz"], ["br_if", cx.depth - breakDepth]);
      }
      const continueDepth = cx.open("block");
      cx.inBounds.push(...facts);
      loop(cx, { label, breakDepth, continueDepth }, node.body);
      cx.inBounds.length -= facts.length;
      cx.close();
      if (node.update) {
        // `v >= E; v--` with v at −2^31 (`v <= E; v++` at 2^31 − 1): the test would fail after the
        // update, so the loop leaves before it, and v stays an int32 (intervals.ts `wrapExit`).
        const limit = node.update.type === "UpdateExpression" ? cx.intervals.wrapExit(node.update) : undefined;
        const v = limit === undefined ? undefined : cx.lookup(node.update.argument.name);
        if (v && limit !== undefined && v.locals.length === 1 && (v.type !== "u32" || limit > 0)) {
          const f64 = v.type === "f64";
          cx.emit(["local.get", v.locals[0]], f64 ? ["f64.const", limit] : ["i32.const", limit], [f64 ? "f64.eq" : "i32.eq"]);
          cx.emit(["br_if", cx.depth - breakDepth]);
        }
        effect(cx, node.update);
      }
      cx.emit(["br", cx.depth - top]);
      cx.close();
      if (movable) cx.emit([MARK.end]);
      cx.close();
    };
    const others = fact ? alsoIndexed(cx, fact, node.update.argument.name, node.body) : [];
    if (others.length === 0) {
      // Loop versioning for indices affine in the counter (transforms/bounds.ts), two levels deep at most.
      const version = node.type === "ForStatement" && cx.boundsDepth < 2 ? boundsVersion(cx, node) : undefined;
      if (!version) return emitLoop(fact ? [fact] : []);
      cx.emit(...version.guard);
      cx.open("if");
      const added = [...version.indices].filter((i) => !cx.safeIndices.has(i));
      for (const i of added) cx.safeIndices.add(i);
      cx.boundsDepth++;
      emitLoop(fact ? [fact] : []);
      cx.boundsDepth--;
      for (const i of added) cx.safeIndices.delete(i);
      cx.emit(["else"]);
      cx.boundsDepth++;
      emitLoop(fact ? [fact] : []);
      cx.boundsDepth--;
      return cx.close();
    }
    // Loop versioning: when every other array the body indexes with i is at least as long as the
    // one bounding the loop, none of those accesses can be out of range: one copy of the loop without
    // their checks; the other copy, with them, runs when an array is shorter (and traps where it must).
    const bound = fact!.array.locals[1];
    others.forEach((array, k) => {
      cx.emit(["local.get", array.locals[1]], ["local.get", bound], ["i32.ge_u"]);
      if (k > 0) cx.emit(["i32.and"]);
    });
    cx.open("if");
    emitLoop([fact!, ...others.map((array) => ({ counter: fact!.counter, array }))]);
    cx.emit(["else"]);
    emitLoop([fact!]);
    cx.close();
  });
}

/** Other arrays the body indexes with exactly `a[i]` (i the counter), never reassigned: candidates for loop versioning. */
function alsoIndexed(cx: FunctionContext, fact: { counter: Var; array: Var }, counter: string, body: Node): Var[] {
  const found: Var[] = [];
  const visit = (node: Node): void => {
    if (!node || typeof node !== "object") return;
    if (node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression" || node.type === "FunctionDeclaration") return;
    if (node.type === "MemberExpression" && node.computed && node.property.type === "Identifier" && node.property.name === counter) {
      const name = node.object.type === "Identifier" ? node.object.name : undefined;
      const v = name === undefined ? undefined : cx.lookup(name);
      const fixed = v !== undefined && (v.constant || (cx.isParameter(name, v) && !cx.ranges.writtenParams.has(name)));
      if (v && fixed && isArray(v.type) && v !== fact.array && !found.includes(v)) found.push(v);
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "loc") continue;
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === "object" && typeof value.type === "string") visit(value);
    }
  };
  visit(body);
  return found;
}

/** A `for` loop's init: a declaration or an expression. */
function initialize(cx: FunctionContext, init: Node): void {
  if (init.type === "VariableDeclaration") declare(cx, init);
  else effect(cx, init);
}

/**
 * `for (…; i < E; i++)` where i is a bigint or i32 counter written only by that `++` (ranges.ts) and E
 * cannot change in the loop (a constant, a const, a parameter never assigned, the length of such an
 * array): the test `i < E` is made once before the loop, and each trip tests `i != E` (the code of
 * that test is returned; undefined when the loop is not of this form). Equivalent: i < E at entry,
 * and i grows by one a trip, so i reaches E without wrapping and i != E holds exactly while i < E.
 * This is the loop AssemblyScript's sumRange is written as: V8 compiles both forms to the same
 * machine code, but JavaScriptCore (Bun) compiled the `i < E` form twice as slow in some compiles.
 */
function countedExit(cx: FunctionContext, node: Node): { code: Instr[]; bound: [number, number] } | undefined {
  const u = node.update && cx.ranges.updates.get(node.update);
  if (!u || node.update.operator !== "++" || node.test?.type !== "BinaryExpression") return undefined;
  const test = node.test;
  const counter = test.operator === "<" ? test.left : test.right;
  const v = counter.type === "Identifier" ? cx.lookup(counter.name) : undefined;
  if (!v || v.locals.length !== 1 || !(isBigint(v.type) || (v.type === "i32" && v.counter === u.declarator))) return undefined;
  if (!cx.invariant(u.bound)) return undefined;
  const [left, right] = [recurse.detached(cx, test.left), recurse.detached(cx, test.right)];
  const ints = (t: ResultType) => t === "i32" || t === "u32";
  // Both bigints (equality is the same signed or unsigned), or an i32 counter against an i32 or the u32
  // length of an array of 2-byte or wider elements (below 2^31, else the counter is an f64): equal bits, equal values.
  // `bound`: where E's code is in the test.
  const bound: [number, number] = counter === test.left ? [left.code.length, left.code.length + right.code.length] : [0, left.code.length];
  if (isBigint(left.type) && isBigint(right.type)) return { code: [...left.code, ...right.code, ["i64.ne"]], bound };
  if (ints(left.type) && ints(right.type)) return { code: [...left.code, ...right.code, ["i32.ne"]], bound };
  return undefined;
}

let switches = 0;

/**
 * `switch (d) { case A: …; case B: …; default: … }`: d in a hidden local, then each case body after the
 * end of a block of its own, nested so that falling through one case's body runs into the next:
 *
 *   block $exit   block $case_n-1 … block $case_0
 *     (d === A) br_if $case_0 … ; br $default (or $exit)
 *   end body_0   end body_1 … end body_n-1   end
 *
 * The tests are compared in order with `===`, as JavaScript does (its tests are expressions without
 * effects here, so evaluating them in order until one matches is all that can be seen). The cases share
 * one scope; `break` leaves the statement, `continue` goes to the loop around it.
 */
function switchStatement(cx: FunctionContext, node: Node): void {
  const cases: Node[] = node.cases;
  for (const c of cases)
    if (c.test && !pure(c.test, ANY_OPERATOR)) throw cx.err("a `case` test with effects (an assignment, a call)", c.test);
  cx.scoped(() => {
    const scope = cx.scopes[cx.scopes.length - 1];
    cx.escaping.set(scope, assignsOuterArray(cx, node));
    const type = recurse.expr(cx, node.discriminant);
    const vts = wasmTypes(type);
    if (vts.length !== 1)
      throw cx.fail(`a switch on a ${type === "void" ? "call that returns nothing" : "value of several parts"}`, node.discriminant);
    const hidden = `__switch${++switches}`;
    const local = cx.local(vts[0]);
    cx.emit(["local.set", local]);
    scope.set(hidden, { type: type as Var["type"], locals: [local], constant: true });
    const exit = cx.open("block");
    const depths: number[] = [];
    for (let k = cases.length - 1; k >= 0; k--) depths[k] = cx.open("block");
    cases.forEach((c, k) => {
      if (!c.test) return;
      const at = { start: c.test.start, end: c.test.end };
      recurse.cond(cx, {
        type: "BinaryExpression",
        operator: "===",
        left: { type: "Identifier", name: hidden, ...at },
        right: c.test,
        ...at,
      });
      cx.emit(["br_if", cx.depth - depths[k]]);
    });
    const fallback = cases.findIndex((c) => !c.test);
    cx.emit(["br", cx.depth - (fallback >= 0 ? depths[fallback] : exit)]);
    cx.loops.push({ label: undefined, breakDepth: exit, continueDepth: -1, scopes: cx.scopes.length - 1, switch: true });
    try {
      for (const c of cases) {
        cx.close();
        for (const s of c.consequent as Node[]) stmt(cx, s);
      }
    } finally {
      cx.loops.pop();
    }
    cx.close();
    freeOwned(cx, scope);
  });
}

export function takeLabel(cx: FunctionContext) {
  const label = cx.label;
  cx.label = undefined;
  return label;
}

export function loop(cx: FunctionContext, loop: Loop, body: Node) {
  cx.loops.push({ ...loop, scopes: cx.scopes.length });
  cx.scoped(() => stmt(cx, body));
  cx.loops.pop();
}

export function returnStatement(cx: FunctionContext, argument: Node | null, node: Node) {
  if (cx.plan.constructing) throw cx.err("`return` in a jitClass constructor", node);
  const literal = argument && unwrap(argument);
  if (literal && (literal.type === "ObjectExpression" || literal.type === "ArrayExpression")) return returnRecord(cx, literal, argument);
  const type = argument ? recurse.expr(cx, argument) : "void";
  if (cx.result === undefined) cx.returns.push({ type, node: argument ?? node });
  else cx.emit(...cx.convert(type, cx.result, argument ?? node, "the return value"));
  cx.emit(["return"]);
}

/**
 * `return { a: e1, b: e2 }` (shorthand `{ a, b }` too) or `return [e1, e2]`: each value computed in
 * source order and left on the stack, the function's several results (the boundary builds a fresh
 * object or Array of them per call). Values are numbers, bigints or booleans; keys plain names.
 */
function returnRecord(cx: FunctionContext, literal: Node, argument: Node): void {
  const array = literal.type === "ArrayExpression";
  const values: [string, Node][] = [];
  if (array)
    (literal.elements as (Node | null)[]).forEach((e, i) => {
      if (e === null) throw cx.err("a hole in a returned array literal", literal);
      if (e.type === "SpreadElement") throw cx.err("spread in a returned array literal", e);
      values.push([String(i), e]);
    });
  else
    for (const p of literal.properties as Node[]) {
      if (p.type === "SpreadElement") throw cx.err("spread in a returned object literal", p);
      if (p.kind !== "init" || p.method)
        throw cx.err(`a ${p.method ? "method" : p.kind === "get" ? "getter" : "setter"} in a returned object literal`, p);
      if (p.computed) throw cx.err("a computed key in a returned object literal", p.key);
      const key =
        p.key.type === "Identifier"
          ? (p.key.name as string)
          : p.key.type === "Literal" && typeof p.key.value === "string"
            ? p.key.value
            : undefined;
      // Integer-like keys would come first in JavaScript's key order; `__proto__:` sets the prototype.
      if (key === undefined || !/^[A-Za-z_$][\w$]*$/.test(key))
        throw cx.err("a key that is not a plain name (numbers and other strings) in a returned object literal", p.key);
      if (key === "__proto__") throw cx.err("the key `__proto__` in a returned object literal", p.key);
      if (values.some(([k]) => k === key)) throw cx.fail(`the key \`${key}\` is given twice in this returned object literal`, p.key);
      values.push([key, p.value]);
    }
  const expected = cx.result;
  if (expected !== undefined && !isRecord(expected))
    throw cx.fail(`the return value: an ${array ? "array" : "object"} where a ${typeName(expected)} is required`, argument);
  const shape: RecordType = { kind: "record", array, fields: values.map(([k]) => [k, "f64"]) };
  if (expected && !sameShape(shape, expected))
    throw cx.fail(
      `the return value: ${array ? `an array of ${values.length}` : `an object with the keys ${values.map(([k]) => k).join(", ") || "(none)"}`} where the function returns ${typeName(expected)} (every return must give the same shape)`,
      argument,
    );
  const fields = values.map(([key, value], i): readonly [string, ScalarType] => {
    const type = recurse.expr(cx, value);
    if (!(isNumber(type) || isBigint(type) || type === "bool"))
      throw cx.fail(
        `${array ? `element ${key}` : `\`${key}\``} of a returned ${array ? "array" : "object"} is ${type === "void" ? "a call that returns nothing" : `a ${describeType(type)}`}: jit returns objects and arrays of numbers, bigints and booleans`,
        value,
      );
    if (expected)
      cx.emit(...cx.convert(type, expected.fields[i][1], value, `${array ? `element ${key}` : `\`${key}\``} of the return value`));
    return [key, type];
  });
  if (expected === undefined) cx.returns.push({ type: { kind: "record", array, fields }, node: argument });
  cx.emit(["return"]);
}

/** `for (…; i < a.length; i++)`, i a counter from a constant ≥ 0 up, a an array never reassigned: i indexes a in bounds in the body. */
function boundsFact(cx: FunctionContext, update: Node): { counter: Var; array: Var } | undefined {
  const u = cx.ranges.updates.get(update);
  if (!u) return undefined;
  const bound = u.bound;
  if (bound.type !== "MemberExpression" || bound.computed || bound.property.name !== "length" || bound.object.type !== "Identifier")
    return undefined;
  const counter = cx.lookup(update.argument.name);
  const array = cx.lookup(bound.object.name);
  if (!counter || counter.counter !== u.declarator || !counter.nonNegative || !array || !isArray(array.type)) return undefined;
  const isParam = cx.isParameter(bound.object.name, array);
  if (!array.constant && !(isParam && !cx.ranges.writtenParams.has(bound.object.name))) return undefined;
  return { counter, array };
}

export function declare(cx: FunctionContext, node: Node) {
  // `var` where `let` means the same was lowered (front/lower.ts), which refuses the others by name.
  if (node.kind === "var") throw cx.err("`var` (use let or const)", node);
  for (const d of node.declarations) {
    if (d.id.type !== "Identifier") throw cx.err(DESTRUCTURING, d.id);
    if (!d.init)
      throw cx.fail(
        `\`${d.id.name}\` needs an initial value: jit infers a local's type from it (or from \`${d.id.name} = …\` as the first statement of the same block to use it)`,
        d,
      );
    const init = unwrapName(cx, unwrap(d.init));
    if (isHelperInit(init)) {
      if (node.kind !== "const") throw cx.err("a nested function in a `let` (declare it `const`)", init);
      const scope = cx.scopes[cx.scopes.length - 1];
      if (scope.has(d.id.name)) throw cx.fail(`\`${d.id.name}\` is declared twice`, d.id);
      scope.set(d.id.name, { type: "bool", locals: [], constant: true, decl: d, helper: helperFunction(cx, init, d.id.name) });
      continue;
    }
    const arrow = inlineFunction(cx, unwrap(d.init), node.kind);
    if (arrow) {
      const scope = cx.scopes[cx.scopes.length - 1];
      if (scope.has(d.id.name)) throw cx.fail(`\`${d.id.name}\` is declared twice`, d.id);
      scope.set(d.id.name, { type: "bool", locals: [], constant: true, decl: d, inline: arrow });
      continue;
    }
    let type = recurse.expr(cx, d.init);
    if (type === "void") throw cx.fail(`\`${d.id.name}\` is initialised with a call that returns nothing`, d.init);
    // A number local lives in an i32 when every value it ever holds is an int32 (uint32): proven by
    // the numeric analysis (intervals.ts), over every assignment; otherwise in an f64.
    let proven = false;
    // Read only through ToInt32 (bits.ts); some of those reads (`v !== 0`, `v - 1` under `&`) only where
    // every value is an integer in (−2^32, 2^32), as the analysis proves.
    const all = cx.ranges.bitIntegral.has(d) ? cx.intervals.localFacts(d) : undefined;
    const integral = !all || (all.int && !all.nan && all.lo > -(2 ** 32) && all.hi < 2 ** 32);
    const wrapped = isNumber(type) && cx.ranges.bitOnly.has(d) && (!cx.ranges.bitIntegral.has(d) || (!!all && integral));
    if (wrapped) {
      cx.emit(...cx.int32(type, d.init, d.init));
      type = "i32";
    } else if (isNumber(type)) {
      const representation = cx.intervals.localType(d);
      cx.emit(...cx.represent(type, representation, d.init));
      proven = representation !== "f64";
      type = representation;
    }
    // A counter over a byte array is a u32 (its length can pass 2^31): it bounds accesses all the same.
    const counter = (type === "i32" || type === "u32") && node.kind === "let" && cx.ranges.counters.has(d);
    const scope = cx.scopes[cx.scopes.length - 1];
    if (scope.has(d.id.name)) throw cx.fail(`\`${d.id.name}\` is declared twice`, d.id);
    const locals = wasmTypes(type).map((t) => cx.local(t));
    for (const l of [...locals].reverse()) cx.emit(["local.set", l]);
    const start = constant(d.init);
    const nonNegative = counter && cx.ranges.increasing.has(d) && typeof start === "number" && start >= 0;
    scope.set(d.id.name, {
      // (No expression has a record type: calls.ts refuses reading a callee's.)
      type: type as ValueType,
      locals,
      constant: node.kind === "const",
      decl: d,
      ...(makesArray(cx, unwrap(d.init)) ? { owned: true } : {}),
      ...(proven ? { proven } : {}),
      ...(wrapped ? { wrapped } : {}),
      ...(counter ? { counter: d, nonNegative } : {}),
    });
  }
}

/** esbuild's keepNames (tsx, some bundlers) writes `__name((x) => …, "f")` for `(x) => …`. */
function unwrapName(cx: FunctionContext, init: Node): Node {
  if (init.type === "CallExpression" && init.callee.type === "Identifier" && init.callee.name === "__name" && !cx.lookup("__name"))
    return init.arguments[0] ?? init;
  return init;
}

/** An expression whose value is not used. */
export function effect(cx: FunctionContext, node: Node) {
  if (node.type === "AssignmentExpression") assign(cx, node, false);
  else if (node.type === "UpdateExpression") update(cx, node, false);
  else cx.drop(recurse.expr(cx, node));
}

/**
 * `if (c) x++`, `if (c) x += e`, `if (c) x = e` (x a local, e cheap and free of effects and traps)
 * as `x = select(new x, x, c)`: no branch. A counter of random events (Monte Carlo's hits) would
 * otherwise mispredict on a good share of its iterations. The condition is still evaluated first, and
 * the new value, computed whether c holds or not, has no effect: the same result as the branch.
 */
function selected(cx: FunctionContext, node: Node): boolean {
  let body = node.consequent;
  if (body.type === "BlockStatement" && body.body.length === 1) body = body.body[0];
  if (body.type !== "ExpressionStatement") return false;
  const e = body.expression;
  const target = e.type === "UpdateExpression" ? e.argument : e.type === "AssignmentExpression" ? e.left : undefined;
  if (target?.type !== "Identifier" || (e.type === "AssignmentExpression" && !pure(e.right, ANY_OPERATOR))) return false;
  const v = cx.lookup(target.name);
  if (!v || v.constant || v.locals.length !== 1 || v.counter) return false;
  const saved = cx.code;
  cx.code = [];
  let condition: Instr[];
  let value: Instr[];
  try {
    recurse.cond(cx, node.test);
    condition = cx.code;
    cx.code = [];
    effect(cx, e);
    value = cx.code;
  } finally {
    cx.code = saved;
  }
  const last = value[value.length - 1];
  const cheap = value.length <= 16 && value.slice(0, -1).every(([op]) => !SPECULATION_UNSAFE.test(op) && op !== "local.set");
  if (!cheap || last[0] !== "local.set" || last[1] !== v.locals[0]) return false;
  const test = cx.local("i32");
  cx.emit(...condition);
  cx.emit(["local.set", test], ...value.slice(0, -1), ["local.get", v.locals[0]], ["local.get", test], ["select"], last);
  return true;
}

/** What must not run unless the branch is taken: control flow, calls, what may trap (integer division, float → int), memory, slow f64 ops. */
const SPECULATION_UNSAFE =
  /^(unreachable|call|br|br_if|return|if|else|end|block|loop)$|^i(32|64)\.(div|rem|trunc_f)|load|store|^f64\.(div|sqrt)$/;

/** Any operator but `delete` (which the jit refuses anyway). */
const ANY_OPERATOR = (operator: string) => operator !== "delete";
