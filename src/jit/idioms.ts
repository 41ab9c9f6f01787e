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
import type { FunctionContext, Var } from "./context.ts";
import type { Node } from "./parse.ts";
import { isBigint } from "./types.ts";
import { constant } from "./typing.ts";

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

/** `x as T`, `x!`, `x satisfies T`: x. */
function unwrap(node: Node): Node {
  while (node.type === "TSAsExpression" || node.type === "TSNonNullExpression" || node.type === "TSSatisfiesExpression")
    node = node.expression;
  return node;
}
