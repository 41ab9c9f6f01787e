// One instance of a compiled module bound by its ModuleShape: functions that take and return strings,
// arrays, objects and class instances; the classes as TypeScript classes (hotpath/classes' WasmObject:
// pinned while held, `dispose()`/`using`, the receiver checked on every method); exported globals as
// values or accessors; and, for modules with a collector, `heap` (collect, pins, sizes). Browser-safe.
import { type GcRuntime, WasmObject, gcRuntime } from "../classes/classes.ts";
import { callKernel } from "./contract.ts";
import type { ClassShape, FunctionShape, GlobalShape, ModuleShape } from "./shape.ts";
import { Call, lift, lowerNumber, type Heap } from "./values.ts";

/** Passed up a chain of bound classes: "attach this address", instead of the arguments of a constructor. */
const ADOPT = Symbol("adopt");

/** Names the loaded object uses for itself: an export with one of them is left out by the compiler. */
export const LOADED_RESERVED = ["memory", "heap"] as const;
/** The export hotpath's compile adds to modules with a collector: bytes the collector counts as in use. */
export const HEAP_TOTAL_EXPORT = "__hotpath_heap_total";

/** The collector of a loaded module, for tests and leak hunts. */
export interface HeapInfo {
  /** Runs a full collection. */
  collect(): void;
  /** Bytes of linear memory (it grows and never shrinks). */
  memoryBytes(): number;
  /** Bytes the collector counts as allocated (asc's `itcms` total), after the last collection step. */
  usedBytes(): number;
  /** Objects pinned by TypeScript: live class wrappers (and arguments during a call). */
  readonly pinned: number;
}

/** A bound instance: its functions, classes and globals by name, plus `memory` (and `heap` with a collector). @internal */
export function bindShape(instance: WebAssembly.Instance, shape: ModuleShape, source: string): Record<string, unknown> {
  const exports = instance.exports as Record<string, unknown>;
  const memory = exports.memory as WebAssembly.Memory;
  const runtime: GcRuntime | undefined = shape.gc ? gcRuntime(instance) : undefined;
  const wrappers: ((abstract new (...args: never[]) => WasmObject) | undefined)[] = [];
  const heap: Heap = {
    memory,
    ...(runtime ? { allocate: exports.__new as (size: number, id: number) => number, runtime } : {}),
    ids: shape.ids,
    classes: shape.classes,
    wrappers,
    // The object's own class when it is bound (a subclass returned as its base), else the declared one.
    adopt: (ptr, index) => {
      const own = byId.get(new Uint32Array(memory.buffer, ptr - 8, 1)[0]);
      const cls = own !== undefined && wrappers[own] && wrappers[own]!.prototype instanceof wrappers[index]! ? own : index;
      return runtime!.adopt(ptr, wrappers[cls]!);
    },
    addressOf: (value, index, name) => WasmObject.addressOf(value, wrappers[index]!, runtime!, name),
  };
  const setLength = exports.__setArgumentsLength as ((n: number) => void) | undefined;

  /** Calls a wasm export with checked, lowered arguments (`self` first for members), lifting its result. */
  const invoke = (fn: FunctionShape, args: readonly unknown[], self?: { ptr: number; object: WasmObject }): unknown => {
    const raw = exports[fn.export] as (...a: unknown[]) => unknown;
    const required = fn.required ?? fn.params.length;
    if (args.length < required || args.length > fn.params.length)
      throw new TypeError(
        `\`${fn.name}\` takes ${required === fn.params.length ? required : `${required} to ${fn.params.length}`} argument${fn.params.length === 1 ? "" : "s"} (${fn.params.map((p) => p.name).join(", ")}), got ${args.length}`,
      );
    const call = new Call(heap);
    try {
      const lowered: unknown[] = self ? [self.ptr] : [];
      for (let i = 0; i < fn.params.length; i++) {
        const { name, type } = fn.params[i];
        // Left-out optional arguments are zeros; `__setArgumentsLength` makes the module use their defaults.
        lowered.push(
          i < args.length
            ? call.lower(args[i], type, name)
            : type.kind === "number" && type.type.endsWith("64") && type.type !== "f64"
              ? 0n
              : 0,
        );
      }
      if (fn.required !== undefined) setLength?.(args.length);
      const value = callKernel(fn.name, () => raw(...lowered));
      if (!fn.result) return undefined;
      // A method returning `this` gives back the receiver itself, not a second wrapper.
      if (self && fn.result.kind === "instance" && (value as number) >>> 0 === self.ptr) return self.object;
      return lift(heap, value, fn.result);
    } finally {
      call.release();
    }
  };

  const byId = new Map(shape.classes.map((c, i) => [c.id, i]));
  const wrapper = (index: number): (abstract new (...args: never[]) => WasmObject) | undefined => {
    const c = shape.classes[index];
    if (c.plain) return undefined;
    if (!wrappers[index]) {
      const parent = c.base === undefined ? WasmObject : wrapper(c.base)!;
      wrappers[index] = makeClass(c, parent, runtime!, invoke, source);
    }
    return wrappers[index];
  };
  shape.classes.forEach((_, index) => wrapper(index));

  const out: Record<string, unknown> = {};
  for (const fn of shape.functions) {
    const bound = (...args: unknown[]) => invoke(fn, args);
    Object.defineProperty(bound, "name", { value: fn.name });
    out[fn.name] = bound;
  }
  for (const g of shape.globals) {
    const property = globalProperty(g, exports[g.name] as WebAssembly.Global, heap);
    const set = g.set && { name: g.name, export: g.set, params: [{ name: g.name, type: g.type }], signature: g.name };
    if (set) property.set = (value: unknown) => void invoke(set, [value]);
    Object.defineProperty(out, g.name, property);
  }
  for (const e of shape.enums ?? []) {
    const values: Record<string | number, string | number> = {};
    for (const m of e.members) {
      const value = (exports[`${e.name}.${m}`] as WebAssembly.Global).value as number;
      values[(values[m] = value)] = m;
    }
    out[e.name] = Object.freeze(values);
  }
  shape.classes.forEach((c, i) => {
    if (!c.plain && !(c.name in out)) out[c.name] = wrappers[i];
  });
  out.memory = memory;
  if (runtime) {
    const total = exports[HEAP_TOTAL_EXPORT] as WebAssembly.Global | undefined;
    const info: HeapInfo = {
      collect: () => runtime.collect(),
      memoryBytes: () => runtime.memoryBytes(),
      usedBytes: () => (total ? Number(total.value) >>> 0 : NaN),
      get pinned() {
        return runtime.pinned;
      },
    };
    out.heap = info;
  }
  return out;
}

