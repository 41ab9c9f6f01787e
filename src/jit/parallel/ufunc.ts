// `vectorize(fn, signatures?, options?)`: Numba's `@vectorize`. A scalar function becomes an
// element-wise function over typed arrays (numbers and bigints broadcast), on this thread
// (`target: "cpu"`) or split over a pool (`target: "parallel"`, a Promise).
//
// How: the scalar function's text is registered with jit under a generated name (arrows become a
// named function; compiling it for a signature gives the result type), and for each pattern of a call
// (a signature, and which arguments are arrays) jit compiles a loop over [lo, hi). When the function is
// one expression, the loop computes it in place (no call: jit sees element arithmetic, and the cpu
// target's loop, which starts at 0, is the element-wise f64x2 vectorizer's shape where the arithmetic
// is); otherwise the loop calls the registered function by its name:
//
//   function __hp_vec1_0_loop_as0(__hp_lo, __hp_hi, __hp_out, __hp_a0, __hp_a1) {
//     for (let __hp_i = __hp_lo; __hp_i < __hp_hi; __hp_i++) {
//       const x = __hp_a0[__hp_i];
//       const s = __hp_a1;
//       __hp_out[__hp_i] = (Math.exp(-(x * x) / (2 * s * s)));
//     }
//   }
//
// The cpu target calls its loop with (n, …); the parallel target gives it to `pool.forRows` (shared
// mode: arrays by pointer, ordinary ones copied in once, the output written in a pool array and copied
// out once). A pool that passes messages cannot take arrays in forRows, so there each chunk's slices
// go to a worker in a `pool.map` item, and a small ES module (a data: URL) runs the loop's own-memory
// module on them and sends the output slice back.
import { AbortError, expected } from "../../errors.ts";
import type { Pool, ResidentType } from "../../pool/types.ts";
import { checkOptions } from "../../validate.ts";
import { onPool } from "./default-pool.ts";
import { JitError } from "../errors.ts";
import { jit, type JitFunction } from "../runtime/jit.ts";
import { Adaptive } from "../runtime/adaptive.ts";
import { addressOf, arenaShared, jitArray, jitFree, type JitArrayConstructor } from "../runtime/memory.ts";
import { parseFunction, type ParsedFunction } from "../front/parse.ts";
import { firstAllocation } from "../codegen/allocation.ts";
import { firstThrow } from "../front/throw.ts";

/** The element types of vectorize's signatures: jit's array element types, and bool (a Uint8Array of 0 and 1). */
export type UfuncType = "f64" | "f32" | "i32" | "u32" | "u8" | "i64" | "u64" | "bool";

type Ctor = (new (
  length: number,
) => ArrayBufferView & ArrayLike<number | bigint> & { set(a: ArrayLike<number | bigint>, at?: number): void }) & {
  readonly BYTES_PER_ELEMENT: number;
};

interface TypeInfo {
  readonly array: Ctor;
  /** The scalar function's parameter type in jit's signatures. */
  readonly scalar: "f64" | "i32" | "u32" | "i64" | "u64" | "bool";
  /** The loop's array element type in jit's signatures. */
  readonly element: "f64" | "f32" | "i32" | "u32" | "u8" | "i64" | "u64";
  readonly bigint: boolean;
}

const TYPES: Record<UfuncType, TypeInfo> = {
  f64: { array: Float64Array, scalar: "f64", element: "f64", bigint: false },
  f32: { array: Float32Array, scalar: "f64", element: "f32", bigint: false },
  i32: { array: Int32Array, scalar: "i32", element: "i32", bigint: false },
  u32: { array: Uint32Array, scalar: "u32", element: "u32", bigint: false },
  u8: { array: Uint8Array, scalar: "i32", element: "u8", bigint: false },
  i64: { array: BigInt64Array as unknown as Ctor, scalar: "i64", element: "i64", bigint: true },
  u64: { array: BigUint64Array as unknown as Ctor, scalar: "u64", element: "u64", bigint: true },
  bool: { array: Uint8Array, scalar: "bool", element: "u8", bigint: false },
};

const ALIASES: Record<string, UfuncType> = {
  f64: "f64",
  float64: "f64",
  f32: "f32",
  float32: "f32",
  i32: "i32",
  int32: "i32",
  u32: "u32",
  uint32: "u32",
  u8: "u8",
  uint8: "u8",
  i64: "i64",
  int64: "i64",
  u64: "u64",
  uint64: "u64",
  bool: "bool",
  boolean: "bool",
};

