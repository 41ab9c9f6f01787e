// The outer-loop vectorizer: outer iterations of a counted loop run side by side in the lanes of f64x2
// values, when the loop has the escape-time shape (Mandelbrot's pixel loop):
//
//   for (let p = A; p < B; p++) {              // p an i32 counter, B an i32 that cannot change
//     const c = …; let z = …; let i = K;       // declarations: numbers, from p and invariants only
//     for (; i < N; i++) {                     // i an i32 counter from the literal K, N invariant
//       const t = …;                           // f64 arithmetic (+ − * /, unary −, Math.sqrt/abs/min/max)
//       if (<comparison>) break;               // exactly one break, on f64 comparisons (&&, ||, ! of them)
//       z = …;                                 // assignments to the lane's own number locals
//     }
//     …                                        // anything using i, p and the declarations the loop does not assign
//   }
//
// Four iterations per trip while four are left, as two independent f64x2 groups (lanes 0, 1 and 2, 3)
// whose statements are interleaved in one inner loop: each trip is a chain of dependent multiplies and
// adds, so one group is latency-bound and the CPU overlaps the two chains. Then two iterations (one
// group) when two or three are left, then the last one scalar. On the jit bench's Mandelbrot (400 × 300,
// maxIter 200, Node 20) four lanes cost 2.7 % more trips than two (a trip runs until its slowest lane
// escapes) and the loop takes ≈ 7.5 ms against ≈ 9.5 ms; docs/decisions.md has the variants measured.
//
// The lanes run the inner loop in lockstep. A lane is done from the trip where its break condition
// first holds (done = done OR condition: it never comes back, even if its values turn to NaN); each
// trip that goes on adds `done` (−1 in a done lane, 0 in the others) to the lane's `missed`, so the
// trip counter plus `missed` is the trip where the lane stopped: exactly the i the scalar loop leaves.
// The loop stops when every lane is done or i reaches N. One group keeps `done` and `missed` as i64x2
// and stops at i64x2.bitmask = 3 (the alternatives measured are in docs/decisions.md). Two groups keep
// only `missed`, an i32x4 with a lane per pixel: the two masks' low halves are shuffled into one i32x4
// (i8x16.shuffle), and a lane was done before this trip exactly when its `missed` is negative (it went
// on at least one trip done), so done = mask OR (missed >> 31), the loop stops at i32x4.bitmask = 15,
// and missed += done. Only when the literal K is ≥ 0: missed stays in [−(N − K), 0], an i32, and the sign
// test holds (one group, any K, counts in i64). Fewer live v128 values than two masks and two
// counters: x64 has 16 xmm registers, and the spills cost more than the overlap gains.
//
// Each lane's operations are the scalar loop's, in the same order, on the same doubles (f64x2
// arithmetic is IEEE 754 per lane, as f64 arithmetic is), so counts are identical; `2 * x` and `x * 2`
// of a variable are computed as x + x, the same double for every x (±0, ±∞, NaN), which spares a
// register for the constant 2. Interleaving the two groups' statements reorders operations of
// different lanes only, which share no values. The values an escaped lane goes on computing are never
// read (the statements after the loop may not read what the loop assigns). The declarations before the
// inner loop are computed per lane with the scalar code, and the statements after it run for lane 0,
// 1, 2 then 3 (0 then 1 with one group), as the scalar loop orders them; moving later lanes'
// declarations and loop before earlier lanes' last statements is safe because they read no memory and
// no variable those statements can write.
import type { FunctionContext, Var } from "../codegen/context.ts";
import { JitError } from "../errors.ts";
import type { Node } from "../front/parse.ts";
import { recurse } from "../codegen/recursion.ts";
import { isNumber, type ResultType } from "../analysis/types.ts";
import { constant, pure } from "../analysis/typing.ts";
import { shuffleLanes, type Instr } from "../wasm/wasm.ts";

/** i8x16.shuffle of two f64x2 masks into one i32x4 mask: bytes 0–3 and 8–11 of each. */
const QUAD = shuffleLanes([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]);

