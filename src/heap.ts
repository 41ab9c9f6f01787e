// Space in a WebAssembly.Memory that outlives one call: the pool's shared memory (several tasks at
// once, each placing its inputs and outputs there) and jit's arena (`jit.array`, and the copies of
// ordinary arrays for one call). Unlike the per-call Arena this allocator frees: first fit over a
// sorted free list, neighbours merged on free. Blocks are 16-byte aligned (SIMD loads, f64s).
import { PAGE } from "./arena.ts";

export class SharedHeap {
  /** Free blocks [ptr, ptr + bytes), sorted by ptr, never adjacent. */
  #free: { ptr: number; bytes: number }[] = [];
  #sizes = new Map<number, number>();
  #top: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
    readonly maxBytes: number,
    /** What the memory is, for errors: "the pool's shared memory", "jit's memory". */
    readonly label = "the pool's shared memory",
  ) {
    this.#top = align(base);
  }

  /** Reserves `bytes`; `name` is the parameter the block holds, for the error when it does not fit. */
  alloc(bytes: number, name: string): number {
    const size = Math.max(16, align(bytes));
    const i = this.#free.findIndex((b) => b.bytes >= size);
    let ptr: number;
    if (i >= 0) {
      const block = this.#free[i];
      ptr = block.ptr;
      if (block.bytes === size) this.#free.splice(i, 1);
      else {
        block.ptr += size;
        block.bytes -= size;
      }
    } else {
      ptr = this.#top;
      const end = ptr + size;
      if (end > this.maxBytes)
        throw new RangeError(
          `Expected \`${name}\` to fit in ${this.label} (${this.maxBytes - ptr} bytes left of ${this.maxBytes}), got ${bytes} bytes`,
        );
      const have = this.memory.buffer.byteLength;
      if (end > have)
        try {
          this.memory.grow(Math.ceil((end - have) / PAGE));
        } catch (cause) {
          throw new RangeError(`Could not grow wasm memory to hold \`${name}\` (${bytes} bytes): ${(cause as Error).message}`, { cause });
        }
      this.#top = end;
    }
    this.#sizes.set(ptr, size);
    return ptr;
  }

  /** Copies `data` into a fresh block. */
  put(data: ArrayBufferView, name: string): number {
    const ptr = this.alloc(data.byteLength, name);
    new Uint8Array(this.memory.buffer, ptr, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return ptr;
  }

  /** Returns a block from `alloc` or `put`. */
  free(ptr: number): void {
    const bytes = this.#sizes.get(ptr);
    if (bytes === undefined) throw new Error(`SharedHeap.free: ${ptr} is not an allocated block`);
    this.#sizes.delete(ptr);
    let i = this.#free.findIndex((b) => b.ptr > ptr);
    if (i < 0) i = this.#free.length;
    this.#free.splice(i, 0, { ptr, bytes });
    const next = this.#free[i + 1];
    if (next && ptr + bytes === next.ptr) {
      this.#free[i].bytes += next.bytes;
      this.#free.splice(i + 1, 1);
    }
    const prev = this.#free[i - 1];
    if (prev && prev.ptr + prev.bytes === ptr) {
      prev.bytes += this.#free[i].bytes;
      this.#free.splice(i, 1);
    }
    // A free block at the top goes back to the bump region, so the free list stays short.
    const last = this.#free[this.#free.length - 1];
    if (last && last.ptr + last.bytes === this.#top) {
      this.#top = last.ptr;
      this.#free.pop();
    }
  }

  /** Bytes currently handed out (for tests: everything freed means 0). */
  get used(): number {
    let total = 0;
    for (const size of this.#sizes.values()) total += size;
    return total;
  }
}

function align(n: number): number {
  return Math.ceil(n / 16) * 16;
}
