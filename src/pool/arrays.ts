// Parallel forms of the built-in kernels over arrays: matmul, saxpy, dot and hashMany. Their inputs
// are data, not ranges: in shared mode they are placed in the shared memory all or nothing (arrays from
// `pool.alloc` are used where they lie), in message mode cut into slices that are moved to the workers.
// Every output element is computed by one worker exactly as on one thread, so matmul, saxpy and the
// hashes equal the single-thread kernels bit for bit; dot sums its blocks in order (equal within rounding).
import { bytesArg, matmulArgs, saxpyArgs, vectorPairArgs } from "../kernels/builtins.ts";
import { expected } from "../errors.ts";
import { checkOptions, isDetached, toU64, type U64Like } from "../validate.ts";
import type { HashAlgorithm, Job } from "./protocol.ts";
import { splitCount } from "./split.ts";
import type { CallOptions, ParallelKernels, PoolCore } from "./types.ts";

/** Message mode packs a group's buffers into one transfer of at most this many bytes; larger groups are cut further. */
const MAX_PACKED_BYTES = 1 << 30;

const addNumbers = (values: unknown[]) => (values as number[]).reduce((s, v) => s + v, 0);

/**
 * Places a call's inputs in the shared heap, all or nothing: arrays from `pool.alloc` are used where
 * they lie (held until the call ends), others are copied in; if one does not fit (a RangeError naming
 * it), what was already placed is given back before the error goes on, so a failed call gives back
 * every byte it took. `release` gives everything back once no worker touches it.
 */
export function placeAll(core: PoolCore, inputs: readonly (readonly [ArrayBufferView, string])[]): { ptrs: number[]; release: () => void } {
  const ptrs: number[] = [];
  const release = () => ptrs.forEach((ptr, i) => core.unplace(inputs[i][0], ptr));
  try {
    for (const [view, name] of inputs) ptrs.push(core.place(view, name));
  } catch (error) {
    release();
    throw error;
  }
  return { ptrs, release };
}

/** A typed array whose buffer was transferred away has no bytes left: name it rather than compute on nothing. */
function notDetached<T extends ArrayBufferView>(view: T, name: string): T {
  if (isDetached(view))
    throw new TypeError(expected(name, `a ${view.constructor.name} whose buffer is not detached (it was transferred)`, view));
  return view;
}

