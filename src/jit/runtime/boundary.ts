// The crossing between JavaScript and a compiled function: arguments are checked and converted
// (bigints to i64; a typed array from `jit.array` passed by address, any other copied into jit's
// memory for the call), traps become KernelErrors, results come back as JavaScript values (u64
// unsigned, i64 signed, booleans, jitClass instances), and copied arrays are copied back, so the
// caller sees the writes as the original function would have made them. A plain Array of numbers is
// an `f64[]`, passed as a copy like an ordinary Float64Array (and written back element by element).
import { KernelError, expected } from "../../errors.ts";
import {
  addressOf,
  callEnd,
  callStart,
  copyBack,
  copyIn,
  copyOut,
  copyPlainBack,
  copyPlainIn,
  copyRegionBack,
  copyRegionIn,
  endCall,
  engineError,
  release,
  type JitArrayConstructor,
} from "./memory.ts";
import { classOf } from "./registry.ts";
import type { CopyCost } from "./adaptive.ts";
import type { ThrowSite, ThrownValue, TrapSite } from "../codegen/plan.ts";
import { Thrown } from "./host.ts";
import { TRAP_EXPORTS } from "../codegen/traps.ts";
import { ELEMENTS, elementOf, isArray, isClass, isRecord, type ResultType, type ScalarType, type ValueType } from "../analysis/types.ts";

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** `name` is called only to word an error: parameter names come from parsing the source, which a cache hit skips. */
type Convert = (value: unknown, name: () => string) => unknown;

/**
 * Whether a value fits a scalar parameter type, exactly: what the dispatcher uses to pick among
 * declared signatures, and what SCALARS checks (so a value one signature refuses can fit the next).
 * −0 is no i32 or u32: the compiled function would see +0 (and `1 / x` give +∞ where JavaScript gives −∞).
 */
const FITS: Record<ScalarType, (v: unknown) => boolean> = {
  u64: (v) => (typeof v === "bigint" ? v >= 0n && v <= U64_MAX : Number.isSafeInteger(v) && (v as number) >= 0),
  i64: (v) => (typeof v === "bigint" ? v >= I64_MIN && v <= I64_MAX : Number.isSafeInteger(v)),
  f64: (v) => typeof v === "number",
  i32: (v) => typeof v === "number" && (v | 0) === v && (v !== 0 || 1 / v > 0),
  u32: (v) => typeof v === "number" && v >>> 0 === v && (v !== 0 || 1 / v > 0),
  bool: (v) => typeof v === "boolean",
};

/** Whether `value` can be passed for a scalar parameter of type `type`. @internal */
export const fitsScalar = (type: ScalarType, value: unknown): boolean => FITS[type](value);

const SCALARS: Record<ScalarType, Convert> = {
  u64: (v, name) => {
    if (FITS.u64(v)) return typeof v === "bigint" ? v : BigInt(v as number);
    if (typeof v === "bigint" || Number.isSafeInteger(v)) throw new RangeError(expected(name(), "a u64 (0 ≤ n < 2^64)", v));
    throw new TypeError(expected(name(), "a u64 (a bigint, or a non-negative safe integer)", v));
  },
  i64: (v, name) => {
    if (FITS.i64(v)) return typeof v === "bigint" ? v : BigInt(v as number);
    if (typeof v === "bigint") throw new RangeError(expected(name(), "an i64 (−2^63 ≤ n < 2^63)", v));
    throw new TypeError(expected(name(), "an i64 (a bigint, or a safe integer)", v));
  },
  f64: (v, name) => {
    if (!FITS.f64(v)) throw new TypeError(expected(name(), "a number", v));
    return v;
  },
  i32: (v, name) => {
    if (!FITS.i32(v)) throw new TypeError(expected(name(), "an i32 (an integer from −2^31 to 2^31 − 1, not −0)", v));
    return v;
  },
  u32: (v, name) => {
    if (!FITS.u32(v)) throw new TypeError(expected(name(), "a u32 (an integer from 0 to 2^32 − 1, not −0)", v));
    return v;
  },
  bool: (v, name) => {
    if (!FITS.bool(v)) throw new TypeError(expected(name(), "a boolean", v));
    return v ? 1 : 0;
  },
};

