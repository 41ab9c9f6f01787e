// The numeric analysis that runs before code generation: for every number-valued local and expression
// of one specialization, the interval its values lie in, whether they are all integers, and whether
// −0 or NaN can occur. An abstract interpretation of the function body (intervals, joined at branches,
// iterated to a fixed point at loops with widening to the next of 2^31, 2^32, 2^53, ∞), refined by
// the conditions that guard each branch (`i < n`, `d * d <= k`, `&&`, `!`).
//
// The code generator only reads the results:
// - `localType(declarator)`: "i32" or "u32" for a `let`/`const` number local whose every value is an
//   integer in int32 (uint32) range and never −0, so it can live in an i32; "f64" otherwise;
// - `of(node)`: the facts about an expression, which decide when `+ - * %` on int32 operands can be
//   the i32 instruction (an exact result in range), and when an f64 index needs no integer check;
// - `wraps(node)`: `+`/`-` over int32 operands whose only consumer is a ToInt32 (a store into an
//   integer array, `| 0`): the wrapping i32 instruction is then exact (the f64 sum is exact below 2^53).
// - `signless(node)`: an array index, whose consumer does not see the sign of a zero (`a[v % n]` with
//   v < 0: its −0 is index 0), so `%` of int32s may be the i32 instruction there.
// - `division(node)`: `a / b` over int32 (uint32) values that an integer division computes exactly:
//   "truncated" when its only consumer is a ToInt32 (`(a / b) | 0`: the f64 quotient of two such values
//   truncates to the integer quotient, so ToInt32 of it is the integer division, with 0 for b = 0),
//   "floor" as the argument of `Math.floor` with b ≥ 1 (or of `Math.trunc` with a ≥ 0 too).
// - `wrapExit(update)`: the update `v--` of `for (let v = …; v >= E; v--)` with E an int32: the loop
//   leaves when v is −2^31 before the update, since v − 1 is then below every int32 E and the test would
//   fail; v, a `let` of the loop, is never read after it. So v stays an int32 where the exit value alone
//   would have made it an f64 (a knapsack's `c >= w; c--`). (`v <= E; v++` needs no such exit: v is a
//   u32 up to 2^31, and the search transform steps such counters in lanes.)
// Everything it does not understand is "any number": a fact is only ever proven, never assumed.
import type { Node } from "../front/parse.ts";
import { thrownValues } from "../front/throw.ts";
import { ELEMENTS, WRAPPING_ELEMENTS, isArray, elementOf, typedArrayElement, type ElementType, type ValueType } from "./types.ts";

export interface NumberFacts {
  readonly lo: number;
  readonly hi: number;
  /** Every value that is not NaN is an integer. */
  readonly int: boolean;
  readonly negZero: boolean;
  readonly nan: boolean;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;
const SAFE = 2 ** 53;
/** The most bytes of arrays a call can see: jit's memory (and the pool's) stops a page short of 4 GiB. */
const MEMORY_BYTES = 2 ** 32 - 65536;
const TOP: NumberFacts = { lo: -Infinity, hi: Infinity, int: false, negZero: true, nan: true };
const exact = (v: number): NumberFacts => ({ lo: v, hi: v, int: Number.isInteger(v), negZero: Object.is(v, -0), nan: Number.isNaN(v) });
const range = (lo: number, hi: number): NumberFacts => ({ lo, hi, int: true, negZero: false, nan: false });
const INT32 = range(INT32_MIN, INT32_MAX);
const UINT32 = range(0, UINT32_MAX);
/** Upper bounds a growing interval jumps to when a loop has not settled (and their negatives for lower bounds). */
const STEPS = [INT32_MAX, UINT32_MAX, SAFE, Infinity];

function join(a: NumberFacts | undefined, b: NumberFacts | undefined): NumberFacts | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    lo: Math.min(a.lo, b.lo),
    hi: Math.max(a.hi, b.hi),
    int: a.int && b.int,
    negZero: a.negZero || b.negZero,
    nan: a.nan || b.nan,
  };
}

const same = (a: NumberFacts | undefined, b: NumberFacts | undefined) =>
  a === b || (!!a && !!b && a.lo === b.lo && a.hi === b.hi && a.int === b.int && a.negZero === b.negZero && a.nan === b.nan);

/**
 * The facts of a sum, difference or product of integers. The f64 result is an integer even when it is
 * rounded (every double of magnitude ≥ 2^53 is one), unless it overflows to ±∞; and rounding is
 * monotonic, so the bounds computed in f64 bound the rounded result too.
 */
function integer(lo: number, hi: number, int: boolean, negZero: boolean, nan: boolean): NumberFacts {
  if (Number.isNaN(lo) || Number.isNaN(hi)) return TOP;
  return { lo, hi, int: int && Number.isFinite(lo) && Number.isFinite(hi), negZero, nan };
}

export const isInt32 = (f: NumberFacts) => f.int && !f.nan && !f.negZero && f.lo >= INT32_MIN && f.hi <= INT32_MAX;
export const isUint32 = (f: NumberFacts) => f.int && !f.nan && !f.negZero && f.lo >= 0 && f.hi <= UINT32_MAX;
export const contains0 = (f: NumberFacts) => f.lo <= 0 && f.hi >= 0;

/** A local as the analysis tracks it: its declarator (or the parameter's identifier) and what it holds. */
interface Binding {
  readonly key: Node;
  readonly kind: "number" | "array" | "other";
  /** Arrays: the element type. */
  readonly element?: string;
  /** Every value ever assigned (the local's invariant). */
  all?: NumberFacts;
}

