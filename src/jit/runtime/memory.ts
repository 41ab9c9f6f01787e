// jit's memory on this thread: one WebAssembly.Memory that every jitted function imports, so an
// array made by `jit.array` lives where the compiled code reads it and is passed by pointer (no copy
// in, no copy out), and an ordinary typed array is copied into a block of it for one call only.
//
// The memory is shared where the runtime allows it (Node, Deno, Bun, cross-origin isolated pages):
// growing a shared memory keeps every view on it valid, so a `jit.array` stays usable for its whole
// life. Elsewhere (a page without COOP/COEP) it is an ordinary memory, and growing it detaches the
// views made before: passing such an array is then a named error, never a read of nothing.
import { PAGE } from "../../arena.ts";
import { expected } from "../../errors.ts";
import { SharedHeap } from "../../heap.ts";
import { retire } from "../../retired.ts";
import { ELEMENTS, type ElementType } from "../analysis/types.ts";
import type { WasmMemory } from "../wasm/wasm.ts";
import { ALLOC_ELEMENTS } from "../codegen/allocation.ts";

/** wasm32's 4 GiB, in pages: the most a module may declare and a memory may grow to. */
const MAX_PAGES = 65536;

export type JitArrayConstructor = (typeof ELEMENTS)[ElementType]["array"];
type View = ArrayBufferView & ArrayLike<number | bigint>;

interface Arena {
  readonly memory: WebAssembly.Memory;
  readonly heap: SharedHeap;
  readonly shared: boolean;
}

let arena: Arena | undefined;
/** Every `memory.buffer` object this arena has had (a shared memory hands out a new one after each grow). */
const buffers = new WeakSet<ArrayBufferLike>();
/** Arrays from `jit.array` not given back yet, and those given back (passing one again is an error). */
const live = new WeakSet<View>();
const freed = new WeakSet<View>();

/**
 * The block of a `jit.array`, by its start. A call that runs after this one returns (a parallel
 * function, a pool task) holds the blocks of the arrays it was given (`borrow`): `jit.free` of a held
 * array marks it given back at once (later calls refuse it) and gives its block back when the last
 * call holding it ends, so that no array made meanwhile takes the block under a running call.
 */
interface Block {
  readonly ptr: number;
  readonly bytes: number;
  borrows: number;
  freed: boolean;
}
const blocks = new Map<number, Block>();
const blockOfView = new WeakMap<View, Block>();

/** The block `view` lies in: its own, or for a view of part of one (a subarray), the block holding it. */
function blockOf(view: ArrayBufferView): Block | undefined {
  const own = blockOfView.get(view as View);
  if (own) return own;
  const start = view.byteOffset;
  const end = start + view.byteLength;
  for (const block of blocks.values()) if (block.ptr <= start && end <= block.ptr + block.bytes) return block;
  return undefined;
}

function releaseBlock(block: Block): void {
  blocks.delete(block.ptr);
  theArena().heap.free(block.ptr);
}

function theArena(): Arena {
  if (arena) return arena;
  let memory: WebAssembly.Memory | undefined;
  if (typeof SharedArrayBuffer === "function")
    try {
      memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
      // Some pages can construct a shared memory they cannot use: treat that as not shared.
      if (!(memory.buffer instanceof SharedArrayBuffer)) memory = undefined;
    } catch {
      memory = undefined;
    }
  const shared = memory !== undefined;
  memory ??= new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
  // The first page is never handed out: the default pool of parallel functions runs hotpath's threads
  // build in this memory (default-pool.ts), whose static data lies there. Nor is the last page, so
  // `ptr + length` never wraps to 0 in i32.
  arena = { memory, heap: new SharedHeap(memory, PAGE, (MAX_PAGES - 1) * PAGE, "jit's memory"), shared };
  buffers.add(memory.buffer);
  return arena;
}