const RESULTS: Record<ScalarType, (v: unknown) => unknown> = {
  u64: (v) => BigInt.asUintN(64, v as bigint),
  i64: (v) => v,
  f64: (v) => v,
  i32: (v) => v,
  u32: (v) => (v as number) >>> 0,
  bool: (v) => v !== 0,
};

/** A typed array's constructor → its jit type (looked up on every call of a lazy jit function). */
const ARRAY_TYPES = new Map<unknown, ValueType>(
  Object.entries(ELEMENTS).map(([e, info]) => [info.array, `${e as keyof typeof ELEMENTS}[]`]),
);

/** The typed array constructor of `view`'s element type (`view` may be of a subclass), else its own. */
export function elementConstructor(view: ArrayBufferView): unknown {
  for (let c: unknown = view.constructor; c; c = Object.getPrototypeOf(c)) if (ARRAY_TYPES.has(c)) return c;
  return view.constructor;
}

/** The type `jit` compiles for when a lazy function receives `value`, or undefined when it has none. */
export function typeOfValue(value: unknown): ValueType | undefined {
  switch (typeof value) {
    case "bigint":
      return "u64";
    case "number":
      // An int32 value (not −0) gets an i32 parameter: its arithmetic is still done in f64, as
      // JavaScript does, but a loop bounded by it can count in i32 (ranges.ts). Another value: f64.
      return (value | 0) === value && (value !== 0 || 1 / value > 0) ? "i32" : "f64";
    case "boolean":
      return "bool";
    case "object":
      if (value === null) return undefined;
      if (ArrayBuffer.isView(value)) return ARRAY_TYPES.get(value.constructor);
      // A plain Array: f64[] (its elements are checked where it is copied, and by the dispatcher first).
      if (Array.isArray(value)) return "f64[]";
      return classOf(value);
  }
  return undefined;
}

export interface Binding {
  readonly params: readonly ValueType[];
  readonly result: ResultType;
  /** Parameter names, for error messages (read only when one is needed). */
  readonly names: () => readonly string[];
  /** The jit function's name, for KernelError. */
  readonly name: string;
  /** The array parameters the function stores into (copied back after each call), or "all". */
  readonly written: readonly number[] | "all";
  /** Where a call's copies are timed, when `timing` is set before it (adaptive.ts). */
  readonly cost?: CopyCost;
  /** The module's trap sites, to word a trap's KernelError (codegen/traps.ts). */
  readonly traps?: readonly TrapSite[];
  /** The module makes typed arrays (codegen/allocation.ts): each call gives back the blocks it made. */
  readonly allocates?: boolean;
  /**
   * No `return` of the function is a name (each returns a call, `a.subarray(…)`, or another
   * expression): a result that is exactly an argument's elements is a new view of them, not the
   * argument itself. Default: false (a name may be the argument).
   */
  readonly returnsViews?: boolean;
}

/** A JavaScript function calling export `fn` of `instance` (which imports jit's memory) with `binding`'s conversions. */
export function bind(instance: WebAssembly.Instance, exportName: string, binding: Binding): (args: readonly unknown[]) => unknown {
  const call = bindCall(instance, exportName, binding);
  if (!binding.allocates) return call;
  // The blocks of the arrays the call made go back when it ends, however it ends (a returned array was copied out).
  return (args) => {
    callStart();
    try {
      return call(args);
    } finally {
      callEnd();
    }
  };
}