type Env = Map<Binding, NumberFacts>;

export interface Intervals {
  /** The wasm representation a number local can have: "i32"/"u32" when every value fits exactly, else "f64". */
  localType(declarator: Node): "i32" | "u32" | "f64";
  /** Every value a number local ever holds (undefined when nothing is known). */
  localFacts(declarator: Node): NumberFacts | undefined;
  /** What is known of a number expression's values, or undefined when nothing is. */
  of(node: Node): NumberFacts | undefined;
  /** `+`/`-` over int32 values consumed only by a ToInt32: the wrapping i32 instruction is exact. */
  wraps(node: Node): boolean;
  /** An expression whose only consumer does not see the sign of a zero (an array index: `a[-0]` is `a[0]`). */
  signless(node: Node): boolean;
  /** How many expressions were proven to fit 32 bits: what versioning compares. */
  proven(): number;
  /** The value at which a counted loop's update leaves the loop instead (see the header), or undefined. */
  wrapExit(update: Node): number | undefined;
  /** `a / b` an integer division computes exactly (see the header), or undefined. */
  division(node: Node): IntegerDivision | undefined;
  /** Expressions evaluated to reach these facts: the analysis's work (a test bounds it for nested loops). */
  readonly evaluations: number;
}

/** How an integer division gives `a / b`'s use: ToInt32 of the quotient, or its floor (Math.floor, Math.trunc). */
export type IntegerDivision = "truncated" | "floor";

/** The range a versioned function assumes of its int32 parameters (two of them multiply within int32). */
export const SMALL_MAX = 46340;
export const SMALL = range(0, SMALL_MAX);
/** The range of the other version: a count up to 2^26 (`i * 4 + 3` and `n * 16` stay within int32). */
export const MEDIUM_MAX = 2 ** 26;
export const MEDIUM = range(0, MEDIUM_MAX);

/**
 * Analyzes a function whose parameters have `types`; `assume[i]`, where given, narrows what parameter
 * i can be (a version of the body that runs only when the parameter is in that range).
 */
