// The kernel contract: one description of a wasm function's boundary, shared by the built-in kernels,
// a user's compiled AssemblyScript kernels and `jit` functions. From a `FunctionSpec` the runtime derives
// everything a caller gets: argument checks with named errors, buffers copied into linear memory with
// their sizes checked, u64 results as unsigned bigint, traps as `KernelError`, and the warm-up.
//
// Conventions (the same as src/kernels/abi.ts):
// - u64/i64 cross as bigint (wasm i64). A u64 result comes back from wasm signed: it is taken
//   `BigInt.asUintN(64, …)`; an i64 result stays signed. u32/i32/f32/f64 cross as number, bool as 0/1.
// - A buffer parameter (`u8[]`, `f64[]`, …) is two wasm parameters, (ptr: i32, len: i32), `len` counted
//   in elements. The host copies the caller's typed array into the instance's memory before the call
//   and, for `inout` buffers, back into the caller's array after it. Kernels never allocate.
import type { Arena } from "../arena.ts";
import { KernelError, expected } from "../errors.ts";
import { isDetached, toFinite, toInteger, toU64 } from "../validate.ts";

/** Scalar types at the boundary. */
export type ScalarType = "u64" | "i64" | "u32" | "i32" | "f64" | "f32" | "bool";
/** Buffer types at the boundary: a typed array, passed to wasm as (ptr, len). */
export type BufferType = "u8[]" | "i32[]" | "u32[]" | "f32[]" | "f64[]" | "i64[]" | "u64[]";
export type ValueType = ScalarType | BufferType;
export type ResultType = ScalarType | "void";

/** One parameter of a kernel function. */
export interface ParamSpec {
  /** The name error messages use (`Expected \`lo\` to be …`). */
  readonly name: string;
  readonly type: ValueType;
  /** Buffers only: the kernel writes into it, so the caller's array is updated after the call. */
  readonly inout?: boolean;
}

/** A kernel function as the runtime sees it: the wasm export, its parameters and its result. */
export interface FunctionSpec {
  /** The export's name in the wasm module; also the name in errors. */
  readonly name: string;
  readonly params: readonly ParamSpec[];
  readonly result: ResultType;
}

/** The typed array that carries each buffer type. */
export const BUFFER_ARRAYS = {
  "u8[]": Uint8Array,
  "i32[]": Int32Array,
  "u32[]": Uint32Array,
  "f32[]": Float32Array,
  "f64[]": Float64Array,
  "i64[]": BigInt64Array,
  "u64[]": BigUint64Array,
} as const;

/** @internal */
export function isBufferType(type: ValueType): type is BufferType {
  return type.endsWith("[]");
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
/** Largest and smallest f32, so a finite f64 that would round to ±Infinity in f32 is refused. */
const F32_MAX = 3.4028234663852886e38;

/** Converts one scalar argument to what the wasm function takes, or throws a TypeError/RangeError naming it. @internal */
export function checkScalar(value: unknown, type: ScalarType, name: string): bigint | number {
  switch (type) {
    case "u64":
      return toU64(value, name);
    case "i64": {
      if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
      if (typeof value !== "bigint") throw new TypeError(expected(name, "an i64 (a bigint or a safe integer)", value));
      if (value < I64_MIN || value > I64_MAX) throw new RangeError(expected(name, "an i64 (−2^63 ≤ n < 2^63)", value));
      return value;
    }
    case "u32":
      return toInteger(value, name, 0, 0xffff_ffff);
    case "i32":
      return toInteger(value, name, -0x8000_0000, 0x7fff_ffff);
    case "f64":
      if (typeof value !== "number") throw new TypeError(expected(name, "a number", value));
      return value;
    case "f32": {
      if (typeof value !== "number") throw new TypeError(expected(name, "a number", value));
      if (Number.isFinite(value) && Math.abs(value) > F32_MAX) throw new RangeError(expected(name, "a number in f32 range", value));
      return value;
    }
    case "bool":
      if (typeof value !== "boolean") throw new TypeError(expected(name, "a boolean", value));
      return value ? 1 : 0;
  }
}

/** Checks a buffer argument: the typed array its type names, not detached. @internal */
export function checkBuffer(value: unknown, type: BufferType, name: string): ArrayBufferView & ArrayLike<unknown> {
  const Ctor = BUFFER_ARRAYS[type];
  if (!(value instanceof Ctor)) throw new TypeError(expected(name, `a ${Ctor.name}`, value));
  if (isDetached(value)) throw new TypeError(expected(name, `a ${Ctor.name} whose buffer is not detached`, value));
  return value;
}

/** Converts a raw wasm result to its boundary type. @internal */
export function convertResult(raw: unknown, type: ResultType): unknown {
  switch (type) {
    case "void":
      return undefined;
    case "u64":
      return BigInt.asUintN(64, raw as bigint);
    case "u32":
      return (raw as number) >>> 0;
    case "bool":
      return raw !== 0;
    default:
      return raw;
  }
}

/** Runs a raw call, turning a wasm trap or an AssemblyScript abort into a KernelError that names the kernel. @internal */
export function callKernel<T>(kernel: string, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    throw asKernelError(kernel, cause);
  }
}

/** The error a failed raw call becomes: a KernelError naming the kernel for traps and aborts; anything else unchanged. @internal */
export function asKernelError(kernel: string, cause: unknown): unknown {
  if (cause instanceof WebAssembly.RuntimeError)
    return new KernelError(`Kernel \`${kernel}\` trapped: ${cause.message}`, kernel, { cause });
  if (cause instanceof KernelError) return new KernelError(`Kernel \`${kernel}\` aborted: ${cause.message}`, kernel, { cause });
  return cause;
}

