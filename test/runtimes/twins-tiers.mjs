// Run by Node, Deno and Bun (test/twins-tiers.test.ts): every bigint twin called often enough to reach
// the engine's optimizing tier, on inputs whose lengths are not multiples of 32 (V8 11.3 once aborted
// the process there). Every answer is checked against the wasm kernel. Prints one JSON line.
import { kernels, twins } from "../../build/node.js";

const k = await kernels();
const CALLS = 10_000;
const lengths = [1, 3, 7, 13, 31, 33, 45, 63, 65, 99];
const buffers = lengths.map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255));
const mismatches = {};
const check = (name, got, want) => {
  if (got !== want) mismatches[name] ??= `${got} !== ${want}`;
};
for (let i = 0; i < CALLS; i++) {
  const data = buffers[i % buffers.length];
  const seed = BigInt(i) * 0x9e3779b97f4a7c15n;
  check("xxhash64", twins.bigint.xxhash64(data, BigInt.asUintN(64, seed)), k.xxhash64(data, BigInt.asUintN(64, seed)));
  check("fnv1a64", twins.bigint.fnv1a64(data), k.fnv1a64(data));
  check("sumRange", twins.bigint.sumRange(BigInt(i), BigInt(i + 37)), k.sumRange(BigInt(i), BigInt(i + 37)));
  check("sumIntegers", twins.bigint.sumIntegers(BigInt(i % 50)), k.sumIntegers(BigInt(i % 50)));
  if (i % 10 === 0) {
    check("splitmix64", twins.bigint.splitmix64(seed & 0xffffn, 3).join(), k.splitmix64(seed & 0xffffn, 3).join());
    check("xorshift64", twins.bigint.xorshift64(BigInt(i + 1), 3).join(), k.xorshift64(BigInt(i + 1), 3).join());
    check("monteCarloPi", twins.bigint.monteCarloPi(33n, BigInt(i)).inside, k.monteCarloPi(33n, BigInt(i)).inside);
    check(
      "longestCollatzRange",
      twins.bigint.longestCollatzRange(BigInt(i + 1), BigInt(i + 20)).start,
      k.longestCollatzRange(BigInt(i + 1), BigInt(i + 20)).start,
    );
  }
}
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
console.log(JSON.stringify({ runtime, calls: CALLS, mismatches }));
if (Object.keys(mismatches).length) process.exit(1);
