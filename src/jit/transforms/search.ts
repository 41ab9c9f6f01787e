// Early-exit search loops, two candidates per trip: trial division's inner loop.
//
//   for (let d = S; COND; d++) {        // or `++d`, `d += C` (C an integer constant ≥ 1); or
//     if (TEST) { …; break; }           // `for (d = S; …)` / `for (; …)` with d an outer `let`
//   }                                   // (its value after the loop is the scalar loop's)
//
//   d: an i32/u32 local (intervals.ts proved every value it takes an int32/uint32), never a parameter;
//   the body: exactly one `if` without `else`, whose block ends in `break`, `return …` or a labelled
//   `continue` of an outer loop (what comes before in that block is anything: it runs as written);
//   COND, TEST: pure number expressions of d, int32/uint32 locals and number literals: `+ − * / %`,
//   unary −, Math.sqrt/abs/floor/ceil/trunc, the comparisons, `!`, `&&`, `||` and a number's truth;
//   `%` only between integers below 2^53 (d, int32/uint32 locals, integer literals, their sums,
//   differences and products while those stay below 2^53), and its value only compared or tested
//   for truth; TEST must compute a `%` or `/` of d (the divider is what two lanes share).
//   Covered spellings: `d * d <= k`, `d < k`, `d <= Math.sqrt(k)`, `k % d === 0`, `k % d == 0`,
//   `!(k % d)`, `k % d === 0 || k % (d + 2) === 0`, …; `if (…) return false` in an isPrime(k).
//
// Run as: block { loop {                        (the scalar loop's top, d as the scalar loop has it)
//   dv = (d, d + C); the invariant parts of COND and TEST computed (a locals' value can have changed
//   in a block that went on);
//   loop { if !(COND(dv) in both lanes) leave; if (TEST(dv) in either lane) leave;
//          d += 2C; dv += 2C }                  (two iterations that do nothing but step d)
//   if (!COND) break; body; update              (one iteration exactly as written)
// } }
//
// Exact: every lane computes what JavaScript computes, on the same doubles. `+ − * /`, sqrt, abs,
// floor, ceil, trunc and the comparisons are IEEE 754 operations per lane, as they are for
// JavaScript's numbers (d and the locals converted to f64 exactly); a number is true when |x| > 0
// (false for ±0 and NaN). `%` of integers x, y with |x|, |y| < 2^53 is x − trunc(x / y)·y: for y ≠ 0
// the quotient q = x / y is within |q|·2^−53 = |x|/|y|·2^−53 < 1/|y| of fl(q), and a q that is not an
// integer is at least 1/|y| from the next integer (toward zero or away), so trunc(fl(q)) = trunc(q) = m,
// and m·y (|m·y| ≤ |x|) and x − m·y are exact: JavaScript's remainder, up to the sign of a zero,
// which only comparisons and truth see (hence: `%`'s value is only compared). y = ±0: x / y is ±∞ or
// NaN, times ±0 NaN: JavaScript's NaN. `x % y === 0` is computed as x == trunc(x / y)·y (the same truth).
// Nothing in COND or TEST writes, calls, loads or traps, so evaluating them for d and d + C is
// invisible; the fast loop only steps d past iterations the scalar loop would run without effect
// (COND true, TEST false: the `if` does nothing, the update adds C), so it adds 2C only where the
// scalar loop would have too: d + 2C is a value the scalar loop assigns, within the counter's proven
// range. Anything else — TEST true in a lane, COND false in one — is left to the iteration as written.
import type { FunctionContext, Loop, Var } from "../codegen/context.ts";
import type { Node } from "../front/parse.ts";
import { recurse } from "../codegen/recursion.ts";
import { isNumber } from "../analysis/types.ts";
import { unwrap } from "./loop-shape.ts";
import type { Instr } from "../wasm/wasm.ts";

export interface SearchScalar {
  /** Compiles the loop's init as written (a declaration or an expression). */
  init(node: Node): void;
  /** Compiles a loop body as the code generator does, with `loop` its break/continue targets. */
  loop(loop: Loop, body: Node): void;
  /** Compiles an expression for its effect (the update). */
  effect(node: Node): void;
}

interface Plan {
  counter: string;
  /** C of `d += C`. */
  step: number;
  init: Node | null;
  test: Node;
  update: Node;
  body: Node;
}

/** A number in two lanes: its code (leaves an f64x2), and what is known of it. */
interface Lanes {
  code: Instr[];
  /** Every lane an integer of magnitude ≤ bound < 2^53 (−0 included), never NaN or ±∞. */
  int: boolean;
  bound: number;
  /** Depends on d (else it is computed once per entry). */
  variant: boolean;
  /** A `%`: its dividend and the product trunc(x / y)·y, the remainder being their difference. */
  rem?: { dividend: Instr[]; product: Instr[] };
}

