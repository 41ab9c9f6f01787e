// When copying costs more than the loop saves. An ordinary typed array is copied into jit's memory for
// each call (and back when the function writes it). For a loop that does little per element (a dot
// product, a sum, a stencil) in an engine whose JavaScript is fast, the copies alone can take longer
// than the engine's own run of the original function: jit would make the program slower. So for calls
// that copy at least MIN_BYTES, jit measures both, per specialization and per size (the bytes copied,
// by powers of two), and runs the faster: the compiled function from the first call; the original
// JavaScript once it measured faster, with the other way re-measured now and then. Calls on arrays from
// `jit.array` (never copied) are measured too: some engines run a loop's JavaScript faster than jit's
// code even without copies (a histogram in Deno's V8 15; `Math.sin` and `exp` in Bun). So are calls on
// numbers alone (runScalar): code calling `Math` functions, which wasm calls at a cost, and loops the
// engine runs faster in its own way (a Collatz step on doubles, whose parity V8 tests on the int32 it
// speculated). There a trial of the original that takes more than FAR times the compiled call decides
// at once: a loop jit runs 20× faster pays for one trial, not two.
//
// Only where the original gives an answer the compiled code may give: number code (jit computes
// JavaScript's results bit for bit; with `fastmath` the original's sums are the exact order, which
// fastmath allows), not bigint code (jit's u64/i64 wrap modulo 2^64, JavaScript's bigints do not), not
// functions calling other jit functions or jitClass code (their JavaScript may be other code than what
// jit compiled). `jit(f, sig, { adaptive: false })` always runs the compiled function.
import { childNodes, type Node } from "../front/parse.ts";
import { isArray, isBigint, isRecord, elementOf, type ResultType, type ValueType } from "../analysis/types.ts";

/** Calls on arrays of less than this run compiled, untimed: the call costs little more than its bookkeeping. */
export const MIN_BYTES = 1 << 11;
/** A call must last this many ticks of the clock to be timed (Node's clock ticks in tens of ns, a page's in 5–100 µs). */
const RESOLUTIONS = 10;
/**
 * Copies at least this share of the compiled call's time before the JavaScript is tried early (below
 * it, the loop is heavy, and the compiled code usually wins by far: tried after HEAVY_FIRST calls).
 */
const COPY_SHARE = 0.02;
/**
 * Once decided by measuring both, every RECHECK-th call of a size runs the other way, timed (the
 * engines' tiers change); every RECHECK_FAR-th when that way was 1.5–3× slower; never when it was
 * slower still (a re-measure would cost more than it could find). The first decision is re-measured
 * once whatever the distance (at the FIRST_RECHECK-th call, or the RECHECK-th where the ways were more
 * than 3× apart): a trial of the original can run before it is warm.
 * Each re-measure that keeps the choice doubles the interval, up to RECHECK_MAX (a choice confirmed
 * again and again is rarely wrong, and each re-measure runs the slower way): a program calling a
 * function 10^5 times pays for about 100 re-measures, not 3000. A re-measure that changes the choice
 * starts over.
 */
const RECHECK = 32;
/**
 * A first decision between ways less than 3× apart is re-measured sooner, at the 8th call: its trials
 * of the original ran right after the first compiled calls, often before the engine had optimized it
 * (a 2 ms loop's first calls in Bun and Deno, a copy made from the source), and a program calling a
 * loop 30 times would keep the wrong way for most of them. Farther apart (a matmul's original 12×
 * slower), at the 32nd, as the one trial more costs that much more.
 */
const FIRST_RECHECK = 8;
const RECHECK_FAR = 256;
const RECHECK_MAX = 1024;
/**
 * The original this many times slower than the compiled code in one trial: decided without a second
 * (a trial that ran cold, before the engine optimized the original, is rarely this far off).
 */
const FAR = 8;
/** Calls of a size that run compiled, timed (after the first, which is not a sample), before the original may be tried. */
const COMPILED_FIRST = 3;
/**
 * Calls of a size after which the original is tried even when the copies were a small share of the
 * call: the engine's JavaScript can beat jit's code on a heavy loop too (a bubble sort in Deno, 0.80×;
 * a Shell sort whose gaps are doubles, 0.39× in Node). A program calling a heavy loop fewer times never
 * pays for a trial. (It was 64: a benchmark of 30 calls never saw the original of such a loop.)
 */
const HEAVY_FIRST = 8;

/**
 * Where the engine's wasm is not reliably faster than its JavaScript on heavy loops, the original is
 * tried after the first compiled calls, as for light ones. Deno (V8 15) bounds-checks every wasm memory
 * access explicitly (no trap handler: a load/store loop took 0.88 ms against Node's 0.40, 0.57 with
 * `--no-wasm-bounds-checks`) while its JavaScript is faster than Node 20's: sorts and dynamic
 * programming ran 0.3–0.8× there. Bun's JavaScriptCore varies the same way (an edit distance 0.57×).
 */