/** Thrown while emitting when a condition of the shape fails: the loop is compiled as written. */
class NotVectorizable {}
const no = (): never => {
  throw new NotVectorizable();
};

export interface Scalar {
  /** Compiles a statement as the code generator does. */
  stmt(node: Node): void;
  /** Compiles `node` (a for loop whose init has been declared) as written. */
  loop(node: Node): void;
}

/** Compiles `node` vectorized, with a scalar loop for the last odd iteration; false (nothing emitted) when it is not of the shape. */
export function vectorizedLoop(cx: FunctionContext, node: Node, scalar: Scalar): boolean {
  const shape = shapeOf(cx, node);
  if (!shape) return false;
  const saved = { code: cx.code, depth: cx.depth, scopes: cx.scopes.length, loops: cx.loops.length, facts: cx.inBounds.length };
  cx.code = [];
  try {
    emit(cx, node, shape, scalar);
    const code = cx.code;
    cx.code = saved.code;
    cx.emit(...code);
    return true;
  } catch (e) {
    cx.code = saved.code;
    cx.depth = saved.depth;
    cx.scopes.length = saved.scopes;
    cx.loops.length = saved.loops;
    cx.inBounds.length = saved.facts;
    // A JitError is reported by the scalar compile, where the user's code puts it.
    if (e instanceof NotVectorizable || e instanceof JitError) return false;
    throw e;
  }
}

interface Shape {
  p: string;
  pre: Node[];
  inner: Node;
  post: Node[];
  i: string;
  start: number;
  body: Node[];
}

/** The syntactic part of the shape (types are checked while emitting). */
function shapeOf(cx: FunctionContext, node: Node): Shape | undefined {
  if (node.type !== "ForStatement" || cx.label !== undefined) return undefined;
  const { init, test, update, body } = node;
  if (init?.type !== "VariableDeclaration" || init.kind !== "let" || init.declarations.length !== 1) return undefined;
  const p = init.declarations[0].id;
  if (p.type !== "Identifier" || !countedBy(cx, test, update, p.name)) return undefined;
  if (body.type !== "BlockStatement") return undefined;
  const at = body.body.findIndex((s: Node) => s.type === "ForStatement");
  if (at < 0) return undefined;
  const pre: Node[] = body.body.slice(0, at);
  const inner: Node = body.body[at];
  const post: Node[] = body.body.slice(at + 1);
  if (inner.init || inner.test?.left?.type !== "Identifier") return undefined;
  const i: string = inner.test.left.name;
  if (!countedBy(cx, inner.test, inner.update, i)) return undefined;
  if (
    pre.some(
      (s) =>
        s.type !== "VariableDeclaration" || s.declarations.some((d: Node) => d.id.type !== "Identifier" || !pure(d.init, LANE_ARITHMETIC)),
    )
  )
    return undefined;
  const declarator = pre.flatMap((s) => s.declarations as Node[]).find((d) => d.id.name === i);
  const start = declarator && constant(declarator.init);
  if (typeof start !== "number" || !Number.isInteger(start) || (start | 0) !== start) return undefined;
  const statements: Node[] = inner.body.type === "BlockStatement" ? inner.body.body : [inner.body];
  if (statements.filter((s) => s.type === "IfStatement").length !== 1) return undefined;
  for (const s of statements) {
    if (s.type === "VariableDeclaration" && s.declarations.every((d: Node) => d.id.type === "Identifier" && d.init)) continue;
    if (s.type === "ExpressionStatement" && s.expression.type === "AssignmentExpression" && s.expression.left.type === "Identifier")
      continue;
    if (s.type === "IfStatement" && !s.alternate && isBreak(s.consequent)) continue;
    return undefined;
  }
  // The statements after the loop: no jumps (lane 0's would skip lane 1), nothing the loop assigns.
  const assigned = new Set(statements.filter((s) => s.type === "ExpressionStatement").map((s) => s.expression.left.name as string));
  if (post.some((s) => jumps(s) || mentions(s, assigned))) return undefined;
  return { p: p.name, pre, inner, post, i, start, body: statements };
}

