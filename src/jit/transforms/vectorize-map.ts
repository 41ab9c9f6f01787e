// The element-wise vectorizer: a counted loop whose iterations only touch element i of f64 arrays
// runs two iterations per f64x2 instruction.
//
//   for (let i = S; i < E; i++) {     // i an i32 counter from a constant S ≥ 0, E an unchanging int
//     const t = <expr>;               // temporaries of the iteration
//     out[i] = <expr>;                // stores to element i (also `out[i] += <expr>`, `-=`, `*=`, `/=`)
//     s += <expr>;                    // a sum into an outer number: only with `fastmath: true`
//   }
//   <expr>: f64 arithmetic (+ − * /, unary −, Math.sqrt/abs/min/max) of numbers, unchanging scalars,
//           the temporaries, and elements `a[i]` of Float64Arrays that the function never reassigns.
//
// Exact: each lane performs its iteration's operations, in the same order, on the same doubles
// (f64x2 arithmetic is IEEE 754 per lane), and no iteration reads what another writes, so every
// stored element is the scalar loop's. Two run-time conditions make that so, checked before the
// vector loop (the loop as written runs otherwise): every array is at least E long (no access out of
// range, which would trap in the middle), and an array written is either the very array another name
// reads or does not overlap it (two views of one buffer offset by a few elements would make one
// iteration read what an earlier one wrote). Iterations left over (E − S odd) run as written.
//
// A sum into an outer variable is a reduction: the vector loop keeps four f64x2 partial sums (eight
// elements a trip) and adds them to the variable at the end. That reorders the additions, so the
// result can differ from the scalar loop's in the last bits: it is done only with `fastmath: true`.
import type { FunctionContext, Typed, Var } from "../codegen/context.ts";
import type { Node } from "../front/parse.ts";
import { recurse } from "../codegen/recursion.ts";
import { countedLoop, unwrap } from "./loop-shape.ts";
import type { Instr } from "../wasm/wasm.ts";

/** A state planOf rules out: a bug if it happens. */
const impossible = (what: string): never => {
  throw new Error(`jit element-wise vectorizer: ${what} (planOf should have refused the loop)`);
};

export interface ScalarLoop {
  /** Compiles the loop as written (its init not declared yet). */
  asWritten(): void;
  /** Compiles a statement as the code generator does. */
  stmt(node: Node): void;
}

interface Plan {
  counter: string;
  start: number;
  statements: Node[];
  /** Arrays indexed by [i], by name; those stored into. */
  arrays: Map<string, Var>;
  written: Set<string>;
  /** Reductions: outer number locals summed into. */
  sums: Map<string, Var>;
  /** Unchanging scalars the expressions read. */
  scalars: Map<string, Var>;
  /** The bound E, compiled apart (an int32 or uint32). */
  boundCode: Typed;
}

/** Emits the vectorized loop (with the guard, the vector loop, the leftover iterations and the loop as written for the other case); false when `node` is not of the shape. */
export function elementwiseLoop(cx: FunctionContext, node: Node, scalar: ScalarLoop): boolean {
  // Everything is decided before anything is emitted: nothing to take back.
  const plan = planOf(cx, node);
  if (!plan) return false;
  emit(cx, plan, scalar);
  return true;
}

