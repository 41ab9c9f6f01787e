// The element-wise vectorizer: a counted loop whose iterations only touch f64 array elements at
// indices affine in the counter (`a[i]`, a stencil's `src[y * w + x - 1]`) runs two iterations per
// f64x2 instruction.
//
//   for (let i = S; i < E; i++) {     // i an i32 counter from a constant S ≥ 0
//     const t = <expr>;               // temporaries of the iteration
//     const k = <index>;              // temporaries that are indices (`const i = y * width + x`)
//     out[<index>] = <expr>;          // stores (also `out[…] += <expr>`, `-=`, `*=`, `/=`)
//     s += <expr>;                    // a sum into an outer number: only with `fastmath: true`
//   }
//   <expr>: f64 arithmetic (+ − * /, unary −, Math.sqrt/abs/min/max) of numbers, unchanging scalars,
//           the temporaries, and elements `a[<index>]` of Float64Arrays that the function never reassigns.
//   <index>: base + i + c (affine.ts): base a sum of int values the loop does not change (locals,
//           parameters, an outer counter, `a.length`, f64 locals checked to hold integers) with at most
//           one product (`y * width`, `(y - 1) * w`), c an integer constant, the index temporaries
//           substituted. E: the same without i (`width - 1`).
//   Not covered (run as written): a stride other than 1 (`a[2 * i]`, `a[i * w + y]`), i in a product,
//   indices through `| 0`, Math.floor or a conditional, two products, a body with control flow or calls,
//   integer or Float32 arrays, and one array written at i and accessed at i + c (c ≠ 0) of the same
//   base (`a[i] = a[i - 1] + …`: each iteration reads what the one before wrote).
//
// Exact: each lane performs its iteration's operations, in the same order, on the same doubles
// (f64x2 arithmetic is IEEE 754 per lane, no fused multiply-add), and no iteration reads or writes
// what another writes, so every stored element is the scalar loop's. Run-time conditions make that
// so, checked before the vector loop (the loop as written runs otherwise, and traps where it must):
// - indices all `a[i]` with E an unchanging int: every array at least E long; an array written is
//   either the very array another name reads or shares no byte with it;
// - affine indices (a guard in exact i64, per entry to the loop: once per row of a stencil): the
//   forms' conditions (f64 values integers, product factors int32), S < E < 2^31, every index of
//   every iteration in [0, length) (then JavaScript's f64 index arithmetic is exact and names the
//   same element: affine.ts), and the bytes each written access touches, [start, start + 8·(E − S)),
//   either start where another access's start (the very element, iteration by iteration) or meet no
//   other access's, whatever array or view of jit's one memory it is. In place (dst === src) or
//   overlapping views of one buffer therefore run as written.
// Iterations left over (E − S not a multiple of the step) run as written.
//
// A sum into an outer variable is a reduction: the vector loop keeps four f64x2 partial sums (eight
// elements a trip) and adds them to the variable at the end. That reorders the additions, so the
// result can differ from the scalar loop's in the last bits: it is done only with `fastmath: true`.
import type { FunctionContext, Typed, Var } from "../codegen/context.ts";
import type { Node } from "../front/parse.ts";
import { recurse } from "../codegen/recursion.ts";
import { isArray } from "../analysis/types.ts";
import { countedLoop, unwrap } from "./loop-shape.ts";
import { type Affine, type Resolved, affineOf, f64Leaf, i64Of, keyOf } from "./affine.ts";
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

/** One element access `a[index]` of the body. */
interface Access {
  name: string;
  v: Var;
  /** The index as an affine form (counter coefficient 1). */
  index: Affine;
  /** The index is the counter itself. */
  plain: boolean;
}

interface Plan {
  counter: string;
  start: number;
  statements: Node[];
  /** Arrays indexed, by name; those stored into. */
  arrays: Map<string, Var>;
  written: Set<string>;
  /** Every access, by its (unwrapped) MemberExpression; those stored into. */
  accesses: Map<Node, Access>;
  writes: Set<Node>;
  /** Temporaries that are only indices (`const i = y * w + x`): no code in the vector loop. */
  indexOnly: Set<string>;
  /** Reductions: outer number locals summed into. */
  sums: Map<string, Var>;
  /** Unchanging scalars the expressions read. */
  scalars: Map<string, Var>;
  /** The number literals of the expressions (≥ 0: a minus sign is an operator), splatted once before the loop. */
  literals: Set<number>;
  /** Every index the counter, the bound an unchanging int: the bound compiled apart (an int32 or uint32). */
  boundCode: Typed | undefined;
  /** Otherwise (affine indices): the bound's affine form (no counter). */
  bound: Affine | undefined;
}