/** The memory type compiled modules import to run in the arena. @internal */
export function arenaMemoryType(): WasmMemory {
  return { kind: "import", shared: theArena().shared, maximum: MAX_PAGES };
}

/** The arena's heap (the default pool of parallel functions allocates in it too). @internal */
export function arenaHeap(): SharedHeap {
  return theArena().heap;
}

/** The arena's memory (what compiled modules on this thread import as `env.memory`). @internal */
export function arenaMemory(): WebAssembly.Memory {
  return theArena().memory;
}

/** Is the arena shared memory (then `jit.array` arrays survive its growth)? @internal */
export function arenaShared(): boolean {
  return theArena().shared;
}

/**
 * `jit.array(Float64Array, n)`: a zeroed typed array of n elements in jit's memory;
 * `jit.array(Float64Array, values)`: one holding a copy of `values`. Give it back with `jit.free`.
 */
export function jitArray<C extends JitArrayConstructor>(ctor: C, lengthOrValues: number | ArrayLike<number | bigint>): InstanceType<C> {
  const element = Object.values(ELEMENTS).find((e) => e.array === ctor);
  if (!element)
    throw new TypeError(
      expected(
        "ctor",
        `one of ${Object.values(ELEMENTS)
          .map((e) => e.array.name)
          .join(", ")}`,
        // A constructor by its name ("Int8Array"), not as "a function".
        typeof ctor === "function" ? (ctor as { name: string }).name : ctor,
      ),
    );
  const values = typeof lengthOrValues === "number" ? undefined : lengthOrValues;
  const length = values ? values.length : (lengthOrValues as number);
  if (values !== undefined && (values === null || typeof values !== "object" || typeof values.length !== "number"))
    throw new TypeError(expected("lengthOrValues", "a length, or an array-like of values", lengthOrValues));
  if (!Number.isSafeInteger(length) || length < 0)
    throw new RangeError(expected("lengthOrValues", "a length: an integer ≥ 0", lengthOrValues));
  const { memory, heap } = theArena();
  const bytes = length * element.bytes;
  const ptr = heap.alloc(bytes, `jit.array(${ctor.name}, ${length})`);
  buffers.add(memory.buffer);
  const view = new (ctor as unknown as new (b: ArrayBufferLike, o: number, l: number) => View)(memory.buffer, ptr, length);
  new Uint8Array(memory.buffer, ptr, bytes).fill(0);
  if (values)
    try {
      (view as unknown as { set(v: ArrayLike<number | bigint>): void }).set(values);
    } catch (e) {
      // Values the array cannot hold (numbers for a BigInt64Array…): its block is given back.
      heap.free(ptr);
      throw new TypeError(expected("lengthOrValues", `values a ${ctor.name} can hold (${(e as Error).message})`, lengthOrValues));
    }
  live.add(view);
  const block: Block = { ptr, bytes, borrows: 0, freed: false };
  blocks.set(ptr, block);
  blockOfView.set(view, block);
  return view as InstanceType<C>;
}

/** Gives back an array from `jit.array`; using it afterwards is an error where it can be seen. */
export function jitFree(array: ArrayBufferView): void {
  const view = array as View;
  if (!live.has(view))
    throw new TypeError(
      expected(
        "array",
        freed.has(view) ? "an array from jit.array that was not freed yet (this one was)" : "an array from jit.array",
        array,
      ),
    );
  live.delete(view);
  freed.add(view);
  retire(view);
  const block = blockOfView.get(view)!;
  block.freed = true;
  if (block.borrows === 0) releaseBlock(block);
}

/**
 * A call that outlives this one (a parallel function, a pool task) holds `view` if it lies in jit's
 * memory: its address, or undefined for an array of elsewhere. Refused by name: an array given back
 * (unless a call still holds its block: the same call placing it again), a view of no array.
 * @internal
 */
export function borrow(view: ArrayBufferView, name: string): number | undefined {
  const address = addressOf(view, () => name);
  if (address === undefined) return undefined;
  const block = blockOf(view);
  if (block) block.borrows++;
  return address;
}