/** Where lane code gets its locals: the real ones when emitting, placeholders when only checking. */
interface Env {
  counter: string;
  counterType: "i32" | "u32";
  /** The local of (d, d + C). */
  dv: number;
  /** A local holding a splatted constant (set before the loop). */
  constant(value: number): number;
  /** A local holding the value of invariant code (set at each entry into the fast loop). */
  hoist(code: Instr[]): number;
  /** A scratch v128 local. */
  scratch(): number;
  cx: FunctionContext;
}

const SAFE = 2 ** 53;
const COMPARE: Record<string, string> = {
  "===": "eq",
  "==": "eq",
  "!==": "ne",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
};

/** A state planOf rules out: a bug if it happens. */
const impossible = (what: string): never => {
  throw new Error(`jit search loop: ${what} (planOf should have refused the loop)`);
};

/** Emits the two-lane search loop; false (nothing emitted) when `node` is not of the shape. */
export function searchLoop(cx: FunctionContext, node: Node, scalar: SearchScalar): boolean {
  const plan = planOf(cx, node);
  if (!plan) return false;
  emit(cx, plan, scalar);
  return true;
}

function planOf(cx: FunctionContext, node: Node): Plan | undefined {
  if (node.type !== "ForStatement" || !node.test || !node.update) return undefined;
  const { init, test, update, body } = node;
  // The counter and its type.
  let counter: string;
  let counterType: "i32" | "u32";
  if (init?.type === "VariableDeclaration") {
    if (init.kind !== "let" || init.declarations.length !== 1) return undefined;
    const d = init.declarations[0];
    if (d.id.type !== "Identifier" || !d.init) return undefined;
    if (!isNumber(recurse.detached(cx, d.init).type)) return undefined;
    const t = cx.intervals.localType(d);
    if (t === "f64") return undefined;
    [counter, counterType] = [d.id.name, t];
  } else {
    const name = updated(update);
    const v = name === undefined ? undefined : cx.lookup(name);
    if (name === undefined || !v || v.constant || !v.proven || v.locals.length !== 1 || cx.isParameter(name, v)) return undefined;
    if (v.type !== "i32" && v.type !== "u32") return undefined;
    if (init && !(init.type === "AssignmentExpression" && init.operator === "=" && isName(init.left, name))) return undefined;
    [counter, counterType] = [name, v.type];
  }
  // The update: d++, ++d, d += C.
  if (updated(update) !== counter) return undefined;
  let step = 1;
  if (update.type === "AssignmentExpression") {
    const c = unwrap(update.right);
    if (c.type !== "Literal" || typeof c.value !== "number" || !Number.isInteger(c.value) || c.value < 1 || c.value > 2 ** 20)
      return undefined;
    step = c.value;
  }
  // The body: one `if (TEST) { …; jump }`.
  const statements: Node[] = body.type === "BlockStatement" ? body.body : [body];
  if (statements.length !== 1 || statements[0].type !== "IfStatement" || statements[0].alternate) return undefined;
  const branch = statements[0];
  const block: Node[] = branch.consequent.type === "BlockStatement" ? branch.consequent.body : [branch.consequent];
  const last = block[block.length - 1];
  const leaves =
    last &&
    (last.type === "BreakStatement" ||
      last.type === "ReturnStatement" ||
      (last.type === "ContinueStatement" && last.label && last.label.name !== cx.label));
  if (!leaves) return undefined;
  // COND and TEST in lanes (placeholder locals: nothing is emitted).
  const env: Env = { counter, counterType, dv: -1, constant: () => -1, hoist: () => -1, scratch: () => -1, cx };
  if (!mask(env, test) || !mask(env, branch.test) || !divides(branch.test, counter)) return undefined;
  return { counter, step, init: init ?? null, test, update, body };
}

/** The name an update `v++`, `++v` or `v += …` writes. */
function updated(update: Node): string | undefined {
  if (update.type === "UpdateExpression" && update.operator === "++" && unwrap(update.argument).type === "Identifier")
    return unwrap(update.argument).name;
  if (update.type === "AssignmentExpression" && update.operator === "+=" && unwrap(update.left).type === "Identifier")
    return unwrap(update.left).name;
  return undefined;
}

const isName = (n: Node, name: string) => unwrap(n).type === "Identifier" && unwrap(n).name === name;

/** Does `node` mention `name`? */
function mentions(node: Node, name: string): boolean {
  node = unwrap(node);
  if (node.type === "Identifier") return node.name === name;
  return ["left", "right", "argument", "arguments"].some((k) => {
    const v = node[k];
    return Array.isArray(v) ? v.some((a: Node) => mentions(a, name)) : v && typeof v === "object" && mentions(v, name);
  });
}

