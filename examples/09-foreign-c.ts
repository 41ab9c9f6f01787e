// Chapter "cffi": call a compiled C library. The tutorial's C function f (examples/c/sum.c) is built
// to wasm by clang (the system's, else @yowasp/clang from npm), loaded through load() with the
// declaration cffi's cdef would take, called, and timed beside the AssemblyScript kernel. clang -O3 replaced its loop by a closed form, as the
// tutorial saw Numba do: inspect shows a function with no loop. Run: npx tsx examples/09-foreign-c.ts
import { buildC, missingToolchain } from "./c/build.mjs";
import { load } from "../src/foreign/index.ts";
import { formatListing, inspectFunction } from "../src/inspect/inspect.ts";
import { kernels } from "../src/kernels/kernels.ts";
import { printTimedResults } from "./support/timing.ts";

const small = process.argv.includes("--small");
const n = small ? 1_000_000n : 100_000_000n;

const missing = await missingToolchain();
if (missing) {
  // HOTPATH_SKIP_C=1 is the README's way to leave the C chapter out (the test suite runs every example).
  const optedOut = process.env.HOTPATH_SKIP_C === "1";
  (optedOut ? console.log : console.error)(
    `This example compiles C to wasm32, but ${missing}${optedOut ? " (left out: HOTPATH_SKIP_C=1)" : ""}`,
  );
  process.exit(optedOut ? 0 : 1);
}
const { out: wasmFile, compiler } = await buildC();
console.log(`${compiler} -O3 examples/c/sum.c → ${wasmFile}\n`);

// The tutorial's cffi cdef, verbatim: `uint64_t f(uint64_t);`. The other two functions take buffers.
const c = await load(new URL(`file://${wasmFile}`), {
  signatures: `
    uint64_t f(uint64_t n);
    uint64_t sum_u32(const uint32_t *xs, size_t n);
    void scale(double *xs, size_t n, double k);
  `,
});
const { f, sum_u32, scale } = c.lib;
console.log(`lib.f(100) = ${f(100n)}`);
console.log(
  `lib.sum_u32([1, 2, 3, 4e9], 4) = ${sum_u32(new Uint32Array([1, 2, 3, 4e9]), 4)}  (the buffer is copied into the module's memory)`,
);
const xs = new Float64Array([1, 2, 3]);
scale(xs, 3, 2.5);
console.log(`scale([1, 2, 3], 3, 2.5) wrote back [${xs.join(", ")}]\n`);

const k = await kernels();
const exact = BigInt.asUintN(64, (n * (n - 1n)) / 2n);
// V8 runs a wasm function's first calls in its baseline tier: short calls first, as kernels() does.
for (let i = 0; i < 2000; i++) f(1000n);

const impls = [
  { name: "C via clang (closed form)", run: () => f(n) as bigint },
  { name: "AssemblyScript sumIntegers (loop)", run: () => k.sumIntegers(n) },
];
console.log(`f(${n}): exact answer ${exact}`);
const allRight = printTimedResults(impls, exact);
console.log(
  "Median of 5 batches after warm-up; a batch repeats the call until it lasts ≥ 20 ms, so a sub-microsecond call is measured, not the timer.",
);

const listing = await inspectFunction(new URL(`file://${wasmFile}`), "f");
console.log(`\n${formatListing(listing, "f, as clang compiled it")}`);
console.log(
  listing.loops.length === 0
    ? `\nNo loop: clang computed n(n−1)/2 with one 128-bit multiply (${listing.calls.join(", ") || "inline"}), so its time does not depend on n.`
    : `\nThis clang kept the loop (${listing.loops.length} loop(s)).`,
);
if (!allRight) process.exit(1);