function bindCall(instance: WebAssembly.Instance, exportName: string, binding: Binding): (args: readonly unknown[]) => unknown {
  const fn = instance.exports[exportName] as (...args: unknown[]) => unknown;
  const { params, result } = binding;
  let names: readonly string[] | undefined;
  const nameOf = params.map((_, i) => () => (names ??= binding.names())[i] || `argument ${i + 1}`);
  const toResult = resultConverter(result);
  const arity = (args: readonly unknown[]) =>
    new TypeError(
      `${binding.name || "the jit function"} takes ${params.length} argument${params.length === 1 ? "" : "s"}, got ${args.length}`,
    );
  const trapped = (e: unknown, plain = false) =>
    e instanceof WebAssembly.RuntimeError
      ? new KernelError(
          `jit function \`${binding.name || "anonymous"}\` trapped: ${whyTrapped(instance, binding.traps, plain) ?? explain(e.message)}`,
          binding.name,
          { cause: e },
        )
      : e instanceof Thrown
        ? thrownError(e, binding.traps)
        : e;
  if (params.every((t) => !isArray(t) && !isClass(t))) {
    // Numbers, bigints and booleans alone: nothing to copy, a call of a few conversions.
    const convert = params.map((t) => SCALARS[t as ScalarType]);
    const [c0, c1, n0, n1] = [convert[0], convert[1], nameOf[0], nameOf[1]];
    const wasm =
      params.length === 0
        ? () => fn()
        : params.length === 1
          ? (args: readonly unknown[]) => fn(c0(args[0], n0))
          : params.length === 2
            ? (args: readonly unknown[]) => fn(c0(args[0], n0), c1(args[1], n1))
            : (args: readonly unknown[]) => fn(...args.map((v, i) => convert[i](v, nameOf[i])));
    return (args) => {
      if (args.length !== params.length) throw arity(args);
      try {
        return toResult(wasm(args));
      } catch (e) {
        throw trapped(e);
      }
    };
  }
  const writtenBack = params.map((_, i) => binding.written === "all" || binding.written.includes(i));
  // An array result: the argument itself when it is one of the arrays given (the same address and
  // length, of the result's type), else a copy of the array the call made.
  const returnsArray = isArray(result);
  const ctors = params.map((type) => (isArray(type) ? ELEMENTS[elementOf(type)].array : undefined));
  const severalArrays = ctors.filter(Boolean).length > 1;

  return (args) => {
    if (args.length !== params.length) throw arity(args);
    const flat: unknown[] = [];
    const given: number[] | undefined = returnsArray ? [] : undefined;
    let copies: Copy[] | undefined;
    const cost = binding.cost?.timing ? binding.cost : undefined;
    let copyStart = 0;
    // Ordinary arrays whose bytes overlap (the same array twice, two views of one buffer) are one
    // region of jit's memory, as they are one memory in JavaScript: a write through one is read
    // through the other.
    const buffers = severalArrays ? buffersOf(args, ctors) : undefined;
    const regions = buffers ? overlapping(args, buffers) : undefined;
    try {
      for (let i = 0; i < params.length; i++) {
        const type = params[i];
        const value = args[i];
        const name = nameOf[i];
        const ctor = ctors[i];
        if (ctor && ctor === Float64Array && Array.isArray(value)) {
          // A plain Array of numbers: copied in as f64s (the same array given twice: one copy, as it is one array).
          let ptr: number | undefined;
          for (let j = 0; j < i; j++)
            if (args[j] === value) {
              const earlier = copies?.find((c) => c.view === value);
              if (earlier) {
                earlier.back ||= writtenBack[i];
                ptr = earlier.ptr;
              }
              break;
            }
          if (ptr === undefined) {
            if (cost) copyStart = performance.now();
            const copied = copyPlainIn(value, name());
            if (cost) cost.ms += performance.now() - copyStart;
            if (typeof copied === "string") throw notAnArrayOfNumbers(name(), copied);
            ptr = copied;
            (copies ??= []).push({ view: value, ctor, ptr, block: ptr, back: writtenBack[i], plain: true });
          }
          flat.push(ptr, value.length);
          if (given) given[i] = ptr;
        } else if (ctor) {
          if (!(value instanceof ctor)) throw new TypeError(expected(name(), `a ${ctor.name}`, value));
          // Read once: a typed array's `buffer` is a call into the engine.
          const buffer = buffers?.[i] ?? value.buffer;
          let ptr = addressOf(value, name, buffer);
          const region = ptr === undefined ? regions?.[i] : undefined;
          if (region) {
            if (!region.copy) {
              if (cost) copyStart = performance.now();
              const { block, ptr: at } = copyRegionIn(region.buffer, region.lo, region.hi, name());
              if (cost) cost.ms += performance.now() - copyStart;
              (copies ??= []).push((region.copy = { view: value, ctor, ptr: at, block, back: false, region }));
            }
            // Written through any of its views: copied back.
            region.copy.back ||= writtenBack[i];
            ptr = region.copy.ptr + (value.byteOffset - region.lo);
          } else if (ptr === undefined) {
            if (value.length === 0 && buffer.byteLength === 0 && isDetached(buffer))
              throw new TypeError(expected(name(), `a ${ctor.name} whose buffer is not detached`, value));
            if (cost) copyStart = performance.now();
            ptr = copyIn(value, ctor, name());
            if (cost) cost.ms += performance.now() - copyStart;
            (copies ??= []).push({ view: value, ctor, ptr, block: ptr, back: writtenBack[i] });
          }
          flat.push(ptr, value.length);
          if (given) given[i] = ptr;
        } else if (isClass(type)) {
          if (!(value instanceof type.ctor))
            throw new TypeError(
              expected(name(), `a ${type.name}`, value) +
                ((value as object | null)?.constructor?.name === type.name
                  ? ` of an earlier jitClass named ${type.name} (it was defined again since)`
                  : ""),
            );
          for (const [field, ft] of type.fields)
            flat.push(SCALARS[ft]((value as Record<string, unknown>)[field], () => `${name()}.${field}`));
        } else flat.push(SCALARS[type as ScalarType](value, name));
      }
      let raw: unknown;
      try {
        raw = callWith(fn, flat);
      } catch (e) {
        // A `throw` leaves what the call wrote before it in place, as in JavaScript: copied back.
        if (e instanceof Thrown && copies) copyAllBack(copies);
        throw trapped(
          e,
          copies?.some((c) => c.plain),
        );
      }
      if (copies) {
        if (cost) copyStart = performance.now();
        copyAllBack(copies);
        if (cost) cost.ms += performance.now() - copyStart;
      }
      if (given) {
        const [ptr, length] = raw as [number, number];
        for (let i = 0; i < params.length; i++)
          if (params[i] === result && given[i] === ptr >>> 0 && (args[i] as ArrayLike<unknown>).length === length >>> 0)
            return binding.returnsViews && ArrayBuffer.isView(args[i]) ? (args[i] as Float64Array).subarray(0) : args[i];
        // A view of part of an argument (`a.subarray(1)`): that part of the caller's typed array, as in JavaScript.
        const view = viewOfArgument(args, params, result, given, ptr >>> 0, length >>> 0);
        if (view) return view;
        if (cost) copyStart = performance.now();
        const out = toResult(raw);
        if (cost) cost.ms += performance.now() - copyStart;
        return out;
      }
      return toResult(raw);
    } finally {
      // The copies' blocks go back whether the call returned, trapped or was refused.
      if (copies) {
        for (const c of copies) release(c.block);
        endCall();
      }
    }
  };
}

