// Run by Deno and Bun (test/jit-vectorize-runtimes.test.ts): the built hotpath/jit bundle's vectorize on
// this thread and on pools of 2 workers in both modes; prints one JSON line of checks.
import { vectorize, jit } from "../../build/jit.js";
import { createPool } from "../../build/node.js";

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
const gauss = (x, s) => Math.exp(-(x * x) / (2 * s * s));
const xs = Float64Array.from({ length: 1001 }, (_, i) => i / 100 - 5);
const plain = Float64Array.from(xs, (x) => gauss(x, 0.8));
const same = (a, b) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
const mulAdd = (a, b) => a * b + 1n;
const big = BigUint64Array.of(0n, 1n, 2n ** 53n + 1n, 2n ** 64n - 1n);
const bigPlain = BigUint64Array.from(big, (v) => BigInt.asUintN(64, mulAdd(v, 3n)));

const checks = {
  cpu: same(vectorize(gauss, "f64(f64, f64)")(xs, 0.8), plain),
  lazy: same(vectorize(mulAdd)(big, 3n), bigPlain),
  jitArray: (() => {
    const a = jit.array(Float64Array, xs.length);
    a.set(xs);
    const ok = same(vectorize(gauss)(a, 0.8), plain);
    jit.free(a);
    return ok;
  })(),
};
for (const mode of ["shared", "message"]) {
  const pool = await createPool({ workers: 2, mode, warmUp: false });
  try {
    checks[`parallel-${mode}`] = same(await vectorize(gauss, "f64(f64, f64)", { target: "parallel", pool })(xs, 0.8), plain);
    checks[`parallel-${mode}-u64`] = same(await vectorize(mulAdd, "u64(u64, u64)", { target: "parallel", pool })(big, 3n), bigPlain);
  } catch (e) {
    checks[`parallel-${mode}`] = String(e);
  } finally {
    await pool.close();
  }
}
console.log(JSON.stringify({ runtime, checks }));