/** `test` is `v < E` and `update` is `v++` (or `++v`), a proven counter update (ranges.ts). */
function countedBy(cx: FunctionContext, test: Node | null, update: Node | null, v: string): boolean {
  if (test?.type !== "BinaryExpression" || test.operator !== "<" || test.left.type !== "Identifier" || test.left.name !== v) return false;
  if (update?.type !== "UpdateExpression" || update.operator !== "++" || update.argument.type !== "Identifier") return false;
  return update.argument.name === v && cx.ranges.updates.has(update);
}

function isBreak(node: Node): boolean {
  if (node.type === "BlockStatement") return node.body.length === 1 && isBreak(node.body[0]);
  return node.type === "BreakStatement" && !node.label;
}

/** Arithmetic that f64x2 has per lane: + − * / and unary − (and +). */
const LANE_ARITHMETIC = (operator: string, unary: boolean) =>
  unary ? operator === "-" || operator === "+" : operator === "+" || operator === "-" || operator === "*" || operator === "/";

/** Every node under `node` (objects with a `type`). */
function* nodes(node: Node): Generator<Node> {
  if (!node || typeof node !== "object") return;
  if (typeof node.type === "string") yield node;
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key === "typeAnnotation" || key === "returnType") continue;
    if (Array.isArray(value)) for (const v of value) yield* nodes(v);
    else if (value && typeof value === "object" && typeof value.type === "string") yield* nodes(value);
  }
}

function jumps(node: Node): boolean {
  for (const n of nodes(node))
    if (
      [
        "BreakStatement",
        "ContinueStatement",
        "ReturnStatement",
        "LabeledStatement",
        "FunctionExpression",
        "ArrowFunctionExpression",
      ].includes(n.type)
    )
      return true;
  return false;
}

function mentions(node: Node, names: ReadonlySet<string>): boolean {
  for (const n of nodes(node)) if (n.type === "Identifier" && names.has(n.name)) return true;
  return false;
}

/** The names inner-loop code mentions (not `Math` and `sqrt` of `Math.sqrt`, nor other property names). */
function reads(node: Node, out: Set<string>) {
  if (!node || typeof node !== "object") return;
  if (node.type === "Identifier") return void out.add(node.name);
  if (node.type === "MemberExpression" && !node.computed) {
    if (node.object.type !== "Identifier" || node.object.name !== "Math") reads(node.object, out);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc" || key === "typeAnnotation" || key === "returnType") continue;
    if (Array.isArray(value)) for (const v of value) reads(v, out);
    else if (value && typeof value === "object" && typeof value.type === "string") reads(value, out);
  }
}

function toF64(type: ResultType): Instr[] {
  if (type === "f64") return [];
  if (type === "i32") return [["f64.convert_i32_s"]];
  if (type === "u32") return [["f64.convert_i32_u"]];
  return no();
}

function emit(cx: FunctionContext, node: Node, shape: Shape, scalar: Scalar) {
  cx.scopes.push(new Map());
  scalar.stmt(node.init);
  const pv = cx.lookup(shape.p)!;
  if (pv.type !== "i32" || !pv.counter || !cx.invariant(node.test.right)) no();
  // Four iterations per trip (two f64x2 groups), then two (one group) for a remainder of 2 or 3. Four
  // only from a count K ≥ 0: then N − K trips fit the i32 lanes of `missed` (see the header).
  if (shape.start >= 0) wide(cx, node, shape, scalar, pv.locals[0], 2);
  wide(cx, node, shape, scalar, pv.locals[0], 1);
  // The last iteration (B − A odd), or all of them when there are fewer than two.
  scalar.loop({ ...node, init: null });
  cx.scopes.pop();
}

