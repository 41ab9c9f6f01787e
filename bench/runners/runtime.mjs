// The runner for Node, Deno and Bun: `hotpath bench` starts it in each runtime with one JSON
// argument ({ set, preset, builtins, sizes, native, nativeVector, cKernels }), it measures with the published bundle
// (build/node.js; for `set: "jit"`, the jit cases of build/bench-jit.js on build/jit.js) and prints the result as one JSON line on stdout. Progress goes to stderr as
// lines starting with "@progress ", which the driver turns into its live status line.
import { readFileSync } from "node:fs";
import { bench } from "../../build/bench.js";

const args = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
const config = JSON.parse(args[0] ?? "{}");
const extra = {};
// Native C runs in one runtime only (config.native is set for Node): it does not depend on the runtime.
if (config.native) {
  const { nativeImplementation, NATIVE_CASES } = await import("../../build/bench/native.js");
  for (const id of NATIVE_CASES) extra[id] = [nativeImplementation(config.native, id)];
  // The system's primesieve beside the C sieve, where installed (a skipped row says how to get it).
  const { primesieveImplementation, PRIMESIEVE_CASES } = await import("../../build/bench/native.js");
  for (const id of Object.keys(PRIMESIEVE_CASES)) extra[id].push(primesieveImplementation(id));
}
// gcc -O3 -march=native on the sum: the reference of the SIMD wasm sum (built where gcc knows the CPU).
if (config.nativeVector) {
  const { nativeImplementation, NATIVE_VECTOR_CASES } = await import("../../build/bench/native.js");
  for (const id of NATIVE_VECTOR_CASES) extra[id] = [...(extra[id] ?? []), nativeImplementation(config.nativeVector, id, true)];
}
for (const [id, entries] of Object.entries(config.skippedExtra ?? {})) extra[id] = [...(extra[id] ?? []), ...entries];

// The jit case set instead of the built-in kernels: plain functions against hotpath/jit's compilation of them.
const jitSet =
  config.set === "jit"
    ? {
        builtins: false,
        cases: (await import("../../build/bench-jit.js")).jitCases(
          {
            ...(({ jit, vectorize }) => ({ jit, vectorize }))(await import("../../build/jit.js")),
            createPool: (await import("../../build/node.js")).createPool,
            kernels: new WebAssembly.Module(readFileSync(new URL("../../build/hotpath.wasm", import.meta.url))),
          },
          config.builtins,
        ),
      }
    : undefined;

const result = await bench({
  preset: config.preset,
  ...(jitSet ?? (config.builtins ? { builtins: config.builtins } : {})),
  ...(config.sizes ? { sizes: config.sizes } : {}),
  // The C peers' module, built by the driver in the user's cache.
  ...(config.cKernels ? { cKernels: new Uint8Array(readFileSync(config.cKernels)) } : {}),
  extra,
  onProgress: (p) => process.stderr.write(`@progress ${JSON.stringify(p)}\n`),
});
process.stdout.write(JSON.stringify(result) + "\n");
