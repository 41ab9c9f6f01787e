// Run by Node, Deno and Bun (test/jit-parallel-runtimes.test.ts): the built hotpath/jit bundle runs
// prange loops on its default pool and never closes it: the process must still end by itself. Prints
// one JSON line of checks.
import { jit, prange } from "../../build/jit.js";

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;

function mix(z) {
  z = (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n;
  z = (z ^ (z >> 27n)) * 0x94d049bb133111ebn;
  return z ^ (z >> 31n);
}
jit(mix, "u64(u64)");
function hits(n) {
  let inside = 0n;
  for (const i of prange(0n, n)) {
    const x = mix(i) >> 33n;
    const y = mix(i ^ 0x9e3779b97f4a7c15n) >> 33n;
    if (x * x + y * y < 1n << 62n) inside++;
  }
  return inside;
}
function roots(out, xs) {
  for (const i of prange(xs.length)) out[i] = Math.sqrt(xs[i]);
}
function meanAndMax(xs) {
  let sum = 0;
  let count = 0;
  let top = -Infinity;
  for (const i of prange(xs.length)) {
    if (xs[i] > 500) {
      sum += xs[i];
      count++;
    }
    top = Math.max(top, xs[i]);
  }
  return sum / count + top;
}
function maxOf(xs) {
  let best = -Infinity;
  for (const i of prange(xs.length)) best = Math.max(best, xs[i]);
  return best;
}

const u64 = (x) => BigInt.asUintN(64, x);
let expectedHits = 0n;
for (let i = 0n; i < 5000n; i++) {
  const mixed = (z) => {
    z = u64((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = u64((z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  const x = mixed(i) >> 33n;
  const y = mixed(i ^ 0x9e3779b97f4a7c15n) >> 33n;
  if (x * x + y * y < 1n << 62n) expectedHits++;
}
const xs = Float64Array.from({ length: 3001 }, (_, i) => (i * 37) % 1001);
const out = new Float64Array(xs.length);
const zeroCopy = jit.array(Float64Array, xs);
const checks = {
  hits: (await jit(hits, { parallel: true })(5000n)) === expectedHits,
  single: jit(hits)(5000n) === expectedHits,
  writes: (await jit(roots, { parallel: true })(out, xs), out.every((v, i) => v === Math.sqrt(xs[i]))),
  max: (await jit(maxOf, { parallel: true })(zeroCopy)) === 1000,
  several: (await jit(meanAndMax, { parallel: true })(xs)) === meanAndMax(xs),
};
console.log(JSON.stringify({ runtime, checks }));