/** Ends a hold taken by `borrow` (the block is given back if its array was freed meanwhile). @internal */
export function giveBack(view: ArrayBufferView): void {
  if (!buffers.has(view.buffer)) return;
  const block = blockOf(view);
  if (block && --block.borrows === 0 && block.freed) releaseBlock(block);
}

/** Whether `view` lies in jit's memory (never throws). @internal */
export function inArena(view: ArrayBufferView): boolean {
  return buffers.has(view.buffer);
}

/**
 * The bytes of the typed arrays among `args` (`elementBytes[i]` a byte per element of argument i, 0 for
 * what is not an array); with `copiedOnly`, of those a call copies (not of jit's memory). Two numbers,
 * not an object: this runs on every measured call, and an allocation per call was a share of a small one.
 * @internal
 */
export function arrayBytes(args: readonly unknown[], elementBytes: readonly number[], copiedOnly = false): number {
  let bytes = 0;
  // The length, not byteLength: a load where byteLength is a call in some engines.
  for (let i = 0; i < args.length; i++)
    if (elementBytes[i] && !(copiedOnly && buffers.has((args[i] as ArrayBufferView).buffer)))
      bytes += (args[i] as ArrayLike<unknown>).length * elementBytes[i];
  return bytes;
}

/**
 * Where the compiled code finds `view` for one call: its own address when it lives in the arena
 * (no copy), else undefined (the caller copies it in). Throws for a freed array and for one whose
 * memory has been detached by growth (not shared).
 * @internal
 */
export function addressOf(view: ArrayBufferView, name: () => string, buffer: ArrayBufferLike = view.buffer): number | undefined {
  if (!buffers.has(buffer)) return undefined;
  if (!live.has(view as View)) {
    // A jit.array given back, or a view of part of one (a subarray) or of no array at all: usable when
    // it lies in a live array, or in a given-back one whose block a running call still holds (that
    // call's own later steps use it: its pool placing it, its prologue). A view of a block given back
    // and handed out again cannot be told from a view of the new array: that one is not caught.
    const block = blockOf(view);
    const usable = block !== undefined && (block.borrows > 0 || (!block.freed && !freed.has(view as View)));
    if (!usable)
      throw new TypeError(
        expected(
          name(),
          "an array from jit.array that was not freed yet (this one, or the array it is part of, was given back with jit.free)",
          view,
        ),
      );
  }
  if (!arena!.shared && buffer !== arena!.memory.buffer)
    throw new TypeError(
      expected(
        name(),
        "an array from jit.array made after jit's memory last grew (in a page without cross-origin isolation jit's memory is not shared, and growing it detaches earlier arrays)",
        view,
      ),
    );
  return view.byteOffset;
}

/**
 * Copies `view` into a fresh block of the arena for one call; `release` gives it back. `ctor`: the
 * element type's own constructor (`view` may be of a subclass).
 * @internal
 */
export function copyIn(view: ArrayBufferView, ctor: JitArrayConstructor, name: string): number {
  const size = Math.max(16, Math.ceil(view.byteLength / 16) * 16);
  scratch.need += size;
  if (scratch.used + size > scratch.bytes) return theArena().heap.put(view, name);
  const ptr = scratch.ptr + scratch.used;
  scratch.used += size;
  memoryView(ctor, ptr + size).set(view as View, ptr / bytesPerElement(ctor));
  return ptr;
}

/** A block of `size` bytes for one call's copy: the copies' region while it has room, else the heap. */
function copyBlock(size: number, name: string): number {
  scratch.need += size;
  if (scratch.used + size > scratch.bytes) return theArena().heap.alloc(size, name);
  const ptr = scratch.ptr + scratch.used;
  scratch.used += size;
  return ptr;
}

