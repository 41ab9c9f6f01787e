// Chapter "Can I code a C extension from scratch? Yes. Good luck :)". In WebAssembly the answer is
// friendlier: examples/wat/sum.wat holds f written by hand, as a loop and as the closed form clang
// found; wabt assembles it at run time and load() binds it through the same door as the C module.
// Run: npx tsx examples/10-from-scratch-wat.ts
import { readFile } from "node:fs/promises";
import { load } from "../src/foreign/index.ts";
import { assembleWat } from "../src/wat/wabt.ts";
import { formatListing, inspectFunction } from "../src/inspect/inspect.ts";
import { kernels } from "../src/kernels/kernels.ts";
import { formatMs } from "../src/format.ts";
import { printTimedResults } from "./support/timing.ts";

const small = process.argv.includes("--small");
const n = small ? 1_000_000n : 100_000_000n;

const file = new URL("./wat/sum.wat", import.meta.url);
const t0 = performance.now();
const bytes = await assembleWat(await readFile(file, "utf8"), "sum.wat");
console.log(
  `wabt assembled examples/wat/sum.wat into ${bytes.byteLength} bytes of wasm in ${formatMs(performance.now() - t0)} (loading wabt included)\n`,
);

const wat = await load(bytes, { signatures: "u64 f(u64 n); u64 f_closed(u64 n)" });
const { f, f_closed } = wat.lib;
const k = await kernels();
const exact = BigInt.asUintN(64, (n * (n - 1n)) / 2n);

// V8 runs a wasm function's first calls in its baseline tier and a long call does not tier up midway:
// short calls first, as kernels() does for its own.
for (let i = 0; i < 2000; i++) (f(1000n), f_closed(1000n));

const impls = [
  { name: "hand-written WAT, loop", run: () => f(n) as bigint },
  { name: "hand-written WAT, closed form", run: () => f_closed(n) as bigint },
  { name: "AssemblyScript sumIntegers", run: () => k.sumIntegers(n) },
];
console.log(`f(${n}): exact answer ${exact}`);
const allRight = printTimedResults(impls, exact);
console.log("Median of 5 batches after warm-up (a batch lasts ≥ 20 ms).");

// Past 2^64 the sum wraps, exactly as uint64_t does; the closed form gets there instantly.
const big = 1n << 40n;
console.log(`\nf_closed(2^40) = ${f_closed(big)}  (n(n−1)/2 mod 2^64 = ${BigInt.asUintN(64, (big * (big - 1n)) / 2n)})`);

console.log(`\n${formatListing(await inspectFunction(bytes, "f"), "f, as written by hand")}`);
if (!allRight) process.exit(1);
