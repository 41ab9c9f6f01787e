// `jit(f, { parallel: true })`: Numba's `prange`. The function's one loop `for (const i of prange(lo, hi))`
// is cut out of it at the source level (the plan, at the end of this file), and small functions are
// jitted from the pieces, each an ordinary jit function compiled by the usual pipeline:
//   chunk(start, end, …params)  the statements before the loop, then the loop over [start, end) with the
//                               reduction variable starting from its neutral value; returns that variable
//   init(…params)               the statements before the loop; returns the reduction's starting value
//   finish(r, …params)          the statements before the loop, the variable set to r, the statements after
// (init and finish only when they are needed). The pool runs `chunk` over sub-ranges (reduceRange), the
// partial results are combined in chunk order starting from the starting value, and `finish` runs here.
// A loop with several reductions (shared memory only) has one init per variable, and a chunk function
// that takes its index c among C chunks, computes its own sub-range, and stores each partial in slot c
// of two shared arrays (numbers, bigints); runMulti folds them.
import { describe as describeValue, expected } from "../../errors.ts";
import type { Pool } from "../../pool/types.ts";
import { typeOfValue } from "../runtime/boundary.ts";
import { onPool } from "./default-pool.ts";
import { JitError } from "../errors.ts";
import { borrow, giveBack, inArena } from "../runtime/memory.ts";
import { checkJitOptions, jit, type JitOptions } from "../runtime/jit.ts";
import { parseFunction, type Node, type ParsedFunction } from "../front/parse.ts";
import { isPrangeCall } from "./prange.ts";
import { parseSignature, typeName, type ValueType } from "../analysis/types.ts";
import { firstAllocation } from "../codegen/allocation.ts";
import { firstThrow } from "../front/throw.ts";
import { unwrap } from "../transforms/loop-shape.ts";
import { globals } from "../runtime/registry.ts";

/** How a reduction variable's partial results combine. */
type ReductionKind = "+" | "*" | "&" | "|" | "^" | "min" | "max" | ">" | ">=" | "<" | "<=";

interface Reduction {
  readonly name: string;
  readonly kind: ReductionKind;
  /** The first statement that makes it a reduction (for messages). */
  readonly at: Node;
}

/** What the source says, independent of argument types. */
interface Plan {
  readonly parsed: ParsedFunction;
  readonly name: string;
  readonly paramNames: readonly string[];
  readonly paramsText: string;
  readonly prefixText: string;
  readonly loopVar: string;
  /** When the body assigns the loop's variable (each iteration's own copy in JavaScript), how it is declared: the chunks count with another. */
  readonly loopVarWritten: "let" | "const" | undefined;
  readonly lo: Node | undefined;
  readonly hi: Node;
  readonly bodyText: string;
  /** The loop's reduction when it has exactly one (the common case: one value per chunk through the pool). */
  readonly reduction: Reduction | undefined;
  /** Every reduction variable, in the order they first appear. */
  readonly reductions: readonly Reduction[];
  /** The statements after the loop: none, `return v;` (the reduction itself), or anything else (a finish function). */
  readonly suffix: { kind: "none" } | { kind: "return-reduction" } | { kind: "code"; text: string };
  /** Array parameters the loop stores into, each with its first store. */
  readonly written: ReadonlyArray<{ name: string; at: Node }>;
}

/** Options of a parallel function's call (`f.with({ … })`). */
export interface ParallelCallOptions {
  /** Cancels the call (the pool stops the workers running its chunks). */
  signal?: AbortSignal;
  /** How many chunks to cut the range into. Default: 8 per worker (uneven iterations balance). */
  chunks?: number;
  /** The pool to run on. Default: the jit option `pool`, else jit's default pool. */
  pool?: Pool;
}

export interface ParallelFunction<F extends (...args: any[]) => any> {
  (...args: Parameters<F>): Promise<Awaited<ReturnType<F>>>;
  /** The same function, called with a signal, a chunk count or another pool. */
  with(options: ParallelCallOptions): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>;
  /** The WAT of the chunk function (the loop as the workers run it) for every specialization so far. */
  inspect(): string;
  /** The function given to jit. */
  readonly original: F | undefined;
  readonly parallel: true;
}

const CALL_KEYS = ["signal", "chunks", "pool"];

