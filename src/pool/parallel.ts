// Parallel forms of the built-in kernels. Each cuts its input into chunks the kernels' range or row
// forms accept (src/kernels/abi.ts), so that the combined answer equals the single-thread kernel's bit
// for bit (sums, range kernels, primes, Collatz, Monte Carlo hits, Mandelbrot rows); the array kernels
// (matmul, saxpy, dot, hashMany) are in arrays.ts. Arguments and limits are the single-thread kernels'
// own (src/kernels/builtins.ts), so a bad argument reads the same everywhere.
import { RANGE_KERNEL_FUNCTIONS, type RangeKernelName } from "../kernels/abi.ts";
import {
  RANGE_KERNELS,
  collatzOverflow,
  foldRange,
  countPrimesArgs,
  countPrimesRangeArgs,
  longestCollatzArgs,
  longestCollatzRangeArgs,
  mandelbrotArgs,
  monteCarloArgs,
  monteCarloResult,
  sumIntegersArgs,
  type Range,
} from "../kernels/builtins.ts";
import { toU64, type U64Like } from "../validate.ts";
import type { CollatzBest, Job } from "./protocol.ts";
import { arrayKernels } from "./arrays.ts";
import { splitCount, splitRange } from "./split.ts";
import type { CallOptions, ChunkSpec, ParallelKernels, ParallelRangeKernels, PoolCore } from "./types.ts";

export type { ParallelKernels, ParallelMandelbrotOptions } from "./types.ts";

const wrapAdd = (values: unknown[]) => (values as bigint[]).reduce((s, v) => BigInt.asUintN(64, s + v), 0n);
const addNumbers = (values: unknown[]) => (values as number[]).reduce((s, v) => s + v, 0);