/** Emits the vectorized loop (with the guard, the vector loop, the leftover iterations and the loop as written for the other case); false when `node` is not of the shape. */
export function elementwiseLoop(cx: FunctionContext, node: Node, scalar: ScalarLoop): boolean {
  // Everything is decided before anything is emitted: nothing to take back.
  const plan = planOf(cx, node);
  if (!plan) return false;
  if (plan.boundCode) emit(cx, plan, scalar);
  else emitAffine(cx, plan, scalar);
  return true;
}

function planOf(cx: FunctionContext, node: Node): Plan | undefined {
  const loop = cx.label === undefined ? countedLoop(node) : undefined;
  if (!loop || loop.start < 0 || loop.start > 2 ** 30) return undefined;
  const { counter, start, bound, body } = loop;
  const statements: Node[] = body.type === "BlockStatement" ? body.body : [body];
  const plan: Plan = {
    counter,
    start,
    statements,
    arrays: new Map(),
    written: new Set(),
    accesses: new Map(),
    writes: new Set(),
    indexOnly: new Set(),
    sums: new Map(),
    scalars: new Map(),
    literals: new Set(),
    boundCode: undefined,
    bound: undefined,
  };
  /** Temporaries computed in the vector loop; every temporary declared; those with an affine form. */
  const temps = new Set<string>();
  const declared = new Set<string>();
  const forms = new Map<string, Affine>();
  /** Outer locals read by indices and the bound. */
  const indexNames = new Set<string>();
  const fixedArray = (name: string) => {
    if (declared.has(name)) return undefined;
    const v = cx.lookup(name);
    const fixed = v && (v.constant || (cx.isParameter(name, v) && !cx.ranges.writtenParams.has(name)));
    if (!v || !fixed || v.type !== "f64[]") return undefined;
    return v;
  };
  // What a name of an index stands for: the counter, a temporary's form, or a value the loop does not
  // change (the body writes only array elements, its temporaries and its sums).
  const resolve = (n: Node): Resolved | undefined => {
    if (n.type === "MemberExpression") {
      const object = unwrap(n.object);
      if (n.property.name !== "length" || object.type !== "Identifier" || declared.has(object.name)) return undefined;
      const v = cx.lookup(object.name);
      if (!v || !isArray(v.type)) return undefined;
      return { key: `length ${v.locals[1]}`, code: [["local.get", v.locals[1]], ["i64.extend_i32_u"]], limit: 2 ** 32 };
    }
    if (n.name === counter) return { counter: true };
    if (declared.has(n.name)) {
      const form = forms.get(n.name);
      return form && { form };
    }
    const v = cx.lookup(n.name);
    if (!v || v.locals.length !== 1) return undefined;
    indexNames.add(n.name);
    const l = v.locals[0];
    if (v.type === "i32" || v.type === "u32")
      return {
        key: `local ${l}`,
        code: [["local.get", l], [`i64.extend_i32_${v.type === "i32" ? "s" : "u"}`]],
        limit: v.type === "i32" ? 2 ** 31 : 2 ** 32,
      };
    return v.type === "f64" ? f64Leaf(`local ${l}`, l) : undefined;
  };
  const element = (n: Node): string | undefined => {
    n = unwrap(n);
    if (n.type !== "MemberExpression" || !n.computed || unwrap(n.object).type !== "Identifier") return undefined;
    const name: string = unwrap(n.object).name;
    const v = fixedArray(name);
    if (!v) return undefined;
    const p = unwrap(n.property);
    const index = affineOf(p, resolve);
    if (!index || index.counter !== 1) return undefined;
    plan.arrays.set(name, v);
    plan.accesses.set(n, { name, v, index, plain: p.type === "Identifier" && p.name === counter });
    return name;
  };
  const expression = (n: Node): boolean => {
    n = unwrap(n);
    switch (n.type) {
      case "Literal":
        if (typeof n.value !== "number") return false;
        plan.literals.add(n.value);
        return true;
      case "Identifier": {
        if (temps.has(n.name)) return true;
        if (declared.has(n.name) || n.name === counter || plan.sums.has(n.name)) return false;
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
        if (d.id.type !== "Identifier" || !d.init) return undefined;
        const name: string = d.id.name;
        if (name === counter || declared.has(name)) return undefined;
        // An index (`const i = y * w + x`), a value computed per element, or (`const t = 2`) both.
        const form = affineOf(d.init, resolve);
        const value = (!form || form.counter === 0) && expression(d.init);
        if (!form && !value) return undefined;
        if (form) forms.set(name, form);
        if (value) temps.add(name);
        else plan.indexOnly.add(name);
        declared.add(name);
      }
      continue;
    }
    if (s.type !== "ExpressionStatement" || s.expression.type !== "AssignmentExpression") return undefined;
    const { left, right, operator } = s.expression;
    const target = unwrap(left);
    if (target.type === "Identifier") {
      // A reduction `s += e`: an outer f64 local, never read otherwise in the loop.
      const v = cx.lookup(target.name);
      if (operator !== "+=" || !cx.plan.fastmath || !v || v.type !== "f64" || v.locals.length !== 1 || declared.has(target.name))
        return undefined;
      if (plan.scalars.has(target.name)) return undefined;
      plan.sums.set(target.name, v);
      if (!expression(right)) return undefined;
      continue;
    }
    const name = element(target);
    if (!name || !["=", "+=", "-=", "*=", "/="].includes(operator) || !expression(right)) return undefined;
    plan.written.add(name);
    plan.writes.add(target);
  }
  if (plan.arrays.size === 0 || (plan.written.size === 0 && plan.sums.size === 0)) return undefined;
  const accesses = [...plan.accesses.values()];
  if (accesses.every((a) => a.plain) && cx.invariant(loop.bound)) {
    const code = recurse.detached(cx, bound);
    if (code.type === "i32" || code.type === "u32") plan.boundCode = code;
  }
  if (!plan.boundCode) {
    plan.bound = affineOf(bound, resolve);
    if (!plan.bound || plan.bound.counter !== 0) return undefined;
    // An element written and another element of the same array at a fixed distance from it (`a[i] =
    // a[i - 1] + …` in place): overlapping whenever the loop runs more trips than the distance, so
    // always run as written.
    for (const w of plan.writes) {
      const wa = plan.accesses.get(w)!;
      for (const a of accesses)
        if (a.name === wa.name && keyOf(a.index) === keyOf(wa.index) && a.index.constant !== wa.index.constant) return undefined;
    }
  }
  // A sum variable read as a scalar (or in an index) elsewhere in the loop would see partial values: refuse.
  for (const name of plan.sums.keys()) if (plan.scalars.has(name) || indexNames.has(name)) return undefined;
  return plan;
}