/** `jit(fn, signature, { parallel: true, … })`. @internal */
export function parallelJit(
  input: ((...args: any[]) => any) | string,
  signature: string | readonly string[] | undefined,
  options: JitOptions,
) {
  checkJitOptions(options);
  if (typeof input !== "function" && typeof input !== "string")
    throw new TypeError(expected("fn", "a function, or the source text of one", input));
  const fromText = typeof input === "string";
  const fn = fromText ? undefined : input;
  if (options.verify)
    throw new TypeError(expected("options.verify", "unset with `parallel: true` (compare with `jit(f)` instead)", options.verify));
  const parsed = parseFunction(fromText ? input : input.toString(), fromText);
  const declared = (typeof signature === "string" ? [signature] : (signature ?? [])).map((s) => parseSignature(s, globals.cls));
  let plan: Plan | undefined;
  let failure: JitError | undefined;
  /** With `fallback: true`, a JitError (of the plan, or of compiling a piece) switches the function to plain JavaScript, said once. */
  const fallBack = (e: unknown) => {
    if (!(e instanceof JitError) || !options.fallback || !fn) throw e;
    failure = e;
    console.warn(`hotpath jit: running ${parsed.name || "the function"} as plain JavaScript: ${e.message}`);
  };
  try {
    plan = planOf(parsed);
  } catch (e) {
    fallBack(e);
  }
  const inner: JitOptions = { cache: options.cache, fastmath: options.fastmath };
  const specs = new Map<string, Specialized>();
  const probes = new Map<string, ReturnType<typeof jit>>();

  const run = async (args: unknown[], call: ParallelCallOptions): Promise<unknown> => {
    if (failure) return fn!(...args);
    // The jit.array arguments are held from the call on (a jit.free meanwhile gives the block back
    // when the call ends, not under it); a freed one is refused here, by name.
    const held: ArrayBufferView[] = [];
    try {
      args.forEach((a, i) => {
        if (ArrayBuffer.isView(a) && inArena(a) && borrow(a, plan?.paramNames[i] || `argument ${i + 1}`) !== undefined) held.push(a);
      });
      return await runHeld(args, call);
    } finally {
      held.forEach(giveBack);
    }
  };
  const runHeld = async (args: unknown[], call: ParallelCallOptions): Promise<unknown> => {
    const types = declared.length
      ? (declared.find((s) => s.params.length === args.length) ?? declared[0]).params
      : args.map((value, i) => {
          const type = typeOfValue(value);
          if (Array.isArray(value))
            throw new TypeError(
              expected(
                plan!.paramNames[i] || `argument ${i + 1}`,
                "a typed array for a parallel function (a plain array is passed to jit functions only, as a copy: use a Float64Array or jit.array)",
                value,
              ),
            );
          if (!type || typeof type === "object")
            throw new TypeError(expected(plan!.paramNames[i] || `argument ${i + 1}`, "a bigint, number, boolean or typed array", value));
          return type;
        });
    if (args.length !== plan!.paramNames.length)
      throw new TypeError(`${plan!.name || "the function"} takes ${plan!.paramNames.length} argument(s), got ${args.length}`);
    let lo: number | bigint, hi: number | bigint, spec: Specialized | undefined;
    try {
      [lo, hi] = bounds(plan!, types, args, probes, inner);
      const boundType = typeof lo === "bigint" ? "u64" : lo >= -(2 ** 31) && (hi as number) <= 2 ** 31 - 1 ? "i32" : "f64";
      const key = `${boundType}|${types.map(typeName).join(",")}`;
      spec = specs.get(key);
      if (!spec) specs.set(key, (spec = specialize(plan!, types, boundType, inner)));
    } catch (e) {
      fallBack(e);
      return fn!(...args);
    }
    if (spec.multi) return runMulti(plan!, spec, spec.multi, args, lo!, hi!, call);
    const total = await onPool(call.pool ?? options.pool, (pool) => {
      const write = plan!.written[0];
      if (write && pool.mode !== "shared")
        throw plan!.parsed.source.error(
          `${plan!.name}'s prange loop writes \`${write.name}\`: a parallel loop that writes an array needs the pool's shared memory, and this pool passes messages (pool.modeReason: ${pool.modeReason})`,
          write.at,
        );
      const start = spec.init ? spec.init(...args) : undefined;
      const chunks = call.chunks ?? Math.max(1, pool.size) * 8;
      return pool.reduceRange(spec.chunk, lo, hi, {
        combine: spec.combine,
        initial: start,
        args,
        chunks: typeof lo === "bigint" ? chunks : Math.max(1, Math.min(chunks, (hi as number) - lo || 1)),
        signal: call.signal,
      });
    });
    if (plan!.suffix.kind === "none") return undefined;
    if (plan!.suffix.kind === "return-reduction") return total;
    // No reduction: the chunks return nothing, and finish's first parameter is a placeholder.
    return spec.finish!(plan!.reduction ? total : 0, ...args);
  };

  /**
   * Several reductions: the pool runs one chunk per index c of [0, C) (reduceRange over the chunk
   * indices), each chunk computing its own sub-range of [lo, hi) and storing its partials in slot c of
   * two arrays (numbers, bigints) in shared memory; each variable is then folded in chunk order.
   */
  const runMulti = async (
    plan: Plan,
    spec: Specialized,
    multi: MultiReduction,
    args: unknown[],
    lo: number | bigint,
    hi: number | bigint,
    call: ParallelCallOptions,
  ): Promise<unknown> => {
    const starts = multi.inits.map((init) => init(...args));
    const totals = await onPool(call.pool ?? options.pool, async (pool) => {
      if (pool.mode !== "shared")
        throw plan.parsed.source.error(
          `${plan.name}'s prange loop reduces ${plan.reductions.map((r) => `\`${r.name}\``).join(", ")}: a parallel loop with several reductions needs the pool's shared memory (its chunks store their partial results there), and this pool passes messages (pool.modeReason: ${pool.modeReason})`,
          plan.reductions[1].at,
        );
      const span = typeof lo === "bigint" ? ((hi as bigint) > lo ? (hi as bigint) - lo : 0n) : Math.max(0, (hi as number) - lo);
      const wanted = call.chunks ?? Math.max(1, pool.size) * 8;
      const count = Math.max(1, typeof span === "bigint" ? Number(span < BigInt(wanted) ? span : BigInt(wanted)) : Math.min(wanted, span));
      const numbers = new Float64Array(Math.max(1, count * multi.numberSlots));
      const bigints = new BigUint64Array(Math.max(1, count * multi.bigintSlots));
      await pool.reduceRange(spec.chunk, 0, count, {
        combine: () => 0,
        initial: 0,
        args: [lo, hi, count, ...args, numbers, bigints],
        chunks: count,
        signal: call.signal,
      });
      return plan.reductions.map((_, j) => {
        const { slot, big, combine, signed } = multi.vars[j];
        let total = starts[j];
        for (let c = 0; c < count; c++) {
          const part = big ? bigints[c * multi.bigintSlots + slot] : numbers[c * multi.numberSlots + slot];
          total = combine(total, signed ? BigInt.asIntN(64, part as bigint) : part);
        }
        return total;
      });
    });
    if (plan.suffix.kind === "none") return undefined;
    return spec.finish!(...totals, ...args);
  };

  const checkCall = (call: ParallelCallOptions) => {
    if (call === null || typeof call !== "object") throw new TypeError(expected("options", "an object", call));
    for (const key of Object.keys(call))
      if (!CALL_KEYS.includes(key)) throw new TypeError(`Unknown option \`${key}\` of a parallel call (expected ${CALL_KEYS.join(", ")})`);
    if (call.chunks !== undefined && !(Number.isSafeInteger(call.chunks) && call.chunks >= 1))
      throw new TypeError(expected("options.chunks", "a positive integer", call.chunks));
    if (call.signal !== undefined && !(call.signal instanceof AbortSignal))
      throw new TypeError(expected("options.signal", "an AbortSignal", call.signal));
    return call;
  };
  const parallel = (...args: unknown[]) => run(args, {});
  Object.defineProperties(parallel, {
    name: { value: parsed.name },
    original: { value: fn },
    parallel: { value: true },
    with: { value: (call: ParallelCallOptions) => (checkCall(call), (...args: unknown[]) => run(args, call)) },
    inspect: { value: () => [...specs.values()].map((s) => s.chunk.inspect()).join("\n\n") },
  });
  return parallel as unknown as ParallelFunction<(...args: any[]) => any>;
}