export function analyze(
  params: readonly Node[],
  types: readonly ValueType[],
  body: Node,
  assume: readonly (NumberFacts | undefined)[] = [],
): Intervals {
  /** What the code generator reads: joined over every evaluation that counts (see `recording`). */
  const facts = new Map<Node, NumberFacts>();
  /** Each node's facts at its last evaluation: what conditions refine with. */
  const latest = new Map<Node, NumberFacts>();
  /** Off while a loop searches for its invariant: only the trip from the invariant found is recorded. */
  let recording = true;
  const wrapping = new Set<Node>();
  /** Divisions an integer division computes, by node; null once one recorded evaluation did not qualify. */
  const divisions = new Map<Node, IntegerDivision | null>();
  const decideDivision = (node: Node, way: IntegerDivision | null) => {
    if (!recording) return;
    const before = divisions.get(node);
    divisions.set(node, before === undefined || before === way ? way : null);
  };
  /** Updates that leave their loop at an int32 limit (see `wrapExit`), by node; null once one did not qualify. */
  const wrapExits = new Map<Node, number | null>();
  /** The update being evaluated, when its counter's new value is clamped to the limit it leaves at. */
  let clamped: { node: Node; limit: number } | undefined;
  /** Per loop: the invariant of its top found at its last analysis (see `loop`). */
  const invariants = new Map<Node, Env>();
  const locals = new Map<Node, Binding>();
  const scopes: Map<string, Binding>[] = [new Map()];
  /** Per enclosing loop: the states at its `break`s and `continue`s. */
  const loops: { label?: string; breaks: (Env | null)[]; continues: (Env | null)[]; switch?: boolean }[] = [];
  let pendingLabel: string | undefined;

  const resolve = (name: string) => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const b = scopes[i].get(name);
      if (b) return b;
    }
    return undefined;
  };
  const scoped = <T>(run: () => T): T => {
    scopes.push(new Map());
    try {
      return run();
    } finally {
      scopes.pop();
    }
  };
  const record = (node: Node, f: NumberFacts | undefined) => {
    if (f) latest.set(node, f);
    else latest.delete(node);
    if (f && recording) facts.set(node, join(facts.get(node), f)!);
    return f;
  };
  const assignTo = (b: Binding, f: NumberFacts | undefined, env: Env) => {
    if (b.kind !== "number") return;
    const value = f ?? TOP;
    if (recording) b.all = join(b.all, value);
    env.set(b, value);
  };

  params.forEach((p, i) => {
    if (p.type !== "Identifier") return;
    const t = types[i];
    const b: Binding = isArray(t)
      ? { key: p, kind: "array", element: elementOf(t) }
      : { key: p, kind: t === "f64" || t === "i32" || t === "u32" ? "number" : "other" };
    scopes[0].set(p.name, b);
    locals.set(p, b);
  });
  const entry: Env = new Map();
  params.forEach((p, i) => {
    const b = p.type === "Identifier" ? scopes[0].get(p.name) : undefined;
    if (b?.kind === "number") assignTo(b, assume[i] ?? (types[i] === "i32" ? INT32 : types[i] === "u32" ? UINT32 : TOP), entry);
  });

  // ---- expressions: evaluate, update `env` with their effects, return the facts of a number value.
  let evaluations = 0;
  const expr = (node: Node, env: Env, truncated = false): NumberFacts | undefined => {
    evaluations++;
    return record(node, evaluate(node, env, truncated));
  };

  const evaluate = (node: Node, env: Env, truncated: boolean): NumberFacts | undefined => {
    switch (node.type) {
      case "Literal":
        return typeof node.value === "number" ? exact(node.value) : undefined;
      case "Identifier": {
        const b = resolve(node.name);
        if (b) return b.kind === "number" ? (env.get(b) ?? TOP) : undefined;
        if (node.name === "NaN") return exact(NaN);
        if (node.name === "Infinity") return exact(Infinity);
        return undefined;
      }
      case "TSAsExpression":
      case "TSNonNullExpression":
      case "TSSatisfiesExpression":
      case "TSTypeAssertion":
        return expr(node.expression, env, truncated);
      case "SequenceExpression": {
        let last: NumberFacts | undefined;
        node.expressions.slice(0, -1).forEach(unused);
        for (const e of node.expressions) last = expr(e, env);
        return last;
      }
      case "UnaryExpression": {
        // `~` applies ToInt32 to its operand, as the bitwise binary operators do.
        const a = expr(node.argument, env, node.operator === "~");
        if (node.operator === "-" && a) return { lo: -a.hi, hi: -a.lo, int: a.int, negZero: contains0(a) || a.negZero, nan: a.nan };
        if (node.operator === "+" && a) return a;
        if (node.operator === "~") return INT32;
        return undefined;
      }
      case "BinaryExpression":
        return binary(node, env, truncated);
      case "LogicalExpression": {
        const l = expr(node.left, env);
        const branch = new Map(env);
        const r = expr(node.right, branch);
        mergeInto(env, branch);
        return l && r ? join(l, r) : undefined;
      }
      case "ConditionalExpression": {
        expr(node.test, env);
        const [yes, no] = [refine(node.test, new Map(env), true), refine(node.test, new Map(env), false)];
        const a = expr(node.consequent, yes);
        const b = expr(node.alternate, no);
        env.clear();
        for (const [k, v] of joinEnvs(yes, no)!) env.set(k, v);
        return a && b ? join(a, b) : undefined;
      }
      case "AssignmentExpression":
        return assignment(node, env);
      case "UpdateExpression": {
        const target = unwrap(node.argument);
        const old = expr(target, env);
        let next = old
          ? integer(old.lo + (node.operator === "++" ? 1 : -1), old.hi + (node.operator === "++" ? 1 : -1), old.int, false, old.nan)
          : undefined;
        // The loop leaves at the limit instead of stepping past it (wrapExit): the counter stays an int32.
        if (next && clamped?.node === node) next = { ...next, lo: Math.max(next.lo, INT32_MIN), hi: Math.min(next.hi, INT32_MAX) };
        if (target.type === "Identifier") {
          const b = resolve(target.name);
          if (b) assignTo(b, next, env);
        } else if (target.type === "MemberExpression" && target.computed) {
          index(target.property, env);
          // The value of `a[i]++` is the element read; of `++a[i]`, the exact sum (not wrapped) unless unused.
          if (isIntegerElement(target.object) && (!node.prefix || discarded.has(node))) markWrapping(node);
        }
        return node.prefix ? next : old;
      }
      case "MemberExpression": {
        if (!node.computed && node.property.name === "length") {
          const b = node.object.type === "Identifier" ? resolve(node.object.name) : undefined;
          // wasm32 memory holds at most 2^32 bytes, of which jit hands out all but the last page.
          if (b?.kind === "array") return range(0, Math.floor(MEMORY_BYTES / ELEMENTS[b.element as keyof typeof ELEMENTS].bytes));
          return undefined;
        }
        if (!node.computed) return undefined;
        expr(node.object, env);
        index(node.property, env);
        return elementFacts(node.object);
      }
      case "CallExpression":
        return call(node, env);
      case "NewExpression":
        for (const a of node.arguments) expr(a, env);
        return undefined;
      // `return { a: e1, b: e2 }`, `return [e1, e2]` (statements.ts returnRecord): the values in order.
      case "ObjectExpression":
        for (const p of node.properties) if (p.type === "Property" && !p.computed) expr(p.value, env);
        return undefined;
      case "ArrayExpression":
        for (const e of node.elements) if (e && e.type !== "SpreadElement") expr(e, env);
        return undefined;
      default:
        return undefined;
    }
  };

  /** The array an initial value is: another array local's, or a new one (`new Float64Array(n)`). */
  const arrayOf = (init: Node): Pick<Binding, "kind" | "element"> | undefined => {
    if (init.type === "Identifier") return resolve(init.name);
    // `a.fill(…)` is the array a; `a.subarray(…)` and `a.slice(…)` arrays of its element type.
    if (
      init.type === "CallExpression" &&
      init.callee.type === "MemberExpression" &&
      !init.callee.computed &&
      ["fill", "subarray", "slice"].includes(init.callee.property.name as string)
    )
      return arrayOf(unwrap(init.callee.object));
    const isNew = init.type === "NewExpression" && init.callee.type === "Identifier" && !resolve(init.callee.name);
    const element = isNew ? typedArrayElement(init.callee.name) : undefined;
    return element ? { kind: "array", element } : undefined;
  };

  /** What an element of the array `object` can be, as read. */
  const elementFacts = (object: Node): NumberFacts | undefined => {
    const b = object.type === "Identifier" ? resolve(object.name) : undefined;
    if (b?.kind !== "array") return undefined;
    switch (b.element) {
      case "u8":
      case "u8c":
        return range(0, 255);
      case "i8":
        return range(-128, 127);
      case "i16":
        return range(-32768, 32767);
      case "u16":
        return range(0, 65535);
      case "i32":
        return INT32;
      case "u32":
        return UINT32;
      case "f64":
      case "f32":
        return TOP;
    }
    return undefined;
  };

  const isIntegerElement = (object: Node): boolean => {
    const b = object.type === "Identifier" ? resolve(object.name) : undefined;
    return b?.kind === "array" && WRAPPING_ELEMENTS.has(b.element as ElementType);
  };

  const markWrapping = (node: Node) => recording && wrapping.add(node);
  // Indices: an element's key is ToString of the index, and ToString(−0) is "0" (a typed array reads
  // and writes a[−0] as a[0]).
  const signlessNodes = new Set<Node>();
  const index = (property: Node, env: Env) => {
    if (recording) signlessNodes.add(unwrap(property));
    return expr(property, env);
  };

  // Assignments whose value nothing reads (a statement, a for loop's init or update, all but the last
  // of a sequence): only there may an integer element's `a[i] += v` be the wrapping instruction, since
  // the value of `(a[i] += v)` is the exact sum, not the int32 stored.
  const discarded = new Set<Node>();
  const unused = (node: Node): Node => {
    const e = unwrap(node);
    discarded.add(e);
    if (e.type === "SequenceExpression") e.expressions.forEach(unused);
    return node;
  };

  const binary = (node: Node, env: Env, truncated: boolean): NumberFacts | undefined => {
    const op: string = node.operator;
    const additive = op === "+" || op === "-";
    // Bitwise operators apply ToInt32 (ToUint32) to both operands; `+`/`-` pass a ToInt32 consumer on.
    const inner = BITWISE.has(op) || (truncated && additive);
    // A quotient under `+`/`-` is not truncated by itself: ToInt32(−2.5 + 5) is 2, trunc(−2.5) + 5 is 3.
    const passed = (operand: Node) => inner && !(additive && isDivision(operand));
    const l = expr(node.left, env, passed(node.left));
    const r = expr(node.right, env, passed(node.right));
    if (!l || !r) return undefined;
    if (op === "/" && truncated) {
      const exact = isInt32Like(l) && isInt32Like(r);
      decideDivision(node, exact ? "truncated" : null);
      // Its value for the consumer: ToInt32 of the quotient, an int32 (0 where b may be 0).
      if (exact) return INT32;
    }
    if (truncated && additive && exactSum(op, l, r)) {
      // Computed as the wrapping i32 instruction where both operands are held in i32s (their ToInt32):
      // ToInt32 of an exact integer sum is the sum of the operands' ToInt32 mod 2^32. Its value is the
      // int32 the consumer takes.
      if (recording) wrapping.add(node);
      return INT32;
    }
    return arithmetic(op, l, r);
  };

  // An operand of a ToInt32 consumer: the expression is computed in i32 only if its leaves are int32 values.
  const isInt32Like = (f: NumberFacts) => isInt32(f) || isUint32(f);
  /** `l ± r` of integers whose f64 result is exact (below 2^53 in magnitude), as JavaScript computes it. */
  const exactSum = (op: string, l: NumberFacts, r: NumberFacts) => {
    if (!l.int || !r.int || l.nan || r.nan) return false;
    const [lo, hi] = op === "+" ? [l.lo + r.lo, l.hi + r.hi] : [l.lo - r.hi, l.hi - r.lo];
    return lo > -SAFE && hi < SAFE;
  };

  const call = (node: Node, env: Env): NumberFacts | undefined => {
    const args = node.arguments.map((a: Node) => expr(a, env));
    const callee = node.callee;
    if (callee.type !== "MemberExpression" || callee.object.type !== "Identifier" || callee.object.name !== "Math" || resolve("Math"))
      return node.callee.type === "Identifier" && (node.callee.name === "Number" || node.callee.name === "BigInt") ? undefined : undefined;
    const a = args[0] as NumberFacts | undefined;
    const name = callee.property.name as string;
    const quotient = node.arguments.length === 1 ? unwrap(node.arguments[0]) : undefined;
    if ((name === "floor" || name === "trunc") && quotient && isDivision(quotient)) {
      // `Math.floor(a / b)` with b ≥ 1 (and a ≥ 0 for trunc, whose −0.5 would give −0): an integer division.
      const [n, d] = [latest.get(quotient.left), latest.get(quotient.right)];
      const exact = !!n && !!d && isInt32Like(n) && isInt32Like(d) && d.lo >= 1 && (name === "floor" || n.lo >= 0);
      decideDivision(quotient, exact ? "floor" : null);
      if (exact) {
        const q = [n!.lo / d!.lo, n!.lo / d!.hi, n!.hi / d!.lo, n!.hi / d!.hi];
        return range(Math.floor(Math.min(...q)), Math.floor(Math.max(...q)));
      }
    }
    switch (name) {
      case "floor":
      case "ceil":
      case "trunc":
      case "round":
        return a && a.int
          ? a
          : a
            ? { lo: Math.floor(a.lo), hi: Math.ceil(a.hi), int: isFinite(a.lo) && isFinite(a.hi), negZero: true, nan: a.nan }
            : undefined;
      case "abs":
        return a
          ? {
              lo: contains0(a) ? 0 : Math.min(Math.abs(a.lo), Math.abs(a.hi)),
              hi: Math.max(Math.abs(a.lo), Math.abs(a.hi)),
              int: a.int,
              negZero: false,
              nan: a.nan,
            }
          : undefined;
      case "min":
      case "max": {
        if (args.some((x: NumberFacts | undefined) => !x)) return undefined;
        const fs = args as NumberFacts[];
        const pick = callee.property.name === "min" ? Math.min : Math.max;
        return {
          lo: pick(...fs.map((f) => f.lo)),
          hi: pick(...fs.map((f) => f.hi)),
          int: fs.every((f) => f.int),
          negZero: fs.some((f) => f.negZero || contains0(f)),
          nan: fs.some((f) => f.nan),
        };
      }
      case "imul":
        return INT32;
      case "clz32":
        return range(0, 32);
      case "sqrt":
        return a
          ? { lo: a.lo > 0 ? Math.sqrt(a.lo) : 0, hi: Math.sqrt(Math.max(a.hi, 0)), int: false, negZero: a.negZero, nan: a.nan || a.lo < 0 }
          : undefined;
    }
    return TOP;
  };

  const assignment = (node: Node, env: Env): NumberFacts | undefined => {
    const target = unwrap(node.left);
    const op: string = node.operator;
    if (target.type === "MemberExpression") {
      if (target.computed) {
        expr(target.object, env);
        index(target.property, env);
      }
      const intStore = target.computed && isIntegerElement(target.object);
      const dropped = discarded.has(node);
      // ToInt32 of the right side: a dropped `=` into an integer array, a bitwise `op=` (`a[i] ^= x + y`).
      const value = expr(node.right, env, (intStore && dropped && op === "=") || BITWISE_ASSIGN.has(op));
      if (intStore && dropped && (op === "+=" || op === "-=") && value && isInt32Like(value)) markWrapping(node);
      if (op === "=") return value;
      // `a[i] op= v` is worth `a[i] op v` (the element as read, then v): not v's facts. (An int32
      // `a[i] *= v` is no int32 product; the store's ToInt32 comes after.)
      const old = target.computed ? elementFacts(target.object) : undefined;
      return old && value ? arithmetic(op.slice(0, -1), old, value) : undefined;
    }
    if (target.type !== "Identifier") return expr(node.right, env);
    const b = resolve(target.name);
    // `s op= r` reads s before r runs (r may assign s: `s += (s = 5)` adds the old s).
    const old = op !== "=" && b?.kind === "number" ? env.get(b) : undefined;
    // A bitwise `op=` applies ToInt32 to its right side (`v &= v - 1`: the wrapping i32 subtraction).
    let value = expr(node.right, env, BITWISE_ASSIGN.has(op));
    if (op !== "=") value = old && value ? arithmetic(op.slice(0, -1), old, value) : undefined;
    if (b) assignTo(b, value, env);
    return value;
  };

  // ---- conditions: the state in which `test` evaluated to `truth`.
  const refine = (test: Node, env: Env, truth: boolean): Env => {
    test = unwrap(test);
    if (test.type === "UnaryExpression" && test.operator === "!") return refine(test.argument, env, !truth);
    if (test.type === "LogicalExpression" && test.operator === (truth ? "&&" : "||"))
      return refine(test.right, refine(test.left, env, truth), truth);
    if (test.type !== "BinaryExpression") return env;
    let op: string = test.operator;
    // `v !== c` (or the false branch of `v === c`) with c a constant at an end of v's integer interval:
    // that end moves in by one (`while (y !== 0)` over y ≥ 0 gives y ≥ 1). NaN stays as it was (NaN !== c).
    if ((truth && (op === "!==" || op === "!=")) || (!truth && (op === "===" || op === "=="))) {
      for (const [side, other] of [
        [test.left, test.right],
        [test.right, test.left],
      ] as const) {
        const o = latest.get(other);
        const id = unwrap(side);
        if (!o || o.lo !== o.hi || o.nan || id.type !== "Identifier") continue;
        const v = resolve(id.name);
        const cur = v && v.kind === "number" ? env.get(v) : undefined;
        if (!v || !cur || !cur.int || cur.lo === cur.hi) continue;
        const c = o.lo;
        const zero = c === 0 ? { negZero: false } : {};
        if (cur.lo === c) env.set(v, { ...cur, ...zero, lo: c + 1 });
        else if (cur.hi === c) env.set(v, { ...cur, ...zero, hi: c - 1 });
      }
      return env;
    }
    if (!truth) {
      const flipped: Record<string, string> = { "<": ">=", "<=": ">", ">": "<=", ">=": "<" };
      // A false comparison may also mean NaN: refine only ints (never NaN).
      if (!flipped[op]) return env;
      op = flipped[op];
      const [l, r] = [latest.get(test.left), latest.get(test.right)];
      if (!l || !r || l.nan || r.nan) return env;
    }
    const bound = (side: Node, other: Node, rel: string) => {
      const o = latest.get(other);
      if (!o) return;
      side = unwrap(side);
      // `x * x <= e` bounds |x|.
      if (side.type === "BinaryExpression" && side.operator === "*") {
        const [a, b] = [unwrap(side.left), unwrap(side.right)];
        if (a.type === "Identifier" && b.type === "Identifier" && a.name === b.name && (rel === "<" || rel === "<=")) {
          const v = resolve(a.name);
          const cur = v && v.kind === "number" ? env.get(v) : undefined;
          if (v && cur && isFinite(o.hi)) {
            const m = Math.floor(Math.sqrt(Math.max(o.hi, 0)));
            env.set(v, { ...cur, lo: Math.max(cur.lo, -m), hi: Math.min(cur.hi, m), nan: false });
          }
        }
        return;
      }
      if (side.type !== "Identifier") return;
      const v = resolve(side.name);
      const cur = v && v.kind === "number" ? env.get(v) : undefined;
      if (!v || !cur) return;
      const step = cur.int && o.int ? 1 : 0;
      let next = { ...cur, nan: false };
      if (rel === "<") next = { ...next, hi: Math.min(cur.hi, o.hi - step) };
      else if (rel === "<=") next = { ...next, hi: Math.min(cur.hi, o.hi) };
      else if (rel === ">") next = { ...next, lo: Math.max(cur.lo, o.lo + step) };
      else if (rel === ">=") next = { ...next, lo: Math.max(cur.lo, o.lo) };
      else return;
      if (next.lo > next.hi) return; // unreachable here: keep it simple and sound
      env.set(v, next);
    };
    const mirror: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" };
    if (!mirror[op]) return env;
    bound(test.left, test.right, op);
    bound(test.right, test.left, mirror[op]);
    return env;
  };

  // ---- statements: the state after `node`, or null when no path continues.
  const stmt = (node: Node, env: Env | null): Env | null => {
    if (!env) return null;
    switch (node.type) {
      case "BlockStatement":
        return scoped(() => {
          let e: Env | null = env;
          for (const s of node.body) e = stmt(s, e);
          return e;
        });
      case "VariableDeclaration":
        for (const d of node.declarations) {
          const value = d.init ? expr(d.init, env) : undefined;
          const array = d.init ? arrayOf(unwrap(d.init)) : undefined;
          // One binding per declarator, however often a loop runs the declaration.
          const b: Binding =
            locals.get(d) ??
            (array?.kind === "array" ? { key: d, kind: "array", element: array.element } : { key: d, kind: value ? "number" : "other" });
          if (d.id.type === "Identifier") scopes[scopes.length - 1].set(d.id.name, b);
          locals.set(d, b);
          if (value) assignTo(b, value, env);
        }
        return env;
      case "ExpressionStatement":
        expr(unused(node.expression), env);
        return env;
      case "IfStatement": {
        expr(node.test, env);
        const yes = scoped(() => stmt(node.consequent, refine(node.test, new Map(env), true)));
        const no = node.alternate
          ? scoped(() => stmt(node.alternate, refine(node.test, new Map(env), false)))
          : refine(node.test, new Map(env), false);
        return joinEnvs(yes, no);
      }
      case "ForStatement":
      case "WhileStatement":
      case "DoWhileStatement":
        return scoped(() => loop(node, env));
      case "LabeledStatement":
        pendingLabel = node.label.name;
        return stmt(node.body, env);
      case "SwitchStatement": {
        // Every case may be entered from the dispatch (or by falling through from the one before); the
        // statement is left at a `break`, at the end of the last case, or where no case matched and
        // there is no default.
        expr(node.discriminant, env);
        for (const c of node.cases) if (c.test) expr(c.test, env);
        const frame = { breaks: [] as (Env | null)[], continues: [] as (Env | null)[], switch: true };
        loops.push(frame);
        let fall: Env | null = null;
        scoped(() => {
          for (const c of node.cases) {
            let e: Env | null = joinEnvs(fall, new Map(env));
            for (const s of c.consequent) e = stmt(s, e);
            fall = e;
          }
        });
        loops.pop();
        const unmatched = node.cases.some((c: Node) => !c.test) ? null : new Map(env);
        return frame.breaks.reduce((acc: Env | null, b) => joinEnvs(acc, b), joinEnvs(fall, unmatched));
      }
      case "BreakStatement":
      case "ContinueStatement": {
        // An unlabeled `continue` skips the switch statements around it (its target is a loop).
        const target = node.label
          ? [...loops].reverse().find((l) => l.label === node.label.name)
          : node.type === "ContinueStatement"
            ? [...loops].reverse().find((l) => !l.switch)
            : loops[loops.length - 1];
        (node.type === "BreakStatement" ? target?.breaks : target?.continues)?.push(new Map(env));
        return null;
      }
      case "ReturnStatement":
        if (node.argument) expr(node.argument, env);
        return null;
      case "ThrowStatement":
        // The message's values are computed, then the function is left (front/throw.ts).
        for (const value of thrownValues(node.argument)) expr(value, env);
        return null;
      default:
        return env;
    }
  };

  const loop = (node: Node, before: Env): Env | null => {
    const label = pendingLabel;
    pendingLabel = undefined;
    if (node.type === "ForStatement" && node.init) {
      if (node.init.type === "VariableDeclaration") stmt(node.init, before);
      else expr(unused(node.init), before);
    }
    /** One trip from the state at the loop's top: the state back at the top, and the state on leaving. */
    const pass = (head: Env): { back: Env | null; exit: Env | null } => {
      const frame = { label, breaks: [] as (Env | null)[], continues: [] as (Env | null)[] };
      loops.push(frame);
      const state = new Map(head);
      let bodyIn: Env = state;
      if (node.type !== "DoWhileStatement" && node.test) {
        expr(node.test, state);
        bodyIn = refine(node.test, new Map(state), true);
      }
      let end = scoped(() => stmt(node.body, bodyIn));
      for (const c of frame.continues) end = joinEnvs(end, c);
      if (node.type === "DoWhileStatement" && end) expr(node.test, end);
      if (node.type === "ForStatement" && node.update && end) {
        const limit = wrapLimit(node, end);
        const update = unwrap(node.update);
        if (recording && update.type === "UpdateExpression") {
          const before = wrapExits.get(update);
          wrapExits.set(update, before === undefined || before === limit ? (limit ?? null) : null);
        }
        clamped = limit === undefined ? undefined : { node: update, limit };
        expr(unused(node.update), end);
        clamped = undefined;
      }
      loops.pop();
      const back = node.type === "DoWhileStatement" && end ? refine(node.test, new Map(end), true) : end;
      const exitHere =
        node.type === "DoWhileStatement"
          ? end && refine(node.test, new Map(end), false)
          : node.test
            ? refine(node.test, new Map(state), false)
            : null;
      return { back, exit: frame.breaks.reduce((acc: Env | null, b) => joinEnvs(acc, b), exitHere) };
    };
    // Find an invariant of the loop's top without recording anything (iterations widen: what they see
    // is not what the loop does); then record in one last trip from that invariant.
    const outer = recording;
    recording = false;
    // A loop inside another is searched again on each of the outer loop's trips, from a state that only
    // grows: while searching, it starts from the invariant it found last time (joined with the new
    // state), which holds again or widens in a round or two, instead of climbing every step of the
    // widening again at every depth. The trip that records starts from the loop's own entry state.
    const last = outer ? undefined : invariants.get(node);
    let head: Env = last ? joinEnvs(last, before)! : new Map(before);
    for (let round = 0; ; round++) {
      const next = joinEnvs(head, pass(head).back)!;
      if (envsEqual(next, head)) break;
      head = round < 1 ? next : widen(head, next);
      if (round > 40) for (const k of head.keys()) head.set(k, TOP);
    }
    // Narrowing: one trip from a widened invariant usually lands inside it (i ≤ 2^31 − 1 back to
    // i ≤ n); keep the tighter state only if it is an invariant too (a trip from it stays inside it).
    // Only where it will be recorded, and only for innermost loops: elsewhere each trip runs the
    // inner loops' searches again, which multiplies the work by the nesting depth.
    for (let k = 0; outer && !containsLoop(node.body) && k < 2; k++) {
      const tighter = joinEnvs(before, pass(head).back)!;
      if (envsEqual(tighter, head) || !envsEqual(joinEnvs(tighter, pass(tighter).back)!, tighter)) break;
      head = tighter;
    }
    recording = outer;
    invariants.set(node, head);
    return pass(head).exit;
  };

  /**
   * `for (let v = …; v >= E; v--)` (or `E <= v`), E an int32 name, constant or length, v an int32 where
   * the update runs: −2^31, the value at which the loop leaves instead of updating (see `wrapExit`);
   * undefined where the loop is not of that shape.
   */
  const wrapLimit = (loop: Node, env: Env): number | undefined => {
    const update = unwrap(loop.update);
    const test = loop.test ? unwrap(loop.test) : undefined;
    if (update.type !== "UpdateExpression" || test?.type !== "BinaryExpression" || loop.init?.type !== "VariableDeclaration")
      return undefined;
    const target = unwrap(update.argument);
    if (target.type !== "Identifier" || loop.init.kind !== "let") return undefined;
    const name = target.name as string;
    if (!loop.init.declarations.some((d: Node) => d.id.type === "Identifier" && d.id.name === name)) return undefined;
    const down = update.operator === "--";
    if (!down) return undefined;
    const isCounter = (n: Node) => {
      const e = unwrap(n);
      return e.type === "Identifier" && e.name === name;
    };
    const bound =
      isCounter(test.left) && test.operator === (down ? ">=" : "<=")
        ? test.right
        : isCounter(test.right) && test.operator === (down ? "<=" : ">=")
          ? test.left
          : undefined;
    const e = bound && unwrap(bound);
    const simple =
      !!e &&
      (e.type === "Identifier" || e.type === "Literal" || (e.type === "MemberExpression" && !e.computed && e.property.name === "length"));
    const b = resolve(name);
    const [limit, counter] = [simple ? latest.get(bound) : undefined, b ? env.get(b) : undefined];
    if (!limit || !isInt32(limit) || !counter || !isInt32(counter)) return undefined;
    return down ? INT32_MIN : INT32_MAX;
  };

  const widen = (old: Env, next: Env): Env => {
    const out: Env = new Map();
    for (const [k, v] of next) {
      const o = old.get(k);
      if (!o) {
        out.set(k, v);
        continue;
      }
      // Integers climb the steps (2^31 − 1, 2^32 − 1, 2^53); other numbers go to ±∞ at once.
      const steps = v.int ? STEPS : [Infinity];
      const hi = v.hi > o.hi ? (steps.find((s) => s >= v.hi) ?? Infinity) : v.hi;
      const lo = v.lo < o.lo ? -(steps.find((s) => s >= -v.lo) ?? Infinity) : v.lo;
      out.set(k, integer(lo, hi, v.int, v.negZero, v.nan));
    }
    return out;
  };

  if (body.type === "BlockStatement") stmt(body, entry);
  else expr(body, entry);

  return {
    localType(declarator) {
      const b = locals.get(declarator);
      const all = b?.all;
      if (!all) return "f64";
      if (isInt32(all)) return "i32";
      if (isUint32(all)) return "u32";
      return "f64";
    },
    localFacts: (declarator) => locals.get(declarator)?.all,
    of: (node) => facts.get(node),
    wraps: (node) => wrapping.has(node),
    signless: (node) => signlessNodes.has(node),
    division: (node) => divisions.get(node) ?? undefined,
    wrapExit: (update) => wrapExits.get(unwrap(update)) ?? undefined,
    proven: () => [...facts.values()].filter((f) => isInt32(f) || isUint32(f)).length + wrapping.size,
    evaluations,
  };
}