/**
 * The subarray of a typed-array argument (of the result's type, not a plain Array) whose elements lie at
 * [ptr, ptr + length) in jit's memory, or undefined. (A view of the whole argument is the argument.)
 */
function viewOfArgument(
  args: readonly unknown[],
  params: readonly ValueType[],
  result: ResultType,
  given: readonly number[],
  ptr: number,
  length: number,
): unknown {
  if (!isArray(result)) return undefined;
  const bytes = ELEMENTS[elementOf(result)].bytes;
  for (let i = 0; i < params.length; i++) {
    const a = args[i];
    if (params[i] !== result || given[i] === undefined || !ArrayBuffer.isView(a)) continue;
    const n = (a as unknown as ArrayLike<unknown>).length;
    const start = ptr - given[i];
    if (start < 0 || start % bytes !== 0 || start / bytes + length > n) continue;
    return (a as unknown as { subarray(b: number, e: number): unknown }).subarray(start / bytes, start / bytes + length);
  }
  return undefined;
}

/** An ordinary array copied into jit's memory for one call: alone, or the region under overlapping ones. */
interface Copy {
  /** The typed array, or the plain Array (`plain`). */
  view: ArrayBufferView | readonly unknown[];
  ctor: JitArrayConstructor;
  /** Where the compiled code reads it (for a region: where its first byte is). */
  ptr: number;
  /** What release() takes back. */
  block: number;
  back: boolean;
  region?: Region;
  /** A plain Array of numbers, copied as f64s and written back element by element. */
  plain?: true;
}

/** Bytes [lo, hi) of `buffer`, under two or more views passed to one call. */
interface Region {
  buffer: ArrayBufferLike;
  lo: number;
  hi: number;
  copy?: Copy;
}