/** The jitted pieces for one tuple of argument types. */
interface Specialized {
  readonly chunk: ReturnType<typeof jit>;
  readonly init?: ReturnType<typeof jit>;
  readonly finish?: ReturnType<typeof jit>;
  readonly combine: (a: any, b: any) => any;
  /** Two or more reductions: where each variable's partials go, and how they combine. */
  readonly multi?: MultiReduction;
}

interface MultiReduction {
  readonly inits: ReadonlyArray<ReturnType<typeof jit>>;
  readonly vars: ReadonlyArray<{ slot: number; big: boolean; signed: boolean; combine: (a: any, b: any) => any }>;
  readonly numberSlots: number;
  readonly bigintSlots: number;
}

function specialize(plan: Plan, types: readonly ValueType[], boundType: string, options: JitOptions): Specialized {
  if (plan.reductions.length > 1) return specializeMulti(plan, types, boundType, options);
  const typeList = types.map(typeName).join(", ");
  const r = plan.reduction;
  // The reduction's starting value and its type: the statements before the loop, jitted and asked.
  let init: ReturnType<typeof jit> | undefined;
  let resultType: string | undefined;
  if (r) {
    init = jit(`function ${plan.name}__init(${plan.paramsText}) {\n${plan.prefixText}\nreturn ${r.name};\n}`, `(${typeList})`, options);
    resultType = init.signatures[0].slice(0, init.signatures[0].indexOf("("));
  }
  const big = resultType === "u64" || resultType === "i64";
  const neutral = r && neutralText(r.kind, big);
  const chunkText =
    `function ${plan.name}__chunk(__start, __end, ${plan.paramsText}) {\n${plan.prefixText}\n` +
    (neutral !== undefined ? `${r!.name} = ${neutral};\n` : "") +
    `${loopHead(plan, "__start", "__end")}\n` +
    (r ? `return ${r.name};\n` : "") +
    "}";
  const chunk = jit(chunkText, `(${boundType}, ${boundType}${typeList ? `, ${typeList}` : ""})`, options);
  let finish: ReturnType<typeof jit> | undefined;
  if (plan.suffix.kind === "code") {
    const head = r ? `${r.name} = __result;\n` : "";
    // The combined value has the type the chunks return (a number reduction that starts as an int32 may end as any number).
    const combined = r ? chunk.signatures[0].slice(0, chunk.signatures[0].indexOf("(")) : "i32";
    finish = jit(
      `function ${plan.name}__finish(__result, ${plan.paramsText}) {\n${plan.prefixText}\n${head}${plan.suffix.text}\n}`,
      `(${combined === "i32" || combined === "u32" ? "f64" : combined}${typeList ? `, ${typeList}` : ""})`,
      options,
    );
  }
  return { chunk, init, finish, combine: combiner(r?.kind, resultType) };
}