function heavyTrialsEarly(): boolean {
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process?.versions;
  return versions?.deno !== undefined || versions?.bun !== undefined;
}
const HEAVY_AFTER = heavyTrialsEarly() ? 0 : HEAVY_FIRST;
/** A compiled call this long (ms) is sample enough: the original may be tried after it. */
const LONG_MS = 20;
/** A call on numbers alone (no arrays) shorter than this (ms) is followed by SKIP calls compiled, untimed. */
const SHORT_MS = 0.05;
export const SKIP = 255;
/** Times kept per way and size; the least counts (a call slowed by a collection is not the way's speed). */
const KEEP = 3;

interface Size {
  calls: number;
  compiled: number[];
  plain: number[];
  /** The share of the compiled calls' time spent copying (the last one measured). */
  copyShare: number;
  choice?: "compiled" | "plain";
  /** How often the other way is re-measured; 0: never (the copies were a small share: compiled for good). */
  recheck: number;
}

/** One way to run a call: the compiled function or the original, given the call's arguments. */
export type Way = (args: readonly unknown[]) => unknown;

/** Filled in by the boundary (boundary.ts) during a call made with `timing` set. */
export interface CopyCost {
  timing: boolean;
  /** Milliseconds the call spent copying arrays in and back. */
  ms: number;
}

/** Picks, per size, between the compiled call and the original function. */
export class Adaptive {
  /** By specialization (with the arguments' magnitudes, for calls on numbers), then by size (log2 of the bytes). */
  readonly #sizes = new Map<string, Size[]>();
  /** The last runScalar call took less than SHORT_MS. */
  short = false;
  /** Calls that ran the original JavaScript (`f.stats.plainCalls`). */
  plainCalls = 0;
  /** Given to every specialization's boundary. */
  readonly cost: CopyCost = { timing: false, ms: 0 };

  /** `clock`: milliseconds (a test gives a fake one). */
  constructor(
    private readonly clock: () => number = () => performance.now(),
    /** The clock's resolution (ms): calls shorter than RESOLUTIONS of it are never measured again. */
    private readonly resolution = clockResolution(),
  ) {}

  /**
   * `compiled` runs the compiled function on `args` (its boundary adds the time it copies to `cost`);
   * `plain` runs the original. `kind` names the specialization, `bytes` its arrays' bytes (copied or
   * not): the choice is made for each kind and size.
   * `always`: the original is tried whatever the copies' share (the arrays are not copied; or the
   * compiled code calls host functions, `Math.sin`…, whose cost from wasm depends on the engine).
   */
  run(kind: string, bytes: number, compiled: Way, plain: Way, always = false, args: readonly unknown[] = [], oneTrial = false): unknown {
    if (bytes < MIN_BYTES) return compiled(args);
    return this.decide(kind, Math.floor(Math.log2(bytes)), compiled, plain, always, args, oneTrial);
  }

  /**
   * Calls on numbers alone, of code calling host functions (`Math.cbrt`… cost a call into JavaScript
   * from wasm), or of code making its own arrays (on small ones too): decided by specialization and by
   * the arguments' magnitudes (powers of two: a loop's length usually follows one; an array's length). Sets `short` when the call took less than SHORT_MS: the caller then
   * runs the next SKIP calls compiled, unmeasured (the bookkeeping would be a share of such calls).
   */
  runScalar(kind: string, args: readonly unknown[], compiled: Way, plain: Way): unknown {
    let key = kind;
    for (const a of args)
      key += `|${
        typeof a === "number"
          ? Math.round(Math.log2(Math.abs(a) + 1))
          : ArrayBuffer.isView(a) || Array.isArray(a)
            ? `[${Math.round(Math.log2((a as unknown as ArrayLike<unknown>).length + 1))}]`
            : String(a)
      }`;
    const start = this.clock();
    const value = this.decide(key, 0, compiled, plain, true, args, true);
    this.short = this.clock() - start < SHORT_MS;
    return value;
  }

