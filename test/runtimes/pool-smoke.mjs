// Run by Deno and Bun (and Node): the published bundle's worker pool must start, compute what one
// thread computes on both data paths, and close so the runtime exits. Prints one JSON line, then
// `ok`; exits non-zero on any mismatch.
import { createPool, kernels } from "../../build/node.js";

const k = await kernels();
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
const checks = {};
for (const mode of ["shared", "message"]) {
  const pool = await createPool({ workers: 3, mode });
  const view = { width: 64, height: 48, maxIter: 200 };
  const image = await pool.mandelbrot(view);
  const expected = k.mandelbrot(view);
  const a = Float64Array.from({ length: 12 }, (_, i) => i - 5.5);
  const b = Float64Array.from({ length: 12 }, (_, i) => (i * 7) % 5);
  checks[mode] = {
    mode: pool.mode === mode,
    size: pool.size === 3,
    sum: (await pool.sumIntegers(5_000_000n)) === k.sumIntegers(5_000_000n),
    wraps: (await pool.sumRange(2n ** 64n - 1000n, 2n ** 64n - 1n)) === k.sumRange(2n ** 64n - 1000n, 2n ** 64n - 1n),
    primes: (await pool.countPrimes(1_000_000)) === 78498,
    collatz: (await pool.longestCollatz(100_000n)).start === k.longestCollatz(100_000n).start,
    monteCarlo: (await pool.monteCarloPi(300_000n, 7n)).inside === k.monteCarloPi(300_000n, 7n).inside,
    mandelbrot: image.length === expected.length && image.every((v, i) => v === expected[i]),
    matmul: (await pool.matmul(a, b, 3, 4, 3)).every((v, i) => v === k.matmul(a, b, 3, 4, 3)[i]),
    hash: (await pool.hashMany(["abc", new Uint8Array(100)]))[0] === k.xxhash64("abc"),
  };
  await pool.close();
  checks[mode].closed = pool.closed && pool.size === 0;
}
console.log(JSON.stringify({ runtime, checks }));
const failed = Object.entries(checks).flatMap(([mode, c]) =>
  Object.entries(c)
    .filter(([, ok]) => !ok)
    .map(([name]) => `${mode}.${name}`),
);
if (failed.length) {
  console.error(`pool-smoke failed: ${failed.join(", ")}`);
  process.exit(1);
}
console.log("ok");