/** TEST divides by something of d (`%` or `/`): what makes two lanes worth it. */
function divides(node: Node, counter: string): boolean {
  node = unwrap(node);
  if (node.type === "BinaryExpression" && (node.operator === "%" || node.operator === "/") && mentions(node, counter)) return true;
  return ["left", "right", "argument", "arguments"].some((k) => {
    const v = node[k];
    return Array.isArray(v) ? v.some((a: Node) => divides(a, counter)) : v && typeof v === "object" && divides(v, counter);
  });
}

/** A condition's truth in each lane (an i64x2 mask), or undefined when it is not of the shape. */
function mask(env: Env, node: Node): Instr[] | undefined {
  node = unwrap(node);
  if (node.type === "UnaryExpression" && node.operator === "!") {
    const m = mask(env, node.argument);
    return m && [...m, ["v128.not"]];
  }
  if (node.type === "LogicalExpression" && (node.operator === "&&" || node.operator === "||")) {
    const [l, r] = [mask(env, node.left), mask(env, node.right)];
    return l && r && [...l, ...r, [node.operator === "&&" ? "v128.and" : "v128.or"]];
  }
  if (node.type === "BinaryExpression" && COMPARE[node.operator]) {
    const c = COMPARE[node.operator];
    // `x % y === 0` (either side, also `!==`): x == trunc(x / y)·y, the same truth as the remainder's.
    const zero = (n: Node) => unwrap(n).type === "Literal" && unwrap(n).value === 0;
    const other = zero(node.right) ? node.left : zero(node.left) ? node.right : undefined;
    const rem = other && (c === "eq" || c === "ne") ? lanes(env, other)?.rem : undefined;
    if (rem) return [...rem.dividend, ...rem.product, [`f64x2.${c}`]];
    const [l, r] = [lanes(env, node.left), lanes(env, node.right)];
    if (!l || !r) return undefined;
    return [...value(env, l), ...value(env, r), [`f64x2.${c}`]];
  }
  // A number's truth: |x| > 0 (false for ±0 and NaN).
  const x = lanes(env, node);
  return x && [...value(env, x), ["f64x2.abs"], ["local.get", env.constant(0)], ["f64x2.gt"]];
}

/** The code of a number's lanes, an invariant computed once per entry. */
function value(env: Env, x: Lanes): Instr[] {
  const code = x.rem ? [...x.rem.dividend, ...x.rem.product, ["f64x2.sub"] as Instr] : x.code;
  if (x.variant || code.length === 1) return code;
  return [["local.get", env.hoist(code)]];
}

/** A number expression in two lanes, or undefined when it is not of the shape. */
function lanes(env: Env, node: Node): Lanes | undefined {
  node = unwrap(node);
  const { cx } = env;
  switch (node.type) {
    case "Literal": {
      const v = node.value;
      if (typeof v !== "number") return undefined;
      const int = Number.isInteger(v) && Math.abs(v) < SAFE;
      return { code: [["local.get", env.constant(v)]], int, bound: Math.abs(v), variant: false };
    }
    case "Identifier": {
      if (node.name === env.counter) {
        return { code: [["local.get", env.dv]], int: true, bound: env.counterType === "i32" ? 2 ** 31 : 2 ** 32, variant: true };
      }
      const v: Var | undefined = cx.lookup(node.name);
      if (!v || v.locals.length !== 1 || (v.type !== "i32" && v.type !== "u32")) return undefined;
      const convert = v.type === "i32" ? "f64.convert_i32_s" : "f64.convert_i32_u";
      return {
        code: [["local.get", v.locals[0]], [convert], ["f64x2.splat"]],
        int: true,
        bound: v.type === "i32" ? 2 ** 31 : 2 ** 32,
        variant: false,
      };
    }
    case "UnaryExpression": {
      if (node.operator !== "-" && node.operator !== "+") return undefined;
      const a = lanes(env, node.argument);
      if (!a || a.rem) return undefined;
      return node.operator === "+" ? a : { ...a, code: [...value(env, a), ["f64x2.neg"]] };
    }
    case "BinaryExpression": {
      const op: string = node.operator;
      if (!["+", "-", "*", "/", "%"].includes(op)) return undefined;
      const [l, r] = [lanes(env, node.left), lanes(env, node.right)];
      if (!l || !r || l.rem || r.rem) return undefined;
      const variant = l.variant || r.variant;
      if (op === "%") {
        if (!l.int || !r.int) return undefined;
        const [x, y] = [value(env, l), value(env, r)];
        const reuse = (code: Instr[]): [Instr[], Instr[]] => {
          if (code.length === 1) return [[], code];
          const t = env.scratch();
          return [[...code, ["local.set", t]], [["local.get", t]]];
        };
        const [setX, getX] = reuse(x);
        const [setY, getY] = reuse(y);
        const product: Instr[] = [...getX, ...getY, ["f64x2.div"], ["f64x2.trunc"], ...getY, ["f64x2.mul"]];
        // The setup runs first, with the dividend: the dividend's code is [setup…, x].
        return { code: [], int: false, bound: Infinity, variant, rem: { dividend: [...setX, ...setY, ...getX], product } };
      }
      const code: Instr[] = [...value(env, l), ...value(env, r), [`f64x2.${{ "+": "add", "-": "sub", "*": "mul", "/": "div" }[op]}`]];
      const bound = op === "*" ? l.bound * r.bound : l.bound + r.bound;
      const int = op !== "/" && l.int && r.int && bound < SAFE;
      return { code, int, bound: int ? bound : Infinity, variant };
    }
    case "CallExpression": {
      const c = node.callee;
      if (c.type !== "MemberExpression" || c.computed || unwrap(c.object).type !== "Identifier" || unwrap(c.object).name !== "Math")
        return undefined;
      if (cx.lookup("Math") || node.arguments.length !== 1) return undefined;
      const name: string = c.property.name;
      if (!["sqrt", "abs", "floor", "ceil", "trunc"].includes(name)) return undefined;
      const a = lanes(env, node.arguments[0]);
      if (!a || a.rem) return undefined;
      const int = name !== "sqrt" && a.int;
      return { code: [...value(env, a), [`f64x2.${name}`]], int, bound: int ? a.bound : Infinity, variant: a.variant };
    }
  }
  return undefined;
}

