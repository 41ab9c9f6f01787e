// Values across the boundary of a module built with a collecting runtime, by their TypeShape: numbers
// checked and converted; strings (UTF-16), ArrayBuffers, typed arrays, arrays and plain objects
// copied into objects the module allocates (`__new`) and copied back out of the ones it returns; class
// instances passed by address (the TypeScript wrapper holds a pin). The layouts are AssemblyScript's
// (std/assembly/rt/common.ts): every object has its payload size at ptr − 4; an ArrayBufferView is
// { buffer, dataStart, byteLength } and an Array adds { length } at +12.
//
// Lifetimes: every object allocated for an argument is pinned as soon as it exists (the next `__new`
// may run the collector, which cannot see JavaScript's references) and stays pinned until the call has
// returned and its result was copied out; `Call.release()` unpins them, also when the call failed.
// Copying a result out allocates nothing in the module, so the result cannot be collected meanwhile.
import type { GcRuntime, WasmObject } from "../classes/classes.ts";
import { expected } from "../errors.ts";
import { checkScalar, type ScalarType } from "./contract.ts";
import { toInteger } from "../validate.ts";
import { ELEMENT_ARRAYS, type ClassShape, type NumberKind, type TypeShape } from "./shape.ts";

/** What values.ts needs of one instance. */
export interface Heap {
  readonly memory: WebAssembly.Memory;
  /** `__new(size, id)`; absent in a module without a collector (numbers only). */
  readonly allocate?: (size: number, id: number) => number;
  readonly runtime?: GcRuntime;
  readonly ids: { readonly string: number; readonly arrayBuffer: number };
  readonly classes: readonly ClassShape[];
  /** The TypeScript class of each entry of `classes` that is an instance (undefined for plain objects). */
  readonly wrappers: readonly ((abstract new (...args: never[]) => WasmObject) | undefined)[];
  /** Wraps an address as an instance of `classes[index]`. */
  adopt(ptr: number, index: number): WasmObject;
  /** The address of `value` if it is a live instance of `classes[index]` of this instance, else a TypeError naming `name`. */
  addressOf(value: unknown, index: number, name: string): number;
}

const SMALL: Partial<Record<NumberKind, [number, number]>> = { i8: [-128, 127], u8: [0, 255], i16: [-32768, 32767], u16: [0, 65535] };
const ALIGN: Record<NumberKind, number> = {
  i8: 0,
  u8: 0,
  bool: 0,
  i16: 1,
  u16: 1,
  i32: 2,
  u32: 2,
  isize: 2,
  usize: 2,
  f32: 2,
  i64: 3,
  u64: 3,
  f64: 3,
};

/** A number argument checked and converted as wasm takes it. */
export function lowerNumber(value: unknown, type: NumberKind, name: string): number | bigint {
  const small = SMALL[type];
  if (small) return toInteger(value, name, small[0], small[1]);
  const scalar: ScalarType = type === "isize" ? "i32" : type === "usize" ? "u32" : (type as ScalarType);
  return checkScalar(value, scalar, name);
}

/** A raw wasm number as TypeScript sees it: u32/usize unsigned, u64 unsigned, small integers wrapped, bool as boolean. */
export function liftNumber(raw: unknown, type: NumberKind): unknown {
  switch (type) {
    case "u64":
      return BigInt.asUintN(64, raw as bigint);
    case "u32":
    case "usize":
      return (raw as number) >>> 0;
    case "u8":
      return (raw as number) & 0xff;
    case "u16":
      return (raw as number) & 0xffff;
    case "i8":
      return ((raw as number) << 24) >> 24;
    case "i16":
      return ((raw as number) << 16) >> 16;
    case "bool":
      return raw !== 0 && raw !== 0n;
    default:
      return raw;
  }
}

/** The argument pins of one call. */
export class Call {
  readonly #heap: Heap;
  readonly #held: number[] = [];
  constructor(heap: Heap) {
    this.#heap = heap;
  }

  /** Unpins every object this call allocated. */
  release(): void {
    const rt = this.#heap.runtime;
    for (const ptr of this.#held) rt!.release(ptr);
    this.#held.length = 0;
  }

  #new(size: number, id: number, name: string): number {
    const heap = this.#heap;
    if (!heap.allocate || !heap.runtime)
      throw new TypeError(`\`${name}\`: the module has no collector to allocate in (build it with hotpath compile)`);
    const ptr = heap.allocate(size, id) >>> 0;
    this.#held.push(heap.runtime.hold(ptr));
    return ptr;
  }