/** A loop over p (the local P) that runs 2·groups outer iterations per trip while that many are left, in `groups` f64x2 groups interleaved. */
function wide(cx: FunctionContext, node: Node, shape: Shape, scalar: Scalar, P: number, groups: 1 | 2) {
  const { p, pre, inner, post, i, start, body } = shape;
  const width = 2 * groups;
  const bound = recurse.detached(cx, node.test.right);
  if (bound.type !== "i32") no();
  const vexit = cx.open("block");
  const vtop = cx.open("loop");
  // `width` iterations left: p + width − 1 < B, in i64 (p + width − 1 could wrap in i32).
  cx.emit(["local.get", P], ["i64.extend_i32_s"], ["i64.const", BigInt(width - 1)], ["i64.add"], ...bound.code, ["i64.extend_i32_s"]);
  cx.emit(["i64.lt_s"], ["i32.eqz"], ["br_if", cx.depth - vexit]);
  const ps = [P];
  for (let l = 1; l < width; l++) {
    const Pl = cx.local("i32");
    cx.emit(["local.get", P], ["i32.const", l], ["i32.add"], ["local.set", Pl]);
    ps.push(Pl);
  }

  // Each lane's declarations, by the scalar code, with p its own.
  const lanes = ps.map((local) => {
    const scope = new Map<string, Var>([[p, { type: "i32", locals: [local], constant: true }]]);
    cx.scopes.push(scope);
    for (const s of pre) scalar.stmt(s);
    cx.scopes.pop();
    return scope;
  });
  const count = lanes[0].get(i);
  if (!count || count.type !== "i32" || !count.counter) no();
  // N: the same for every lane.
  const n = inner.test.right;
  const laneFree = (e: Node) => ![...nodes(e)].some((x) => x.type === "Identifier" && lanes[0].has(x.name));
  if (!laneFree(n) || !cx.invariant(n)) no();

  // Everything the loop reads, as f64x2 per group: its two lanes' own values side by side, invariants splatted (shared).
  const names = new Set<string>();
  for (const s of body) reads(s, names);
  const vars = Array.from({ length: groups }, () => new Map<string, number>());
  const declaredInside = new Set(
    body.filter((s) => s.type === "VariableDeclaration").flatMap((s) => s.declarations.map((d: Node) => d.id.name)),
  );
  for (const name of names) {
    if (name === i) no();
    const own = lanes.map((scope) => scope.get(name));
    if (!own.every((v) => v) && declaredInside.has(name)) continue;
    if (own.every((v) => v)) {
      for (let g = 0; g < groups; g++) {
        const [a, b] = [own[2 * g]!, own[2 * g + 1]!];
        if (a.locals.length !== 1 || !isNumber(a.type)) no();
        const V = cx.local("v128");
        cx.emit(["local.get", a.locals[0]], ...toF64(a.type), ["f64x2.splat"], ["local.get", b.locals[0]], ...toF64(b.type));
        cx.emit(["f64x2.replace_lane", 1], ["local.set", V]);
        vars[g].set(name, V);
      }
    } else {
      const id = { type: "Identifier", name, start: inner.start, end: inner.end };
      if (!cx.lookup(name) || !cx.invariant(id)) no();
      const type = recurse.expr(cx, id);
      const V = cx.local("v128");
      cx.emit(...toF64(type), ["f64x2.splat"], ["local.set", V]);
      for (const group of vars) group.set(name, V);
    }
  }
  // The loop assigns only `let`s of its lane (declared before it or in it), as the scalar code would accept.
  const lets = new Set<string>();
  const declared = new Set<string>();
  for (const s of body) {
    if (s.type === "VariableDeclaration")
      for (const d of s.declarations) {
        if (declared.has(d.id.name)) no(); // declared twice: the scalar compile says so
        declared.add(d.id.name);
        if (s.kind === "let") lets.add(d.id.name);
      }
    else if (s.type === "ExpressionStatement") {
      const name = s.expression.left.name;
      const lane = lanes[0].get(name);
      if (!lets.has(name) && (!lane || lane.constant)) no();
    }
  }

  // One group: `done` and `missed` i64x2 (a lane's mask, its count). Two: only `missed`, i32x4, a lane per pixel (see the header).
  const missed = cx.local("v128");
  const done = cx.local("v128");
  const k = cx.local("i32");
  cx.emit(["i64.const", 0n], ["i64x2.splat"], ["local.tee", missed], ["local.set", done]);
  cx.emit(["i32.const", start], ["local.set", k]);
  // Constants are splatted once, before the loop (their code is put here when the loop is done).
  const preheader = cx.code.length;
  const hoisted: Instr[] = [];
  const splats = new Map<string, number>();
  const constant = (value: number) => {
    const key = Object.is(value, -0) ? "-0" : String(value);
    let V = splats.get(key);
    if (V === undefined) {
      V = cx.local("v128");
      hoisted.push(["f64.const", value], ["f64x2.splat"], ["local.set", V]);
      splats.set(key, V);
    }
    return V;
  };
  const envs = vars.map((v) => ({ locals: new Map(v), constant }));
  const iexit = cx.open("block");
  const itop = cx.open("loop");
  cx.scopes.push(new Map([[i, { type: "i32", locals: [k], constant: true }]]));
  recurse.cond(cx, inner.test);
  cx.scopes.pop();
  cx.emit(["i32.eqz"], ["br_if", cx.depth - iexit]);
  // Each statement for group 0, then for group 1: two independent chains of dependent operations, side by side.
  for (const s of body) {
    if (s.type === "VariableDeclaration")
      for (const d of s.declarations)
        for (const env of envs) {
          if (vector(cx, d.init, env) !== "f64") no();
          const V = cx.local("v128");
          cx.emit(["local.set", V]);
          env.locals.set(d.id.name, V);
        }
    else if (s.type === "ExpressionStatement") {
      const e = s.expression;
      const value = e.operator === "=" ? e.right : { ...e, type: "BinaryExpression", operator: e.operator.slice(0, -1), left: e.left };
      for (const env of envs) {
        const target = env.locals.get(e.left.name);
        if (target === undefined) no();
        if (vector(cx, value, env) !== "f64") no();
        cx.emit(["local.set", target!]);
      }
    } else {
      // The break: a lane is done for good once its condition holds; the loop ends when every lane is; a done lane misses this trip.
      for (const env of envs) if (vector(cx, s.test, env) !== "mask") no();
      if (groups === 1) {
        cx.emit(["local.get", done], ["v128.or"], ["local.tee", done], ["i64x2.bitmask"], ["i32.const", 3], ["i32.eq"]);
        cx.emit(["br_if", cx.depth - iexit], ["local.get", missed], ["local.get", done], ["i64x2.add"], ["local.set", missed]);
      } else {
        // The two masks' low halves as one i32x4 (lanes 0, 1, 2, 3); a lane done before this trip has missed < 0.
        cx.emit(["i8x16.shuffle", QUAD], ["local.get", missed], ["i32.const", 31], ["i32x4.shr_s"], ["v128.or"], ["local.tee", done]);
        cx.emit(["i32x4.bitmask"], ["i32.const", 15], ["i32.eq"], ["br_if", cx.depth - iexit]);
        cx.emit(["local.get", missed], ["local.get", done], ["i32x4.add"], ["local.set", missed]);
      }
    }
  }
  cx.emit(["local.get", k], ["i32.const", 1], ["i32.add"], ["local.set", k], ["br", cx.depth - itop]);
  cx.close();
  cx.close();
  cx.code.splice(preheader, 0, ...hoisted);

  // The statements after the loop, lane 0, 1, 2 then 3, with i the lane's count.
  lanes.forEach((scope, lane) => {
    const I = cx.local("i32");
    cx.emit(
      ["local.get", missed],
      ...(groups === 1 ? ([["i64x2.extract_lane", lane], ["i32.wrap_i64"]] as Instr[]) : ([["i32x4.extract_lane", lane]] as Instr[])),
    );
    cx.emit(["local.get", k], ["i32.add"], ["local.set", I]);
    scope.set(i, { type: "i32", locals: [I], constant: true });
    cx.scopes.push(scope);
    for (const s of post) scalar.stmt(s);
    cx.scopes.pop();
  });
  cx.emit(["local.get", P], ["i32.const", width], ["i32.add"], ["local.set", P], ["br", cx.depth - vtop]);
  cx.close();
  cx.close();
}