/** The pieces of a loop with several reductions (see runMulti): the chunk computes its own sub-range from its index. */
function specializeMulti(plan: Plan, types: readonly ValueType[], boundType: string, options: JitOptions): Specialized {
  const typeList = types.map(typeName).join(", ");
  const rest = typeList ? `, ${typeList}` : "";
  let numberSlots = 0;
  let bigintSlots = 0;
  const inits: Array<ReturnType<typeof jit>> = [];
  const vars = plan.reductions.map((r) => {
    const init = jit(
      `function ${plan.name}__init_${r.name}(${plan.paramsText}) {\n${plan.prefixText}\nreturn ${r.name};\n}`,
      `(${typeList})`,
      options,
    );
    inits.push(init);
    const type = init.signatures[0].slice(0, init.signatures[0].indexOf("("));
    const big = type === "u64" || type === "i64";
    return { r, type, big, signed: type === "i64", slot: big ? bigintSlots++ : numberSlots++, combine: combiner(r.kind, type) };
  });
  const big = boundType === "u64";
  const resets = vars.map(({ r, big }) => neutralText(r.kind, big)).map((n, j) => (n === undefined ? "" : `${vars[j].r.name} = ${n};\n`));
  const stores = vars.map(({ r, big, slot }) =>
    big ? `__bigints[__c * ${bigintSlots} + ${slot}] = ${r.name};\n` : `__numbers[__c * ${numberSlots} + ${slot}] = ${r.name};\n`,
  );
  const chunkText =
    `function ${plan.name}__chunks(__c, __c1, __lo, __hi, __count, ${plan.paramsText}, __numbers, __bigints) {\n${plan.prefixText}\n` +
    resets.join("") +
    (big
      ? "const __len = (__hi - __lo) / BigInt(__count);\nconst __from = __lo + BigInt(__c) * __len;\n"
      : "const __len = Math.floor((__hi - __lo) / __count);\nconst __from = __lo + __c * __len;\n") +
    "const __to = __c === __count - 1 ? __hi : __from + __len;\n" +
    `${loopHead(plan, "__from", "__to")}\n` +
    stores.join("") +
    "}";
  const chunk = jit(chunkText, `void(i32, i32, ${boundType}, ${boundType}, i32${rest}, f64[], u64[])`, options);
  let finish: ReturnType<typeof jit> | undefined;
  if (plan.suffix.kind !== "none") {
    const suffix = plan.suffix.kind === "code" ? plan.suffix.text : "";
    const resultTypes = vars.map(({ type, big }) => (big ? type : "f64")).join(", ");
    finish = jit(
      `function ${plan.name}__finish(${vars.map((_, j) => `__r${j}`).join(", ")}, ${plan.paramsText}) {\n${plan.prefixText}\n` +
        vars.map(({ r }, j) => `${r.name} = __r${j};\n`).join("") +
        `${suffix}\n}`,
      `(${resultTypes}${rest})`,
      options,
    );
  }
  return { chunk, finish, combine: () => undefined, multi: { inits, vars, numberSlots, bigintSlots } };
}