/** The buffer of each argument that is an array of its parameter's type (undefined for the others). */
function buffersOf(args: readonly unknown[], ctors: readonly (JitArrayConstructor | undefined)[]): (ArrayBufferLike | undefined)[] {
  const out: (ArrayBufferLike | undefined)[] = [];
  for (let i = 0; i < args.length; i++) {
    const ctor = ctors[i];
    const a = args[i];
    out.push(ctor && a instanceof ctor ? a.buffer : undefined);
  }
  return out;
}

/**
 * The regions of typed arrays among `args` (of `buffers`) whose bytes overlap another's, by argument
 * index, or undefined when none do (the usual call: nothing more to do). Arrays of jit's memory are
 * passed by address (they overlap there already): their regions are not used.
 */
function overlapping(args: readonly unknown[], buffers: readonly (ArrayBufferLike | undefined)[]): (Region | undefined)[] | undefined {
  let out: (Region | undefined)[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const buffer = buffers[i];
    if (!buffer) continue;
    for (let j = i + 1; j < args.length; j++) {
      if (buffers[j] !== buffer) continue;
      const [a, b] = [args[i] as ArrayBufferView, args[j] as ArrayBufferView];
      if (a.byteLength === 0 || b.byteLength === 0) continue;
      if (a.byteOffset >= b.byteOffset + b.byteLength || b.byteOffset >= a.byteOffset + a.byteLength) continue;
      out ??= [];
      const [ra, rb] = [out[i], out[j]];
      // One region for both, and for every argument already in either.
      const region = ra ?? rb ?? { buffer, lo: a.byteOffset, hi: a.byteOffset + a.byteLength };
      region.lo = Math.min(region.lo, a.byteOffset, b.byteOffset, rb?.lo ?? Infinity);
      region.hi = Math.max(region.hi, a.byteOffset + a.byteLength, b.byteOffset + b.byteLength, rb?.hi ?? 0);
      if (rb && rb !== region) for (let k = 0; k < out.length; k++) if (out[k] === rb) out[k] = region;
      out[i] = out[j] = region;
    }
  }
  return out;
}

/** The written arguments' copies back into the caller's arrays. */
function copyAllBack(copies: readonly Copy[]): void {
  for (const c of copies)
    if (c.back)
      if (c.plain) copyPlainBack(c.view as unknown as unknown[], c.ptr);
      else if (c.region) copyRegionBack(c.region.buffer, c.region.lo, c.region.hi, c.ptr);
      else copyBack(c.view as ArrayBufferView, c.ctor, c.ptr);
}

/** `fn(...args)`, without the spread for the common lengths (a spread call costs more than the call). */
function callWith(fn: (...args: unknown[]) => unknown, a: unknown[]): unknown {
  switch (a.length) {
    case 1:
      return fn(a[0]);
    case 2:
      return fn(a[0], a[1]);
    case 3:
      return fn(a[0], a[1], a[2]);
    case 4:
      return fn(a[0], a[1], a[2], a[3]);
    case 5:
      return fn(a[0], a[1], a[2], a[3], a[4]);
    case 6:
      return fn(a[0], a[1], a[2], a[3], a[4], a[5]);
    default:
      return fn(...a);
  }
}

/** Marks a TypeError for arguments jit cannot take (which `fallback` runs as JavaScript). @internal */
export const UNSUPPORTED = Symbol("unsupported argument");

/** The TypeError refusing plain Array `value` for parameter `name` because of `problem` ("element 3 is a string"). @internal */
export function notAnArrayOfNumbers(name: string, problem: string): TypeError {
  return Object.assign(new TypeError(`Expected \`${name}\` to be an array of numbers (or a typed array); ${problem}`), {
    [UNSUPPORTED]: true as const,
  });
}

