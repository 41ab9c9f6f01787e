// Arrays that live in the pool: `pool.alloc(Float64Array, n)` hands out a view of the shared memory
// (shared mode), which the parallel kernels use where it lies instead of copying it in and out. Its
// block is freed by `dispose()` (or `using`), but never under a call still using it: calls hold it
// (`lend`) and give it back when they end, and a disposed block is freed by the last one out.
// In message mode there is no shared memory: `alloc` gives an ordinary array, copied to the workers on
// each call like any other (pool.modeReason says so), and `dispose()` does nothing.
import { expected } from "../errors.ts";
import { toInteger } from "../validate.ts";
import type { Lender } from "./types.ts";

/** What residents need of the shared heap (heap.ts). */
interface Heap {
  alloc(bytes: number, name: string): number;
  free(ptr: number): void;
}

/** The typed arrays `alloc` makes. */
export const RESIDENT_TYPES = [Float64Array, Float32Array, Int32Array, Uint32Array, Uint8Array, BigInt64Array, BigUint64Array] as const;
export type ResidentType = (typeof RESIDENT_TYPES)[number];

/** An array from `pool.alloc`: the typed array, plus its lifetime. */
export type PoolArray<T extends ArrayBufferView> = T & Disposable & { dispose(): void; readonly disposed: boolean };

interface Block {
  readonly ptr: number;
  uses: number;
  disposed: boolean;
}

export class Residents implements Lender {
  #blocks = new WeakMap<ArrayBufferView, Block>();

  constructor(
    readonly heap: Heap | undefined,
    readonly memory: WebAssembly.Memory | undefined,
  ) {}

  alloc<C extends ResidentType>(type: C, length: number): PoolArray<InstanceType<C>> {
    if (!(RESIDENT_TYPES as readonly unknown[]).includes(type))
      throw new TypeError(expected("type", `one of ${RESIDENT_TYPES.map((t) => t.name).join(", ")}`, type));
    const n = toInteger(length, "length", 0, 2 ** 32);
    const heap = this.heap;
    if (!heap) return lifetime(new type(n) as InstanceType<C>, () => undefined);
    const ptr = heap.alloc(n * type.BYTES_PER_ELEMENT, "length");
    const view = new type(this.memory!.buffer, ptr, n) as InstanceType<C>;
    const block: Block = { ptr, uses: 0, disposed: false };
    this.#blocks.set(view, block);
    return lifetime(view, () => {
      block.disposed = true;
      if (block.uses === 0) heap.free(ptr);
    });
  }

  /**
   * Where `view` lies in the shared memory, if it is a resident array (the whole of one); the call holds
   * it until `giveBack`. A disposed one is refused, unless `held` and a running call still holds it (the
   * call that held it when it started, placing it now).
   */
  lend(view: ArrayBufferView, name = "the array", held = false): number | undefined {
    const block = this.#blocks.get(view);
    if (!block) return undefined;
    if (block.disposed && !(held && block.uses > 0))
      throw new TypeError(expected(name, "an array from pool.alloc that was not disposed", view));
    block.uses++;
    return block.ptr;
  }

  /** Ends a call's hold on a resident array (freeing it if it was disposed meanwhile). */
  giveBack(view: ArrayBufferView): void {
    const block = this.#blocks.get(view);
    if (!block) return;
    if (--block.uses === 0 && block.disposed) this.heap!.free(block.ptr);
  }

  owns(view: ArrayBufferView): boolean {
    return this.#blocks.has(view);
  }
}

function lifetime<T extends ArrayBufferView>(view: T, free: () => void): PoolArray<T> {
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    free();
  };
  Object.defineProperties(view, {
    dispose: { value: dispose },
    disposed: { get: () => disposed },
    [Symbol.dispose ?? Symbol.for("Symbol.dispose")]: { value: dispose },
  });
  return view as PoolArray<T>;
}