/** A chunk's loop over [from, to): with the loop's variable as the counter, or a copy of it per iteration when the body assigns it. */
function loopHead(plan: Plan, from: string, to: string): string {
  const v = plan.loopVar;
  return plan.loopVarWritten
    ? `for (let __i = ${from}; __i < ${to}; __i++) { ${plan.loopVarWritten} ${v} = __i; ${plan.bodyText} }`
    : `for (let ${v} = ${from}; ${v} < ${to}; ${v}++) ${plan.bodyText}`;
}

/** The value each chunk starts from, where it is not the starting value itself (min, max, &, | are idempotent). */
function neutralText(kind: ReductionKind, big: boolean): string | undefined {
  if (kind === "+" || kind === "^") return big ? "0n" : "0";
  if (kind === "*") return big ? "1n" : "1";
  return undefined;
}

/** How two results combine, in JavaScript, as one thread would have folded them. */
function combiner(kind: ReductionKind | undefined, type: string | undefined): (a: any, b: any) => any {
  const wrap = type === "u64" ? (x: bigint) => BigInt.asUintN(64, x) : type === "i64" ? (x: bigint) => BigInt.asIntN(64, x) : undefined;
  const big = wrap !== undefined;
  switch (kind) {
    case undefined:
      return () => undefined;
    case "+":
      return big ? (a: bigint, b: bigint) => wrap(a + b) : (a: number, b: number) => a + b;
    case "*":
      return big ? (a: bigint, b: bigint) => wrap(a * b) : (a: number, b: number) => a * b;
    case "&":
      return big ? (a: bigint, b: bigint) => a & b : (a: number, b: number) => a & b;
    case "|":
      return big ? (a: bigint, b: bigint) => a | b : (a: number, b: number) => a | b;
    case "^":
      return big ? (a: bigint, b: bigint) => a ^ b : (a: number, b: number) => a ^ b;
    case "min":
      return big ? (a: bigint, b: bigint) => (b < a ? b : a) : (a: number, b: number) => Math.min(a, b);
    case "max":
      return big ? (a: bigint, b: bigint) => (b > a ? b : a) : (a: number, b: number) => Math.max(a, b);
    // `if (x OP v) v = x`: a later chunk's value replaces the result when it passes the same test.
    case ">":
      return (a, b) => (b > a ? b : a);
    case ">=":
      return (a, b) => (b >= a ? b : a);
    case "<":
      return (a, b) => (b < a ? b : a);
    case "<=":
      return (a, b) => (b <= a ? b : a);
  }
}

/** The range's bounds for these arguments: literals and parameters read directly, anything else jitted with the statements before the loop. */
function bounds(
  plan: Plan,
  types: readonly ValueType[],
  args: readonly unknown[],
  probes: Map<string, ReturnType<typeof jit>>,
  options: JitOptions,
): [number, number] | [bigint, bigint] {
  const value = (node: Node | undefined, which: string): unknown => {
    if (!node) return typeof value(plan.hi, "hi") === "bigint" ? 0n : 0;
    if (node.type === "Literal") return node.bigint !== undefined ? BigInt(node.bigint) : node.value;
    if (node.type === "Identifier" && plan.paramNames.includes(node.name)) return args[plan.paramNames.indexOf(node.name)];
    const key = `bound:${which}:${types.map(typeName).join(",")}`;
    let probe = probes.get(key);
    if (!probe) {
      const text = plan.parsed.source.text;
      const shift = plan.parsed.source.shift;
      probe = jit(
        `function ${plan.name}__${which}(${plan.paramsText}) {\n${plan.prefixText}\nreturn ${text.slice(node.start - shift, node.end - shift)};\n}`,
        `(${types.map(typeName).join(", ")})`,
        options,
      );
      probes.set(key, probe);
    }
    return probe(...args);
  };
  const lo = value(plan.lo, "lo");
  const hi = value(plan.hi, "hi");
  const refuse = (what: string) =>
    `Expected the prange bounds of ${plan.name || "the function"} to be ${what}, got ${describeValue(lo)} and ${describeValue(hi)}`;
  if (typeof lo === "bigint" && typeof hi === "bigint") {
    if (lo < 0n || hi >= 2n ** 64n) throw new RangeError(refuse("u64 values (bigints in [0, 2^64))"));
    return [lo, hi];
  }
  if (typeof lo === "number" && typeof hi === "number" && Number.isSafeInteger(lo) && Number.isSafeInteger(hi)) return [lo, hi];
  throw new TypeError(refuse("two safe integers or two bigints"));
}

// ---------------------------------------------------------------------------------------------------
// The plan: where the loop is, what it reduces, what it writes. Everything refused is a JitError with
// the line and column of the node at fault.

const ASSIGN_KINDS: Record<string, ReductionKind> = { "+=": "+", "-=": "+", "*=": "*", "&=": "&", "|=": "|", "^=": "^" };
const FLIP: Record<string, string> = { ">": "<", "<": ">", ">=": "<=", "<=": ">=" };