/** A detached ArrayBuffer reports length 0; `detached` says so where the engine has it. */
function isDetached(buffer: ArrayBufferLike): boolean {
  const flag = (buffer as { detached?: boolean }).detached;
  if (flag !== undefined) return flag;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

function resultConverter(result: ResultType): (raw: unknown) => unknown {
  if (result === "void") return () => undefined;
  if (isClass(result))
    return (raw) => {
      const values = raw as unknown[];
      // An instance without running the constructor again: its fields are what the compiled constructor computed.
      const out = Object.create(result.ctor.prototype) as Record<string, unknown>;
      result.fields.forEach(([field, type], i) => (out[field] = RESULTS[type](values[i])));
      return out;
    };
  if (isRecord(result)) {
    const { fields } = result;
    const convert = fields.map(([, type]) => RESULTS[type]);
    // One wasm result comes back as itself, several as a fresh Array (made by the engine for each call).
    if (result.array)
      return fields.length === 1
        ? (raw) => [convert[0](raw)]
        : (raw) => {
            const values = (raw ?? []) as unknown[];
            for (let i = 0; i < values.length; i++) values[i] = convert[i](values[i]);
            return values;
          };
    const keys = fields.map(([key]) => key);
    return (raw) => {
      const values = (fields.length === 1 ? [raw] : (raw ?? [])) as unknown[];
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) out[keys[i]] = convert[i](values[i]);
      return out;
    };
  }
  if (isArray(result)) {
    const ctor = ELEMENTS[elementOf(result)].array as JitArrayConstructor;
    return (raw) => {
      const [ptr, length] = raw as [number, number];
      return copyOut(ctor, ptr >>> 0, length >>> 0);
    };
  }
  return RESULTS[result];
}

/**
 * What the trap site that failed recorded before trapping (codegen/traps.ts), read once (and reset):
 * "an index outside [0, length) or not an integer in `a[i + 1]` (at 3:17): 5, where the length is 5".
 */
function whyTrapped(instance: WebAssembly.Instance, traps: readonly TrapSite[] | undefined, plain: boolean): string | undefined {
  const read = (name: string) => instance.exports[name] as WebAssembly.Global | undefined;
  const site = read(TRAP_EXPORTS.site);
  const number = site?.value as number | undefined;
  if (!site || !traps || !number) return undefined;
  site.value = 0;
  const trap = traps[number - 1];
  if (!trap) return undefined;
  if (!trap.index) return trap.what.replace(/:$/, "");
  const index = read(TRAP_EXPORTS.index)?.value as number;
  const length = read(TRAP_EXPORTS.length)?.value as number;
  // With a plain Array among the arguments, what JavaScript does past the end depends on which array it was.
  const js = plain
    ? "JavaScript reads undefined there, and a write is ignored by a typed array or grows a plain array"
    : "JavaScript reads undefined there, and ignores a write";
  return `${trap.what}: ${Object.is(index, -0) ? "-0" : index}, where the length is ${length} (${js})`;
}

/** The error a `throw` statement throws in JavaScript: its class, its message with ToString of each value (codegen/throw.ts). */
function thrownError(e: Thrown, traps: readonly TrapSite[] | undefined): Error {
  const site = traps?.[e.site - 1]?.thrown;
  if (!site) return new Error(`a jit function threw from an unknown site (${e.site})`);
  if (site.replay) return REPLAYS[site.replay](e.values);
  const ctor = (globalThis as unknown as Record<string, new (message?: string) => Error>)[site.ctor];
  if (site.parts.length === 0) return new ctor();
  let k = 0;
  let message = "";
  for (const p of site.parts) message += typeof p === "string" ? p : shown(p.value, e.values[k++]);
  return new ctor(message);
}

/** What the engine throws, done here with the smallest arrays: each engine words these errors its own way. */
const REPLAYS: Record<NonNullable<ThrowSite["replay"]>, (values: readonly (number | bigint)[]) => Error> = {
  "set-negative": () => engineError(() => new Uint8Array(1).set(new Uint8Array(0), -1), "offset is out of bounds"),
  "set-range": () => engineError(() => new Uint8Array(0).set(new Uint8Array(1)), "offset is out of bounds"),
  bigint: ([x]) => engineError(() => BigInt(x), `The number ${x} cannot be converted to a BigInt because it is not an integer`),
};

function shown(kind: ThrownValue, v: number | bigint): string {
  switch (kind) {
    case "bool":
      return v ? "true" : "false";
    case "u32":
      return String((v as number) >>> 0);
    case "u64":
      return String(BigInt.asUintN(64, v as bigint));
    default:
      return String(v);
  }
}

function explain(message: string): string {
  if (/unreachable/i.test(message))
    return `${message} (an array index out of range or not an integer, a negative i64 shift, prange bounds that are not safe integers, or no return value)`;
  return message;
}
