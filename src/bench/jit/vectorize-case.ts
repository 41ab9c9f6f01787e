// The `vectorize` case of the jit bench: Numba's @vectorize over 16 Mi doubles, the Gaussian of the
// issue (Math.exp: a host call per element, so no SIMD), on this thread (`target: "cpu"`) against two
// workers (`target: "parallel"` on a pool of 2), same run, same inputs (ordinary Float64Arrays: the
// parallel row pays copying them into the pool's shared memory and the result back, as a user's call
// would). The plain JavaScript loop is the reference.
import type { Pool } from "../../pool/types.ts";
import type { BenchCase, Implementation, SkippedImplementation } from "../types.ts";
import { canonical, uniform } from "./answers.ts";
import type { JitEnv } from "./cases.ts";
import { JIT, PLAIN } from "./loop-specs.ts";

export const VECTORIZE_ID = "vectorize";

/** The scalar function, as a user writes it. */
export const gauss = (x: number, s: number): number => Math.exp(-(x * x) / (2 * s * s));
const SIGMA = 0.75;

type Ufunc = (...args: unknown[]) => unknown;

export function vectorizeCase(env: JitEnv): BenchCase<Float64Array> {
  return {
    id: VECTORIZE_ID,
    title: "vectorize: exp(−x²/2s²) over f64 (Math.exp), target cpu against parallel on 2 workers",
    unit: "elements",
    sizes: { quick: 1 << 14, full: 1 << 24 },
    input: (n) => uniform(n, -4, 4, 131),
    normalize: canonical,
    reference: PLAIN.id,
    async implementations() {
      const plain: Implementation<Float64Array> = {
        ...PLAIN,
        run: (xs: Float64Array) => {
          const out = new Float64Array(xs.length);
          for (let i = 0; i < xs.length; i++) out[i] = gauss(xs[i], SIGMA);
          return out;
        },
      };
      const vectorize = env.vectorize;
      const cpuName = { id: JIT.id, label: 'vectorize, target "cpu"', kind: "jit" as const };
      const parName = { id: "vectorize-parallel-2", label: 'vectorize, target "parallel", 2 workers', kind: "jit" as const, workers: 2 };
      const createPool = env.createPool;
      if (!vectorize || !createPool) {
        const skipped = "this runner passes no vectorize or createPool";
        return [plain, { ...cpuName, skipped }, { ...parName, skipped }] as SkippedImplementation[];
      }
      const cpu = vectorize(gauss, "f64(f64, f64)") as Ufunc;
      let pool: Pool | undefined;
      let parallel: Implementation<Float64Array> | SkippedImplementation;
      try {
        pool = await createPool({ workers: 2, warmUp: false });
        const ufunc = vectorize(gauss, "f64(f64, f64)", { target: "parallel", pool }) as Ufunc;
        parallel = { ...parName, run: (xs: Float64Array) => ufunc(xs, SIGMA), dispose: () => pool?.close() };
      } catch (error) {
        parallel = { ...parName, skipped: `no pool here: ${(error as Error).message}` };
      }
      return [plain, { ...cpuName, run: (xs: Float64Array) => cpu(xs, SIGMA) }, parallel];
    },
  };
}
