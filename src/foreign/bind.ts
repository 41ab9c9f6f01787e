// Binding a declared function: arguments checked and converted (u64/i64 ↔ bigint), buffers passed for
// `ptr` parameters copied into the module's memory and back after the call (cffi's from_buffer), and
// traps turned into KernelError. Where those buffers go is the module's own malloc/free, or the free
// space above its __heap_base; a malloc or heap base that cannot be right is named, not dereferenced.
import { Arena } from "../arena.ts";
import { KernelError, WasmLoadError, describe, expected } from "../errors.ts";
import { toU64 } from "../validate.ts";
import { formatSignature, type ForeignType, type Signature } from "./signatures.ts";

/** What a declared function accepts for each type (results: bigint for i64/u64, number otherwise). */
export type ForeignArg = bigint | number | ArrayBufferView | ArrayBuffer;
export type ForeignFunction = (...args: ForeignArg[]) => bigint | number | undefined;

export interface Scratch {
  /** Places bytes in the module's memory and returns their address. */
  put(data: Uint8Array, name: string): number;
  /** Releases everything placed since the last release. */
  release(): void;
}

/**
 * Where buffers passed for `ptr` parameters go: the module's malloc/free if it has them, else the free
 * space above __heap_base. A string instead says why buffers cannot be passed (calls with addresses still work).
 * @internal
 */
export function scratchSpace(exports: WebAssembly.Exports, memory: WebAssembly.Memory | undefined): Scratch | string {
  if (!memory) return "the module exports no memory";
  const malloc = exports.malloc;
  const free = exports.free;
  if (typeof malloc === "function" && typeof free === "function") {
    const live: number[] = [];
    return {
      put(data, name) {
        const ptr = allocate(malloc as (n: number) => unknown, memory, data.byteLength, name);
        live.push(ptr);
        new Uint8Array(memory.buffer, ptr, data.byteLength).set(data);
        return ptr;
      },
      release() {
        for (const ptr of live.splice(0)) (free as (p: number) => void)(ptr);
      },
    };
  }
  let heapBase: unknown;
  let source: string;
  if (exports.__heap_base instanceof WebAssembly.Global) {
    source = "`__heap_base`";
    heapBase = exports.__heap_base.value;
  } else if (typeof exports.heapBase === "function") {
    source = "`heapBase()`";
    try {
      heapBase = (exports.heapBase as () => unknown)();
    } catch (cause) {
      return `the module's \`heapBase()\` failed (${(cause as Error).message}), so hotpath cannot know which memory is free; pass an address`;
    }
  } else return "the module exports neither malloc/free nor __heap_base, so hotpath cannot know which memory is free; pass an address";
  // Everything below the heap base (data, stack) is the module's; the base itself lies inside the initial memory.
  const base = typeof heapBase === "bigint" ? Number(heapBase) : heapBase;
  const size = memory.buffer.byteLength;
  if (typeof base !== "number" || !Number.isInteger(base) || base < 0 || base > size)
    return `the module's ${source} is ${describe(heapBase)}, which is not an address inside its memory (0 to ${size} bytes), so hotpath cannot know which memory is free; pass an address`;
  const arena = new Arena(memory, base);
  return {
    put: (data, name) => arena.put(data, name),
    release: () => arena.reset(),
  };
}