/** @internal */
export function planOf(parsed: ParsedFunction): Plan {
  const { source } = parsed;
  const text = (node: Node) => source.text.slice(node.start - source.shift, node.end - source.shift);
  if (parsed.body.type !== "BlockStatement")
    throw source.error("`parallel: true` needs a function body with a `for (const i of prange(lo, hi))` loop", parsed.body);
  const statements = parsed.body.body as Node[];
  const index = statements.findIndex(isPrangeLoop);
  if (index < 0) {
    const nested = find(parsed.body, isPrangeLoop);
    if (nested)
      throw source.error("a prange loop must be a statement of the function's body itself (not inside another statement)", nested);
    throw source.error("`parallel: true` needs a `for (const i of prange(lo, hi))` loop in the function's body", parsed.body);
  }
  const loop = statements[index];
  // Its chunks run on the pool's workers, where jit's memory on this thread cannot give them blocks.
  const made = firstAllocation(parsed.body);
  if (made)
    throw source.error(
      `${made.name} in a parallel function (its chunks run on the pool's workers, where jit's memory on this thread cannot give them blocks): ${made.instead}`,
      made.node,
    );
  // The statements before the loop run in every chunk, on the workers, which cannot throw your error.
  const thrown = firstThrow(parsed.body);
  if (thrown)
    throw source.error(
      "`throw` in a parallel function (its chunks run on the pool's workers): check the arguments before calling it",
      thrown,
    );
  const later = statements.slice(index + 1).find((s) => find(s, isPrangeLoop));
  if (later) throw source.error("one prange loop per function (this is the second)", find(later, isPrangeLoop)!);
  const call = loop.right as Node;
  if (call.arguments.length < 1 || call.arguments.length > 2) throw source.error("prange takes (hi) or (lo, hi)", call);
  const [lo, hi] = call.arguments.length === 1 ? [undefined, call.arguments[0]] : call.arguments;
  const declaration = loop.left as Node;
  if (declaration.type !== "VariableDeclaration" || declaration.declarations[0].id.type !== "Identifier")
    throw source.error("write the prange loop as `for (const i of prange(lo, hi))`", declaration);
  const loopVar = declaration.declarations[0].id.name as string;
  const paramNames = parsed.params.map((p) => {
    const id = p.type === "AssignmentPattern" ? p : p;
    if (id.type !== "Identifier") throw source.error("a parallel function's parameters must be plain names", p);
    return id.name as string;
  });
  const prefix = statements.slice(0, index);
  const outer = new Set<string>(paramNames);
  for (const s of prefix)
    if (s.type === "VariableDeclaration") for (const d of s.declarations) if (d.id.type === "Identifier") outer.add(d.id.name);
  // Statements before the loop are also the start of the pieces that return one value (the bounds, the
  // reduction's start): an early `return { … }` or `return [ … ]` there would be another shape than theirs.
  for (const s of prefix) {
    const early = find(
      s,
      (n) => n.type === "ReturnStatement" && n.argument !== null && /^(Object|Array)Expression$/.test(unwrap(n.argument).type),
    );
    if (early)
      throw source.error(
        "an object or array returned before the prange loop of a parallel function is not supported by jit (the statements before the loop start every piece it runs): return it after the loop",
        early,
      );
  }
  // Statements before the loop run once per chunk: they must not write the arrays the call was given.
  for (const s of prefix) {
    const write = find(s, (n) => isArrayWrite(n) !== undefined && paramNames.includes(isArrayWrite(n)!));
    if (write)
      throw source.error(
        "statements before a prange loop run once in every chunk: they must not write an array parameter (move the write into the loop or after it)",
        write,
      );
  }
  const body = loop.body as Node;
  const exit = leavesLoop(body);
  if (exit)
    throw source.error(
      `\`${exit.type === "ReturnStatement" ? "return" : "break"}\` inside a prange loop: its iterations run in any order, on several workers, so none can end the loop (compute a flag as a reduction, and act on it after the loop)`,
      exit,
    );
  const privates = new Set<string>([loopVar]);
  walk(body, (n) => {
    if (n.type === "VariableDeclarator" && n.id.type === "Identifier") privates.add(n.id.name);
  });
  // Every write to an outer variable inside the loop must be a reduction, and every variable reduced one way.
  const reductions = new Map<string, Reduction>();
  const consumed = new Set<Node>();
  const note = (name: string, kind: ReductionKind, at: Node) => {
    const seen = reductions.get(name);
    if (seen && seen.kind !== kind)
      throw source.error(`\`${name}\` is reduced two ways in one prange loop (${describe(seen.kind)} and ${describe(kind)})`, at);
    if (!seen) reductions.set(name, { name, kind, at });
  };
  const isOuter = (n: Node) => n.type === "Identifier" && outer.has(n.name) && !privates.has(n.name);
  walk(body, (n) => {
    if (n.type === "ExpressionStatement") {
      const e = n.expression as Node;
      if (e.type === "AssignmentExpression" && isOuter(e.left) && ASSIGN_KINDS[e.operator]) {
        note(e.left.name, ASSIGN_KINDS[e.operator], n);
        consumed.add(e.left);
      } else if (e.type === "UpdateExpression" && isOuter(e.argument)) {
        note(e.argument.name, "+", n);
        consumed.add(e.argument);
      } else if (e.type === "AssignmentExpression" && e.operator === "=" && isOuter(e.left) && isMinMax(e.right, e.left.name)) {
        note(e.left.name, e.right.callee.property.name as ReductionKind, n);
        consumed.add(e.left);
        for (const a of e.right.arguments as Node[]) if (a.type === "Identifier" && a.name === e.left.name) consumed.add(a);
      }
    } else if (n.type === "IfStatement" && !n.alternate) {
      const compare = conditionalUpdate(n, isOuter, text);
      if (compare) {
        note(compare.name, compare.kind, n);
        compare.nodes.forEach((c) => consumed.add(c));
      }
    }
  });
  // Any other use of an outer variable that the loop writes is a value carried between iterations.
  walk(body, (n, parent) => {
    if (!isOuter(n) || consumed.has(n) || isPropertyName(n, parent)) return;
    const reduction = reductions.get(n.name);
    if (reduction)
      throw source.error(
        `\`${n.name}\` is a reduction (${describe(reduction.kind)}): reading it inside the prange loop would depend on the iterations before`,
        n,
      );
    if (parent && isWriteTarget(n, parent))
      throw source.error(
        `\`${n.name}\` is carried from one iteration to the next: a prange loop may write a variable from outside it only as a reduction (+=, -=, *=, &=, |=, ^=, ++, --, x = Math.min/max(x, …), if (v > x) x = v), or declare it inside the loop`,
        n,
      );
  });
  const reduction = reductions.size === 1 ? [...reductions.values()][0] : undefined;
  const written = paramNames.flatMap((name) => {
    const at = find(body, (n) => isArrayWrite(n) === name);
    return at ? [{ name, at }] : [];
  });
  const rest = statements.slice(index + 1);
  // Nested functions (codegen/inline.ts, helpers.ts): the chunks hold the statements before the loop and
  // the loop, so a function declared after it is not there; one reading a variable the loop writes would
  // read the chunk's partial value, and one storing into an array is a store the plan does not see.
  const fns: Node[] = [];
  walk(parsed.body, (n) => {
    if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression") fns.push(n);
  });
  for (const fn of fns) {
    if (
      fn.type === "FunctionDeclaration" &&
      rest.includes(fn) &&
      [...prefix, loop].some((s) => find(s, (n) => n.type === "Identifier" && n.name === fn.id.name))
    )
      throw source.error(`\`${fn.id.name}\` declared after the prange loop of a parallel function (declare it before the loop)`, fn.id);
    const read = find(fn.body, (n) => n.type === "Identifier" && reductions.has(n.name));
    if (read) throw source.error(`\`${read.name}\`, which the prange loop writes, read in a nested function of a parallel function`, read);
    const store = find(fn.body, (n) => isArrayWrite(n) !== undefined);
    if (store) throw source.error("a store into an array in a nested function of a parallel function", store);
  }
  const suffix: Plan["suffix"] =
    rest.length === 0
      ? { kind: "none" }
      : rest.length === 1 &&
          rest[0].type === "ReturnStatement" &&
          rest[0].argument?.type === "Identifier" &&
          rest[0].argument.name === reduction?.name
        ? { kind: "return-reduction" }
        : { kind: "code", text: rest.map(text).join("\n") };
  return {
    parsed,
    name: parsed.name || "anonymous",
    paramNames,
    paramsText: parsed.params.map(text).join(", "),
    prefixText: prefix.map(text).join("\n"),
    loopVar,
    loopVarWritten: find(body, (n) => {
      const target = n.type === "AssignmentExpression" ? n.left : n.type === "UpdateExpression" ? n.argument : undefined;
      return target?.type === "Identifier" && target.name === loopVar;
    })
      ? declaration.kind
      : undefined,
    lo,
    hi,
    bodyText: text(body),
    reduction,
    reductions: [...reductions.values()],
    suffix,
    written,
  };
}

