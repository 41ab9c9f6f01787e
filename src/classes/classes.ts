// AssemblyScript classes bound as TypeScript classes, the counterpart of Boost.Python. An object
// lives in the module's garbage-collected heap (assembly/classes.ts, incremental GC); the TS wrapper
// holds its address and keeps it alive by pinning it (__pin/__unpin, exported by `--exportRuntime`),
// because the collector cannot see references held by JavaScript.
//
// Lifetime is explicit: `dispose()` (or `using`, through Symbol.dispose) unpins at once, and a
// FinalizationRegistry unpins objects the program forgot, when the wrapper itself is collected.
// Using a disposed object is a DisposedError rather than a read of freed memory.
//
// Binding your own class (the pattern the built-in bindings in built-in.ts follow):
//   1. In AssemblyScript, export free functions taking and returning the object
//      (`export function counterNew(): Counter`, `export function counterInc(self: Counter): void`);
//      build with `--runtime incremental --exportRuntime`.
//   2. `const rt = gcRuntime(instance)` once per instance.
//   3. `class Counter extends WasmObject { constructor() { super(rt, exports.counterNew()); }
//       inc() { exports.counterInc(WasmObject.ptrOf(this, Counter)); } }`: `ptrOf` refuses a receiver
//      that is not a live Counter (a method called on another object, with a forged `ptr`) and throws
//      once disposed; objects returned by wasm are adopted with `rt.adopt(ptr, Counter)`.
import "../types/disposable.ts";
import { HotpathError, WasmLoadError, expected, keepName } from "../errors.ts";

// Runtimes without explicit resource management get the well-known symbol TypeScript's `using` looks for.
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for("Symbol.dispose");

/** An object was used after `dispose()`. */
export class DisposedError extends HotpathError {
  override name = "DisposedError";
  override readonly code = "DISPOSED";
}
keepName(DisposedError, "DisposedError");

/** The exports `--exportRuntime` adds to a module built with a garbage-collecting runtime. */
export interface GcExports {
  readonly memory: WebAssembly.Memory;
  __pin(ptr: number): number;
  __unpin(ptr: number): void;
  __collect(): void;
}

/** One instance's collector, seen from TypeScript: pins shared by every wrapper of the same object. */
export class GcRuntime {
  readonly #exports: GcExports;
  /** Pins per address: the same object may be wrapped more than once, and AssemblyScript refuses a second __pin. */
  readonly #pins = new Map<number, number>();
  readonly #registry = new FinalizationRegistry<number>((ptr) => this.release(ptr));

  constructor(exports: GcExports) {
    this.#exports = exports;
  }

  get memory(): WebAssembly.Memory {
    return this.#exports.memory;
  }

  /** Bytes of linear memory now: it grows when the heap needs room and never shrinks, so a leak shows here. */
  memoryBytes(): number {
    return this.#exports.memory.buffer.byteLength;
  }

  /** Objects currently held by TypeScript wrappers. */
  get pinned(): number {
    return this.#pins.size;
  }

  /** Runs a full collection now (it also runs incrementally as the module allocates). */
  collect(): void {
    this.#exports.__collect();
  }

  /** Pins `ptr` for `owner` and unpins it if `owner` is collected undisposed. Called by WasmObject. */
  retain(ptr: number, owner: object): void {
    if (!ptr) throw new WasmLoadError("The module returned a null object");
    this.hold(ptr);
    this.#registry.register(owner, ptr, owner);
  }

  /**
   * Pins `ptr` with no owner, for as long as a call needs it (an argument being built: the next
   * allocation may run the collector, which cannot see JavaScript's references); `release(ptr)` ends it.
   */
  hold(ptr: number): number {
    const count = this.#pins.get(ptr) ?? 0;
    if (count === 0) this.#exports.__pin(ptr);
    this.#pins.set(ptr, count + 1);
    return ptr;
  }

  /** Drops one pin of `ptr` (the object is collected once nothing else refers to it). */
  release(ptr: number, owner?: object): void {
    if (owner) this.#registry.unregister(owner);
    const count = this.#pins.get(ptr);
    if (!count) return;
    if (count === 1) {
      this.#pins.delete(ptr);
      this.#exports.__unpin(ptr);
    } else this.#pins.set(ptr, count - 1);
  }

