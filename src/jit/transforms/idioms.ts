// Loop idioms: loops whose whole effect one or two instructions compute, recognised the way LLVM's
// loop-idiom pass does, and replaced only where the result is the same for every input.
//
// The halving loop: while m (a bigint local) is even, halve it and count:
//
//   while ((m & 1n) === 0n) { m >>= 1n; steps++; }
//
// (also `m % 2n === 0n`, `!(m & 1n)`, `(m & 1n) !== 1n`; halving as `m >>= 1n`, `m = m >> 1n`,
// `m /= 2n`, `m = m / 2n`; counters as `c++`, `++c`, `c += 1n`, `c = c + 1n`; a `for` with no
// initialiser whose update is one of those). For m ≠ 0 it runs z = ctz(m) times (the trailing zero
// bits), so it is m >>= z and every counter += z: `i64.ctz`, one shift and one add per counter,
// instead of z trips of a loop that mispredicts its exit (Collatz's halvings). A halving of an even
// number is exact in every flavour (u64 `>>` and `/`, and i64's arithmetic `>>` and truncating `/`),
// and z halvings are one shift by z. The counters wrap modulo 2^64 as z increments would.
// For m = 0 the JavaScript loop never ends; the original loop is kept for that case, so it still
// never ends (a hang is not turned into an answer).
//
// The halving branch (Collatz one step a trip, as the tutorial writes it):
//
//   while (m !== 1n) { if ((m & 1n) === 1n) m = 3n * m + 1n; else m >>= 1n; steps++; }
//
// A `while (T)` whose body is `if (C) A else H` (or `if (C) H else A`) then only counter increments,
// H one halving of m (with counter increments beside it, if any), C a test of m's low bit that takes
// H's branch for every even m (`(m & 1n) === 1n`, `m % 2n !== 0n`, `m & 1n`, `!(m & 1n)`, …; what C
// does for odd m does not matter), T one of `m !== K` / `m != K` (K odd, or 0n), `m > 0n`, `m > 1n`,
// `m >= 1n`, `m >= 2n` (either side): a test that holds for every even m ≥ 2, so also for every even
// nonzero m in u64. When m is even and nonzero at the top of a trip, the loop as written runs
// z = ctz(m) trips of H back to back: T holds on m and on every value it halves to before the odd one
// (all even and nonzero, so ≠ K and ≥ 2), C sends each to H, each halving is exact (even m), and each
// trip adds one to every counter; so those trips are m >>= z and counter += z (mod 2^64), then the
// loop goes on with the odd m. Each trip starts with that (one i64.ctz: z − 1 < 63 unsigned is "even
// and nonzero") then runs the trip as written, so m = 0 still loops for ever (or leaves by T) as in
// JavaScript, and A (which may break, continue or return) is compiled as written. With i64 values an
// ordering test (`m > 1n`) fails for negative even m, so there the shortcut also requires m > 0.
import type { FunctionContext, Loop, Var } from "../codegen/context.ts";
import type { Node } from "../front/parse.ts";
import { recurse } from "../codegen/recursion.ts";
import { isBigint } from "../analysis/types.ts";
import { constant } from "../analysis/typing.ts";
import { unwrap } from "./loop-shape.ts";

/** Compiles `node` as a halving loop if it is one (`original` compiles the loop as written, for m = 0); false if not. */
export function halvingLoop(cx: FunctionContext, node: Node, original: () => void): boolean {
  if (node.type === "ForStatement" && (node.init || !node.test)) return false;
  const name = evennessTest(node.test);
  if (name === undefined) return false;
  const m = bigintLocal(cx, name);
  if (!m) return false;
  const steps: Node[] = node.body.type === "BlockStatement" ? [...node.body.body] : [node.body];
  if (steps.some((s) => s.type !== "ExpressionStatement")) return false;
  const effects = steps.map((s) => s.expression as Node);
  if (node.type === "ForStatement" && node.update) effects.push(node.update);
  let halvings = 0;
  const counters: Var[] = [];
  for (const e of effects) {
    if (isHalving(e, name)) halvings++;
    else {
      const counter = increment(e);
      const v = counter === undefined || counter === name ? undefined : bigintLocal(cx, counter);
      if (!v) return false;
      counters.push(v);
    }
  }
  if (halvings !== 1) return false;
  // The literals' flavour joins m's (operators.ts): an i64 anywhere makes `>>` arithmetic.
  const signed = m.type === "i64" || cx.bigint === "i64";
  const [local] = m.locals;
  const z = cx.local("i64");
  cx.emit(["local.get", local], ["i64.eqz"]);
  cx.open("if");
  original();
  cx.emit(["else"]);
  cx.emit(["local.get", local], ["i64.ctz"], ["local.set", z]);
  cx.emit(["local.get", local], ["local.get", z], [signed ? "i64.shr_s" : "i64.shr_u"], ["local.set", local]);
  for (const c of counters) cx.emit(["local.get", c.locals[0]], ["local.get", z], ["i64.add"], ["local.set", c.locals[0]]);
  cx.close();
  return true;
}