  /** One argument as wasm takes it: a number, or the address of an object built for it. */
  lower(value: unknown, type: TypeShape, name: string): number | bigint {
    if (type.kind === "number") return lowerNumber(value, type.type, name);
    if (value === null || value === undefined) {
      if (type.nullable) return 0;
      throw new TypeError(expected(name, describeType(type, this.#heap.classes), value));
    }
    const heap = this.#heap;
    switch (type.kind) {
      case "string": {
        if (typeof value !== "string") throw new TypeError(expected(name, "a string", value));
        const ptr = this.#new(value.length << 1, heap.ids.string, name);
        const units = new Uint16Array(heap.memory.buffer, ptr, value.length);
        for (let i = 0; i < value.length; i++) units[i] = value.charCodeAt(i);
        return ptr;
      }
      case "arraybuffer": {
        if (!(value instanceof ArrayBuffer)) throw new TypeError(expected(name, "an ArrayBuffer", value));
        const ptr = this.#new(value.byteLength, heap.ids.arrayBuffer, name);
        new Uint8Array(heap.memory.buffer, ptr, value.byteLength).set(new Uint8Array(value));
        return ptr;
      }
      case "typedarray": {
        const expectedName = type.name;
        if (!ArrayBuffer.isView(value) || value.constructor.name !== expectedName)
          throw new TypeError(expected(name, `a ${expectedName}`, value));
        const view = value as ArrayBufferView;
        const data = this.#new(view.byteLength, heap.ids.arrayBuffer, name);
        new Uint8Array(heap.memory.buffer, data, view.byteLength).set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
        const header = this.#new(12, type.id, name);
        const u32 = new Uint32Array(heap.memory.buffer, header, 3);
        u32[0] = data;
        u32[1] = data;
        u32[2] = view.byteLength;
        return header;
      }
      case "array":
      case "staticarray": {
        if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw new TypeError(expected(name, `an array of ${type.element}`, value));
        const values = value as ArrayLike<unknown>;
        const length = values.length;
        const bytes = length << ALIGN[type.element];
        // Elements are checked as they are written into the module's object; a bad one throws, and the
        // object, pinned only by this call, is garbage after `release()`.
        const data = this.#new(bytes, type.kind === "array" ? heap.ids.arrayBuffer : type.id, name);
        fillChecked(new (ELEMENT_ARRAYS[type.element] as unknown as Filled)(heap.memory.buffer, data, length), values, type.element, name);
        if (type.kind === "staticarray") return data;
        const header = this.#new(16, type.id, name);
        const u32 = new Uint32Array(heap.memory.buffer, header, 4);
        u32[0] = data;
        u32[1] = data;
        u32[2] = bytes;
        u32[3] = length;
        return header;
      }
      case "object": {
        const shape = heap.classes[type.class];
        if (typeof value !== "object")
          throw new TypeError(expected(name, `a ${shape.name} object ({ ${shape.fields.map((f) => f.name).join(", ")} })`, value));
        const record = value as Record<string, unknown>;
        // Fields first (they may allocate), then the object, so that nothing is written into memory that moves.
        const lowered = shape.fields.map((f) => this.lower(record[f.name], f.type, `${name}.${f.name}`));
        const ptr = this.#new(shape.size, shape.id, name);
        const view = new DataView(heap.memory.buffer);
        shape.fields.forEach((f, i) => store(view, ptr + f.offset, f.type, lowered[i]));
        return ptr;
      }
      case "instance":
        return heap.addressOf(value, type.class, name);
    }
  }
}

type Filled = new (buffer: ArrayBufferLike, offset: number, length: number) => { [i: number]: unknown; readonly length: number };
const INT_RANGE: Partial<Record<NumberKind, [number, number]>> = {
  ...SMALL,
  i32: [-0x8000_0000, 0x7fff_ffff],
  isize: [-0x8000_0000, 0x7fff_ffff],
  u32: [0, 0xffff_ffff],
  usize: [0, 0xffff_ffff],
};
const F32_MAX = 3.4028234663852886e38;

/** Writes `values` into `target` (a view of the module's memory), each element checked: the common case inline, errors through lowerNumber. */
function fillChecked(target: { [i: number]: unknown }, values: ArrayLike<unknown>, element: NumberKind, name: string): void {
  const n = values.length;
  const range = INT_RANGE[element];
  if (range) {
    const [lo, hi] = range;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v === "number" && Number.isInteger(v) && v >= lo && v <= hi) target[i] = v;
      else target[i] = lowerNumber(v, element, `${name}[${i}]`);
    }
  } else if (element === "f64" || element === "f32") {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v === "number" && (element === "f64" || !(Math.abs(v) > F32_MAX) || !Number.isFinite(v))) target[i] = v;
      else target[i] = lowerNumber(v, element, `${name}[${i}]`);
    }
  } else for (let i = 0; i < n; i++) target[i] = lowerNumber(values[i], element, `${name}[${i}]`);
}