/** What `bindFunction` needs of an instance: its memory, a bump allocator over it, and the raw export. */
export interface BoundInstance {
  readonly memory: WebAssembly.Memory;
  readonly arena: Arena;
  readonly exports: Record<string, unknown>;
}

/**
 * The typed, checked JS function for `spec` over an instance: arguments checked in order (a bad one
 * throws before wasm runs), buffers copied in (and `inout` ones back out), the result converted, traps
 * turned into KernelError. The arena is emptied after every call, including one that failed, so memory
 * taken for a failed call is given back.
 * @internal
 */
export function bindFunction(spec: FunctionSpec, instance: BoundInstance): (...args: unknown[]) => unknown {
  const raw = instance.exports[spec.name];
  if (typeof raw !== "function") throw new TypeError(`The module does not export a function \`${spec.name}\``);
  const fn = raw as (...args: unknown[]) => unknown;
  const { params, result, name } = spec;
  const hasBuffers = params.some((p) => isBufferType(p.type));
  const bound = (...args: unknown[]): unknown => {
    if (args.length !== params.length)
      throw new TypeError(
        `\`${name}\` takes ${params.length} argument${params.length === 1 ? "" : "s"} (${params.map((p) => p.name).join(", ")}), got ${args.length}`,
      );
    if (!hasBuffers) {
      const wasmArgs = params.map((p, i) => checkScalar(args[i], p.type as ScalarType, p.name));
      return convertResult(
        callKernel(name, () => fn(...wasmArgs)),
        result,
      );
    }
    const checked = params.map((p, i) =>
      isBufferType(p.type) ? checkBuffer(args[i], p.type, p.name) : checkScalar(args[i], p.type, p.name),
    );
    const arena = instance.arena;
    arena.reset();
    try {
      const wasmArgs: unknown[] = [];
      const outs: Array<{ view: ArrayBufferView; ptr: number }> = [];
      params.forEach((p, i) => {
        if (!isBufferType(p.type)) return void wasmArgs.push(checked[i]);
        const view = checked[i] as ArrayBufferView & ArrayLike<unknown>;
        const ptr = arena.put(view, p.name);
        if (ptr + view.byteLength > 0xffff_ffff)
          throw new RangeError(expected(p.name, "a buffer that ends below 4 GiB of wasm memory", view));
        wasmArgs.push(ptr, view.length);
        if (p.inout) outs.push({ view, ptr });
      });
      const value = convertResult(
        callKernel(name, () => fn(...wasmArgs)),
        result,
      );
      for (const { view, ptr } of outs)
        new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(new Uint8Array(instance.memory.buffer, ptr, view.byteLength));
      return value;
    } finally {
      arena.reset();
    }
  };
  Object.defineProperty(bound, "name", { value: name });
  return bound;
}

/**
 * Calls `run` until V8 has compiled the functions it calls past their baseline tier: a wasm call that
 * starts in Liftoff stays there until it returns, so a long first call would run ≈4× slower throughout.
 * `run` should make short calls (microseconds); `rounds` of them are enough for V8's tier-up budget.
 * @internal
 */
export function warmUp(run: (round: number) => void, rounds = 300): void {
  for (let i = 0; i < rounds; i++) run(i);
}

/** Checks a finite number argument (re-exported for specs that need more than their type says). */
export { toFinite, toInteger, toU64 };

/**
 * A kernel function the pool (and later the cluster) can run: its spec and the compiled modules it
 * lives in. `hotpath compile`'s generated modules and `jit` attach one to every function they return,
 * under `KERNEL_REF`, so `pool.reduceRange(squares.sumOfSquaresRange, …)` needs nothing else.
 */
export interface KernelRef {
  readonly spec: FunctionSpec;
  /** The single-thread build (its own memory): used on this thread and by the pool's message mode. */
  readonly module: () => Promise<WebAssembly.Module>;
  /**
   * The threads build (imports a shared `env.memory`), used by the pool's shared mode. Absent: every
   * worker runs its own instance of `module` (the kernel takes no buffers, or they travel by message).
   */
  readonly threads?: () => Promise<WebAssembly.Module>;
  /** Arguments for short warm-up calls (V8 tiers a function up only between calls). Default: none. */
  readonly warmUpArgs?: readonly unknown[];
  /**
   * The single-thread build's bytes, for engines that ship a kernel to other machines (hotpath/cluster
   * stores them in Redis). A compiled Module cannot be turned back into bytes, so this is its own field.
   */
  readonly bytes?: () => Promise<Uint8Array>;
  /**
   * A function of a compiled module that takes or returns strings, arrays, objects or class instances:
   * `spec` only names it; the module's shape (src/kernels/shape.ts, plain data) says how to call it.
   */
  readonly bound?: { readonly shape: unknown; readonly function: string; readonly source: string };
}

/** The property under which a kernel function carries its KernelRef. */
export const KERNEL_REF: unique symbol = Symbol.for("hotpath.kernelRef") as never;

/**
 * What a function carries under KERNEL_REF: its KernelRef, or, for a function compiled per argument
 * types (`jit` without a signature), a resolver that returns the KernelRef of the version that takes
 * `args` (compiling it if needed).
 */
export type KernelRefCarried = KernelRef | ((args: readonly unknown[]) => KernelRef);

/** The KernelRef a function or object carries, if any; `args` are arguments it will be called with (for a resolver). */
export function kernelRefOf(value: unknown, args: readonly unknown[] = []): KernelRef | undefined {
  if ((typeof value === "function" || (typeof value === "object" && value !== null)) && KERNEL_REF in value) {
    const carried = (value as { [KERNEL_REF]: KernelRefCarried })[KERNEL_REF];
    return typeof carried === "function" ? carried(args) : carried;
  }
  return undefined;
}