/**
 * Compiles `node` as a loop whose halving branch runs all its trips at once (see the top of the file),
 * if it is one; `trip` compiles the loop body as written inside the given loop's blocks. False if not.
 */
export function halvingBranchLoop(cx: FunctionContext, node: Node, trip: (loop: Loop) => void): boolean {
  if (node.type !== "WhileStatement") return false;
  const test = loopTest(node.test);
  if (!test) return false;
  const m = bigintLocal(cx, test.name);
  if (!m) return false;
  const body: Node[] = node.body.type === "BlockStatement" ? node.body.body : [node.body];
  const [branch, ...rest] = body;
  if (branch?.type !== "IfStatement" || !branch.alternate) return false;
  const even = evenValue(branch.test);
  if (!even || even.name !== test.name) return false;
  const halving: Node = even.value ? branch.consequent : branch.alternate;
  const inBranch: Node[] = halving.type === "BlockStatement" ? halving.body : [halving];
  const effects: Node[] = [];
  for (const s of [...inBranch, ...rest]) {
    if (s.type !== "ExpressionStatement") return false;
    effects.push(s.expression);
  }
  // The halving is in the branch, the rest (beside it and after the if) are counter increments.
  if (inBranch.filter((s) => isHalving(s.expression, test.name)).length !== 1) return false;
  const counters: Var[] = [];
  for (const e of effects) {
    if (isHalving(e, test.name)) continue;
    const counter = increment(e);
    const v = counter === undefined || counter === test.name ? undefined : bigintLocal(cx, counter);
    if (!v) return false;
    counters.push(v);
  }
  const signed = m.type === "i64" || cx.bigint === "i64";
  const [local] = m.locals;
  const z = cx.local("i64");
  const label = cx.label;
  cx.label = undefined;
  const breakDepth = cx.open("block");
  const top = cx.open("loop");
  // z − 1 < 63 (unsigned): z in 1..63, m even and nonzero (ctz(0) = 64).
  cx.emit(["local.get", local], ["i64.ctz"], ["local.tee", z], ["i64.const", 1n], ["i64.sub"], ["i64.const", 63n], ["i64.lt_u"]);
  if (signed && test.ordering) cx.emit(["local.get", local], ["i64.const", 0n], ["i64.gt_s"], ["i32.and"]);
  cx.open("if");
  cx.emit(["local.get", local], ["local.get", z], [signed ? "i64.shr_s" : "i64.shr_u"], ["local.set", local]);
  for (const c of counters) cx.emit(["local.get", c.locals[0]], ["local.get", z], ["i64.add"], ["local.set", c.locals[0]]);
  cx.close();
  recurse.cond(cx, node.test);
  cx.emit(["i32.eqz"], ["br_if", cx.depth - breakDepth]);
  const continueDepth = cx.open("block");
  trip({ label, breakDepth, continueDepth });
  cx.close();
  cx.emit(["br", cx.depth - top]);
  cx.close();
  cx.close();
  return true;
}

/** m for a loop test that holds for every even m ≥ 2 (u64: every even nonzero m); `ordering` for `>`/`>=` (false for negative m). */
function loopTest(test: Node | null | undefined): { name: string; ordering: boolean } | undefined {
  if (!test) return undefined;
  test = unwrap(test);
  if (test.type !== "BinaryExpression") return undefined;
  const [l, r] = [unwrap(test.left), unwrap(test.right)];
  // `K < m` is `m > K`, and so on.
  const mirrored: Record<string, string> = { "!==": "!==", "!=": "!=", "<": ">", "<=": ">=" };
  for (const [value, other, op] of [
    [l, r, test.operator],
    [r, l, mirrored[test.operator]],
  ] as [Node, Node, string | undefined][]) {
    const k = constant(other);
    if (value.type !== "Identifier" || typeof k !== "bigint") continue;
    // An even m differs from every odd K and, being nonzero, from 0n.
    if ((op === "!==" || op === "!=") && (k === 0n || k % 2n !== 0n)) return { name: value.name, ordering: false };
    if ((op === ">" && (k === 0n || k === 1n)) || (op === ">=" && k >= 0n && k <= 2n)) return { name: value.name, ordering: true };
  }
  return undefined;
}