const F64X2: Record<string, string> = { "+": "f64x2.add", "-": "f64x2.sub", "*": "f64x2.mul", "/": "f64x2.div" };

/** Where unrolled copy `u` of the body finds an access: code leaving a base address, and the load/store offset. */
type Addressing = (access: Access, u: number) => { base: Instr[]; offset: number };

/** The scalars splatted, the partial sums zeroed: what the vector body reads. */
function prologue(cx: FunctionContext, plan: Plan, unroll: number) {
  const splats = new Map<string, number>();
  for (const [name, v] of plan.scalars) {
    const l = cx.local("v128");
    cx.emit(["local.get", v.locals[0]]);
    if (v.type === "i32") cx.emit(["f64.convert_i32_s"]);
    if (v.type === "u32") cx.emit(["f64.convert_i32_u"]);
    cx.emit(["f64x2.splat"], ["local.set", l]);
    splats.set(name, l);
  }
  for (const value of plan.literals) {
    const l = cx.local("v128");
    cx.emit(["f64.const", value], ["f64x2.splat"], ["local.set", l]);
    splats.set(`literal ${value}`, l);
  }
  const accumulators = new Map<string, number[]>();
  for (const name of plan.sums.keys()) {
    const accs = Array.from({ length: unroll }, () => cx.local("v128"));
    for (const a of accs) cx.emit(["f64.const", 0], ["f64x2.splat"], ["local.set", a]);
    accumulators.set(name, accs);
  }
  return { splats, accumulators };
}