function emit(cx: FunctionContext, plan: Plan, scalar: SearchScalar) {
  cx.scoped(() => {
    if (plan.init) scalar.init(plan.init);
    const label = cx.label;
    cx.label = undefined;
    const d = cx.lookup(plan.counter);
    if (!d || (d.type !== "i32" && d.type !== "u32") || d.locals.length !== 1) return impossible("the counter is not an i32/u32 local");
    // Constants splatted once, before the loop; invariants computed at each entry into the fast loop.
    const constants = new Map<number, number>();
    const prelude: Instr[] = [];
    const hoisted: Instr[] = [];
    const invariants = new Map<string, number>();
    const env: Env = {
      counter: plan.counter,
      counterType: d.type,
      dv: cx.local("v128"),
      constant(value) {
        const key = Object.is(value, -0) ? -0 : value;
        let l = [...constants].find(([k]) => Object.is(k, key))?.[1];
        if (l === undefined) {
          l = cx.local("v128");
          constants.set(key, l);
          prelude.push(["f64.const", value], ["f64x2.splat"], ["local.set", l]);
        }
        return l;
      },
      hoist(code) {
        const key = JSON.stringify(code, (_, v) => (typeof v === "bigint" ? `${v}n` : v));
        let l = invariants.get(key);
        if (l === undefined) {
          l = cx.local("v128");
          invariants.set(key, l);
          hoisted.push(...code, ["local.set", l]);
        }
        return l;
      },
      scratch: () => cx.local("v128"),
      cx,
    };
    const branch = (plan.body.type === "BlockStatement" ? plan.body.body[0] : plan.body) as Node;
    const cond = mask(env, plan.test) ?? impossible("COND");
    const test = mask(env, branch.test) ?? impossible("TEST");
    const twice = env.constant(2 * plan.step);
    const t = cx.local("f64");
    const convert = d.type === "i32" ? "f64.convert_i32_s" : "f64.convert_i32_u";
    cx.emit(...prelude);

    const breakDepth = cx.open("block");
    const top = cx.open("loop");
    // dv = (d, d + C), then the invariants (a local may have changed in a block that went on).
    cx.emit(["local.get", d.locals[0]], [convert], ["local.tee", t], ["f64x2.splat"]);
    cx.emit(["local.get", t], ["f64.const", plan.step], ["f64.add"], ["f64x2.replace_lane", 1], ["local.set", env.dv]);
    cx.emit(...hoisted);
    const slow = cx.open("block");
    const fast = cx.open("loop");
    cx.emit(...cond, ["i64x2.all_true"], ["i32.eqz"], ["br_if", cx.depth - slow]);
    cx.emit(...test, ["v128.any_true"], ["br_if", cx.depth - slow]);
    cx.emit(["local.get", d.locals[0]], ["i32.const", 2 * plan.step], ["i32.add"], ["local.set", d.locals[0]]);
    cx.emit(["local.get", env.dv], ["local.get", twice], ["f64x2.add"], ["local.set", env.dv], ["br", cx.depth - fast]);
    cx.close();
    cx.close();
    // One iteration as written.
    recurse.cond(cx, plan.test);
    cx.emit(["i32.eqz"], ["br_if", cx.depth - breakDepth]);
    const continueDepth = cx.open("block");
    scalar.loop({ label, breakDepth, continueDepth }, plan.body);
    cx.close();
    scalar.effect(plan.update);
    cx.emit(["br", cx.depth - top]);
    cx.close();
    cx.close();
  });
}