/** The array kernels, bound to a pool core. */
export function arrayKernels(core: PoolCore): Pick<ParallelKernels, "matmul" | "saxpy" | "dot" | "hashMany"> {
  return {
    async matmul(a, b, m, k, n, options) {
      core.check();
      if (a instanceof Float64Array) notDetached(a, "a");
      if (b instanceof Float64Array) notDetached(b, "b");
      // The kernels' own limits, C's size included: m·n·8 bytes must fit in wasm memory, in every mode.
      matmulArgs(a, b, m, k, n);
      const blocks = splitCount(0, m, core.chunkCount(options, "options"));
      const heap = core.heap;
      if (heap) {
        const placed = placeAll(core, [
          [a, "a"],
          [b, "b"],
        ]);
        let pc: number;
        try {
          pc = heap.alloc(m * n * 8, "c (m·n f64s)");
        } catch (error) {
          placed.release();
          throw error;
        }
        const [pa, pb] = placed.ptrs;
        const specs = blocks.map(([r0, r1]) => ({
          kernel: "matmul",
          label: `rows [${r0}, ${r1})`,
          make: () => ({ job: { kind: "matmul", aPtr: pa, bPtr: pb, cPtr: pc, m, k, n, rowStart: r0, rowEnd: r1 } as Job }),
          even: true,
        }));
        return core.submit(
          "matmul",
          specs,
          options,
          () => new Float64Array(core.memory!.buffer, pc, m * n).slice(),
          () => (placed.release(), heap.free(pc)),
        );
      }
      const specs = blocks.map(([r0, r1]) => ({
        kernel: "matmul",
        label: `rows [${r0}, ${r1})`,
        make: () => {
          // Fresh copies: A's rows are moved (transferred); B is needed by every block, so it is cloned.
          const aRows = a.slice(r0 * k, r1 * k);
          return { job: { kind: "matmul", aRows, b, m, k, n, rowStart: r0, rowEnd: r1 } as Job, transfer: [aRows.buffer] };
        },
      }));
      return core.submit("matmul", specs, options, (parts) => {
        const c = new Float64Array(m * n);
        blocks.forEach(([r0], i) => c.set(parts[i] as Float64Array, r0 * n));
        return c;
      });
    },

    async saxpy(alpha, x, y, options) {
      core.check();
      if (x instanceof Float64Array) notDetached(x, "x");
      if (y instanceof Float64Array) notDetached(y, "y");
      saxpyArgs(alpha, x, y);
      const slices = splitCount(0, x.length, core.chunkCount(options, "options"));
      const heap = core.heap;
      if (heap) {
        const placed = placeAll(core, [
          [x, "x"],
          [y, "y"],
        ]);
        const [px, py] = placed.ptrs;
        const inPlace = core.isResident(y);
        const specs = slices.map(([i0, i1]) => ({
          kernel: "saxpy",
          label: `[${i0}, ${i1})`,
          make: () => ({ job: { kind: "saxpy", alpha, xPtr: px + i0 * 8, yPtr: py + i0 * 8, n: i1 - i0 } as Job }),
          even: true,
        }));
        return core.submit(
          "saxpy",
          specs,
          options,
          // An array from pool.alloc was updated where it lies; a copy is copied back.
          () => (inPlace || y.set(new Float64Array(core.memory!.buffer, py, y.length)), y),
          placed.release,
        );
      }
      const specs = slices.map(([i0, i1]) => ({
        kernel: "saxpy",
        label: `[${i0}, ${i1})`,
        make: () => {
          const xs = x.slice(i0, i1);
          const ys = y.slice(i0, i1);
          return { job: { kind: "saxpy", alpha, x: xs, y: ys, n: i1 - i0 } as Job, transfer: [xs.buffer, ys.buffer] };
        },
      }));
      return core.submit("saxpy", specs, options, (parts) => {
        slices.forEach(([i0], i) => y.set(parts[i] as Float64Array, i0));
        return y;
      });
    },

    async dot(a, b, options) {
      core.check();
      if (a instanceof Float64Array) notDetached(a, "a");
      if (b instanceof Float64Array) notDetached(b, "b");
      vectorPairArgs(a, b);
      const slices = splitCount(0, a.length, core.chunkCount(options, "options"));
      const heap = core.heap;
      if (heap) {
        const placed = placeAll(core, [
          [a, "a"],
          [b, "b"],
        ]);
        const [pa, pb] = placed.ptrs;
        const specs = slices.map(([i0, i1]) => ({
          kernel: "dot",
          label: `[${i0}, ${i1})`,
          make: () => ({ job: { kind: "dot", aPtr: pa + i0 * 8, bPtr: pb + i0 * 8, n: i1 - i0 } as Job }),
          even: true,
        }));
        return core.submit("dot", specs, options, addNumbers, placed.release);
      }
      const specs = slices.map(([i0, i1]) => ({
        kernel: "dot",
        label: `[${i0}, ${i1})`,
        make: () => {
          const as = a.slice(i0, i1);
          const bs = b.slice(i0, i1);
          return { job: { kind: "dot", a: as, b: bs, n: i1 - i0 } as Job, transfer: [as.buffer, bs.buffer] };
        },
      }));
      return core.submit("dot", specs, options, addNumbers);
    },

    async hashMany(buffers, options) {
      core.check();
      const opts = checkOptions(options, "options", ["signal", "chunks", "algorithm", "seed"]) as CallOptions & {
        algorithm?: HashAlgorithm;
        seed?: U64Like;
      };
      const algorithm = opts.algorithm === undefined ? "xxhash64" : opts.algorithm;
      if (algorithm !== "fnv1a64" && algorithm !== "xxhash64")
        throw new TypeError(expected("options.algorithm", '"fnv1a64" or "xxhash64"', algorithm));
      const seed = opts.seed === undefined ? 0n : toU64(opts.seed, "options.seed");
      if (!Array.isArray(buffers)) throw new TypeError(expected("buffers", "an array of byte buffers", buffers));
      // Each buffer small enough that ptr + len never passes 4 GiB (the kernels' u32 end would wrap to 0).
      const views = buffers.map((b, i) => {
        if (ArrayBuffer.isView(b)) notDetached(b, `buffers[${i}]`);
        return bytesArg(b, `buffers[${i}]`);
      });
      const call = { signal: opts.signal, chunks: opts.chunks };
      const chunks = core.chunkCount(call, "options");
      const lensOf = (i0: number, i1: number) => Uint32Array.from(views.slice(i0, i1), (v) => v.byteLength);
      const heap = core.heap;
      if (heap) {
        const groups = splitCount(0, views.length, chunks);
        // An array from pool.alloc is hashed where it lies; other buffers are copied in.
        const placed = placeAll(
          core,
          views.map(
            (v, i) => [core.isResident(buffers[i] as ArrayBufferView) ? (buffers[i] as ArrayBufferView) : v, `buffers[${i}]`] as const,
          ),
        );
        // One block for the call: the (pointer, length) table, then the hashes (8-byte aligned: the table
        // has an even number of u32s). Jobs carry only offsets into it, so they go through the mailbox.
        const count = views.length;
        let block: number;
        try {
          block = heap.alloc(count * 16, "the table of buffers and their hashes");
        } catch (error) {
          placed.release();
          throw error;
        }
        const table = new Uint32Array(core.memory!.buffer, block, count * 2);
        placed.ptrs.forEach((ptr, i) => ((table[2 * i] = ptr), (table[2 * i + 1] = views[i].byteLength)));
        const outAt = block + count * 8;
        // Groups of as many buffers of one length cost the same: nothing to balance (ChunkSpec.even).
        const even = views.every((v) => v.byteLength === views[0].byteLength);
        const specs = groups.map(([i0, i1]) => ({
          kernel: algorithm,
          label: `buffers [${i0}, ${i1})`,
          even,
          make: () => ({
            job: {
              kind: "hashAt",
              xxhash: algorithm === "xxhash64" ? 1 : 0,
              seed,
              tablePtr: block + i0 * 8,
              count: i1 - i0,
              outPtr: outAt + i0 * 8,
            } as Job,
          }),
        }));
        return core.submit(
          "hashMany",
          specs,
          call,
          () => new BigUint64Array(core.memory!.buffer, outAt, count).slice(),
          () => (placed.release(), heap.free(block)),
        );
      }
      // Message mode: one packed buffer per group, moved to the worker (one transfer instead of many clones),
      // never more than MAX_PACKED_BYTES unless a single buffer is larger (it then travels alone).
      const groups = splitCount(0, views.length, chunks).flatMap(([i0, i1]) => byBytes(views, i0, i1, MAX_PACKED_BYTES));
      const specs = groups.map(([i0, i1]) => ({
        kernel: algorithm,
        label: `buffers [${i0}, ${i1})`,
        make: () => {
          const lens = lensOf(i0, i1);
          const packed = new Uint8Array(lens.reduce((s, l) => s + l, 0));
          for (let i = i0, at = 0; i < i1; at += views[i].byteLength, i++) packed.set(views[i], at);
          return { job: { kind: "hash", algorithm, seed, lens, packed } as Job, transfer: [packed.buffer] };
        },
      }));
      return core.submit("hashMany", specs, call, gather(views.length, groups));
    },
  };
}

/** Puts each group's hashes at its place in one BigUint64Array. */
function gather(count: number, groups: [number, number][]): (parts: unknown[]) => BigUint64Array {
  return (parts) => {
    const out = new BigUint64Array(count);
    groups.forEach(([i0], i) => out.set(parts[i] as BigUint64Array, i0));
    return out;
  };
}

/** Cuts [i0, i1) into runs of buffers whose bytes add up to at most `limit` (a larger buffer makes a run of its own). */
function byBytes(views: readonly Uint8Array[], i0: number, i1: number, limit: number): [number, number][] {
  const out: [number, number][] = [];
  let start = i0;
  let bytes = 0;
  for (let i = i0; i < i1; i++) {
    const size = views[i].byteLength;
    if (i > start && bytes + size > limit) {
      out.push([start, i]);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (i1 > start) out.push([start, i1]);
  return out;
}