const BITWISE = new Set(["&", "|", "^", "<<", ">>", ">>>"]);
const BITWISE_ASSIGN = new Set(["&=", "|=", "^=", "<<=", ">>=", ">>>="]);

/** The facts of `l op r` for numbers (undefined for comparisons, whose values are booleans). */
function arithmetic(op: string, l: NumberFacts, r: NumberFacts): NumberFacts | undefined {
  const nan = l.nan || r.nan;
  const int = l.int && r.int;
  const infinite = (f: NumberFacts) => !isFinite(f.lo) || !isFinite(f.hi);
  switch (op) {
    case "+":
      return integer(l.lo + r.lo, l.hi + r.hi, int, l.negZero && r.negZero, nan || (infinite(l) && infinite(r)));
    case "-":
      return integer(l.lo - r.hi, l.hi - r.lo, int, l.negZero && contains0(r), nan || (infinite(l) && infinite(r)));
    case "*": {
      const products = [l.lo * r.lo, l.lo * r.hi, l.hi * r.lo, l.hi * r.hi];
      if (products.some(Number.isNaN)) return TOP;
      const negZero = l.negZero || r.negZero || (contains0(l) && r.lo < 0) || (contains0(r) && l.lo < 0);
      const zeroTimesInfinity = (contains0(l) && infinite(r)) || (contains0(r) && infinite(l));
      return integer(Math.min(...products), Math.max(...products), int, negZero, nan || zeroTimesInfinity);
    }
    case "%": {
      if (!int || nan || contains0(r) || infinite(l) || infinite(r)) return TOP;
      const m = Math.max(Math.abs(r.lo), Math.abs(r.hi)) - 1;
      return {
        lo: l.lo >= 0 ? 0 : Math.max(l.lo, -m),
        hi: l.hi <= 0 ? 0 : Math.min(l.hi, m),
        int: true,
        negZero: l.lo < 0 || l.negZero,
        nan: false,
      };
    }
    case "&":
      if (r.lo === r.hi && r.int && r.lo >= 0 && r.hi <= INT32_MAX) return range(0, r.hi);
      if (l.lo === l.hi && l.int && l.lo >= 0 && l.hi <= INT32_MAX) return range(0, l.hi);
      return INT32;
    case "|":
      // `x | 0` of an int32 is x itself.
      if (r.lo === 0 && r.hi === 0 && !r.negZero && isInt32(l)) return l;
      return INT32;
    case "^":
    case "<<":
      return INT32;
    case ">>":
      if (r.lo === r.hi && r.int && isInt32(l)) {
        const k = ((r.lo % 32) + 32) % 32;
        return range(Math.floor(l.lo / 2 ** k), Math.floor(l.hi / 2 ** k));
      }
      return INT32;
    case ">>>":
      return UINT32;
    case "/": {
      // A divisor that cannot be 0: the quotient lies between the quotients of the bounds (rounding is monotonic).
      if (r.lo <= 0 && r.hi >= 0) return TOP;
      if (infinite(l) && infinite(r)) return TOP;
      const q = [l.lo / r.lo, l.lo / r.hi, l.hi / r.lo, l.hi / r.hi];
      if (q.some(Number.isNaN)) return TOP;
      // −0: a zero (or an underflow) with a negative sign somewhere.
      const negZero = l.negZero || l.lo < 0 || r.lo < 0;
      return { lo: Math.min(...q), hi: Math.max(...q), int: false, negZero, nan };
    }
    case "**":
      return TOP;
  }
  return undefined;
}