/** Binds the parallel kernels to a pool core. @internal */
export function parallelKernels(core: PoolCore): ParallelKernels {
  const ranges = (range: Range, options: CallOptions | undefined, kernel: string, job: (lo: bigint, hi: bigint) => Job): ChunkSpec[] =>
    splitRange(range[0], range[1], core.chunkCount(options, "options")).map(([a, b]) => ({
      kernel,
      label: `[${a}, ${b})`,
      make: () => ({ job: job(a, b) }),
    }));

  const sumRange = (range: Range, options?: CallOptions) =>
    core.submit(
      "sumRange",
      ranges(range, options, "sumRange", (lo, hi) => ({ kind: "sumRange", lo, hi })),
      options,
      wrapAdd,
    );

  const primes = (range: Range, options?: CallOptions) => {
    const specs = ranges(range, options, "countPrimesRange", (lo, hi) => ({ kind: "countPrimes", lo, hi }));
    const heap = core.heap;
    if (!heap) return core.submit("countPrimes", specs, options, addNumbers);
    // Shared memory: each chunk gets its own scratch, held until every worker is done with the task.
    const scratch: number[] = [];
    const shared = specs.map((spec, i) => ({
      ...spec,
      make: () => {
        const job = spec.make().job as Extract<Job, { kind: "countPrimes" }>;
        scratch[i] ??= heap.alloc(core.scratchForPrimes(job.lo, job.hi), "scratch");
        return { job: { ...job, scratchPtr: scratch[i] } };
      },
    }));
    return core.submit("countPrimes", shared, options, addNumbers, () => scratch.forEach((p) => p !== undefined && heap.free(p)));
  };

  const collatz = ([l, h]: Range, options?: CallOptions) => {
    // Every chunk starts at 1 or above and is not empty, so a chunk's start 0 can only mean "a chain passed 2^64".
    const specs = ranges([l, h], options, "longestCollatzRange", (lo, hi) => ({ kind: "collatz", lo, hi }));
    return core.submit("longestCollatz", specs, options, (results) => {
      let best: CollatzBest | undefined;
      for (const r of results as CollatzBest[]) {
        if (r.start === 0n) throw collatzOverflow(l, h);
        // Chunks come in range order: strictly longer wins, so ties keep the smallest start.
        if (!best || r.steps > best.steps) best = r;
      }
      return { start: best!.start, steps: best!.steps };
    });
  };

  // Every range kernel of the contract: [lo, hi) by ranges, the pieces combined as RANGE_KERNELS says.
  const rangeKernels = Object.fromEntries(
    RANGE_KERNEL_FUNCTIONS.map((name: RangeKernelName) => [
      name,
      async (lo: U64Like, hi: U64Like, options?: CallOptions) => {
        core.check();
        const specs = ranges([toU64(lo, "lo"), toU64(hi, "hi")], options, name, (a, b) => ({ kind: "range", kernel: name, lo: a, hi: b }));
        const how = RANGE_KERNELS[name].combine;
        return core.submit(name, specs, options, (parts) => foldRange(how, parts as bigint[]));
      },
    ]),
  ) as ParallelRangeKernels;

  return {
    ...rangeKernels,
    async sumIntegers(n, options) {
      core.check();
      return sumRange(sumIntegersArgs(n), options);
    },

    async sumRange(lo, hi, options) {
      core.check();
      return sumRange([toU64(lo, "lo"), toU64(hi, "hi")], options);
    },

    async countPrimesRange(lo, hi, options) {
      core.check();
      return primes(countPrimesRangeArgs(lo, hi), options);
    },

    async countPrimes(n, options) {
      core.check();
      return primes(countPrimesArgs(n), options);
    },

    async longestCollatz(limit, options) {
      core.check();
      return collatz(longestCollatzArgs(limit), options);
    },

    async longestCollatzRange(lo, hi, options) {
      core.check();
      return collatz(longestCollatzRangeArgs(lo, hi), options);
    },

    async monteCarloPi(samples, seed = 0n, options) {
      core.check();
      const { total, seed: s, chunks } = monteCarloArgs(samples, seed);
      const specs = splitRange(0n, chunks, core.chunkCount(options, "options")).map(([a, b]) => ({
        kernel: "monteCarloHits",
        label: `Monte Carlo chunks [${a}, ${b})`,
        make: () => ({ job: { kind: "monteCarlo", seed: s, firstChunk: a, endChunk: b, total } as Job }),
      }));
      return core.submit("monteCarloPi", specs, options, (hits) => monteCarloResult(wrapAdd(hits), total));
    },

    async mandelbrot(options) {
      core.check();
      const view = mandelbrotArgs(options, ["signal", "chunks"]);
      const { width, height } = view;
      const call = { signal: options.signal, chunks: options.chunks };
      // More row blocks than workers: rows through the set cost far more than rows outside it.
      const blocks = splitCount(0, height, core.chunkCount(call, "options"));
      const base = { kind: "mandelbrot", ...view } as const;
      const heap = core.heap;
      if (heap) {
        const out = heap.alloc(width * height * 4, "the image");
        const specs = blocks.map(([a, b]) => ({
          kernel: "mandelbrotRows",
          label: `rows [${a}, ${b})`,
          make: () => ({ job: { ...base, rowStart: a, rowEnd: b, outPtr: out + a * width * 4 } as Job }),
        }));
        return core.submit(
          "mandelbrot",
          specs,
          call,
          () => new Uint32Array(core.memory!.buffer, out, width * height).slice(),
          () => heap.free(out),
        );
      }
      const specs = blocks.map(([a, b]) => ({
        kernel: "mandelbrotRows",
        label: `rows [${a}, ${b})`,
        make: () => ({ job: { ...base, rowStart: a, rowEnd: b } as Job }),
      }));
      return core.submit("mandelbrot", specs, call, (parts) => {
        const image = new Uint32Array(width * height);
        blocks.forEach(([a], i) => image.set(parts[i] as Uint32Array, a * width));
        return image;
      });
    },

    ...arrayKernels(core),
  };
}