function planOf(cx: FunctionContext, node: Node): Plan | undefined {
  const loop = cx.label === undefined ? countedLoop(node) : undefined;
  if (!loop || loop.start < 0 || loop.start > 2 ** 30 || !cx.invariant(loop.bound)) return undefined;
  const { counter, start, bound, body } = loop;
  const statements: Node[] = body.type === "BlockStatement" ? body.body : [body];
  const plan: Plan = {
    counter,
    start,
    statements,
    arrays: new Map(),
    written: new Set(),
    sums: new Map(),
    scalars: new Map(),
    boundCode: recurse.detached(cx, bound),
  };
  if (plan.boundCode.type !== "i32" && plan.boundCode.type !== "u32") return undefined;
  const temps = new Set<string>();
  const fixedArray = (name: string) => {
    const v = cx.lookup(name);
    const fixed = v && (v.constant || (cx.isParameter(name, v) && !cx.ranges.writtenParams.has(name)));
    if (!v || !fixed || v.type !== "f64[]") return undefined;
    return v;
  };
  const element = (n: Node): string | undefined => {
    n = unwrap(n);
    if (n.type !== "MemberExpression" || !n.computed || unwrap(n.object).type !== "Identifier") return undefined;
    if (unwrap(n.property).type !== "Identifier" || unwrap(n.property).name !== counter) return undefined;
    const name: string = unwrap(n.object).name;
    const v = fixedArray(name);
    if (!v) return undefined;
    plan.arrays.set(name, v);
    return name;
  };
  const expression = (n: Node): boolean => {
    n = unwrap(n);
    switch (n.type) {
      case "Literal":
        return typeof n.value === "number";
      case "Identifier": {
        if (temps.has(n.name)) return true;
        if (n.name === counter || plan.sums.has(n.name)) return false;
        const v = cx.lookup(n.name);
        if (!v || !(v.type === "f64" || v.type === "i32" || v.type === "u32") || v.locals.length !== 1) return false;
        plan.scalars.set(n.name, v);
        return true;
      }
      case "MemberExpression":
        return element(n) !== undefined;
      case "BinaryExpression":
        return ["+", "-", "*", "/"].includes(n.operator) && expression(n.left) && expression(n.right);
      case "UnaryExpression":
        return n.operator === "-" && expression(n.argument);
      case "CallExpression": {
        const c = n.callee;
        if (c.type !== "MemberExpression" || c.object.type !== "Identifier" || c.object.name !== "Math" || cx.lookup("Math")) return false;
        const arity: Record<string, number> = { sqrt: 1, abs: 1, min: 2, max: 2 };
        return arity[c.property.name] === n.arguments.length && n.arguments.every(expression);
      }
    }
    return false;
  };
  for (const s of statements) {
    if (s.type === "VariableDeclaration" && s.kind !== "var") {
      for (const d of s.declarations) {
        if (d.id.type !== "Identifier" || !d.init || !expression(d.init)) return undefined;
        temps.add(d.id.name);
      }
      continue;
    }
    if (s.type !== "ExpressionStatement" || s.expression.type !== "AssignmentExpression") return undefined;
    const { left, right, operator } = s.expression;
    const target = unwrap(left);
    if (target.type === "Identifier") {
      // A reduction `s += e`: an outer f64 local, never read otherwise in the loop.
      const v = cx.lookup(target.name);
      if (operator !== "+=" || !cx.plan.fastmath || !v || v.type !== "f64" || v.locals.length !== 1 || temps.has(target.name))
        return undefined;
      if (plan.scalars.has(target.name)) return undefined;
      plan.sums.set(target.name, v);
      if (!expression(right)) return undefined;
      continue;
    }
    const name = element(target);
    if (!name || !["=", "+=", "-=", "*=", "/="].includes(operator) || !expression(right)) return undefined;
    plan.written.add(name);
  }
  // A sum variable read as a scalar elsewhere in the loop would see partial values: refuse.
  for (const name of plan.sums.keys()) if (plan.scalars.has(name)) return undefined;
  if (plan.arrays.size === 0 || (plan.written.size === 0 && plan.sums.size === 0)) return undefined;
  return plan;
}

const F64X2: Record<string, string> = { "+": "f64x2.add", "-": "f64x2.sub", "*": "f64x2.mul", "/": "f64x2.div" };