/** The type of a typed array's elements (a Uint8Array is u8: bool only where a signature says so). */
function typeOfArray(value: unknown): UfuncType | undefined {
  if (value instanceof Float64Array) return "f64";
  if (value instanceof Float32Array) return "f32";
  if (value instanceof Int32Array) return "i32";
  if (value instanceof Uint32Array) return "u32";
  if (value instanceof Uint8Array) return "u8";
  if (value instanceof BigInt64Array) return "i64";
  if (value instanceof BigUint64Array) return "u64";
  return undefined;
}

const ARRAY_NAMES = "a Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array, BigInt64Array or BigUint64Array";

interface UfuncSignature {
  readonly params: readonly UfuncType[];
  /** Undefined: the scalar function's own result type decides. */
  readonly result: UfuncType | undefined;
  readonly text: string;
}

/** Parses "f64(f64, f64)" (the result may be omitted: "(f64, f64)"). @internal */
export function parseUfuncSignature(text: string, name = "signature"): UfuncSignature {
  if (typeof text !== "string") throw new TypeError(expected(name, 'a signature string such as "f64(f64, f64)"', text));
  const match = /^\s*(\w*)\s*\(([^()]*)\)\s*$/.exec(text);
  if (!match) throw new TypeError(expected(name, 'a signature such as "f64(f64, f64)" or "u64(u64)"', text));
  const one = (t: string): UfuncType => {
    const type = ALIASES[t.trim()];
    if (!type)
      throw new TypeError(
        `Unknown type ${JSON.stringify(t.trim())} in \`${name}\` ${JSON.stringify(text)}: vectorize takes f64, f32, i32, u32, u8, i64, u64 and bool`,
      );
    return type;
  };
  const params = match[2].trim() === "" ? [] : match[2].split(",").map(one);
  return { params, result: match[1] ? one(match[1]) : undefined, text: text.trim() };
}

/** Options of `vectorize`. Unknown keys are rejected. */
export interface VectorizeOptions {
  /** "cpu" (default): on this thread, returns the array. "parallel": split over `pool`, returns a Promise of it. */
  target?: "cpu" | "parallel";
  /** The pool of the parallel target (default: jit's default pool, started on first use). */
  pool?: Pool;
  /** As jit's `fastmath` (passed to the compiled scalar function and loop). Default false. */
  fastmath?: boolean;
}

/** The trailing options object of a call. */
export interface VectorizeCallOptions {
  /** Where to write the results: a typed array of the result type and of the arrays' length. */
  out?: ArrayBufferView;
  /** Parallel target: aborts the call (as the pool's calls do). */
  signal?: AbortSignal;
}

type Arg = number | bigint | boolean | ArrayBufferView;
type Result = ArrayBufferView | number | bigint | boolean;

export interface Ufunc {
  (...args: (Arg | VectorizeCallOptions)[]): Result;
  /** The WAT of every compiled loop (with the scalar function it calls). */
  inspect(): string;
  /** The scalar signatures compiled so far, result included: ["f64(f64, f64)"]. */
  readonly signatures: readonly string[];
  readonly target: "cpu" | "parallel";
}
export interface ParallelUfunc extends Omit<Ufunc, "target"> {
  (...args: (Arg | VectorizeCallOptions)[]): Promise<Result>;
  readonly target: "parallel";
}

const OPTION_KEYS = ["target", "pool", "fastmath"];
/** Elements of the warm-up runs of the original loop before its first trial (see the cpu target's call). */
const WARM_ELEMENTS = 1 << 13;
/** Scalar functions whose original loop has been warmed up. */
const warmed = new WeakSet<object>();
/** Outputs of at least this many elements are written in a scratch array and copied out once (see the call). */
const SCRATCH_MIN = 4096;
let ids = 0;

/** One scalar specialization: the jitted scalar function under its generated name, and its result type. */
interface Scalar {
  readonly name: string;
  readonly fn: JitFunction<(...args: any[]) => any>;
  readonly result: "f64" | "i32" | "u32" | "i64" | "u64" | "bool";
}

/** One loop: a signature and which arguments are arrays. */
interface Loop {
  /** Unique in this process (the workers of message mode keep instances by it). */
  readonly name: string;
  readonly fn: JitFunction<(...args: any[]) => any>;
  readonly signature: string;
  readonly out: UfuncType;
  /** Its code calls host functions (`Math.exp`…): the adaptive cpu call measures the original then too. */
  readonly hostCalls: boolean;
}

