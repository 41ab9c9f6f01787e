// The jit case set (`hotpath bench --set jit`): each loop of loops.ts as a bench case whose rows are
// the plain function, the same function jitted (ordinary typed arrays: copied in and out by jit), jitted
// with arrays from `jit.array` (in jit's wasm memory: no copies), and the AssemblyScript kernel where one
// computes the same answer. The plain row is the reference: every other row must give its answer (bit
// for bit; within FASTMATH_TOLERANCE for the fastmath loop). A row that cannot run shows its error.
import { Arena } from "../../arena.ts";
import type { KernelExports } from "../../kernels/abi.ts";
import { instantiateKernels } from "../../kernels/kernels.ts";
import type { Pool, PoolOptions } from "../../pool/types.ts";
import type { BenchCase, Implementation, SkippedImplementation } from "../types.ts";
import { canonical, withinFastmathTolerance } from "./answers.ts";
import { VECTORIZE_ID, vectorizeCase } from "./vectorize-case.ts";
import { parallelCases } from "./parallel-cases.ts";
import { JIT, JIT_COMPILED, JIT_LOOPS, JIT_ZERO_COPY, KERNEL, PLAIN, type Loop, type Place, type TypedArray } from "./loop-specs.ts";

/** hotpath/jit's `jit`, with the zero-copy arrays it offers (`jit.array`, `jit.free`) where this build has them. */
export type JitApi = ((fn: (...args: any[]) => any, signature?: string, options?: object) => (...args: any[]) => unknown) & {
  array?: <T extends TypedArray>(type: new (length: number) => T, length: number) => T;
  free?: (array: ArrayBufferView) => void;
};

/** hotpath/jit's `vectorize` (the `vectorize` case; its rows are skipped where the build has none). */
export type VectorizeApi = (fn: (...args: any[]) => any, signatures?: string, options?: object) => (...args: any[]) => unknown;

/** What the jit cases are built from: the jit to measure and the AssemblyScript kernels (build/hotpath.wasm, compiled). */
export interface JitEnv {
  jit: JitApi;
  vectorize?: VectorizeApi;
  /** hotpath's createPool (the parallel rows of the vectorize and prange cases). */
  createPool?: (options?: PoolOptions) => Promise<Pool>;
  kernels: WebAssembly.Module;
}

type Entry = Implementation | SkippedImplementation;

/** Every jit case (or those of `only`), built on `env`. Jits a small function first, so that no case's first call pays for loading the compiler. */
export function jitCases(env: JitEnv, only?: readonly string[]): BenchCase[] {
  try {
    env.jit((a: number, b: number) => a * b + 1)(2, 3);
  } catch {
    // A jit that cannot compile even this shows its error in every row.
  }
  const cases: BenchCase[] = JIT_LOOPS.filter((l) => !only || only.includes(l.id)).map((loop) => loopCase(env, loop));
  return [...cases, ...(!only || only.includes(VECTORIZE_ID) ? [vectorizeCase(env)] : []), ...parallelCases(env, only)];
}

function loopCase<I>(env: JitEnv, loop: Loop<I>): BenchCase<I> {
  return {
    id: loop.id,
    title: loop.title,
    unit: loop.unit,
    sizes: loop.sizes,
    ...(loop.half ? { half: loop.half } : {}),
    input: loop.input,
    normalize: canonical,
    ...(loop.fastmath ? { equal: withinFastmathTolerance } : {}),
    ...(loop.expected ? { expected: loop.expected } : { reference: PLAIN.id }),
    implementations() {
      // One jitted function for both jit rows, as a user would have: lazy, so its first call compiles.
      let jitted: (...args: any[]) => unknown;
      try {
        jitted = env.jit(loop.fn, undefined, loop.fastmath ? { fastmath: true } : undefined);
      } catch (error) {
        jitted = () => {
          throw error;
        };
      }
      const entries: Entry[] = [];
      if (!loop.jitOnly) entries.push(callRow(PLAIN, loop, loop.fn, ordinary));
      const jitLabel = loop.fastmath ? { label: "jit { fastmath: true }" } : {};
      entries.push({ ...callRow({ ...JIT, ...jitLabel }, loop, jitted, ordinary), remark: () => adaptiveRemark(jitted) });
      if (loop.arrays && !loop.fastmath) {
        // The same function never running its original (src/jit/runtime/adaptive.ts): what the copies cost.
        let compiledOnly: (...args: any[]) => unknown;
        try {
          compiledOnly = env.jit(loop.fn, undefined, { adaptive: false });
        } catch (error) {
          compiledOnly = () => {
            throw error;
          };
        }
        entries.push(callRow(JIT_COMPILED, loop, compiledOnly, ordinary));
      }
      if (loop.arrays) {
        const zeroCopy = zeroCopyPlace(env.jit);
        entries.push({
          ...callRow(
            { ...JIT_ZERO_COPY, ...(loop.fastmath ? { label: "jit { fastmath: true }, jit.array (zero-copy)" } : {}) },
            loop,
            jitted,
            zeroCopy.place,
          ),
          dispose: zeroCopy.free,
        });
      }
      if (loop.kernel) entries.push(kernelRow(env, loop));
      return entries;
    },
  };
}