const ARITH: Record<string, string> = { "+": "f64x2.add", "-": "f64x2.sub", "*": "f64x2.mul", "/": "f64x2.div" };
const COMPARE: Record<string, string> = {
  "<": "f64x2.lt",
  ">": "f64x2.gt",
  "<=": "f64x2.le",
  ">=": "f64x2.ge",
  "===": "f64x2.eq",
  "==": "f64x2.eq",
  "!==": "f64x2.ne",
  "!=": "f64x2.ne",
};
const MATH: Record<string, string> = { sqrt: "f64x2.sqrt", abs: "f64x2.abs", min: "f64x2.min", max: "f64x2.max" };

/** An inner-loop expression as f64x2: its value ("f64") or a lane mask of a comparison ("mask"). */
/** What inner-loop expressions see: the f64x2 locals by name, and constants splatted once before the loop. */
interface Env {
  locals: ReadonlyMap<string, number>;
  constant(value: number): number;
}

function vector(cx: FunctionContext, node: Node, env: Env): "f64" | "mask" {
  switch (node.type) {
    case "Literal":
      if (typeof node.value !== "number" || typeof node.bigint === "string") no();
      cx.emit(["local.get", env.constant(node.value)]);
      return "f64";
    case "Identifier": {
      const V = env.locals.get(node.name);
      if (V === undefined) no();
      cx.emit(["local.get", V!]);
      return "f64";
    }
    case "TSAsExpression":
    case "TSNonNullExpression":
    case "TSSatisfiesExpression":
      return vector(cx, node.expression, env);
    case "UnaryExpression":
      if (node.operator === "-" && node.argument.type === "Literal" && typeof node.argument.value === "number") {
        cx.emit(["local.get", env.constant(-node.argument.value)]);
        return "f64";
      }
      if (node.operator === "!") {
        if (vector(cx, node.argument, env) !== "mask") no();
        cx.emit(["v128.not"]);
        return "mask";
      }
      if (node.operator !== "-" && node.operator !== "+") no();
      if (vector(cx, node.argument, env) !== "f64") no();
      if (node.operator === "-") cx.emit(["f64x2.neg"]);
      return "f64";
    case "BinaryExpression": {
      // 2 * x as x + x: the same double for every x (±0, ±Infinity and NaN included), and no constant to keep in a register.
      const two = (e: Node) => e.type === "Literal" && e.value === 2 && typeof e.bigint !== "string";
      if (node.operator === "*" && (two(node.left) || two(node.right))) {
        const x = two(node.left) ? node.right : node.left;
        if (x.type === "Identifier") {
          if (vector(cx, x, env) !== "f64") no();
          vector(cx, x, env);
          cx.emit(["f64x2.add"]);
          return "f64";
        }
      }
      const op = ARITH[node.operator] ?? COMPARE[node.operator];
      if (!op || vector(cx, node.left, env) !== "f64" || vector(cx, node.right, env) !== "f64") no();
      cx.emit([op]);
      return ARITH[node.operator] ? "f64" : "mask";
    }
    case "LogicalExpression":
      if (node.operator === "??" || vector(cx, node.left, env) !== "mask" || vector(cx, node.right, env) !== "mask") no();
      cx.emit([node.operator === "&&" ? "v128.and" : "v128.or"]);
      return "mask";
    case "CallExpression": {
      const callee = node.callee;
      const op =
        callee.type === "MemberExpression" && !callee.computed && callee.object.name === "Math" ? MATH[callee.property.name] : undefined;
      if (!op || cx.lookup("Math") || node.arguments.length !== (op.endsWith("min") || op.endsWith("max") ? 2 : 1)) no();
      for (const a of node.arguments) if (vector(cx, a, env) !== "f64") no();
      cx.emit([op!]);
      return "f64";
    }
    default:
      return no();
  }
}