/** A `return`, or a `break` of the loop itself (not of a loop inside it), in the prange loop's body. */
function leavesLoop(body: Node): Node | undefined {
  let found: Node | undefined;
  const visit = (n: Node, depth: number, labels: ReadonlySet<string>) => {
    if (found) return;
    if (n.type === "ReturnStatement" || (n.type === "BreakStatement" && (n.label ? !labels.has(n.label.name) : depth === 0))) {
      found = n;
      return;
    }
    const inner = /^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(n.type) || n.type === "SwitchStatement" ? depth + 1 : depth;
    const named = n.type === "LabeledStatement" ? new Set([...labels, n.label.name as string]) : labels;
    for (const key of Object.keys(n)) {
      const value = n[key];
      if (Array.isArray(value)) for (const child of value) child && typeof child.type === "string" && visit(child, inner, named);
      else if (value && typeof value === "object" && typeof value.type === "string") visit(value, inner, named);
    }
  };
  visit(body, 0, new Set());
  return found;
}

function describe(kind: ReductionKind): string {
  if (kind === "min" || kind === "max") return `Math.${kind}`;
  if (kind.length === 1 && kind !== "<" && kind !== ">") return `${kind}=`;
  return `if (v ${kind} x) x = v`;
}

function isPrangeLoop(n: Node): boolean {
  return n.type === "ForOfStatement" && isPrangeCall(n.right);
}

