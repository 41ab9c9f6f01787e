// Matrix multiply by loop interchange: the j/k nest of an i-j-k matmul runs as i-k-j, two columns per
// f64x2, with every element of C bit-identical to the loop as written.
//
//   for (let j = 0; j < P; j++) {              // (inside any loop over i, or none)
//     let sum = S;                             // S a number constant (0 in practice)
//     for (let k = 0; k < K; k++) sum += A[rowA + k] * B[k * pb + j + offB];   // or `sum = sum + …`
//     C[rowC + j] = sum;
//   }
//   Or with C's element as the accumulator: `C[rowC + j] = S; for (…) C[rowC + j] += A[…] * B[…];`
//   (`C[x] = C[x] + …` too), or without the `= S` (C += A·B: the row starts as C's own values). The
//   same operations in the same order: with C apart from A and B (checked, below), the element holds
//   the running sum the local would.
//   P, K: int32/uint32 values the nest does not write (a constant, a local, a parameter, `x.length`);
//   rowA, offB, rowC: sums (and differences) of such values and of products of two int32 ones (`i * n`),
//   in any order (`k + i * n`); pb an int32 value or constant. A, B, C Float64Arrays, in either order
//   in the product. Nothing else in the bodies.
//
// Run as: C[rowC .. rowC + P) = S; then for each k in order, with s = A[rowA + k], every j gets
// C[rowC + j] = C[rowC + j] + s * B[k * pb + j + offB] (f64x2.mul then f64x2.add, not fused; an odd
// last column in f64). Each element of the row so receives ((S + p0) + p1) + … + p(K−1), the very
// operations of the scalar loop in the very order (IEEE 754 per lane), and `sum` is invisible outside
// the j body. Exact when three run-time conditions hold, checked before the nest (else it runs as
// written, which traps where it must): P ≥ 1 and K ≥ 1; every index of the nest in bounds (the
// extreme ones, computed exactly in i64: then JavaScript's f64 index arithmetic is exact too, see
// places.ts exactIndex); and C shares no byte with A or B (the row written early would otherwise be
// read by a later j: the loop as written stores C only after each whole sum).
import type { FunctionContext, Var } from "../codegen/context.ts";
import { childNodes, type Node } from "../front/parse.ts";
import { countedLoop, unwrap } from "./loop-shape.ts";
import { writes } from "./strided.ts";
import { constant } from "../analysis/typing.ts";
import { isArray } from "../analysis/types.ts";
import type { Instr } from "../wasm/wasm.ts";

export interface InterchangeScalar {
  /** Compiles the loop as written (its init included). */
  asWritten(): void;
}

/** One term of an index: a value the nest does not change (or a product of two), with its sign; the code leaves its exact i64. */
interface Term {
  code: Instr[];
  negative: boolean;
}

interface Plan {
  /** The bounds P (columns) and K (inner length): code leaving an i64 each. */
  cols: Instr[];
  inner: Instr[];
  a: Var;
  b: Var;
  c: Var;
  rowA: Term[];
  offB: Term[];
  /** B's row stride (the factor of k). */
  strideB: Instr[];
  rowC: Term[];
  /** What each element of C's row starts as: S, or (undefined) C's own value, where the nest adds to C. */
  start: number | undefined;
  /** `A * B` (true) or `B * A` in the source; `sum + p` (true) or `p + sum`. */
  aFirst: boolean;
  sumFirst: boolean;
}

/** Emits the interchanged nest behind its run-time check (and the nest as written otherwise); false (nothing emitted) when `node` is not of the shape. */
export function interchangedLoop(cx: FunctionContext, node: Node, scalar: InterchangeScalar): boolean {
  const plan = planOf(cx, node);
  if (!plan) return false;
  emit(cx, plan, scalar);
  return true;
}

/** `for (let v = 0; v < E; v++)` (or `++v`): v and E, or undefined. */
function counted(node: Node): { v: string; bound: Node; body: Node } | undefined {
  const loop = countedLoop(node);
  return loop && loop.start === 0 ? { v: loop.counter, bound: loop.bound, body: loop.body } : undefined;
}

const only = (body: Node): Node[] => (body.type === "BlockStatement" ? body.body : [body]);