/** How many calls of the jit row ran the original function (jit's `adaptive`), when any did. */
function adaptiveRemark(jitted: (...args: any[]) => unknown): string | undefined {
  const plain = (jitted as { stats?: { plainCalls?: number } }).stats?.plainCalls ?? 0;
  return plain > 0
    ? `adaptive: ${plain} call${plain === 1 ? "" : "s"} ran the original JavaScript (two trials per size, then every call where it had measured faster than the compiled call with its copies)`
    : undefined;
}

/** Copies of the input's arrays in ordinary memory (each row gets its own, so no row sees another's writes). */
const ordinary: Place = (data) => data.slice() as typeof data;

/** Copies of the input's arrays in jit's wasm memory (`jit.array`), given back with `jit.free` after the case. */
function zeroCopyPlace(jit: JitApi): { place: Place; free(): void } {
  const taken: ArrayBufferView[] = [];
  return {
    place: (data) => {
      // Throws where this build has no jit.array: the row then shows that error.
      const array = jit.array!(data.constructor as new (length: number) => TypedArray, data.length);
      array.set(data as never);
      taken.push(array);
      return array as typeof data;
    },
    free: () => {
      for (const array of taken.splice(0)) jit.free!(array);
    },
  };
}

interface Prepared {
  args: unknown[];
  /** The arrays' contents before any call, for loops that update their arguments in place. */
  pristine?: Array<TypedArray | undefined>;
}

/** A row that calls `fn` (plain or jitted) on arguments placed by `place`. */
function callRow<I>(
  name: { id: string; label: string; kind: "ts" | "jit" },
  loop: Loop<I>,
  fn: (...args: any[]) => unknown,
  place: Place,
): Entry {
  const answer = (ret: unknown, args: unknown[]) => (loop.answer ? loop.answer(ret, args) : ret);
  const prepare = (input: I): Prepared => {
    const args = loop.args(input, place);
    return loop.inPlace ? { args, pristine: args.map((a) => (ArrayBuffer.isView(a) ? (a as TypedArray).slice() : undefined)) } : { args };
  };
  if (!loop.inPlace) return { ...name, prepare, run: (p: Prepared) => answer(fn(...p.args), p.args) };
  // A loop that updates its arguments: they are restored before every call, outside the timed region,
  // so each call does the same work and gives the same answer.
  return {
    ...name,
    prepare,
    selfTimed: true,
    run: (p: Prepared, reps: number) => {
      let ms = 0;
      let ret: unknown;
      for (let r = 0; r < reps; r++) {
        p.pristine!.forEach((saved, i) => saved && (p.args[i] as TypedArray).set(saved as never));
        const t0 = performance.now();
        ret = fn(...p.args);
        ms += performance.now() - t0;
      }
      return { value: answer(ret, p.args), ms: ms / reps };
    },
  };
}

/** The AssemblyScript kernel of a loop, on a fresh instance and its arena (inputs placed before timing). */
function kernelRow<I>(env: JitEnv, loop: Loop<I>): Entry {
  const spec = loop.kernel!;
  if ("skipped" in spec) return { ...KERNEL, skipped: spec.skipped };
  const ex = instantiateKernels(env.kernels).exports as KernelExports;
  const arena = new Arena(ex.memory, ex.heapBase());
  return {
    ...KERNEL,
    ...(spec.label ? { label: spec.label } : {}),
    prepare: (input: I) => spec.prepare(ex, arena, input),
    run: (p: unknown) => spec.run(ex, p),
  };
}