/**
 * Copies bytes [lo, hi) of `buffer` into the arena for one call: the region under several overlapping
 * views passed to one call, which must stay one memory in wasm as they are one in JavaScript. `ptr` is
 * where byte `lo` lands, ≡ lo (mod 16) so that every view keeps its alignment; `block` is what
 * `release` takes back.
 * @internal
 */
export function copyRegionIn(buffer: ArrayBufferLike, lo: number, hi: number, name: string): { block: number; ptr: number } {
  const bytes = hi - lo;
  const block = copyBlock(Math.max(16, Math.ceil((bytes + 15) / 16) * 16), name);
  const ptr = block + ((lo - block) & 15);
  memoryView(Uint8Array, ptr + bytes).set(new Uint8Array(buffer, lo, bytes), ptr);
  return { block, ptr };
}

/** Copies the region at `ptr` (from copyRegionIn) back into bytes [lo, hi) of `buffer`. @internal */
export function copyRegionBack(buffer: ArrayBufferLike, lo: number, hi: number, ptr: number): void {
  new Uint8Array(buffer, lo, hi - lo).set(memoryView(Uint8Array, ptr + hi - lo).subarray(ptr, ptr + hi - lo) as ArrayLike<number>);
}

/** Copies the block at `ptr` (from copyIn) back into `view`. @internal */
export function copyBack(view: ArrayBufferView, ctor: JitArrayConstructor, ptr: number): void {
  const per = bytesPerElement(ctor);
  const at = ptr / per;
  const length = (view as View).length;
  (view as unknown as Typed).set(memoryView(ctor, ptr + length * per).subarray(at, at + length));
}

/**
 * What keeps `array` (a plain Array) from being passed as an array of numbers: "element 3 is a string"
 * (a hole: "element 3 is empty (a hole)"), or undefined when every element below its length is a number.
 * @internal
 */
export function notNumbers(array: readonly unknown[]): string | undefined {
  const n = array.length;
  for (let k = 0; k < n; k++) if (typeof array[k] !== "number") return elementProblem(array, k);
  return undefined;
}

function elementProblem(array: readonly unknown[], k: number): string {
  const v = array[k];
  if (v === undefined && !(k in array)) return `element ${k} is empty (a hole)`;
  const what =
    v === null || v === undefined
      ? String(v)
      : typeof v === "object"
        ? Array.isArray(v)
          ? "an array"
          : "an object"
        : `${/^[aeiou]/.test(typeof v) ? "an" : "a"} ${typeof v}`;
  return `element ${k} is ${what}`;
}

/**
 * Copies a plain Array of numbers into a fresh block of the arena for one call, as f64s (a number is
 * an f64: the copy is exact), checking each element as it goes. Returns the block (`release` gives it
 * back), or, when an element is not a number, the problem ("element 3 is a string") with the block
 * already given back.
 * @internal
 */
export function copyPlainIn(array: readonly unknown[], name: string): number | string {
  const n = array.length;
  const bytes = n * 8;
  const size = Math.max(16, Math.ceil(bytes / 16) * 16);
  const ptr = copyBlock(size, name);
  const memory = memoryView(Float64Array, ptr + bytes) as unknown as Float64Array;
  const at = ptr / 8;
  for (let k = 0; k < n; k++) {
    const v = array[k];
    if (typeof v !== "number") {
      // Given back at once (a scratch block was the last one bumped: this call's copies end here).
      if (ptr >= scratch.ptr && ptr < scratch.ptr + scratch.bytes) scratch.used -= size;
      else release(ptr);
      scratch.need -= size;
      return elementProblem(array, k);
    }
    memory[at + k] = v;
  }
  return ptr;
}

/** Writes the block at `ptr` (from copyPlainIn) back into `array`, element by element. @internal */
export function copyPlainBack(array: unknown[], ptr: number): void {
  const n = array.length;
  const memory = memoryView(Float64Array, ptr + n * 8) as unknown as Float64Array;
  const at = ptr / 8;
  for (let k = 0; k < n; k++) array[k] = memory[at + k];
}

