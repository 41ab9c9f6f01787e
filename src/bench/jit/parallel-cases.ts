// The prange cases of the jit bench: Numba's parallel=True. Each loop is written once with `prange`
// and measured as plain JavaScript (prange is a range iterator there), jitted for one thread (the jit
// column: prange is a counted loop), and jitted with `{ parallel: true }` on a pool of 2 workers (an
// extra row, whose × jit is the figure), same run, same inputs. The arrays are ordinary typed
// arrays: the parallel row pays copying them into the pool's shared memory and back, as a user's call would.
import { prange } from "../../jit/parallel/prange.ts";
import type { Pool } from "../../pool/types.ts";
import type { BenchCase, Implementation, SkippedImplementation } from "../types.ts";
import { canonical } from "./answers.ts";
import type { JitEnv } from "./cases.ts";
import { JIT, PLAIN } from "./loop-specs.ts";

/** The tutorial's f with prange: 0 + 1 + … + (n − 1), wrapping modulo 2^64. */
export function prangeSum(n: bigint): bigint {
  let total = 0n;
  for (const i of prange(0n, n)) total += i;
  return total;
}

/** splitmix64's finalizer: a u64 hash (jitted on its own; prangeHits calls it by name). Wrapped as jit wraps, so plain JS agrees. */
export function splitmix(z: bigint): bigint {
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

/** Monte Carlo π as the issue writes it: points from two hashes of i, 31-bit coordinates, counted inside the quarter circle. */
export function prangeHits(n: bigint): bigint {
  let inside = 0n;
  for (const i of prange(0n, n)) {
    const x = splitmix(i) >> 33n;
    const y = splitmix(i ^ 0x9e3779b97f4a7c15n) >> 33n;
    if (x * x + y * y < 1n << 62n) inside++;
  }
  return inside;
}

/** Mandelbrot escape counts by rows, over [−2, 0.5] × [−1.25, 1.25] (loops.ts's mandelbrot, its rows a prange). */
export function prangeMandelbrot(out: Int32Array, width: number, height: number, maxIter: number): void {
  for (const py of prange(height)) {
    const cy = -1.25 + (2.5 * py) / height;
    for (let px = 0; px < width; px++) {
      const cx = -2 + (2.5 * px) / width;
      let zx = 0;
      let zy = 0;
      let i = 0;
      for (; i < maxIter; i++) {
        const x2 = zx * zx;
        const y2 = zy * zy;
        if (x2 + y2 > 4) break;
        zy = 2 * zx * zy + cy;
        zx = x2 - y2 + cx;
      }
      out[py * width + px] = i;
    }
  }
}

/** One prange loop of the bench: how its input is made and its function called. */
interface ParallelLoop<I> {
  id: string;
  title: string;
  unit: string;
  sizes: { quick: number; full: number };
  input(size: number): I;
  fn: (...args: any[]) => unknown;
  /** A fresh call's arguments (arrays new each time, so no row sees another's writes). */
  args(input: I): unknown[];
  /** The answer: the return value, or what the call wrote. */
  answer(ret: unknown, args: unknown[]): unknown;
  /** Callees to jit first (by name, as jit finds them). */
  callees?: Array<[(...args: any[]) => unknown, string]>;
  /** The plain row above this size is skipped (plain bigint loops need seconds). */
  plainMax?: number;
  /** The known answer, where there is a closed form. */
  expected?(size: number): string;
}

const MAX_ITER = 200;
const WIDTH = 1000;

const LOOPS: ReadonlyArray<ParallelLoop<any>> = [
  {
    id: "prange-sum",
    title: "prange: sum of 0..n (the tutorial's f), bigint, 2 workers against one thread",
    unit: "integers",
    sizes: { quick: 1_000_000, full: 1_000_000_000 },
    input: BigInt,
    fn: prangeSum,
    args: (n: bigint) => [n],
    answer: (ret) => ret,
    plainMax: 20_000_000,
    expected: (n) => `${BigInt.asUintN(64, (BigInt(n) * (BigInt(n) - 1n)) / 2n)}n`,
  } satisfies ParallelLoop<bigint>,
  {
    id: "prange-monte-carlo",
    title: "prange: Monte Carlo π from a u64 hash, bigint, 2 workers against one thread",
    unit: "samples",
    sizes: { quick: 100_000, full: 50_000_000 },
    input: BigInt,
    fn: prangeHits,
    args: (n: bigint) => [n],
    answer: (ret) => ret,
    callees: [[splitmix, "u64(u64)"]],
    plainMax: 1_000_000,
  } satisfies ParallelLoop<bigint>,
  {
    id: "prange-mandelbrot",
    title: `prange: Mandelbrot ${WIDTH} wide by rows, ${MAX_ITER} iterations, 2 workers against one thread`,
    unit: "rows",
    sizes: { quick: 30, full: 750 },
    input: (height: number) => height,
    fn: prangeMandelbrot,
    args: (height: number) => [new Int32Array(WIDTH * height), WIDTH, height, MAX_ITER],
    answer: (_ret, args) => args[0],
  } satisfies ParallelLoop<number>,
];

export const PARALLEL_CASE_IDS: readonly string[] = LOOPS.map((l) => l.id);

/** The prange cases (or those of `only`). */
export function parallelCases(env: JitEnv, only?: readonly string[]): BenchCase[] {
  return LOOPS.filter((l) => !only || only.includes(l.id)).map((loop) => parallelCase(env, loop));
}

function parallelCase<I>(env: JitEnv, loop: ParallelLoop<I>): BenchCase<I> {
  const call = (fn: (...args: any[]) => unknown) => (input: I) => {
    const args = loop.args(input);
    const ret = fn(...args);
    return ret instanceof Promise ? ret.then((r) => loop.answer(r, args)) : loop.answer(ret, args);
  };
  return {
    id: loop.id,
    title: loop.title,
    unit: loop.unit,
    sizes: loop.sizes,
    input: loop.input,
    normalize: canonical,
    ...(loop.expected ? { expected: (size: number) => loop.expected!(size) } : { reference: loop.plainMax ? JIT.id : PLAIN.id }),
    async implementations() {
      const parName = { id: "jit-parallel-2", label: "jit { parallel: true }, 2 workers", kind: "jit" as const, workers: 2 };
      const plain: Implementation<I> = { ...PLAIN, run: call(loop.fn), ...(loop.plainMax ? { maxSize: loop.plainMax } : {}) };
      let single: Implementation<I> | SkippedImplementation;
      let parallel: Implementation<I> | SkippedImplementation;
      try {
        for (const [callee, signature] of loop.callees ?? []) env.jit(callee, signature);
        single = { ...JIT, run: call(env.jit(loop.fn)) };
      } catch (error) {
        single = { ...JIT, skipped: `jit refused it: ${(error as Error).message}` };
      }
      if (!env.createPool) return [plain, single, { ...parName, skipped: "this runner passes no createPool" }];
      let pool: Pool | undefined;
      try {
        pool = await env.createPool({ workers: 2, warmUp: false });
        const fn = env.jit(loop.fn, undefined, { parallel: true, pool });
        parallel = { ...parName, run: call(fn), dispose: () => pool?.close() };
      } catch (error) {
        await pool?.close();
        parallel = { ...parName, skipped: `no parallel jit here: ${(error as Error).message}` };
      }
      return [plain, single, parallel];
    },
  };
}