function isDivision(node: Node): boolean {
  const e = unwrap(node);
  return e.type === "BinaryExpression" && e.operator === "/";
}

function containsLoop(node: Node): boolean {
  if (!node || typeof node !== "object") return false;
  if (node.type === "ForStatement" || node.type === "WhileStatement" || node.type === "DoWhileStatement") return true;
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc") continue;
    if (Array.isArray(value)) {
      if (value.some(containsLoop)) return true;
    } else if (value && typeof value === "object" && typeof (value as Node).type === "string" && containsLoop(value as Node)) return true;
  }
  return false;
}

function joinEnvs(a: Env | null, b: Env | null): Env | null {
  if (!a) return b && new Map(b);
  if (!b) return new Map(a);
  const out: Env = new Map();
  for (const [k, v] of a) {
    const w = b.get(k);
    // A local declared on one path only: keep what that path knows.
    out.set(k, w ? join(v, w)! : v);
  }
  for (const [k, v] of b) if (!a.has(k)) out.set(k, v);
  return out;
}

function envsEqual(a: Env, b: Env): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!same(v, b.get(k))) return false;
  return true;
}

function mergeInto(env: Env, branch: Env) {
  const joined = joinEnvs(env, branch)!;
  for (const [k, v] of joined) env.set(k, v);
}

function unwrap(node: Node): Node {
  while (
    node.type === "TSAsExpression" ||
    node.type === "TSNonNullExpression" ||
    node.type === "TSSatisfiesExpression" ||
    node.type === "TSTypeAssertion"
  )
    node = node.expression;
  return node;
}