function globalProperty(g: GlobalShape, global: WebAssembly.Global, heap: Heap): PropertyDescriptor {
  if (!(global instanceof WebAssembly.Global)) throw new TypeError(`The module does not export a global \`${g.name}\``);
  if (!g.mutable) return { value: lift(heap, global.value, g.type), enumerable: true };
  return {
    enumerable: true,
    get: () => lift(heap, global.value, g.type),
    set: (value: unknown) => {
      if (g.type.kind !== "number") throw new TypeError(`\`${g.name}\` is read-only from TypeScript`);
      global.value = lowerNumber(value, g.type.type, g.name);
    },
  };
}

/** The TypeScript class of an AssemblyScript class: constructor, methods, fields and accessors through its wrappers. */
function makeClass(
  c: ClassShape,
  parent: abstract new (...args: never[]) => WasmObject,
  runtime: GcRuntime,
  invoke: (fn: FunctionShape, args: readonly unknown[], self?: { ptr: number; object: WasmObject }) => unknown,
  source: string,
): abstract new (...args: never[]) => WasmObject {
  // The constructor's wrapper returns the raw address: the instance is adopted by `super`, not lifted.
  const create: FunctionShape | undefined = c.create && { ...c.create, name: c.name, result: { kind: "number", type: "usize" } };
  // A subclass's constructor hands its new object up the chain (ADOPT, address) to WasmObject's.
  const Parent = parent as unknown as new (...args: unknown[]) => WasmObject;
  const cls = class extends Parent {
    constructor(...args: unknown[]) {
      if (args[0] === ADOPT) {
        super(...(Parent === (WasmObject as unknown) ? [runtime, args[1]] : args));
        return;
      }
      if (!create)
        throw new TypeError(`${c.name} (${source}) has no constructor TypeScript can call; get one from a function that returns it`);
      const ptr = invoke(create, args) as number;
      super(...(Parent === (WasmObject as unknown) ? [runtime, ptr] : [ADOPT, ptr]));
    }
  };
  Object.defineProperty(cls, "name", { value: c.name });
  const self = (object: unknown) => ({ ptr: WasmObject.ptrOf(object, cls), object: object as WasmObject });
  const taken = (name: string) => name in WasmObject.prototype || name === "constructor";
  for (const m of c.methods) {
    if (taken(m.name)) continue;
    const method = {
      [m.name](this: unknown, ...args: unknown[]) {
        return invoke(m, args, self(this));
      },
    }[m.name];
    Object.defineProperty(cls.prototype, m.name, { value: method, writable: true, configurable: true });
  }
  const getSet = (name: string, type: FunctionShape["result"], get?: string, set?: string) => {
    if (taken(name) || (!get && !set)) return;
    const getter: FunctionShape | undefined = get ? { name, export: get, params: [], result: type, signature: name } : undefined;
    const setter: FunctionShape | undefined = set ? { name, export: set, params: [{ name, type: type! }], signature: name } : undefined;
    Object.defineProperty(cls.prototype, name, {
      configurable: true,
      get: getter
        ? function (this: unknown) {
            return invoke(getter, [], self(this));
          }
        : undefined,
      set: setter
        ? function (this: unknown, value: unknown) {
            invoke(setter, [value], self(this));
          }
        : function () {
            throw new TypeError(`${c.name}.${name} is readonly`);
          },
    });
  };
  for (const f of c.fields) getSet(f.name, f.type, f.get, f.set);
  for (const a of c.accessors) getSet(a.name, a.type, a.get, a.set);
  return cls;
}