/** The body, `unroll` times, each lane doing its iteration's operations in the source's order. */
function vectorBody(
  cx: FunctionContext,
  plan: Plan,
  unroll: number,
  { splats, accumulators }: ReturnType<typeof prologue>,
  addressing: Addressing,
) {
  for (let u = 0; u < unroll; u++) {
    const temps = new Map<string, number>();
    const at = (e: Node, op: "v128.load" | "v128.store"): [Instr[], Instr] => {
      const { base, offset } = addressing(plan.accesses.get(e) ?? impossible("an access not planned"), u);
      return [base, [op, offset]];
    };
    const vector = (e: Node): Instr[] => {
      e = unwrap(e);
      switch (e.type) {
        case "Literal":
          return [["local.get", splats.get(`literal ${e.value}`) ?? impossible(`no splat of ${e.value}`)]];
        case "Identifier":
          return [["local.get", temps.get(e.name) ?? splats.get(e.name) ?? impossible(`no value for \`${e.name}\``)]];
        case "MemberExpression": {
          const [base, load] = at(e, "v128.load");
          return [...base, load];
        }
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
          if (plan.indexOnly.has(d.id.name)) continue;
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
      const value: Instr[] = operator === "=" ? vector(right) : [...vector(target), ...vector(right), [F64X2[operator.slice(0, -1)]]];
      const [base, store] = at(target, "v128.store");
      cx.emit(...base, ...value, store);
    }
  }
}

/** The partial sums, added to each variable (reordered: fastmath). */
function epilogue(cx: FunctionContext, plan: Plan, accumulators: Map<string, number[]>) {
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
}

/** The iterations left over, as written, from the counter in local `i` up to (not including) local `n` (i32s). */
function leftover(cx: FunctionContext, plan: Plan, scalar: ScalarLoop, i: number, n: number, arrays: Var[]) {
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
}

/** Every index the counter: the guard compares lengths and pointers; the vector loop counts i. */
function emit(cx: FunctionContext, plan: Plan, scalar: ScalarLoop) {
  cx.builder.usesMemory = true;
  const n = cx.local("i32");
  cx.emit(...plan.boundCode!.code, ["local.set", n]);
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
  const values = prologue(cx, plan, unroll);
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
  vectorBody(cx, plan, unroll, values, (access, u) => ({
    base: [["local.get", access.v.locals[0]], ["local.get", i], ["i32.const", 3], ["i32.shl"], ["i32.add"]],
    offset: 16 * u,
  }));
  cx.emit(["local.get", i], ["i32.const", step], ["i32.add"], ["local.set", i], ["br", cx.depth - top]);
  cx.close();
  cx.close();
  epilogue(cx, plan, values.accumulators);
  // The iterations left over, as written, with i where the vector loop stopped (in bounds: i < n ≤ every length).
  leftover(cx, plan, scalar, i, n, arrays);
  cx.emit(["else"]);
  scalar.asWritten();
  cx.close();
}

/**
 * Affine indices `a[base + i + c]`: the guard, in exact i64, checks the forms' run-time conditions,
 * S < E < 2^31, every access of every iteration in bounds, and every element written apart from every
 * other access (or the very element it reads); the vector loop advances one pointer per array and base.
 */
function emitAffine(cx: FunctionContext, plan: Plan, scalar: ScalarLoop) {
  cx.builder.usesMemory = true;
  const get = (l: number): Instr => ["local.get", l];
  const and: Instr = ["i32.and"];
  const S = BigInt(plan.start);
  const bound = plan.bound!;
  const e64 = cx.local("i64");
  const count = cx.local("i64");
  cx.emit(...i64Of(bound, true), ["local.set", e64], get(e64), ["i64.const", S], ["i64.sub"], ["local.set", count]);
  // Accesses by array and base (one pointer each in the vector loop), and by element (array, base, c).
  interface Group {
    v: Var;
    form: Affine;
    base: number;
    min: number;
    max: number;
    pointer: number;
  }
  const groups = new Map<string, Group>();
  const groupOf = new Map<Access, Group>();
  const slots = new Map<string, { group: Group; c: number; written: boolean }>();
  const checks = new Map(bound.checks);
  for (const [node, a] of plan.accesses) {
    const key = `${a.name} | ${keyOf(a.index)}`;
    let g = groups.get(key);
    if (!g) {
      g = { v: a.v, form: a.index, base: cx.local("i64"), min: a.index.constant, max: a.index.constant, pointer: cx.local("i32") };
      groups.set(key, g);
    }
    g.min = Math.min(g.min, a.index.constant);
    g.max = Math.max(g.max, a.index.constant);
    groupOf.set(a, g);
    const slotKey = `${key} | ${a.index.constant}`;
    const slot = slots.get(slotKey) ?? { group: g, c: a.index.constant, written: false };
    slot.written ||= plan.writes.has(node);
    slots.set(slotKey, slot);
    for (const [k, c] of a.index.checks) checks.set(k, c);
  }
  for (const g of groups.values()) cx.emit(...i64Of(g.form), ["local.set", g.base]);
  // Each condition is and-ed in (none traps, whatever the values): when all hold, no i64 above wrapped.
  const guard: Instr[] = [["i32.const", 1]];
  for (const c of checks.values()) guard.push(...c, and);
  guard.push(get(e64), ["i64.const", S], ["i64.gt_s"], and, get(e64), ["i64.const", 2n ** 31n - 1n], ["i64.le_s"], and);
  for (const g of groups.values()) {
    // base + min + S ≥ 0 and base + max + E ≤ length: every element of the loop in bounds.
    guard.push(get(g.base), ["i64.const", BigInt(g.min) + S], ["i64.add"], ["i64.const", 0n], ["i64.ge_s"], and);
    guard.push(get(g.base), ["i64.const", BigInt(g.max)], ["i64.add"], get(e64), ["i64.add"]);
    guard.push(get(g.v.locals[1]), ["i64.extend_i32_u"], ["i64.le_s"], and);
  }
  // A written element apart from every other: the byte ranges [start, start + 8·count) of the two
  // accesses do not meet, or start at the same byte (the very element, iteration by iteration).
  // Accesses of one array and one base at different c were refused (planOf).
  const starts = new Map<object, number>();
  const startOf = (slot: { group: Group; c: number }): Instr => {
    let l = starts.get(slot);
    if (l === undefined) {
      l = cx.local("i64");
      starts.set(slot, l);
      const g = slot.group;
      cx.emit(get(g.v.locals[0]), ["i64.extend_i32_u"], get(g.base), ["i64.const", BigInt(slot.c) + S], ["i64.add"]);
      cx.emit(["i64.const", 8n], ["i64.mul"], ["i64.add"], ["local.set", l]);
    }
    return get(l);
  };
  const all = [...slots.values()];
  const bytes = cx.local("i64");
  cx.emit(get(count), ["i64.const", 8n], ["i64.mul"], ["local.set", bytes]);
  all.forEach((w, k) => {
    if (!w.written) return;
    all.forEach((a, m) => {
      if (a === w || a.group === w.group || (a.written && m < k)) return;
      const [sw, sa] = [startOf(w), startOf(a)];
      guard.push(sw, sa, ["i64.eq"], sw, get(bytes), ["i64.add"], sa, ["i64.le_s"], ["i32.or"]);
      guard.push(sa, get(bytes), ["i64.add"], sw, ["i64.le_s"], ["i32.or"], and);
    });
  });
  cx.emit(...guard);
  cx.open("if");
  // Two f64x2 a trip (four with sums): half the pointer and counter updates, which Deno's V8 and
  // JavaScriptCore do not fold into the loads; the stencil bench ran 15% faster in Deno than with one.
  const unroll = plan.sums.size > 0 ? 4 : 2;
  const step = 2 * unroll;
  // In bounds, so every address below is an exact i32; E < 2^31.
  for (const g of groups.values()) {
    cx.emit(get(g.v.locals[0]), get(g.base), ["i64.const", BigInt(g.min) + S], ["i64.add"], ["i32.wrap_i64"]);
    cx.emit(["i32.const", 3], ["i32.shl"], ["i32.add"], ["local.set", g.pointer]);
  }
  const [n, i, trips] = [cx.local("i32"), cx.local("i32"), cx.local("i32")];
  cx.emit(get(e64), ["i32.wrap_i64"], ["local.set", n]);
  cx.emit(get(count), ["i64.const", BigInt(Math.log2(step))], ["i64.shr_u"], ["i32.wrap_i64"], ["local.set", trips]);
  cx.emit(get(n), get(count), ["i64.const", BigInt(step - 1)], ["i64.and"], ["i32.wrap_i64"], ["i32.sub"], ["local.set", i]);
  const values = prologue(cx, plan, unroll);
  // block { if (trips == 0) break; loop { body ×unroll; pointers += 16·unroll; } while (--trips) }
  const exit = cx.open("block");
  cx.emit(get(trips), ["i32.eqz"], ["br_if", cx.depth - exit]);
  const top = cx.open("loop");
  vectorBody(cx, plan, unroll, values, (access, u) => {
    const g = groupOf.get(access)!;
    return { base: [get(g.pointer)], offset: 8 * (access.index.constant - g.min) + 16 * u };
  });
  for (const g of groups.values()) cx.emit(get(g.pointer), ["i32.const", 16 * unroll], ["i32.add"], ["local.set", g.pointer]);
  cx.emit(get(trips), ["i32.const", 1], ["i32.sub"], ["local.tee", trips], ["br_if", cx.depth - top]);
  cx.close();
  cx.close();
  epilogue(cx, plan, values.accumulators);
  // The iterations left over (in bounds), as written, from E − (count mod step).
  leftover(cx, plan, scalar, i, n, []);
  cx.emit(["else"]);
  scalar.asWritten();
  cx.close();
}
