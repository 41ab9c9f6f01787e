// Run by Deno and Bun (test/runtimes-loader.test.ts): the published bundle must load and compute in each.
// Prints one JSON line; exits non-zero on any mismatch.
import { kernels, twins, KernelError } from "../../build/node.js";

const k = await kernels();
const checks = {
  sum1e6: k.sumIntegers(1_000_000n) === 499999500000n,
  sumEmpty: k.sumIntegers(0n) === 0n,
  sumWraps: k.sumRange(2n ** 64n - 2n, 2n ** 64n - 1n) === 2n ** 64n - 2n,
  twin: k.sumIntegers(5000n) === twins.bigint.sumIntegers(5000n),
  badInput: (() => {
    try {
      k.sumIntegers(-1);
      return false;
    } catch (e) {
      return e instanceof RangeError && /`n`/.test(e.message);
    }
  })(),
  errorsExported: typeof KernelError === "function",
};
const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
console.log(JSON.stringify({ runtime, checks }));
if (!Object.values(checks).every(Boolean)) process.exit(1);