  /** Runs one call of `key` the way decided so far (timing it while undecided or re-measuring). */
  private decide(
    kind: string,
    log2: number,
    compiled: Way,
    plain: Way,
    always: boolean,
    args: readonly unknown[],
    oneTrial = false,
  ): unknown {
    let sizes = this.#sizes.get(kind);
    if (!sizes) this.#sizes.set(kind, (sizes = []));
    let size = sizes[log2];
    if (!size) sizes[log2] = size = { calls: 0, compiled: [], plain: [], copyShare: 0, recheck: 0 };
    const call = ++size.calls;
    let way: "compiled" | "plain";
    let timed = true;
    if (size.choice === undefined) {
      // The first calls compiled (a program calling a few times never pays for a trial); then, if
      // copying was a share worth it (or `always`), two of the original.
      // A long call is its own good sample (a few milliseconds of noise are a small part of it).
      const enough = size.compiled.length >= COMPILED_FIRST || (size.compiled.length > 0 && Math.min(...size.compiled) >= LONG_MS);
      if (!enough) way = "compiled";
      // Below RESOLUTIONS ticks of the clock a call cannot be timed (a page's coarse clock): compiled.
      else if (Math.min(...size.compiled) < RESOLUTIONS * this.resolution) {
        size.choice = "compiled";
        way = "compiled";
        timed = false;
      }
      // Copies a small share: the loop is heavy, and the compiled code usually wins by far. The original
      // is tried all the same, once HEAVY_FIRST calls have made its trials a small part of the time.
      else if (size.copyShare < COPY_SHARE && !always && call <= HEAVY_AFTER) way = "compiled";
      else way = "plain";
    } else {
      timed = size.recheck > 0 && call % size.recheck === 0;
      way = timed ? (size.choice === "compiled" ? "plain" : "compiled") : size.choice;
    }
    if (!timed) {
      if (way === "plain") this.plainCalls++;
      return way === "plain" ? plain(args) : compiled(args);
    }
    const cost = this.cost;
    cost.ms = 0;
    cost.timing = way === "compiled";
    const start = this.clock();
    let value: unknown;
    try {
      value = way === "plain" ? (this.plainCalls++, plain(args)) : compiled(args);
    } finally {
      cost.timing = false;
    }
    const ms = this.clock() - start;
    // A size's first call is not a sample: it also pays for growing and first touching jit's memory.
    if (call === 1) return value;
    const times = way === "plain" ? size.plain : size.compiled;
    times.push(ms);
    if (times.length > KEEP) times.shift();
    if (way === "compiled" && ms > 0) size.copyShare = cost.ms / ms;
    // Two trials of the original decide; one that took more than FAR times the compiled call's does
    // too, for calls on numbers alone and on copied arrays, whose original is the caller's own function
    // (a loop jit runs 20× faster: each trial costs twenty compiled calls). Not for calls on jit.array
    // arrays, whose original runs as a copy made from its source: its first trial ran 10× slower than
    // the next on 2^17 doubles, before V8 optimized it.
    if (size.plain.length >= 2 || (oneTrial && way === "plain" && ms > FAR * Math.min(...size.compiled))) {
      // Decided on the least time of each way; a tie (within 2%) stays compiled.
      const [p, c] = [Math.min(...size.plain), Math.min(...size.compiled)];
      const previous = size.choice;
      size.choice = p < 0.98 * c ? "plain" : "compiled";
      const apart = Math.max(p, c) / Math.min(p, c);
      // The first decision is checked once soon, whatever the distance (a trial can run cold). The
      // intervals are powers of two, so a doubled one still falls on the calls counted so far.
      const base = previous === undefined ? (apart > 3 ? RECHECK : FIRST_RECHECK) : apart > 3 ? 0 : apart > 1.5 ? RECHECK_FAR : RECHECK;
      size.recheck = base && previous === size.choice ? Math.max(base, Math.min(2 * size.recheck, RECHECK_MAX)) : base;
    }
    return value;
  }
}

/**
 * Whether a specialization may run its original function instead: numbers, booleans and number
 * arrays in and out, no bigint anywhere in the source, no callee or class (the callers decide which
 * calls are measured: large arrays, or code calling host functions).
 */
export function mayRunPlain(params: readonly ValueType[], result: ResultType, body: Node, dependencies: Record<string, string>): boolean {
  if (Object.keys(dependencies).length > 0) return false;
  const numeric = (t: ResultType): boolean =>
    t === "f64" ||
    t === "i32" ||
    t === "u32" ||
    t === "bool" ||
    t === "void" ||
    (isArray(t) && !isBigint(elementOf(t) as ResultType)) ||
    // `{ lo, hi }` of numbers: the original gives a fresh object of the same values too.
    (isRecord(t) && t.fields.every(([, f]) => numeric(f)));
  if (!params.every(numeric) || !numeric(result)) return false;
  return !mentionsBigint(body);
}

/** A bigint literal, or the name BigInt / BigInt64Array / BigUint64Array, anywhere under `node`. */
function mentionsBigint(n: Node): boolean {
  if (n.type === "Literal" && n.bigint !== undefined) return true;
  if (n.type === "Identifier" && /^Big(Int|Uint)/.test(n.name as string)) return true;
  return childNodes(n).some(mentionsBigint);
}

/** The smallest step performance.now() takes, in ms (a few samples, once; the clock is called back to back). */
let resolutionMs: number | undefined;
function clockResolution(): number {
  if (resolutionMs !== undefined) return resolutionMs;
  let least = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    least = Math.min(least, t1 - t0);
  }
  return (resolutionMs = least);
}
