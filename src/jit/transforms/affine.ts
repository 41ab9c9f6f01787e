// Indices affine in a loop's counter: `base + v + c` (a stencil's `y * width + x - 1`), read as terms
// the element-wise vectorizer (vectorize-map.ts) can check and address exactly at run time.
//
// An index is a sum (and difference) of: the counter v; integer constants; int32/uint32 locals, f64
// locals holding integers (checked at run time) and `a.length`, all unchanged by the loop; body
// temporaries whose value is such a sum (`const i = y * width + x`, substituted); and at most one
// product of two such sums free of v (`y * width`, `(y - 1) * w`), each factor checked at run time to
// be an int32. At most 16 leaves in all. Everything is computed in i64, exactly: the product is below
// 2^62 in magnitude and the other terms below 2^36 together, so nothing wraps.
//
// Why JavaScript's f64 arithmetic names the same element when the exact index is in [0, 2^32): the
// terms other than the product are integers below 2^36 together, so the product is below 2^37, and
// every partial sum JavaScript forms is an integer below 2^53: exact, whatever the order.
import { constant } from "../analysis/typing.ts";
import type { Node } from "../front/parse.ts";
import type { Instr } from "../wasm/wasm.ts";
import { unwrap } from "./loop-shape.ts";

/** A value the loop does not change: the code leaving its exact i64, and the run-time check (an i32, 1 when usable) it needs. */
export interface Leaf {
  key: string;
  code: Instr[];
  /** The largest magnitude the value can have (when the check holds). */
  limit: number;
  check?: Instr[];
}

/** What a name (or `a.length`) in an index stands for. */
export type Resolved = { counter: true } | { form: Affine } | Leaf;

export interface Affine {
  /** The coefficient of the counter. */
  counter: number;
  /** c: the sum of the constants. */
  constant: number;
  /** The other terms by key (a leaf's, or a product's), with their coefficients. */
  terms: Map<string, { code: Instr[]; coefficient: number; limit: number }>;
  /** Run-time conditions (each leaves an i32, 1 when it holds), by key. */
  checks: Map<string, Instr[]>;
  products: number;
  leaves: number;
}

const LEAVES = 16;
const INT32 = 2 ** 31;

const empty = (): Affine => ({ counter: 0, constant: 0, terms: new Map(), checks: new Map(), products: 0, leaves: 0 });

function add(out: Affine, key: string, code: Instr[], coefficient: number, limit: number) {
  const t = out.terms.get(key);
  if (t) t.coefficient += coefficient;
  else out.terms.set(key, { code, coefficient, limit });
}

function merge(out: Affine, form: Affine, sign: number) {
  out.counter += sign * form.counter;
  out.constant += sign * form.constant;
  for (const [key, t] of form.terms) add(out, key, t.code, sign * t.coefficient, t.limit);
  for (const [key, c] of form.checks) out.checks.set(key, c);
  out.products += form.products;
  out.leaves += form.leaves;
}

/** The affine form of an index expression, or undefined when it is not one (see the header). */
export function affineOf(node: Node, resolve: (n: Node) => Resolved | undefined): Affine | undefined {
  const out = empty();
  const visit = (n: Node, sign: number): boolean => {
    n = unwrap(n);
    const k = constant(n);
    if (k !== undefined) {
      if (typeof k !== "number" || !Number.isInteger(k) || Math.abs(k) > INT32) return false;
      out.constant += sign * k;
      out.leaves++;
      return true;
    }
    if (n.type === "BinaryExpression" && (n.operator === "+" || n.operator === "-"))
      return visit(n.left, sign) && visit(n.right, n.operator === "-" ? -sign : sign);
    if (n.type === "UnaryExpression" && n.operator === "-") return visit(n.argument, -sign);
    if (n.type === "BinaryExpression" && n.operator === "*") {
      const [a, b] = [affineOf(n.left, resolve), affineOf(n.right, resolve)];
      if (!a || !b || a.counter !== 0 || b.counter !== 0 || a.products + b.products > 0) return false;
      const [ka, kb] = [keyOf(a, true), keyOf(b, true)].sort();
      const key = `(${ka})*(${kb})`;
      add(out, key, [...i64Of(a, true), ...i64Of(b, true), ["i64.mul"]], sign, 2 ** 62);
      for (const f of [a, b]) {
        for (const [k2, c] of f.checks) out.checks.set(k2, c);
        // |factor| ≤ 2^31, so the product's magnitude is at most 2^62: known (`y * w` of two int32s) or checked.
        const largest = [...f.terms.values()].reduce((m, t) => m + Math.abs(t.coefficient) * t.limit, Math.abs(f.constant));
        if (largest > INT32) out.checks.set(`int32 ${keyOf(f, true)}`, int32(i64Of(f, true)));
      }
      out.products++;
      out.leaves += a.leaves + b.leaves;
      return true;
    }
    if (n.type !== "Identifier" && !(n.type === "MemberExpression" && !n.computed)) return false;
    const r = resolve(n);
    if (!r) return false;
    if ("counter" in r) out.counter += sign;
    else if ("form" in r) merge(out, r.form, sign);
    else {
      add(out, r.key, r.code, sign, r.limit);
      if (r.check) out.checks.set(`check ${r.key}`, r.check);
      out.leaves++;
    }
    return true;
  };
  if (!visit(node, 1) || out.products > 1 || out.leaves > LEAVES) return undefined;
  for (const [key, t] of out.terms) if (t.coefficient === 0) out.terms.delete(key);
  return out;
}

/** A canonical name of the form's terms (and of its constant when `withConstant`): equal names, equal values. */
export function keyOf(form: Affine, withConstant = false): string {
  const terms = [...form.terms].map(([key, t]) => `${t.coefficient}*${key}`).sort();
  return [...terms, ...(withConstant ? [String(form.constant)] : [])].join(" + ");
}

/** Code leaving the form's terms (and its constant when `withConstant`; never the counter) as an exact i64. */
export function i64Of(form: Affine, withConstant = false): Instr[] {
  const out: Instr[] = [["i64.const", withConstant ? BigInt(form.constant) : 0n]];
  for (const t of form.terms.values()) {
    if (t.coefficient === 1 || t.coefficient === -1) out.push(...t.code, [t.coefficient === 1 ? "i64.add" : "i64.sub"]);
    else out.push(...t.code, ["i64.const", BigInt(t.coefficient)], ["i64.mul"], ["i64.add"]);
  }
  return out;
}

/** The i64 left by `code` is in [−2^31, 2^31]. */
const int32 = (code: Instr[]): Instr[] => [
  ...code,
  ["i64.const", BigInt(-INT32)],
  ["i64.ge_s"],
  ...code,
  ["i64.const", BigInt(INT32)],
  ["i64.le_s"],
  ["i32.and"],
];

/** An f64 local as a leaf: its value truncated (exact when the check, an integer in int32 range, holds). */
export function f64Leaf(key: string, local: number): Leaf {
  const get: Instr = ["local.get", local];
  return {
    key,
    limit: INT32,
    code: [get, ["i64.trunc_sat_f64_s"]],
    check: [
      get,
      ["f64.trunc"],
      get,
      ["f64.eq"],
      get,
      ["f64.const", -INT32],
      ["f64.ge"],
      ["i32.and"],
      get,
      ["f64.const", INT32],
      ["f64.lt"],
      ["i32.and"],
    ],
  };
}
