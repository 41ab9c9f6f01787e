// Parallel forms of the built-in kernels. Each cuts its input into chunks the kernels' range or row
// forms accept (src/kernels/abi.ts), so that the combined answer equals the single-thread kernel's: bit for bit
// where the math is integer (sums, primes, Collatz, Monte Carlo hits, Mandelbrot, hashes, matmul and
// SAXPY, whose every output element is computed by one worker exactly as on one thread); dot products
// are summed per block, so they match the single-thread result within rounding.
import { MONTE_CARLO_CHUNK } from "../kernels/abi.ts";
import { expected } from "../errors.ts";
import { checkOptions, toBytes, toFinite, toFloat64Array, toInteger, toU64, type BytesLike, type U64Like } from "../validate.ts";
import type { CollatzBest, HashAlgorithm, Job } from "./protocol.ts";
import type { CallOptions, ChunkSpec, ParallelKernels, ParallelMandelbrotOptions, PoolCore } from "./types.ts";
import { splitCount, splitRange } from "./split.ts";

const U32_LIMIT = 1n << 32n;
const U32_MAX = 0xffff_ffff;
const MAX_SAMPLES = BigInt(2 ** 32 * MONTE_CARLO_CHUNK);

export type { ParallelKernels, ParallelMandelbrotOptions } from "./types.ts";

const wrapAdd = (values: unknown[]) => (values as bigint[]).reduce((s, v) => BigInt.asUintN(64, s + v), 0n);