  /** Wraps an object returned by wasm in an instance of `cls` (without running its constructor). */
  adopt<T extends WasmObject>(ptr: number, cls: abstract new (...args: never[]) => T): T {
    const self = Object.create(cls.prototype) as T;
    WasmObject.attach(self, this, ptr);
    return self;
  }
}

/** The GC runtime of an instance built with `--exportRuntime`; a clear error when it was not. */
export function gcRuntime(instance: WebAssembly.Instance): GcRuntime {
  const e = instance.exports;
  const missing = ["__pin", "__unpin", "__collect"].filter((n) => typeof e[n] !== "function");
  if (!(e.memory instanceof WebAssembly.Memory)) missing.push("memory");
  if (missing.length)
    throw new WasmLoadError(
      `The module does not export ${missing.join(", ")}: build it with a garbage-collecting runtime and --exportRuntime (asc … --runtime incremental --exportRuntime)`,
    );
  return new GcRuntime(e as unknown as GcExports);
}

/** What hotpath knows of each wrapper it made; only objects in this map are live instances (a forged receiver is not). */
const state = new WeakMap<WasmObject, { runtime: GcRuntime; ptr: number; kind: Function }>();

/** Base class of TS wrappers of AssemblyScript objects: pinned while held, disposable, checked on use. */
export abstract class WasmObject implements Disposable {
  constructor(runtime: GcRuntime, ptr: number) {
    WasmObject.attach(this, runtime, ptr);
  }

  /** Ties `self` to the object at `ptr` and pins it (used by constructors and by `GcRuntime.adopt`). */
  static attach(self: WasmObject, runtime: GcRuntime, ptr: number): void {
    runtime.retain(ptr, self);
    state.set(self, { runtime, ptr, kind: Object.getPrototypeOf(self).constructor });
  }

  /**
   * The address of `self`, checked: a TypeError unless `self` is a wrapper hotpath made as a `cls`
   * (or a subclass of it), a DisposedError once disposed. Methods and getters read their address
   * through this, never through a property of `this`: a method called on another object
   * (`get.call({ ptr: 16 })`, or a Point2D given to Accumulator's getter) must not reach memory.
   */
  static ptrOf(self: unknown, cls: abstract new (...args: never[]) => WasmObject = WasmObject): number {
    const s = typeof self === "object" && self !== null ? state.get(self as WasmObject) : undefined;
    if (!s || !(s.kind === cls || s.kind.prototype instanceof cls) || !(self instanceof s.kind))
      throw new TypeError(
        expected("this", `a ${cls.name} made by its constructor or by GcRuntime.adopt (a method was called on another object)`, self),
      );
    if (!s.ptr) throw new DisposedError(`This ${s.kind.name} was disposed; it cannot be used after dispose()`);
    return s.ptr;
  }

  /** The object's address in linear memory (`WasmObject.ptrOf(this)`); a DisposedError once disposed. */
  protected get ptr(): number {
    return WasmObject.ptrOf(this);
  }

  /** The runtime it belongs to (objects of one instance cannot be passed to another). */
  get runtime(): GcRuntime {
    const s = state.get(this);
    if (!s) throw new DisposedError(`This ${this.constructor.name} is not bound to a module`);
    return s.runtime;
  }

  get disposed(): boolean {
    return !state.get(this)?.ptr;
  }

  /** Unpins the object so the module's collector may free it. Idempotent. */
  dispose(): void {
    const s = state.get(this);
    if (!s || !s.ptr) return;
    s.runtime.release(s.ptr, this);
    s.ptr = 0;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The address of `value` if it is a live `cls` of `runtime`, else a TypeError naming `name`. */
  static addressOf(value: unknown, cls: abstract new (...args: never[]) => WasmObject, runtime: GcRuntime, name: string): number {
    // Each loadClasses() has its own classes, so an object of another instance fails the class check too.
    const owner = typeof value === "object" && value !== null ? state.get(value as WasmObject)?.runtime : undefined;
    if (owner && owner !== runtime)
      throw new TypeError(expected(name, `a ${cls.name} of the same module instance (objects cannot move between instances)`, value));
    if (!(value instanceof cls) || !owner) throw new TypeError(expected(name, `a ${cls.name}`, value));
    try {
      return WasmObject.ptrOf(value, cls);
    } catch (error) {
      if (error instanceof DisposedError) throw error;
      throw new TypeError(expected(name, `a ${cls.name}`, value));
    }
  }
}