/** @internal */
export function release(ptr: number): void {
  if (ptr < scratch.ptr || ptr >= scratch.ptr + scratch.bytes) theArena().heap.free(ptr);
}

/**
 * After a call's copies were released: the scratch is free again, and made big enough for this call's
 * copies when they did not fit (up to SCRATCH_MAX).
 * @internal
 */
export function endCall(): void {
  const need = scratch.need;
  scratch.used = scratch.need = 0;
  if (need <= scratch.bytes || need > SCRATCH_MAX) return;
  const { heap } = theArena();
  if (scratch.bytes > 0) heap.free(scratch.ptr);
  const bytes = Math.min(SCRATCH_MAX, Math.ceil(need / SCRATCH_STEP) * SCRATCH_STEP);
  scratch.bytes = 0;
  scratch.ptr = heap.alloc(bytes, "the copies of a call's arrays");
  scratch.bytes = bytes;
}

/**
 * The copies of one call's ordinary arrays are bump-allocated in a block kept between calls (the
 * calls on a thread never overlap: the boundary is synchronous), so a call on small arrays pays no
 * allocation. A copy that does not fit takes a heap block of its own, and the next call finds a block
 * big enough, up to SCRATCH_MAX (a larger copy costs far more than an allocation).
 */
const SCRATCH_MAX = 1 << 20;
const SCRATCH_STEP = 1 << 16;
const scratch = { ptr: 0, bytes: 0, used: 0, need: 0 };

/**
 * A view of jit's memory with `ctor`'s elements reaching at least byte `end`. Shared memory: a view made
 * before the memory grew stays valid up to its old end, so it is made again only when `end` lies past
 * that (reading `memory.buffer` is a call into the engine). Otherwise growth detaches the views: the
 * buffer is looked at every time.
 */
function memoryView(ctor: JitArrayConstructor, end: number): Typed {
  const cached = views.get(ctor);
  if (cached && cached.shared && end <= cached.bytes) return cached.view;
  const { memory, shared } = theArena();
  const buffer = memory.buffer;
  if (buffer !== viewsOf) {
    views.clear();
    viewsOf = buffer;
  }
  let entry = views.get(ctor);
  if (!entry)
    views.set(
      ctor,
      (entry = { view: new (ctor as unknown as new (b: ArrayBufferLike) => Typed)(buffer), bytes: buffer.byteLength, shared }),
    );
  return entry.view;
}
const views = new Map<JitArrayConstructor, { view: Typed; bytes: number; shared: boolean }>();
const bytesPerElement = (ctor: JitArrayConstructor) => (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
/** What copyIn and copyBack use of a typed array, whatever its element type. */
interface Typed {
  set(values: ArrayLike<number | bigint>, at?: number): void;
  subarray(begin: number, end: number): Typed & ArrayLike<number | bigint>;
}
let viewsOf: ArrayBufferLike | undefined;

/** Bytes of the arena handed out (jit.array arrays, the copies and arrays of calls in progress): for tests. @internal */
export function arenaUsed(): number {
  return theArena().heap.used - scratch.bytes - stack.bytes;
}

/**
 * The arrays compiled code makes (`new Float64Array(n)`: codegen/allocation.ts) take blocks of jit's
 * memory that their call gives back when it ends, whatever way it ends (`callStart`, `callEnd`), or
 * sooner (`callFree`, at the end of the block statement that made them). Small ones are stacked in a
 * region kept between calls: they are given back in about the order they were made (a scope's last
 * first), so making and giving back `new Float64Array(3)` in a loop costs a few instructions, not a
 * search of the heap. A block given back under others stays taken until they are given back too.
 * Larger ones, and small ones that do not fit, are blocks of the heap.
 */
const STACK_BYTES = 1 << 18;
const STACK_BLOCK_MAX = 1 << 12;
const stack = { ptr: 0, bytes: 0, top: 0 };
/** The stacked blocks, in the order made: a block's start, or −1 − start once given back (the region's top is above the last). */
const stacked: number[] = [];
/** The heap blocks made by calls, not given back yet. */
const heaped: number[] = [];
/** Per call in progress (calls nest: compiled code calling a jit function's original), where its blocks start. */
const calls: number[] = [];

/**
 * `new T(length)` in compiled code (T the typed array of `ALLOC_ELEMENTS[element]`): a block for it,
 * which the code zeroes or fills (codegen/allocation.ts). Its length is checked as JavaScript's ToIndex
 * does (truncated, NaN as 0; a negative or unsafe one is a RangeError), its room in memory as
 * `jit.array`'s. @internal
 */
export function callAlloc(length: number, element: number): number {
  const info = ELEMENTS[ALLOC_ELEMENTS[element]];
  const n = Math.trunc(length) || 0;
  // The engine's own error, by making the array: it throws before allocating anything (each engine words it its way).
  if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER)) throw engineError(() => new info.array(length), `Invalid typed array length: ${length}`);
  const bytes = n * info.bytes;
  const size = Math.max(16, Math.ceil(bytes / 16) * 16);
  if (size <= STACK_BLOCK_MAX && stack.bytes === 0) stack.ptr = theArena().heap.alloc((stack.bytes = STACK_BYTES), "the arrays calls make");
  if (size > STACK_BLOCK_MAX || stack.top + size > stack.bytes) {
    const ptr = theArena().heap.alloc(bytes, `new ${info.array.name}(${n})`);
    heaped.push(ptr);
    return ptr;
  }
  const ptr = stack.ptr + stack.top;
  stack.top += size;
  stacked.push(ptr);
  return ptr;
}