function planOf(cx: FunctionContext, node: Node): Plan | undefined {
  if (cx.label !== undefined) return undefined;
  const outer = counted(node);
  if (!outer) return undefined;
  const j = outer.v;
  const stmts = only(outer.body);
  // The accumulator: a local `sum` (stored into C after the k loop), or C's element itself.
  let sum = "";
  let start: number | undefined;
  let innerLoop: Node;
  let target: Node | undefined;
  if (stmts.length === 3) {
    const [decl, loop, store] = stmts;
    // let sum = S;
    if (decl.type !== "VariableDeclaration" || decl.kind !== "let" || decl.declarations.length !== 1) return undefined;
    const sd = decl.declarations[0];
    const value = sd.init ? constant(sd.init) : undefined;
    if (sd.id.type !== "Identifier" || typeof value !== "number") return undefined;
    [start, sum] = [value, sd.id.name];
    // C[rowC + j] = sum;
    if (store.type !== "ExpressionStatement" || store.expression.type !== "AssignmentExpression") return undefined;
    const st = store.expression;
    if (st.operator !== "=" || unwrap(st.right).type !== "Identifier" || unwrap(st.right).name !== sum) return undefined;
    [innerLoop, target] = [loop, st.left];
  } else if (stmts.length === 1 || stmts.length === 2) {
    // [C[rowC + j] = S;] for (…) C[rowC + j] += A[…] * B[…];
    innerLoop = stmts[stmts.length - 1];
    if (stmts.length === 2) {
      const init = stmts[0];
      if (init.type !== "ExpressionStatement" || init.expression.type !== "AssignmentExpression") return undefined;
      const value = constant(init.expression.right);
      if (init.expression.operator !== "=" || typeof value !== "number") return undefined;
      [start, target] = [value, init.expression.left];
    }
  } else return undefined;
  // for (let k = 0; k < K; k++) sum += A[…] * B[…];
  const inner = counted(innerLoop);
  if (!inner) return undefined;
  const k = inner.v;
  if (k === j || k === sum || j === sum) return undefined;
  const innerStmts = only(inner.body);
  if (innerStmts.length !== 1 || innerStmts[0].type !== "ExpressionStatement") return undefined;
  const acc = innerStmts[0].expression;
  if (acc.type !== "AssignmentExpression") return undefined;
  target ??= sum ? undefined : acc.left;
  const isSum = (n: Node) =>
    sum ? unwrap(n).type === "Identifier" && unwrap(n).name === sum : target !== undefined && sameTree(unwrap(n), unwrap(target));
  if (!isSum(acc.left) || !target) return undefined;
  let product: Node;
  let sumFirst = true;
  if (acc.operator === "+=") product = unwrap(acc.right);
  else if (acc.operator === "=" && unwrap(acc.right).type === "BinaryExpression" && unwrap(acc.right).operator === "+") {
    const r = unwrap(acc.right);
    if (isSum(r.left)) product = unwrap(r.right);
    else if (isSum(r.right)) [product, sumFirst] = [unwrap(r.left), false];
    else return undefined;
  } else return undefined;
  if (product.type !== "BinaryExpression" || product.operator !== "*") return undefined;

  // The names whose values the nest may not change: anything it writes (j, k, sum) is excluded.
  const steadyLeaf = (n: Node): { code: Instr[]; type: "i32" | "u32" } | undefined => {
    n = unwrap(n);
    const c = constant(n);
    if (typeof c === "number")
      return Number.isInteger(c) && c >= -(2 ** 31) && c < 2 ** 31 && !Object.is(c, -0)
        ? { code: [["i32.const", c]], type: "i32" }
        : undefined;
    if (n.type === "MemberExpression" && !n.computed && n.property.name === "length" && unwrap(n.object).type === "Identifier") {
      const name: string = unwrap(n.object).name;
      const v = cx.lookup(name);
      if (!v || !isArray(v.type) || writes(node, name)) return undefined;
      return { code: [["local.get", v.locals[1]]], type: "u32" };
    }
    if (n.type !== "Identifier" || n.name === j || n.name === k || n.name === sum || writes(node, n.name)) return undefined;
    const v = cx.lookup(n.name);
    if (!v || v.locals.length !== 1 || (v.type !== "i32" && v.type !== "u32")) return undefined;
    return { code: [["local.get", v.locals[0]]], type: v.type };
  };
  const extend = (leaf: { code: Instr[]; type: "i32" | "u32" }): Instr[] => [
    ...leaf.code,
    [leaf.type === "i32" ? "i64.extend_i32_s" : "i64.extend_i32_u"],
  ];
  const array = (n: Node): Var | undefined => {
    n = unwrap(n);
    if (n.type !== "Identifier" || writes(node, n.name)) return undefined;
    const v = cx.lookup(n.name);
    return v && v.type === "f64[]" ? v : undefined;
  };
  // An index as terms: the counters found (`j`, `k`, `k * x`) and the rest (steady terms).
  interface Index {
    j: number;
    k: number;
    kTimes: Instr[] | undefined;
    kProducts: number;
    /** Products of two steady int32s among the terms. */
    products: number;
    rest: Term[];
  }
  const indexOf = (e: Node): Index | undefined => {
    const out: Index = { j: 0, k: 0, kTimes: undefined, kProducts: 0, products: 0, rest: [] };
    const isName = (n: Node, name: string) => unwrap(n).type === "Identifier" && unwrap(n).name === name;
    const visit = (n: Node, negative: boolean): boolean => {
      n = unwrap(n);
      if (n.type === "BinaryExpression" && (n.operator === "+" || n.operator === "-"))
        return visit(n.left, negative) && visit(n.right, n.operator === "-" ? !negative : negative);
      if (isName(n, j) || isName(n, k)) {
        if (negative) return false;
        if (isName(n, j)) out.j++;
        else out.k++;
        return true;
      }
      if (n.type === "BinaryExpression" && n.operator === "*") {
        const [l, r] = [unwrap(n.left), unwrap(n.right)];
        const kLeft = isName(l, k);
        if (kLeft || isName(r, k)) {
          const factor = steadyLeaf(kLeft ? r : l);
          if (negative || !factor || factor.type !== "i32") return false;
          out.kProducts++;
          out.kTimes = extend(factor);
          return true;
        }
        const [x, y] = [steadyLeaf(l), steadyLeaf(r)];
        // Two int32s: a product below 2^62 in magnitude (a uint32 could reach 2^64).
        if (!x || !y || x.type !== "i32" || y.type !== "i32") return false;
        out.products++;
        out.rest.push({ code: [...extend(x), ...extend(y), ["i64.mul"]], negative });
        return true;
      }
      const leaf = steadyLeaf(n);
      if (!leaf) return false;
      out.rest.push({ code: extend(leaf), negative });
      return true;
    };
    // At most one product (`k * pb` included) and three other terms. Then no i64 below overflows, and
    // when the exact index is in [0, 2^32) the product is below 2^53 in magnitude, so JavaScript's f64
    // arithmetic on the terms is exact at every step and names the same element (places.ts exactIndex).
    return visit(e, false) && out.products + out.kProducts <= 1 && out.rest.length <= 3 + out.products ? out : undefined;
  };
  const element = (n: Node) => {
    n = unwrap(n);
    if (n.type !== "MemberExpression" || !n.computed) return undefined;
    const v = array(n.object);
    const index = v && indexOf(n.property);
    return v && index ? { v, index } : undefined;
  };
  const left = element(product.left);
  const right = element(product.right);
  const stored = element(target);
  if (!left || !right || !stored) return undefined;
  const isA = (x: Index) => x.k === 1 && x.j === 0 && x.kProducts === 0;
  const isB = (x: Index) => x.k === 0 && x.j === 1 && x.kProducts === 1;
  const aFirst = isA(left.index) && isB(right.index);
  if (!aFirst && !(isB(left.index) && isA(right.index))) return undefined;
  const [a, b] = aFirst ? [left, right] : [right, left];
  if (!(stored.index.j === 1 && stored.index.k === 0 && stored.index.kProducts === 0)) return undefined;
  const cols = steadyLeaf(outer.bound);
  const innerBound = steadyLeaf(inner.bound);
  if (!cols || !innerBound) return undefined;
  return {
    cols: extend(cols),
    inner: extend(innerBound),
    a: a.v,
    b: b.v,
    c: stored.v,
    rowA: a.index.rest,
    offB: b.index.rest,
    strideB: b.index.kTimes!,
    rowC: stored.index.rest,
    start,
    aFirst,
    sumFirst,
  };
}