/** m, and the value `test` has for every even bigint m, when it tests only m's low bit (`(m & 1n) === 1n`, `m % 2n`, `!(…)`, …). */
function evenValue(test: Node): { name: string; value: boolean } | undefined {
  test = unwrap(test);
  if (test.type === "UnaryExpression" && test.operator === "!") {
    const inner = evenValue(test.argument);
    return inner && { name: inner.name, value: !inner.value };
  }
  // For even m, `m & 1n` and `m % 2n` are 0n (falsy).
  const bare = lowBit(test) ?? remainder(test);
  if (bare !== undefined) return { name: bare, value: false };
  if (test.type !== "BinaryExpression" || !["===", "==", "!==", "!="].includes(test.operator)) return undefined;
  const [l, r] = [unwrap(test.left), unwrap(test.right)];
  for (const [value, other] of [
    [l, r],
    [r, l],
  ]) {
    const k = constant(other);
    const name = lowBit(value) ?? remainder(value);
    if (typeof k !== "bigint" || name === undefined) continue;
    return { name, value: test.operator === "===" || test.operator === "==" ? k === 0n : k !== 0n };
  }
  return undefined;
}

/** A bigint local (or parameter) that may be assigned. */
function bigintLocal(cx: FunctionContext, name: string): Var | undefined {
  const v = cx.lookup(name);
  return v && isBigint(v.type) && !v.constant && v.locals.length === 1 ? v : undefined;
}

/** The name m when `test` is true exactly when bigint m is even. */
function evennessTest(test: Node | null | undefined): string | undefined {
  if (!test) return undefined;
  test = unwrap(test);
  if (test.type === "UnaryExpression" && test.operator === "!") return lowBit(test.argument) ?? remainder(test.argument);
  if (test.type !== "BinaryExpression") return undefined;
  const [l, r] = [unwrap(test.left), unwrap(test.right)];
  for (const [value, other] of [
    [l, r],
    [r, l],
  ]) {
    const k = constant(other);
    if (typeof k !== "bigint") continue;
    // (m & 1n) is 0n or 1n; m % 2n is 0n, 1n or (i64) −1n: zero exactly when m is even.
    if ((test.operator === "===" || test.operator === "==") && k === 0n) return lowBit(value) ?? remainder(value);
    if ((test.operator === "!==" || test.operator === "!=") && k === 1n) return lowBit(value);
  }
  return undefined;
}

/** m for `m & 1n` or `1n & m`. */
function lowBit(node: Node): string | undefined {
  node = unwrap(node);
  if (node.type !== "BinaryExpression" || node.operator !== "&") return undefined;
  const [l, r] = [unwrap(node.left), unwrap(node.right)];
  if (l.type === "Identifier" && constant(r) === 1n) return l.name;
  if (r.type === "Identifier" && constant(l) === 1n) return r.name;
  return undefined;
}

/** m for `m % 2n`. */
function remainder(node: Node): string | undefined {
  node = unwrap(node);
  if (node.type !== "BinaryExpression" || node.operator !== "%") return undefined;
  const l = unwrap(node.left);
  return l.type === "Identifier" && constant(node.right) === 2n ? l.name : undefined;
}

/** `m >>= 1n`, `m /= 2n`, `m = m >> 1n`, `m = m / 2n`. */
function isHalving(e: Node, name: string): boolean {
  if (e.type !== "AssignmentExpression" || !isName(e.left, name)) return false;
  if (e.operator === ">>=") return constant(e.right) === 1n;
  if (e.operator === "/=") return constant(e.right) === 2n;
  if (e.operator !== "=") return false;
  const r = unwrap(e.right);
  if (r.type !== "BinaryExpression" || !isName(r.left, name)) return false;
  return (r.operator === ">>" && constant(r.right) === 1n) || (r.operator === "/" && constant(r.right) === 2n);
}

/** c for `c++`, `++c`, `c += 1n`, `c = c + 1n`, `c = 1n + c`. */
function increment(e: Node): string | undefined {
  if (e.type === "UpdateExpression")
    return e.operator === "++" && unwrap(e.argument).type === "Identifier" ? unwrap(e.argument).name : undefined;
  if (e.type !== "AssignmentExpression" || unwrap(e.left).type !== "Identifier") return undefined;
  const name: string = unwrap(e.left).name;
  if (e.operator === "+=") return constant(e.right) === 1n ? name : undefined;
  if (e.operator !== "=") return undefined;
  const r = unwrap(e.right);
  if (r.type !== "BinaryExpression" || r.operator !== "+") return undefined;
  return (isName(r.left, name) && constant(r.right) === 1n) || (isName(r.right, name) && constant(r.left) === 1n) ? name : undefined;
}

function isName(node: Node, name: string): boolean {
  const n = unwrap(node);
  return n.type === "Identifier" && n.name === name;
}