/** Binds the parallel kernels to a pool core. */
export function parallelKernels(core: PoolCore): ParallelKernels {
  const ranges = (
    name: string,
    lo: bigint,
    hi: bigint,
    options: CallOptions | undefined,
    job: (lo: bigint, hi: bigint) => Job,
    kernel: string,
  ): ChunkSpec[] =>
    splitRange(lo, hi, core.chunkCount(options, "options")).map(([a, b]) => ({
      kernel,
      label: `[${a}, ${b})`,
      make: () => ({ job: job(a, b) }),
    }));

  const kernels: ParallelKernels = {
    async sumIntegers(n, options) {
      core.check();
      return kernels.sumRange(0n, toU64(n, "n"), options);
    },

    async sumRange(lo, hi, options) {
      core.check();
      const l = toU64(lo, "lo");
      const h = toU64(hi, "hi");
      return core.submit(
        "sumRange",
        ranges("sumRange", l, h, options, (a, b) => ({ kind: "sumRange", lo: a, hi: b }), "sumRange"),
        options,
        wrapAdd,
      );
    },

    async countPrimesRange(lo, hi, options) {
      core.check();
      const l = toU64(lo, "lo");
      const h = toU64(hi, "hi");
      if (h > U32_LIMIT) throw new RangeError(expected("hi", "at most 2^32", h));
      const specs = ranges("countPrimes", l, h, options, (a, b) => ({ kind: "countPrimes", lo: a, hi: b }), "countPrimesRange");
      if (!core.heap) return core.submit("countPrimes", specs, options, (r) => (r as number[]).reduce((s, v) => s + v, 0));
      // Shared memory: each chunk gets its own scratch, held until every worker is done with the task.
      const scratch: number[] = [];
      const shared = specs.map((spec, i) => ({
        ...spec,
        make: () => {
          const job = spec.make().job as Extract<Job, { kind: "countPrimes" }>;
          scratch[i] ??= core.heap!.alloc(core.scratchForPrimes(job.hi), "scratch");
          return { job: { ...job, scratchPtr: scratch[i] } };
        },
      }));
      return core.submit(
        "countPrimes",
        shared,
        options,
        (r) => (r as number[]).reduce((s, v) => s + v, 0),
        () => scratch.forEach((p) => p !== undefined && core.heap!.free(p)),
      );
    },

    async countPrimes(n, options) {
      core.check();
      const nn = toU64(n, "n");
      if (nn > U32_LIMIT) throw new RangeError(expected("n", "at most 2^32 (4294967296)", n));
      // 2^32 is even, so π(2^32) is the count below it and hi never needs to pass 2^32.
      return kernels.countPrimesRange(0n, nn === U32_LIMIT ? nn : nn + 1n, options);
    },

    async longestCollatz(limit, options) {
      core.check();
      const l = toU64(limit, "limit");
      if (l < 2n) throw new RangeError(expected("limit", "at least 2 (starts are taken from [1, limit))", limit));
      return kernels.longestCollatzRange(1n, l, options);
    },

    async longestCollatzRange(lo, hi, options) {
      core.check();
      const l = toU64(lo, "lo");
      const h = toU64(hi, "hi");
      if (l < 1n) throw new RangeError(expected("lo", "at least 1 (0 has no Collatz chain)", lo));
      if (h <= l) throw new RangeError(expected("hi", `greater than \`lo\` (${l})`, hi));
      // Every chunk starts at 1 or above and is not empty, so a chunk's start 0 can only mean "a chain passed 2^64".
      const specs = ranges("longestCollatz", l, h, options, (a, b) => ({ kind: "collatz", lo: a, hi: b }), "longestCollatzRange");
      return core.submit("longestCollatz", specs, options, (results) => {
        let best: CollatzBest | undefined;
        for (const r of results as CollatzBest[]) {
          if (r.start === 0n)
            throw new RangeError(
              `Expected every Collatz chain from [${l}, ${h}) to stay below 2^64, but one passes 2^64 − 1 (u64 overflow)`,
            );
          // Chunks come in range order: strictly longer wins, so ties keep the smallest start.
          if (!best || r.steps > best.steps) best = r;
        }
        return { start: best!.start, steps: best!.steps };
      });
    },

    async monteCarloPi(samples, seed = 0n, options) {
      core.check();
      const total = toU64(samples, "samples");
      const s = toU64(seed, "seed");
      if (total === 0n || total > MAX_SAMPLES)
        throw new RangeError(expected("samples", `an integer in [1, 2^48] (2^32 chunks of ${MONTE_CARLO_CHUNK})`, samples));
      const chunkCount = Number((total + BigInt(MONTE_CARLO_CHUNK) - 1n) / BigInt(MONTE_CARLO_CHUNK));
      const specs = splitCount(0, chunkCount, core.chunkCount(options, "options")).map(([a, b]) => ({
        kernel: "monteCarloHits",
        label: `Monte Carlo chunks [${a}, ${b})`,
        make: () => ({ job: { kind: "monteCarlo", seed: s, firstChunk: a, endChunk: b, total } as Job }),
      }));
      return core.submit("monteCarloPi", specs, options, (hits) => {
        const inside = Number(wrapAdd(hits));
        const n = Number(total);
        return { pi: (4 * inside) / n, inside, samples: n };
      });
    },

    async mandelbrot(options) {
      core.check();
      if (options === undefined) throw new TypeError(expected("options", "an options object with width, height and maxIter", options));
      const opts = checkOptions(options, "options", [
        "signal",
        "chunks",
        "width",
        "height",
        "maxIter",
        "x0",
        "y0",
        "x1",
        "y1",
      ]) as unknown as ParallelMandelbrotOptions;
      const width = toInteger(opts.width, "options.width", 1, U32_MAX);
      const height = toInteger(opts.height, "options.height", 1, U32_MAX);
      const maxIter = toInteger(opts.maxIter, "options.maxIter", 1, U32_MAX);
      // The single-thread kernel's defaults (src/kernels.ts), so both draw the same picture.
      const [x0, y0, x1, y1] = (["x0", "y0", "x1", "y1"] as const).map((key, i) =>
        opts[key] === undefined ? [-2, -1.5, 1, 1.5][i] : toFinite(opts[key], `options.${key}`),
      );
      const call = { signal: opts.signal, chunks: opts.chunks };
      // More row blocks than workers: rows through the set cost far more than rows outside it.
      const blocks = splitCount(0, height, core.chunkCount(call, "options"));
      const base = { kind: "mandelbrot", width, height, x0, y0, x1, y1, maxIter } as const;
      if (core.heap) {
        const out = core.heap.alloc(width * height * 4, "the image");
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
          () => core.heap!.free(out),
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

    async matmul(a, b, m, k, n, options) {
      core.check();
      toFloat64Array(a, "a");
      toFloat64Array(b, "b");
      toInteger(m, "m", 1, U32_MAX);
      toInteger(k, "k", 1, U32_MAX);
      toInteger(n, "n", 1, U32_MAX);
      if (a.length !== m * k) throw new RangeError(expected("a", `a Float64Array of length m·k = ${m * k}`, a));
      if (b.length !== k * n) throw new RangeError(expected("b", `a Float64Array of length k·n = ${k * n}`, b));
      const blocks = splitCount(0, m, core.chunkCount(options, "options"));
      if (core.heap) {
        const heap = core.heap;
        const pa = heap.put(a, "a");
        const pb = heap.put(b, "b");
        const pc = heap.alloc(m * n * 8, "c");
        const specs = blocks.map(([r0, r1]) => ({
          kernel: "matmul",
          label: `rows [${r0}, ${r1})`,
          make: () => ({ job: { kind: "matmul", aPtr: pa, bPtr: pb, cPtr: pc, m, k, n, rowStart: r0, rowEnd: r1 } as Job }),
        }));
        return core.submit(
          "matmul",
          specs,
          options,
          () => new Float64Array(core.memory!.buffer, pc, m * n).slice(),
          () => [pa, pb, pc].forEach((p) => heap.free(p)),
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
      toFinite(alpha, "alpha");
      toFloat64Array(x, "x");
      toFloat64Array(y, "y");
      if (x.length !== y.length) throw new RangeError(expected("y", `a Float64Array of length ${x.length} (the length of \`x\`)`, y));
      const slices = splitCount(0, x.length, core.chunkCount(options, "options"));
      if (core.heap) {
        const heap = core.heap;
        const px = heap.put(x, "x");
        const py = heap.put(y, "y");
        const specs = slices.map(([i0, i1]) => ({
          kernel: "saxpy",
          label: `[${i0}, ${i1})`,
          make: () => ({ job: { kind: "saxpy", alpha, xPtr: px + i0 * 8, yPtr: py + i0 * 8, n: i1 - i0 } as Job }),
        }));
        return core.submit(
          "saxpy",
          specs,
          options,
          () => y.set(new Float64Array(core.memory!.buffer, py, y.length)) ?? y,
          () => (heap.free(px), heap.free(py)),
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
      toFloat64Array(a, "a");
      toFloat64Array(b, "b");
      if (a.length !== b.length) throw new RangeError(expected("b", `a Float64Array of length ${a.length} (the length of \`a\`)`, b));
      const slices = splitCount(0, a.length, core.chunkCount(options, "options"));
      const add = (parts: unknown[]) => (parts as number[]).reduce((s, v) => s + v, 0);
      if (core.heap) {
        const heap = core.heap;
        const pa = heap.put(a, "a");
        const pb = heap.put(b, "b");
        const specs = slices.map(([i0, i1]) => ({
          kernel: "dot",
          label: `[${i0}, ${i1})`,
          make: () => ({ job: { kind: "dot", aPtr: pa + i0 * 8, bPtr: pb + i0 * 8, n: i1 - i0 } as Job }),
        }));
        return core.submit("dot", specs, options, add, () => (heap.free(pa), heap.free(pb)));
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
      return core.submit("dot", specs, options, add);
    },

    async hashMany(buffers, options) {
      core.check();
      const opts = checkOptions(options, "options", ["signal", "chunks", "algorithm", "seed"]) as CallOptions & {
        algorithm?: HashAlgorithm;
        seed?: U64Like;
      };
      const algorithm = opts.algorithm ?? "xxhash64";
      if (algorithm !== "fnv1a64" && algorithm !== "xxhash64")
        throw new TypeError(expected("options.algorithm", '"fnv1a64" or "xxhash64"', algorithm));
      const seed = opts.seed === undefined ? 0n : toU64(opts.seed, "options.seed");
      if (!Array.isArray(buffers)) throw new TypeError(expected("buffers", "an array of byte buffers", buffers));
      const views = buffers.map((b, i) => toBytes(b, `buffers[${i}]`));
      const call = { signal: opts.signal, chunks: opts.chunks };
      const groups = splitCount(0, views.length, core.chunkCount(call, "options"));
      const lensOf = (i0: number, i1: number) => Uint32Array.from(views.slice(i0, i1), (v) => v.byteLength);
      const collect = (parts: unknown[]) => {
        const out = new BigUint64Array(views.length);
        groups.forEach(([i0], i) => out.set(parts[i] as BigUint64Array, i0));
        return out;
      };
      if (core.heap) {
        const heap = core.heap;
        const ptrs = views.map((v, i) => heap.put(v, `buffers[${i}]`));
        const specs = groups.map(([i0, i1]) => ({
          kernel: algorithm,
          label: `buffers [${i0}, ${i1})`,
          make: () => ({ job: { kind: "hash", algorithm, seed, ptrs: Uint32Array.from(ptrs.slice(i0, i1)), lens: lensOf(i0, i1) } as Job }),
        }));
        return core.submit("hashMany", specs, call, collect, () => ptrs.forEach((p) => heap.free(p)));
      }
      const specs = groups.map(([i0, i1]) => ({
        kernel: algorithm,
        label: `buffers [${i0}, ${i1})`,
        make: () => {
          // One packed buffer per group, moved to the worker: one transfer instead of many clones.
          const lens = lensOf(i0, i1);
          const packed = new Uint8Array(lens.reduce((s, l) => s + l, 0));
          for (let i = i0, at = 0; i < i1; at += views[i].byteLength, i++) packed.set(views[i], at);
          return { job: { kind: "hash", algorithm, seed, lens, packed } as Job, transfer: [packed.buffer] };
        },
      }));
      return core.submit("hashMany", specs, call, collect);
    },
  };
  return kernels;
}