function emit(cx: FunctionContext, plan: Plan, scalar: InterchangeScalar) {
  cx.builder.usesMemory = true;
  const i64 = () => cx.local("i64");
  const [cols, inner, rowA, offB, strideB, rowC] = [i64(), i64(), i64(), i64(), i64(), i64()];
  const sum = (terms: Term[]): Instr[] => [
    ["i64.const", 0n],
    ...terms.flatMap((t): Instr[] => [...t.code, [t.negative ? "i64.sub" : "i64.add"]]),
  ];
  cx.emit(...plan.cols, ["local.set", cols], ...plan.inner, ["local.set", inner]);
  cx.emit(...sum(plan.rowA), ["local.set", rowA], ...sum(plan.offB), ["local.set", offB]);
  cx.emit(...plan.strideB, ["local.set", strideB], ...sum(plan.rowC), ["local.set", rowC]);
  const get = (l: number): Instr => ["local.get", l];
  const len = (v: Var): Instr[] => [get(v.locals[1]), ["i64.extend_i32_u"]];
  const and: Instr = ["i32.and"];
  // P ≥ 1, 1 ≤ K ≤ 2^31; every index of the nest in bounds: its least and its greatest, all in exact
  // i64 (every term is below 2^62 + 3·2^32 in magnitude; (K − 1)·pb below 2^62).
  const guard: Instr[] = [get(cols), ["i64.const", 1n], ["i64.ge_s"], get(inner), ["i64.const", 1n], ["i64.ge_s"], and];
  guard.push(get(inner), ["i64.const", 2n ** 31n], ["i64.le_s"], and);
  // A[rowA + k], k < K: rowA ≥ 0, rowA + K ≤ len(A).
  guard.push(get(rowA), ["i64.const", 0n], ["i64.ge_s"], and, get(rowA), get(inner), ["i64.add"], ...len(plan.a), ["i64.le_s"], and);
  // B[k·pb + j + offB]: pb ≥ 0, 0 ≤ offB ≤ len(B), (K − 1)·pb + offB + P ≤ len(B).
  guard.push(get(strideB), ["i64.const", 0n], ["i64.ge_s"], and, get(offB), ["i64.const", 0n], ["i64.ge_s"], and);
  guard.push(get(offB), ...len(plan.b), ["i64.le_s"], and);
  guard.push(get(inner), ["i64.const", 1n], ["i64.sub"], get(strideB), ["i64.mul"], get(offB), ["i64.add"], get(cols), ["i64.add"]);
  guard.push(...len(plan.b), ["i64.le_s"], and);
  // C[rowC + j], j < P: rowC ≥ 0, rowC + P ≤ len(C).
  guard.push(get(rowC), ["i64.const", 0n], ["i64.ge_s"], and, get(rowC), get(cols), ["i64.add"], ...len(plan.c), ["i64.le_s"], and);
  // C apart from A and from B (whole arrays, in bytes).
  const start = (v: Var): Instr[] => [get(v.locals[0]), ["i64.extend_i32_u"]];
  const end = (v: Var): Instr[] => [...start(v), ...len(v), ["i64.const", 8n], ["i64.mul"], ["i64.add"]];
  for (const r of [plan.a, plan.b])
    guard.push(...end(plan.c), ...start(r), ["i64.le_u"], ...end(r), ...start(plan.c), ["i64.le_u"], ["i32.or"], and);
  cx.emit(...guard);
  cx.open("if");
  const i32 = () => cx.local("i32");
  const [pc, pa, pb, sb, even, j8, count] = [i32(), i32(), i32(), i32(), i32(), i32(), i32()];
  // Addresses in i32: all in bounds, so below 2^32.
  const at = (ptr: number, offset: number): Instr[] => [
    get(ptr),
    get(offset),
    ["i32.wrap_i64"],
    ["i32.const", 3],
    ["i32.shl"],
    ["i32.add"],
  ];
  cx.emit(...at(plan.c.locals[0], rowC), ["local.set", pc], ...at(plan.a.locals[0], rowA), ["local.set", pa]);
  cx.emit(
    ...at(plan.b.locals[0], offB),
    ["local.set", pb],
    get(strideB),
    ["i32.wrap_i64"],
    ["i32.const", 3],
    ["i32.shl"],
    ["local.set", sb],
  );
  // even: the bytes of the columns taken two at a time; P odd leaves one at `even`.
  cx.emit(get(cols), ["i32.wrap_i64"], ["i32.const", 3], ["i32.shl"], ["i32.const", -16], ["i32.and"], ["local.set", even]);
  cx.emit(get(inner), ["i32.wrap_i64"], ["local.set", count]);
  const odd: Instr[] = [get(cols), ["i32.wrap_i64"], ["i32.const", 1], ["i32.and"]];
  /** for (j8 = 0; j8 < even; j8 += 16) body */
  const columns = (body: Instr[]) => {
    cx.emit(["i32.const", 0], ["local.set", j8]);
    const exit = cx.open("block");
    const top = cx.open("loop");
    cx.emit(get(j8), get(even), ["i32.ge_u"], ["br_if", cx.depth - exit]);
    cx.emit(...body, get(j8), ["i32.const", 16], ["i32.add"], ["local.set", j8], ["br", cx.depth - top]);
    cx.close();
    cx.close();
  };
  // The row of C starts as S (sum's initial value, or C's element assigned S before the k loop).
  if (plan.start !== undefined) {
    columns([get(pc), get(j8), ["i32.add"], ["f64.const", plan.start], ["f64x2.splat"], ["v128.store"]]);
    cx.emit(...odd);
    cx.open("if");
    cx.emit(get(pc), get(even), ["i32.add"], ["f64.const", plan.start], ["f64.store"]);
    cx.close();
  }
  // For each k in order: row += A[rowA + k] · B's row k. Four k at a time (the row loaded and stored
  // once for four additions, made in k order all the same), then the K mod 4 left one at a time.
  const quads = i32();
  cx.emit(
    get(count),
    ["i32.const", 2],
    ["i32.shr_u"],
    ["local.set", quads],
    get(count),
    ["i32.const", 3],
    ["i32.and"],
    ["local.set", count],
  );
  const ss = Array.from({ length: 4 }, () => cx.local("f64"));
  const svs = Array.from({ length: 4 }, () => cx.local("v128"));
  const pbs = [pb, i32(), i32(), i32()];
  const [vtemp, ftemp] = [cx.local("v128"), cx.local("f64")];
  const rounds = (u: number, counter: number) => {
    const exit = cx.open("block");
    cx.emit(get(counter), ["i32.eqz"], ["br_if", cx.depth - exit]);
    const top = cx.open("loop");
    for (let r = 0; r < u; r++) {
      cx.emit(get(pa), ["f64.load", 8 * r], ["local.tee", ss[r]], ["f64x2.splat"], ["local.set", svs[r]]);
      if (r > 0) cx.emit(get(pbs[r - 1]), get(sb), ["i32.add"], ["local.set", pbs[r]]);
    }
    // C's element(s) at `c`, then each product added in k order: row + p or p + row, as the source has it.
    const chain = (c: Instr[], b: (r: number) => Instr[], a: (r: number) => Instr, width: "v128" | "f64"): Instr[] => {
      const [load, store, mul, add] =
        width === "v128" ? ["v128.load", "v128.store", "f64x2.mul", "f64x2.add"] : ["f64.load", "f64.store", "f64.mul", "f64.add"];
      const out: Instr[] = [...c, ...c, [load]];
      for (let r = 0; r < u; r++) {
        const product: Instr[] = plan.aFirst ? [a(r), ...b(r), [load], [mul]] : [...b(r), [load], a(r), [mul]];
        const temp = width === "v128" ? vtemp : ftemp;
        if (plan.sumFirst) out.push(...product, [add]);
        else out.push(["local.set", temp], ...product, get(temp), [add]);
      }
      return [...out, [store]];
    };
    columns(
      chain(
        [get(pc), get(j8), ["i32.add"]],
        (r) => [get(pbs[r]), get(j8), ["i32.add"]],
        (r) => get(svs[r]),
        "v128",
      ),
    );
    cx.emit(...odd);
    cx.open("if");
    cx.emit(
      ...chain(
        [get(pc), get(even), ["i32.add"]],
        (r) => [get(pbs[r]), get(even), ["i32.add"]],
        (r) => get(ss[r]),
        "f64",
      ),
    );
    cx.close();
    cx.emit(get(pa), ["i32.const", 8 * u], ["i32.add"], ["local.set", pa], get(pbs[u - 1]), get(sb), ["i32.add"], ["local.set", pb]);
    cx.emit(get(counter), ["i32.const", 1], ["i32.sub"], ["local.tee", counter], ["br_if", cx.depth - top]);
    cx.close();
    cx.close();
  };
  rounds(4, quads);
  rounds(1, count);
  cx.emit(["else"]);
  scalar.asWritten();
  cx.close();
}

/** The same expression: node types, names, operators and literal values alike (positions aside). */
function sameTree(a: Node, b: Node): boolean {
  if (a.type !== b.type || a.name !== b.name || a.operator !== b.operator || a.value !== b.value || a.computed !== b.computed) return false;
  const [ca, cb] = [childNodes(a), childNodes(b)];
  return ca.length === cb.length && ca.every((c, i) => sameTree(c, cb[i]));
}