function emit(cx: FunctionContext, plan: Plan, scalar: ScalarLoop) {
  cx.builder.usesMemory = true;
  const n = cx.local("i32");
  cx.emit(...plan.boundCode.code, ["local.set", n]);
  // The guard: every array at least n long; a written array is another name's very array or apart from it.
  const arrays = [...plan.arrays.values()];
  const guard: Instr[] = [["i32.const", 1]];
  for (const a of arrays) guard.push(["local.get", a.locals[1]], ["local.get", n], ["i32.ge_u"], ["i32.and"]);
  for (const w of plan.written) {
    const wv = plan.arrays.get(w)!;
    for (const [name, r] of plan.arrays) {
      if (name === w) continue;
      const end = (v: Var): Instr[] => [
        ["local.get", v.locals[0]],
        ["i64.extend_i32_u"],
        ["local.get", v.locals[1]],
        ["i64.extend_i32_u"],
        ["i64.const", 8n],
        ["i64.mul"],
        ["i64.add"],
      ];
      const start = (v: Var): Instr[] => [["local.get", v.locals[0]], ["i64.extend_i32_u"]];
      guard.push(["local.get", wv.locals[0]], ["local.get", r.locals[0]], ["i32.eq"]);
      guard.push(...end(wv), ...start(r), ["i64.le_u"], ["i32.or"]);
      guard.push(...end(r), ...start(wv), ["i64.le_u"], ["i32.or"], ["i32.and"]);
    }
  }
  cx.emit(...guard);
  cx.open("if");
  const unroll = plan.sums.size > 0 ? 4 : 1;
  const i = cx.local("i32");
  cx.emit(["i32.const", plan.start], ["local.set", i]);
  // Loop invariants, splatted once.
  const splats = new Map<string, number>();
  for (const [name, v] of plan.scalars) {
    const l = cx.local("v128");
    cx.emit(["local.get", v.locals[0]]);
    if (v.type === "i32") cx.emit(["f64.convert_i32_s"]);
    if (v.type === "u32") cx.emit(["f64.convert_i32_u"]);
    cx.emit(["f64x2.splat"], ["local.set", l]);
    splats.set(name, l);
  }
  const accumulators = new Map<string, number[]>();
  for (const name of plan.sums.keys()) {
    const accs = Array.from({ length: unroll }, () => cx.local("v128"));
    for (const a of accs) cx.emit(["f64.const", 0], ["f64x2.splat"], ["local.set", a]);
    accumulators.set(name, accs);
  }
  // block { loop { if (i + 2·unroll > n) break; body ×unroll; i += 2·unroll } }
  const step = 2 * unroll;
  const exit = cx.open("block");
  const top = cx.open("loop");
  cx.emit(
    ["local.get", i],
    ["i64.extend_i32_u"],
    ["i64.const", BigInt(step)],
    ["i64.add"],
    ["local.get", n],
    ["i64.extend_i32_u"],
    ["i64.gt_u"],
  );
  cx.emit(["br_if", cx.depth - exit]);
  for (let u = 0; u < unroll; u++) {
    const temps = new Map<string, number>();
    const offset = 16 * u;
    const address = (v: Var): Instr[] => [["local.get", v.locals[0]], ["local.get", i], ["i32.const", 3], ["i32.shl"], ["i32.add"]];
    const vector = (e: Node): Instr[] => {
      e = unwrap(e);
      switch (e.type) {
        case "Literal":
          return [["f64.const", e.value as number], ["f64x2.splat"]];
        case "Identifier":
          return [["local.get", temps.get(e.name) ?? splats.get(e.name) ?? impossible(`no value for \`${e.name}\``)]];
        case "MemberExpression":
          return [...address(plan.arrays.get(unwrap(e.object).name)!), ["v128.load", offset]];
        case "BinaryExpression":
          return [...vector(e.left), ...vector(e.right), [F64X2[e.operator]]];
        case "UnaryExpression":
          return [...vector(e.argument), ["f64x2.neg"]];
        case "CallExpression":
          return [...e.arguments.flatMap(vector), [`f64x2.${e.callee.property.name}`]];
      }
      return impossible(`a ${e.type}`);
    };
    for (const s of plan.statements) {
      if (s.type === "VariableDeclaration") {
        for (const d of s.declarations) {
          const l = cx.local("v128");
          cx.emit(...vector(d.init), ["local.set", l]);
          temps.set(d.id.name, l);
        }
        continue;
      }
      const { left, right, operator } = s.expression;
      const target = unwrap(left);
      if (target.type === "Identifier") {
        const acc = accumulators.get(target.name)![u];
        cx.emit(["local.get", acc], ...vector(right), ["f64x2.add"], ["local.set", acc]);
        continue;
      }
      const array = plan.arrays.get(unwrap(target.object).name)!;
      const value: Instr[] = operator === "=" ? vector(right) : [...vector(target), ...vector(right), [F64X2[operator.slice(0, -1)]]];
      cx.emit(...address(array), ...value, ["v128.store", offset]);
    }
  }
  cx.emit(["local.get", i], ["i32.const", step], ["i32.add"], ["local.set", i], ["br", cx.depth - top]);
  cx.close();
  cx.close();
  // The partial sums, added to each variable (reordered: fastmath).
  for (const [name, accs] of accumulators) {
    const v = plan.sums.get(name)!;
    for (let k = 1; k < accs.length; k++) cx.emit(["local.get", accs[0]], ["local.get", accs[k]], ["f64x2.add"], ["local.set", accs[0]]);
    cx.emit(
      ["local.get", v.locals[0]],
      ["local.get", accs[0]],
      ["f64x2.extract_lane", 0],
      ["local.get", accs[0]],
      ["f64x2.extract_lane", 1],
    );
    cx.emit(["f64.add"], ["f64.add"], ["local.set", v.locals[0]]);
  }
  // The iterations left over, as written, with i where the vector loop stopped (in bounds: i < n ≤ every length).
  cx.scoped(() => {
    const counter: Var = { type: "i32", locals: [i], constant: false, proven: true, nonNegative: true };
    cx.scopes[cx.scopes.length - 1].set(plan.counter, counter);
    const breakDepth = cx.open("block");
    const loopTop = cx.open("loop");
    cx.emit(["local.get", i], ["local.get", n], ["i32.lt_u"], ["i32.eqz"], ["br_if", cx.depth - breakDepth]);
    const continueDepth = cx.open("block");
    const facts = arrays.map((array) => ({ counter, array }));
    cx.inBounds.push(...facts);
    cx.loops.push({ label: undefined, breakDepth, continueDepth });
    cx.scoped(() => plan.statements.forEach((s) => scalar.stmt(s)));
    cx.loops.pop();
    cx.inBounds.length -= facts.length;
    cx.close();
    cx.emit(["local.get", i], ["i32.const", 1], ["i32.add"], ["local.set", i], ["br", cx.depth - loopTop]);
    cx.close();
    cx.close();
  });
  cx.emit(["else"]);
  scalar.asWritten();
  cx.close();
}