/** A raw result (or field) as TypeScript sees it: numbers converted, objects copied out, instances wrapped. */
export function lift(heap: Heap, raw: unknown, type: TypeShape): unknown {
  if (type.kind === "number") return liftNumber(raw, type.type);
  const ptr = (raw as number) >>> 0;
  if (!ptr) return null;
  const buffer = heap.memory.buffer;
  const size = (p: number) => new Uint32Array(buffer, p - 4, 1)[0];
  switch (type.kind) {
    case "string": {
      const units = new Uint16Array(buffer, ptr, size(ptr) >>> 1);
      let out = "";
      for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode(...units.subarray(i, i + 4096));
      return out;
    }
    case "arraybuffer":
      return buffer.slice(ptr, ptr + size(ptr));
    case "typedarray": {
      const [, dataStart, byteLength] = new Uint32Array(buffer, ptr, 3);
      const Ctor = ELEMENT_ARRAYS[type.element] as unknown as new (b: ArrayBuffer) => unknown;
      const copy = buffer.slice(dataStart, dataStart + byteLength);
      return type.name === "Uint8ClampedArray" ? new Uint8ClampedArray(copy) : new Ctor(copy);
    }
    case "array":
    case "staticarray": {
      const [data, length] =
        type.kind === "array"
          ? [new Uint32Array(buffer, ptr + 4, 1)[0], new Uint32Array(buffer, ptr + 12, 1)[0]]
          : [ptr, size(ptr) >>> ALIGN[type.element]];
      const view = new (ELEMENT_ARRAYS[type.element] as unknown as Filled)(buffer, data, length);
      const items: unknown[] = new Array(length);
      if (type.element === "bool") for (let i = 0; i < length; i++) items[i] = view[i] !== 0;
      else for (let i = 0; i < length; i++) items[i] = view[i];
      return items;
    }
    case "object": {
      const shape = heap.classes[type.class];
      const view = new DataView(buffer);
      const out: Record<string, unknown> = {};
      for (const f of shape.fields) out[f.name] = lift(heap, load(view, ptr + f.offset, f.type), f.type);
      return out;
    }
    case "instance":
      return heap.adopt(ptr, type.class);
  }
}

/** Writes a lowered value at `at` as its type is stored in an object (references as 32-bit addresses). */
function store(view: DataView, at: number, type: TypeShape, value: number | bigint): void {
  if (type.kind !== "number") return view.setUint32(at, value as number, true);
  switch (type.type) {
    case "i8":
    case "u8":
    case "bool":
      return view.setUint8(at, Number(value));
    case "i16":
    case "u16":
      return view.setUint16(at, Number(value), true);
    case "i64":
    case "u64":
      return view.setBigUint64(at, BigInt.asUintN(64, value as bigint), true);
    case "f32":
      return view.setFloat32(at, value as number, true);
    case "f64":
      return view.setFloat64(at, value as number, true);
    default:
      return view.setUint32(at, (value as number) >>> 0, true);
  }
}

/** Reads a field as wasm would hand it over (then lifted like a result). */
function load(view: DataView, at: number, type: TypeShape): number | bigint {
  if (type.kind !== "number") return view.getUint32(at, true);
  switch (type.type) {
    case "i8":
      return view.getInt8(at);
    case "u8":
    case "bool":
      return view.getUint8(at);
    case "i16":
      return view.getInt16(at, true);
    case "u16":
      return view.getUint16(at, true);
    case "i64":
      return view.getBigInt64(at, true);
    case "u64":
      return view.getBigUint64(at, true);
    case "f32":
      return view.getFloat32(at, true);
    case "f64":
      return view.getFloat64(at, true);
    case "i32":
    case "isize":
      return view.getInt32(at, true);
    default:
      return view.getUint32(at, true);
  }
}

/** How an error message names what a parameter of `type` takes. */
export function describeType(type: TypeShape, classes: readonly ClassShape[]): string {
  switch (type.kind) {
    case "number":
      return `a ${type.type}`;
    case "string":
      return "a string";
    case "arraybuffer":
      return "an ArrayBuffer";
    case "typedarray":
      return `a ${type.name}`;
    case "array":
    case "staticarray":
      return `an array of ${type.element}`;
    case "object":
      return `a ${classes[type.class].name} object`;
    case "instance":
      return `a ${classes[type.class].name}`;
  }
}
