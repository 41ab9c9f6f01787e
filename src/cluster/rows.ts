// Mandelbrot row blocks for `hotpath worker`: the pool's `map` imports this module (built into
// build/cluster.js) in each of its threads and calls `clusterMandelbrotRows` with one block. The pool's
// own `mandelbrot` always draws a whole image, and a block cannot be drawn as a smaller image without
// changing the rounding of each row's imaginary part (y0 + dy·row / height); the kernel's row form
// `mandelbrotRows` draws rows [rowStart, rowEnd) of the full image exactly as one thread does.
import { PAGE } from "../arena.ts";
import { kernels, type Kernels } from "../kernels/kernels.ts";
import type { Task } from "./protocol.ts";

type MandelbrotTask = Extract<Task, { kind: "mandelbrot" }>;

let instance: Promise<Kernels> | undefined;

/** Rows [rowStart, rowEnd) of a width × height Mandelbrot image, as u32 escape counts. */
export async function clusterMandelbrotRows(block: Omit<MandelbrotTask, "kind">): Promise<Uint32Array> {
  const k = await (instance ??= kernels());
  const { width, height, rowStart, rowEnd, x0, y0, x1, y1, maxIter } = block;
  const ex = k.exports;
  const out = (ex.heapBase() + 15) & ~15;
  const bytes = width * (rowEnd - rowStart) * 4;
  const need = out + bytes - ex.memory.buffer.byteLength;
  if (need > 0) ex.memory.grow(Math.ceil(need / PAGE));
  ex.mandelbrotRows(out, width, height, rowStart, rowEnd, x0, y0, x1, y1, maxIter);
  return new Uint32Array(ex.memory.buffer, out, bytes / 4).slice();
}