/** `malloc(bytes)` for the buffer passed as `name`, with every way a malloc can be wrong named. */
function allocate(malloc: (n: number) => unknown, memory: WebAssembly.Memory, bytes: number, name: string): number {
  const size = Math.max(1, bytes);
  let result: unknown;
  try {
    result = malloc(size);
  } catch (cause) {
    if (cause instanceof WebAssembly.RuntimeError)
      throw new KernelError(`The module's \`malloc(${size})\` trapped while placing \`${name}\`: ${cause.message}`, "malloc", { cause });
    throw cause;
  }
  if (typeof result !== "number")
    throw new WasmLoadError(
      `The module's \`malloc(${size})\` returned ${describe(result)} while placing \`${name}\`; hotpath needs a wasm32 malloc (\`void *malloc(size_t)\`, an i32 address)`,
    );
  const ptr = result >>> 0;
  if (ptr === 0)
    throw new RangeError(`The module's \`malloc(${size})\` returned NULL while placing \`${name}\`: it could not allocate ${bytes} bytes`);
  const end = memory.buffer.byteLength;
  if (ptr + bytes > end)
    throw new WasmLoadError(
      `The module's \`malloc(${size})\` returned ${ptr} while placing \`${name}\`, but ${bytes} bytes from there pass the end of its memory (${end} bytes): its malloc is broken, or \`malloc\` is not an allocator`,
    );
  return ptr;
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** The declared function: arity checked, arguments converted, buffers copied in and back, traps named. @internal */
export function bind(
  sig: Signature,
  fn: (...a: unknown[]) => unknown,
  memory: WebAssembly.Memory | undefined,
  scratch: Scratch | string,
): ForeignFunction {
  const arity = sig.params.length;
  const text = formatSignature(sig);
  const label = sig.params.map((p, i) => `${sig.name}: argument ${i + 1}${p.name ? ` (${p.name})` : ""}`);
  const hasPtr = sig.params.some((p) => p.type === "ptr");
  const convert = sig.params.map((p, i) => converter(p.type, label[i]));
  const result = resultConverter(sig.result);
  const trap = (cause: unknown): never => {
    if (cause instanceof WebAssembly.RuntimeError) throw new KernelError(`\`${sig.name}\` trapped: ${cause.message}`, sig.name, { cause });
    throw cause;
  };
  const arityError = (got: number) =>
    new TypeError(`\`${sig.name}\` takes ${arity} argument${arity === 1 ? "" : "s"} ("${text}"), got ${got}`);
  // Up to four scalars (the common case): no rest array, no spread, no scratch memory to manage.
  if (!hasPtr && arity <= 4) {
    const [c0, c1, c2, c3] = convert;
    return function (a?: ForeignArg, b?: ForeignArg, c?: ForeignArg, d?: ForeignArg) {
      if (arguments.length !== arity) throw arityError(arguments.length);
      let value: unknown;
      try {
        value =
          arity === 0
            ? fn()
            : arity === 1
              ? fn(c0(a))
              : arity === 2
                ? fn(c0(a), c1(b))
                : arity === 3
                  ? fn(c0(a), c1(b), c2(c))
                  : fn(c0(a), c1(b), c2(c), c3(d));
      } catch (cause) {
        trap(cause);
      }
      return result(value);
    };
  }
  return function (...args: ForeignArg[]) {
    if (args.length !== arity) throw arityError(args.length);
    const raw = new Array<unknown>(arity);
    let copies: { view: Uint8Array; ptr: number }[] | undefined;
    try {
      for (let i = 0; i < arity; i++) {
        const a = args[i];
        if (hasPtr && sig.params[i].type === "ptr" && typeof a === "object" && a !== null) {
          if (typeof scratch === "string") throw new TypeError(`Cannot pass a buffer as \`${label[i]}\`: ${scratch}`);
          const view =
            a instanceof ArrayBuffer
              ? new Uint8Array(a)
              : ArrayBuffer.isView(a)
                ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
                : undefined;
          if (!view) throw new TypeError(expected(label[i], "an address (number) or a buffer (ArrayBufferView, ArrayBuffer)", a));
          const ptr = scratch.put(view, label[i]);
          (copies ??= []).push({ view, ptr });
          raw[i] = ptr;
        } else raw[i] = convert[i](a);
      }
      let value: unknown;
      try {
        value = fn(...raw);
      } catch (cause) {
        trap(cause);
      }
      // C may have written through the pointer: the caller's buffer gets the bytes back, as with cffi's from_buffer.
      if (copies && memory) for (const { view, ptr } of copies) view.set(new Uint8Array(memory.buffer, ptr, view.byteLength));
      return result(value);
    } finally {
      if (copies && typeof scratch !== "string") scratch.release();
    }
  };
}

function converter(type: ForeignType, name: string): (value: unknown) => unknown {
  switch (type) {
    case "u64":
      return (v) => toU64(v, name);
    case "i64":
      return (v) => {
        if (typeof v === "bigint") {
          if (v < I64_MIN || v > I64_MAX) throw new RangeError(expected(name, "an i64 (−2^63 ≤ n < 2^63)", v));
          return v;
        }
        if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
        if (typeof v === "number") throw new RangeError(expected(name, "a bigint or a safe integer", v));
        throw new TypeError(expected(name, "a bigint or a safe integer", v));
      };
    case "i32":
    case "u32":
    case "ptr": {
      const [min, max, what] =
        type === "i32" ? [-(2 ** 31), 2 ** 31 - 1, "an i32"] : [0, 2 ** 32 - 1, type === "ptr" ? "an address (or a buffer)" : "a u32"];
      return (v) => {
        if (typeof v !== "number") throw new TypeError(expected(name, `${what} (number)`, v));
        if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(expected(name, `${what}: an integer in [${min}, ${max}]`, v));
        return v;
      };
    }
    case "f32":
    case "f64":
      return (v) => {
        if (typeof v !== "number") throw new TypeError(expected(name, "a number", v));
        return v;
      };
  }
}

function resultConverter(type: ForeignType | "void"): (value: unknown) => bigint | number | undefined {
  switch (type) {
    case "u64":
      return (v) => BigInt.asUintN(64, v as bigint);
    case "u32":
    case "ptr":
      return (v) => (v as number) >>> 0;
    case "void":
      return () => undefined;
    default:
      return (v) => v as bigint | number;
  }
}