/**
 * The error `act` throws, done by the host where each engine words it its own way (an engine that did
 * not throw: a RangeError with V8's words). @internal
 */
export function engineError(act: () => unknown, otherwise: string): Error {
  try {
    act();
  } catch (e) {
    return e as Error;
  }
  return new RangeError(otherwise);
}

/** Gives back a block from `callAlloc` before its call ends. @internal */
export function callFree(address: number): void {
  const ptr = address >>> 0;
  if (ptr >= stack.ptr && ptr < stack.ptr + stack.bytes) {
    const at = stacked.lastIndexOf(ptr);
    if (at < 0) return;
    stacked[at] = -1 - ptr;
    unstack(stacked.length);
    return;
  }
  const at = heaped.lastIndexOf(ptr);
  if (at < 0) return;
  heaped.splice(at, 1);
  theArena().heap.free(ptr);
}

/** Pops the given-back blocks at the stack's top (and, from `mark` up, the others too). */
function unstack(mark: number): void {
  while (stacked.length > 0 && (stacked.length > mark || stacked[stacked.length - 1] < 0)) {
    const last = stacked.pop()!;
    stack.top = (last < 0 ? -1 - last : last) - stack.ptr;
  }
}

/** A call begins: the blocks made from now on are its own. @internal */
export function callStart(): void {
  calls.push(stacked.length, heaped.length);
}

/** A call ends: every block it made and did not give back goes back (heap blocks last made first). @internal */
export function callEnd(): void {
  const heapMark = calls.pop()!;
  unstack(calls.pop()!);
  const { heap } = theArena();
  while (heaped.length > heapMark) heap.free(heaped.pop()!);
}

/** A copy of `length` elements of type `ctor` at `ptr` in jit's memory: an array a call returns. @internal */
export function copyOut(ctor: JitArrayConstructor, ptr: number, length: number): ArrayBufferView {
  const per = bytesPerElement(ctor);
  const out = new (ctor as unknown as new (n: number) => Typed)(length);
  out.set(memoryView(ctor, ptr + length * per).subarray(ptr / per, ptr / per + length));
  return out as unknown as ArrayBufferView;
}
