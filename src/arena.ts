// A bump allocator over a kernel instance's linear memory. Kernels never allocate; before each call
// the host resets the arena, places the inputs, and reads the outputs back.
/** Bytes in a WebAssembly memory page: the one constant every module that grows a memory uses. */
export const PAGE = 65536;
/**
 * wasm32 addresses 4 GiB, but a kernel computes `ptr + len` in u32: a buffer ending exactly at 4 GiB
 * would make that end 0 (the hash of nothing, or a loop that never stops). So the last page is never
 * handed out. JS engines may cap a Memory lower still (Chromium: 4 GiB or 2 GiB); growing then fails
 * with a RangeError naming the parameter.
 */
const WASM32_PAGES = 65535;

export class Arena {
  #top: number;
  readonly base: number;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
    readonly maxPages: number = WASM32_PAGES,
  ) {
    this.base = align(base, 16);
    this.#top = this.base;
  }

  /** Forgets every allocation. */
  reset(): void {
    this.#top = this.base;
  }

  /** Reserves `bytes` (16-byte aligned), growing memory if needed; `name` is the parameter it holds, for the error. */
  alloc(bytes: number, name: string): number {
    const ptr = this.#top;
    const end = ptr + align(bytes, 16);
    const limit = this.maxPages * PAGE;
    if (end > limit) throw new RangeError(`Expected \`${name}\` to fit in wasm memory (at most ${limit - ptr} bytes), got ${bytes} bytes`);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch (cause) {
        throw new RangeError(`Could not grow wasm memory to hold \`${name}\` (${bytes} bytes): ${(cause as Error).message}`, { cause });
      }
    }
    this.#top = end;
    return ptr;
  }

  /** Copies `data` into fresh arena space and returns its pointer. */
  put(data: ArrayBufferView, name: string): number {
    const ptr = this.alloc(data.byteLength, name);
    new Uint8Array(this.memory.buffer, ptr, data.byteLength).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return ptr;
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