export function vectorize(
  fn: ((...args: any[]) => number | bigint | boolean) | string,
  signatures: string | readonly string[] | undefined,
  options: VectorizeOptions & { target: "parallel" },
): ParallelUfunc;
export function vectorize(
  fn: ((...args: any[]) => number | bigint | boolean) | string,
  signatures?: string | readonly string[],
  options?: VectorizeOptions,
): Ufunc;
/**
 * Numba's `@vectorize`: `fn`, a scalar function of numbers, bigints and booleans (a function, or its
 * source text in JavaScript or TypeScript), becomes a function of typed arrays of one length and
 * scalars (broadcast), giving a new typed array of the result type (or writing `{ out }`).
 */
export function vectorize(
  fn: ((...args: any[]) => number | bigint | boolean) | string,
  signatures?: string | readonly string[],
  options: VectorizeOptions = {},
): Ufunc | ParallelUfunc {
  if (typeof fn !== "function" && typeof fn !== "string") throw new TypeError(expected("fn", "a function, or the source text of one", fn));
  const source = typeof fn === "string" ? fn : fn.toString();
  if (typeof fn === "function" && /\{\s*\[native code\]\s*\}$/.test(source))
    throw new TypeError(expected("fn", "a function with JavaScript source (not native or bound)", fn));
  if (signatures !== undefined && typeof signatures !== "string" && !Array.isArray(signatures))
    throw new TypeError(expected("signatures", 'a signature such as "f64(f64, f64)", or an array of them', signatures));
  const opts = checkOptions(options, "options", OPTION_KEYS) as VectorizeOptions;
  const target = opts.target ?? "cpu";
  if (target !== "cpu" && target !== "parallel") throw new TypeError(expected("options.target", '"cpu" or "parallel"', opts.target));
  if (opts.pool !== undefined && target !== "parallel")
    throw new TypeError(expected("options.pool", 'unset unless `options.target` is "parallel"', opts.pool));
  if (opts.pool !== undefined && (opts.pool === null || typeof opts.pool !== "object" || typeof opts.pool.forRows !== "function"))
    throw new TypeError(expected("options.pool", "a hotpath Pool (createPool())", opts.pool));
  if (opts.fastmath !== undefined && typeof opts.fastmath !== "boolean")
    throw new TypeError(expected("options.fastmath", "a boolean", opts.fastmath));
  const fastmath = opts.fastmath === true;

  const parsed = parseFunction(source, typeof fn === "string");
  const label = `vectorize(${parsed.name || (typeof fn === "function" && fn.name) || "anonymous"})`;
  if (parsed.params.length === 0) throw new TypeError(expected("fn", "a function of at least one parameter", fn));
  const paramNames = parsed.params.map((p, i) => {
    if (p.type !== "Identifier")
      throw new TypeError(`${label}: parameter ${i + 1} is not a plain name (default, rest and destructured parameters are not supported)`);
    return p.name as string;
  });
  const made = target === "parallel" ? firstAllocation(parsed.body) : undefined;
  if (made)
    throw parsed.source.error(
      `${made.name} in the function of a parallel vectorize (its loops run on the pool's workers): use target "cpu", or ${made.instead}`,
      made.node,
    );
  const thrown = target === "parallel" ? firstThrow(parsed.body) : undefined;
  if (thrown)
    throw parsed.source.error(
      '`throw` in the function of a parallel vectorize (its loops run on the pool\'s workers, which cannot throw your error): use target "cpu"',
      thrown,
    );
  const declared = (typeof signatures === "string" ? [signatures] : (signatures ?? [])).map((s, i) =>
    parseUfuncSignature(s, typeof signatures === "string" ? "signatures" : `signatures[${i}]`),
  );
  for (const sig of declared)
    if (sig.params.length !== paramNames.length)
      throw new TypeError(
        `${label}: signature ${JSON.stringify(sig.text)} has ${sig.params.length} parameter(s), the function ${paramNames.length} (${paramNames.join(", ")})`,
      );
  const id = ++ids;
  const scalars = new Map<string, Scalar>();
  const loops = new Map<string, Loop>();

  const scalarFor = (params: readonly UfuncType[]): Scalar => {
    const key = params.map((p) => TYPES[p].scalar).join(", ");
    let scalar = scalars.get(key);
    if (scalar) return scalar;
    const name = `__hp_vec${id}_${scalars.size}`;
    const jitted = jit(scalarText(parsed, name), `(${key})`, { fastmath });
    const signature = jitted.signatures[0];
    const result = signature.slice(0, signature.indexOf("(")) as Scalar["result"];
    if (!["f64", "i32", "u32", "i64", "u64", "bool"].includes(result))
      throw new TypeError(`${label}: the function returns ${result} for (${key}); vectorize needs a number, bigint or boolean result`);
    scalar = { name, fn: jitted, result };
    scalars.set(key, scalar);
    return scalar;
  };

  /** The loop for these parameter types, arrays where `arrays` says, writing into an array of type `out` (undefined: the result's own). */
  const loopFor = (params: readonly UfuncType[], arrays: readonly boolean[], out: UfuncType | undefined, allF32: boolean): Loop => {
    const key = `${params.join(",")}|${arrays.map((a) => (a ? "a" : "s")).join("")}|${out ?? ""}|${allF32}`;
    let loop = loops.get(key);
    if (loop) return loop;
    const scalar = scalarFor(params);
    const natural: UfuncType = scalar.result === "f64" && allF32 ? "f32" : scalar.result;
    const outType = out ?? natural;
    const resultBig = scalar.result === "u64" || scalar.result === "i64";
    if (resultBig !== TYPES[outType].bigint || (outType === "bool" && scalar.result !== "bool"))
      throw new TypeError(
        `${label}: the function returns ${scalar.result} for (${params.join(", ")}), which cannot be stored in an output of type ${outType}` +
          (resultBig
            ? " (a bigint result needs i64 or u64)"
            : outType === "bool"
              ? " (bool needs a boolean result)"
              : " (a number result needs f64, f32, i32, u32 or u8)"),
      );
    const element = (name: string, i: number) => (params[i] === "bool" ? `${name}[__hp_i] !== 0` : `${name}[__hp_i]`);
    const stored = (value: string) => (scalar.result === "bool" ? `(${value}) ? 1 : 0` : value);
    const loopName = `${scalar.name}_loop_${arrays.map((a) => (a ? "a" : "s")).join("")}${loops.size}`;
    const loopParams = params.map((p, i) => (arrays[i] ? `${TYPES[p].element}[]` : TYPES[p].scalar));
    // The cpu target's loop starts at 0 (`lo` is for the pool's chunks): the element-wise vectorizer wants a constant start.
    const [range, start, rangeTypes] = target === "cpu" ? ["__hp_hi", "0", "i32"] : ["__hp_lo, __hp_hi", "__hp_lo", "i32, i32"];
    const signature = `void(${rangeTypes}, ${TYPES[outType].element}[]${loopParams.map((p) => `, ${p}`).join("")})`;
    // The function's expression written into the loop (element i of each array bound to the parameter's
    // name), so jit sees plain arithmetic on elements (no call; the element-wise f64x2 vectorizer's shape).
    // A function of statements, or an expression the inlined form cannot compile, is called instead.
    let fn: Loop["fn"] | undefined;
    const expression = expressionOf(parsed);
    if (expression !== undefined) {
      const inputs = paramNames.map((_, i) => `__hp_a${i}`);
      const text =
        `function ${loopName}(${range}, __hp_out, ${inputs.join(", ")}) {\n` +
        `  for (let __hp_i = ${start}; __hp_i < __hp_hi; __hp_i++) {\n` +
        paramNames.map((n, i) => `    const ${n} = ${arrays[i] ? element(inputs[i], i) : inputs[i]};\n`).join("") +
        `    __hp_out[__hp_i] = ${stored(`(${expression})`)};\n  }\n}`;
      try {
        fn = jit(text, signature, { fastmath });
      } catch (e) {
        if (!(e instanceof JitError)) throw e;
      }
    }
    if (!fn) {
      const args = paramNames.map((n, i) => (arrays[i] ? element(n, i) : n));
      const text =
        `function ${loopName}(${range}, __hp_out, ${paramNames.join(", ")}) {\n` +
        `  for (let __hp_i = ${start}; __hp_i < __hp_hi; __hp_i++) __hp_out[__hp_i] = ${stored(`${scalar.name}(${args.join(", ")})`)};\n}`;
      fn = jit(text, signature, { fastmath });
    }
    let hostCalls: boolean | undefined;
    const compiledFn = fn;
    loop = {
      name: loopName,
      fn,
      signature,
      out: outType,
      get hostCalls() {
        return (hostCalls ??= /^\s*\(import "Math"/m.test(compiledFn.inspect()));
      },
    };
    loops.set(key, loop);
    return loop;
  };

  // Declared signatures compile now, as in Numba (for the all-arrays pattern; others when first called).
  for (const sig of declared)
    loopFor(
      sig.params,
      sig.params.map(() => true),
      sig.result,
      false,
    );

  /** Splits a call's arguments into values and the trailing options, and checks everything before any work. */
  const prepare = (all: unknown[]) => {
    let callOptions: VectorizeCallOptions = {};
    let args = all;
    const last = all[all.length - 1];
    // A plain array is a value (refused below, by name), not options.
    if (all.length > 0 && last !== null && typeof last === "object" && !ArrayBuffer.isView(last) && !Array.isArray(last)) {
      callOptions = checkOptions(last, "options", target === "parallel" ? ["out", "signal"] : ["out"]) as VectorizeCallOptions;
      args = all.slice(0, -1);
    }
    if (args.length !== paramNames.length)
      throw new TypeError(
        `${label} takes ${paramNames.length} argument(s) (${paramNames.join(", ")}) and an optional { out${target === "parallel" ? ", signal" : ""} }, got ${args.length}`,
      );
    const arrays = args.map((a) => ArrayBuffer.isView(a));
    let length: number | undefined;
    let first = -1;
    args.forEach((a, i) => {
      if (!ArrayBuffer.isView(a)) {
        if (typeof a !== "number" && typeof a !== "bigint" && typeof a !== "boolean")
          throw new TypeError(expected(paramNames[i], `${ARRAY_NAMES}, or a number, bigint or boolean (broadcast)`, a));
        return;
      }
      if (!typeOfArray(a)) throw new TypeError(expected(paramNames[i], `${ARRAY_NAMES}, or a scalar`, a));
      // A freed or detached jit.array, refused under the caller's name (not the loop's own parameter's).
      addressOf(a, () => paramNames[i]);
      const n = (a as unknown as ArrayLike<unknown>).length;
      if (length === undefined) [length, first] = [n, i];
      else if (n !== length)
        throw new RangeError(
          `${label}: the arrays must have one length: \`${paramNames[first]}\` has ${length} elements, \`${paramNames[i]}\` has ${n}`,
        );
    });
    const sig = declared.length ? pickSignature(args) : undefined;
    const params: UfuncType[] = sig
      ? [...sig.params]
      : args.map((a) => typeOfArray(a) ?? (typeof a === "bigint" ? "u64" : typeof a === "boolean" ? "bool" : "f64"));
    // Scalars must be what the loop takes (the jit boundary checks ranges: an i32 scalar must be an int32).
    args.forEach((a, i) => {
      if (arrays[i]) return;
      const t = params[i];
      const ok = t === "bool" ? typeof a === "boolean" : TYPES[t].bigint ? typeof a === "bigint" : typeof a === "number";
      if (ok && !inRange(t, a as number | bigint)) throw new RangeError(expected(paramNames[i], RANGES[t as keyof typeof RANGES], a));
      if (!ok)
        throw new TypeError(
          expected(paramNames[i], t === "bool" ? "a boolean" : TYPES[t].bigint ? `a bigint (${t})` : `a number (${t})`, a),
        );
    });
    const n = length ?? 1;
    const out = callOptions.out;
    let outType: UfuncType | undefined = sig?.result;
    if (out !== undefined) {
      const given = typeOfArray(out);
      if (!given) throw new TypeError(expected("options.out", ARRAY_NAMES, out));
      addressOf(out, () => "options.out");
      const wanted = outType ? TYPES[outType].array : undefined;
      if (wanted && !(out instanceof wanted))
        throw new TypeError(expected("options.out", `a ${wanted.name} (the result type is ${outType})`, out));
      outType ??= given;
      if ((out as unknown as ArrayLike<unknown>).length !== n)
        throw new RangeError(
          expected(
            "options.out",
            length === undefined ? "of length 1 (every argument is a scalar)" : `of length ${n}, the arrays' length`,
            `${out.constructor.name}(${(out as unknown as ArrayLike<unknown>).length})`,
          ),
        );
    }
    const allF32 = arrays.some(Boolean) && args.every((a, i) => !arrays[i] || a instanceof Float32Array);
    // An all-scalar call runs on a length-1 array (the first argument's) and gives the scalar.
    const values = args.map((a, i) => (length === undefined && i === 0 ? arrayOf(params[0], a) : a));
    const loopArrays = length === undefined ? arrays.map((_, i) => i === 0) : arrays;
    const loop = loopFor(params, loopArrays, outType, !sig && allF32);
    const ctor = TYPES[loop.out].array;
    return {
      loop,
      params,
      values,
      loopArrays,
      n,
      out,
      ctor,
      scalar: length === undefined && out === undefined,
      signal: callOptions.signal,
    };
  };

  const pickSignature = (args: unknown[]): UfuncSignature => {
    const fits = (t: UfuncType, a: unknown) =>
      ArrayBuffer.isView(a)
        ? a instanceof TYPES[t].array
        : t === "bool"
          ? typeof a === "boolean"
          : TYPES[t].bigint
            ? typeof a === "bigint"
            : typeof a === "number";
    const sig = declared.find((s) => s.params.every((t, i) => fits(t, args[i])));
    if (!sig)
      throw new TypeError(
        `${label}: no signature takes (${args.map(describeArg).join(", ")}); declared: ${declared.map((s) => JSON.stringify(s.text)).join(", ")}`,
      );
    return sig;
  };

  const resultOf = (p: { scalar: boolean }, result: ArrayBufferView): Result =>
    p.scalar ? ((result as unknown as ArrayLike<number | bigint>)[0] as Result) : result;

  // Without `out`, a large output is written where the loop runs (jit's memory; the pool's shared
  // memory) and copied out once: an ordinary array passed as the output is copied in and back.
  let ufunc: Ufunc | ParallelUfunc;
  if (target === "cpu") {
    // As jit's `adaptive` (runtime/adaptive.ts): large copied calls of number functions may run the
    // original function over the elements instead, when that measured faster.
    const adaptive = typeof fn === "function" ? new Adaptive() : undefined;
    const compiled = (p: ReturnType<typeof prepare>) => {
      // (Only where jit's memory is shared: an unshared one detaches the scratch when it grows for the inputs.)
      if (p.out || p.n < SCRATCH_MIN || !arenaShared()) {
        const result = p.out ?? new p.ctor(p.n);
        if (p.n > 0) p.loop.fn(p.n, result, ...p.values);
        return resultOf(p, result);
      }
      const scratch = jitArray(p.ctor as JitArrayConstructor, p.n);
      try {
        p.loop.fn(p.n, scratch, ...p.values);
        const start = adaptive?.cost.timing ? performance.now() : 0;
        const result = (scratch as unknown as Float64Array).slice();
        // The inputs were copied in at the same speed: the copies' share, from the output's.
        if (adaptive?.cost.timing) adaptive.cost.ms += ((performance.now() - start) * copiedBytes(p)) / result.byteLength;
        return resultOf(p, result);
      } finally {
        jitFree(scratch);
      }
    };
    ufunc = ((...all: unknown[]) => {
      const p = prepare(all);
      const plain = adaptive && !p.out && p.n >= SCRATCH_MIN && arenaShared() ? plainLoop(p) : undefined;
      if (!plain) return compiled(p);
      return adaptive!.run(
        p.loop.name,
        copiedBytes(p),
        () => compiled(p),
        () => {
          const result = new p.ctor(p.n);
          // Before its first (timed) trial, the loop runs a few times over a prefix, so that the engine
          // optimizes it with `fn` inlined: one long first call stayed in its first tiers long enough to
          // lose the trial (Deno: 366 ms against 250 ms once warm, where the compiled call took 360).
          if (!warmed.has(fn as object)) {
            warmed.add(fn as object);
            const m = Math.min(p.n, WARM_ELEMENTS);
            for (let k = 0; k < 8; k++) plain(fn as (...args: unknown[]) => unknown, result, m, ...p.values);
          }
          plain(fn as (...args: unknown[]) => unknown, result, p.n, ...p.values);
          return resultOf(p, result);
        },
        p.loop.hostCalls,
      );
    }) as Ufunc;
  } else {
    const given = opts.pool;
    ufunc = (async (...all: unknown[]) => {
      const p = prepare(all);
      // No element to compute: an aborted signal still rejects, as a call with work does.
      if (p.n === 0 && p.signal?.aborted) throw new AbortError(`${label} was aborted`, { cause: p.signal.reason });
      if (p.n === 0) return resultOf(p, p.out ?? new p.ctor(0));
      return onPool(given, (pool) => runParallel(pool, p));
    }) as ParallelUfunc;
  }
  /** The parallel target's call on a pool. */
  async function runParallel(pool: Pool, p: ReturnType<typeof prepare>): Promise<unknown> {
    if (pool.mode !== "shared" || p.out || p.n < SCRATCH_MIN) {
      const result = p.out ?? new p.ctor(p.n);
      if (pool.mode === "shared") await pool.forRows(p.loop.fn, 0, p.n, { args: [result, ...p.values], signal: p.signal });
      else await byMessages(pool, p.loop, p.values, p.loopArrays, p.n, result, p.signal);
      return resultOf(p, result);
    }
    const scratch = pool.alloc(p.ctor as ResidentType, p.n);
    try {
      const running = pool.forRows(p.loop.fn, 0, p.n, { args: [scratch, ...p.values], signal: p.signal });
      // Handled by the `await` below; a rejection (an abort) while the pages are touched is not unhandled meanwhile.
      running.catch(() => {});
      // While the workers run (their chunks are posted once the pending promises have settled), the
      // fresh output's pages are touched here: the OS maps them at the first write, which costs more
      // than the copy into them afterwards, and would otherwise be paid after the call, on one thread.
      await new Promise((resolve) => setTimeout(resolve, 0));
      const result = new p.ctor(p.n);
      touchPages(result);
      await running;
      (result as unknown as Float64Array).set(scratch as unknown as Float64Array);
      return resultOf(p, result);
    } finally {
      scratch.dispose();
    }
  }
  Object.defineProperties(ufunc, {
    name: { value: label },
    target: { value: target },
    signatures: { get: () => [...scalars.values()].map((s) => s.fn.signatures[0]) },
    inspect: { value: () => [...loops.values()].map((l) => l.fn.inspect()).join("\n\n") },
  });
  return ufunc;
}

/** The scalar function's text as a named function (an arrow's expression body becomes a return). */
function scalarText(parsed: ParsedFunction, name: string): string {
  const { text, shift } = parsed.source;
  const slice = (node: { start: number; end: number }) => text.slice(node.start - shift, node.end - shift);
  const params = parsed.params.length
    ? text.slice(parsed.params[0].start - shift, parsed.params[parsed.params.length - 1].end - shift)
    : "";
  const body = parsed.body.type === "BlockStatement" ? slice(parsed.body) : `{ return (${slice(parsed.body)}); }`;
  return `function ${name}(${params}) ${body}`;
}

/** Writes one byte per 4 KiB page of a fresh array (zeros: it is unchanged), so the OS maps its memory now. */
function touchPages(array: ArrayBufferView): void {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 0;
}

/** The expression an arrow's body is, or a body's one `return` returns; undefined for anything else. */
function expressionOf(parsed: ParsedFunction): string | undefined {
  const { text, shift } = parsed.source;
  const body = parsed.body;
  const node =
    body.type !== "BlockStatement"
      ? body
      : body.body.length === 1 && body.body[0].type === "ReturnStatement"
        ? body.body[0].argument
        : undefined;
  return node ? text.slice(node.start - shift, node.end - shift) : undefined;
}

/** A length-1 array holding scalar `a` (an all-scalar call). */
function arrayOf(type: UfuncType, a: unknown): ArrayBufferView {
  const array = new TYPES[type].array(1);
  (array as unknown as unknown[])[0] = type === "bool" ? (a ? 1 : 0) : a;
  return array;
}

const RANGES = {
  i32: "an i32 (an integer from −2^31 to 2^31 − 1)",
  u32: "a u32 (an integer from 0 to 2^32 − 1)",
  u8: "a u8 (an integer from 0 to 255)",
  i64: "an i64 (−2^63 ≤ n < 2^63)",
  u64: "a u64 (0 ≤ n < 2^64)",
};

/** Is a scalar of the right kind also in its type's range? (f64, f32 and bool take any.) */
function inRange(t: UfuncType, a: number | bigint): boolean {
  if (t === "i32") return ((a as number) | 0) === a;
  if (t === "u32") return (a as number) >>> 0 === a;
  if (t === "u8") return Number.isInteger(a) && (a as number) >= 0 && (a as number) < 256;
  if (t === "i64") return BigInt.asIntN(64, a as bigint) === a;
  if (t === "u64") return BigInt.asUintN(64, a as bigint) === a;
  return true;
}

function describeArg(a: unknown): string {
  if (ArrayBuffer.isView(a)) return a.constructor.name;
  return typeof a;
}

// The worker side of message mode: a module run by `pool.map` (one item per chunk). It instantiates
// the loop's own-memory module (kept per loop), copies the chunk's slices into its memory, runs the
// loop over them and sends the output slice back.
const WORKER_MODULE = `
const kept = new Map();
export default function run(job) {
  let instance = kept.get(job.key);
  if (!instance) {
    instance = new WebAssembly.Instance(job.module, { env: {}, Math });
    if (kept.size >= 16) kept.delete(kept.keys().next().value);
    kept.set(job.key, instance);
  }
  const memory = instance.exports.memory;
  const n = job.n;
  const Out = globalThis[job.out];
  const outBytes = n * Out.BYTES_PER_ELEMENT;
  let at = 16 + ((outBytes + 15) & ~15);
  const ptrs = job.args.map((v) => {
    if (!ArrayBuffer.isView(v)) return -1;
    const p = at;
    at += (v.byteLength + 15) & ~15;
    return p;
  });
  const pages = Math.ceil(at / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  const flat = [0, n, 16, n];
  job.args.forEach((v, i) => {
    if (ptrs[i] < 0) return flat.push(v);
    new Uint8Array(memory.buffer, ptrs[i], v.byteLength).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    flat.push(ptrs[i], v.length);
  });
  instance.exports[job.export](...flat);
  return new Out(memory.buffer.slice(16, 16 + outBytes));
}
`;
const WORKER_URL = `data:text/javascript;base64,${btoa(WORKER_MODULE)}`;

/** Message mode: each chunk's slices go to a worker in a map item; the output slices come back into `result`. */
async function byMessages(
  pool: Pool,
  loop: Loop,
  values: readonly unknown[],
  arrays: readonly boolean[],
  n: number,
  result: ArrayBufferView,
  signal: AbortSignal | undefined,
): Promise<void> {
  const compiled = loop.fn.compile(loop.signature.slice(loop.signature.indexOf("(")));
  const count = Math.max(1, Math.min(pool.size, n));
  const items: { lo: number; [key: string]: unknown }[] = [];
  const out = result as unknown as { subarray(a: number, b: number): ArrayBufferView; set(a: ArrayLike<unknown>, at: number): void };
  for (let c = 0; c < count; c++) {
    const lo = Math.floor((n * c) / count);
    const hi = Math.floor((n * (c + 1)) / count);
    items.push({
      key: loop.name,
      module: compiled.module,
      export: compiled.exportName,
      n: hi - lo,
      lo,
      out: result.constructor.name, // every element is written: only its type and length travel
      args: values.map((v, i) => (arrays[i] ? (v as { subarray(a: number, b: number): unknown }).subarray(lo, hi) : v)),
    });
  }
  const slices = await pool.map<unknown, ArrayLike<unknown>>({ module: WORKER_URL, export: "default" }, items, {
    chunks: count,
    ...(signal ? { signal } : {}),
  });
  slices.forEach((s, c) => out.set(s, items[c].lo));
}

/** The bytes a cpu call copies: its input arrays in, the result out. */
function copiedBytes(p: { values: readonly unknown[]; n: number; loop: { out: UfuncType } }): number {
  let bytes = p.n * TYPES[p.loop.out].array.BYTES_PER_ELEMENT;
  for (const v of p.values) if (ArrayBuffer.isView(v)) bytes += v.byteLength;
  return bytes;
}

type PlainLoop = (f: (...args: unknown[]) => unknown, out: unknown, n: number, ...values: unknown[]) => void;
const plainLoops = new Map<string, PlainLoop | null>();

/**
 * The loop a user would write around the original function, for this call's pattern of arrays and
 * scalars (`out[i] = f(a[i], s)`; a bool array's element is `!== 0`, as in the compiled loop): a loop
 * of its own per pattern, so the engine sees one call site and one element type. Undefined for bigint
 * types (jit's u64/i64 wrap, bigints do not) and where the page forbids building functions (CSP).
 * @internal
 */
export function plainLoop(p: {
  params: readonly UfuncType[];
  loopArrays: readonly boolean[];
  loop: { out: UfuncType };
}): PlainLoop | undefined {
  if (TYPES[p.loop.out].bigint || p.params.some((t) => TYPES[t].bigint)) return undefined;
  const parts = p.params.map((t, k) => (!p.loopArrays[k] ? `a${k}` : t === "bool" ? `a${k}[i] !== 0` : `a${k}[i]`));
  const key = parts.join(",");
  let loop = plainLoops.get(key);
  if (loop === undefined) {
    const names = p.params.map((_, k) => `a${k}`).join(", ");
    try {
      loop = new Function(`return function plain(f, out, n, ${names}) { for (let i = 0; i < n; i++) out[i] = f(${key}); };`)() as PlainLoop;
    } catch {
      loop = null;
    }
    plainLoops.set(key, loop);
  }
  return loop ?? undefined;
}