/** `x = Math.min(x, e)` or `Math.max(e, x)`: two arguments, one of them the variable itself. */
function isMinMax(e: Node, name: string): boolean {
  return (
    e.type === "CallExpression" &&
    e.callee.type === "MemberExpression" &&
    e.callee.object.type === "Identifier" &&
    e.callee.object.name === "Math" &&
    !e.callee.computed &&
    (e.callee.property.name === "min" || e.callee.property.name === "max") &&
    e.arguments.length === 2 &&
    e.arguments.filter((a: Node) => a.type === "Identifier" && a.name === name).length === 1
  );
}

/** `if (e > x) x = e;` (any of < <= > >=, either side): the test and the assignment use the same expression e. */
function conditionalUpdate(
  n: Node,
  isOuter: (n: Node) => boolean,
  text: (n: Node) => string,
): { name: string; kind: ReductionKind; nodes: Node[] } | undefined {
  const test = n.test as Node;
  if (test.type !== "BinaryExpression" || !FLIP[test.operator]) return undefined;
  let body = n.consequent as Node;
  if (body.type === "BlockStatement") {
    if (body.body.length !== 1) return undefined;
    body = body.body[0];
  }
  if (body.type !== "ExpressionStatement" || body.expression.type !== "AssignmentExpression" || body.expression.operator !== "=")
    return undefined;
  const target = body.expression.left as Node;
  if (!isOuter(target)) return undefined;
  const [variable, candidate, op] =
    test.right.type === "Identifier" && test.right.name === target.name
      ? [test.right, test.left, test.operator]
      : test.left.type === "Identifier" && test.left.name === target.name
        ? [test.left, test.right, FLIP[test.operator]]
        : [undefined, undefined, undefined];
  if (!variable || text(candidate).replace(/\s+/g, "") !== text(body.expression.right).replace(/\s+/g, "")) return undefined;
  return { name: target.name, kind: op as ReductionKind, nodes: [variable, target] };
}

/** The array parameter an assignment or update stores into (`a[i] = …`, `a[i] += …`, `a[i]++`), if any. */
function isArrayWrite(n: Node): string | undefined {
  const target = n.type === "AssignmentExpression" ? n.left : n.type === "UpdateExpression" ? n.argument : undefined;
  if (target?.type === "MemberExpression" && target.computed && target.object.type === "Identifier") return target.object.name;
  return undefined;
}

function isWriteTarget(n: Node, parent: Node): boolean {
  return (parent.type === "AssignmentExpression" && parent.left === n) || (parent.type === "UpdateExpression" && parent.argument === n);
}

function isPropertyName(n: Node, parent: Node | undefined): boolean {
  return (
    !!parent &&
    ((parent.type === "MemberExpression" && parent.property === n && !parent.computed) ||
      (parent.type === "Property" && parent.key === n && !parent.computed))
  );
}

function walk(node: Node, visit: (n: Node, parent: Node | undefined) => void, parent?: Node): void {
  visit(node, parent);
  for (const key of Object.keys(node)) {
    if (key === "type" || key === "start" || key === "end" || key === "loc") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child.type === "string") walk(child, visit, node);
    } else if (value && typeof value === "object" && typeof value.type === "string") walk(value, visit, node);
  }
}

function find(node: Node, test: (n: Node) => boolean): Node | undefined {
  let found: Node | undefined;
  walk(node, (n) => {
    if (!found && test(n)) found = n;
  });
  return found;
}
