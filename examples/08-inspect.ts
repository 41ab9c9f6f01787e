// Chapter "compiled against interpreted": the tutorial reads `objdump -d` of its C++ and the CPython
// bytecode of the same program. Here: the WebAssembly text of the sumIntegers kernel, its inner loop
// marked, beside the V8 Ignition bytecode of its plain-TS twin. Run: npx tsx examples/08-inspect.ts
// (the CLI does the same: `hotpath inspect sumIntegers --twin`).
import { formatListing, inspectKernel } from "../src/inspect/inspect.ts";
import { formatBytecode, twinBytecode } from "../src/inspect/bytecode.ts";

const small = process.argv.includes("--small");
const kernel = "sumIntegers";

const wasm = await inspectKernel(kernel);
console.log(formatListing(wasm, `${kernel} (AssemblyScript, compiled by asc -O3)`));

const twin = await twinBytecode(kernel, { twin: "number" });
console.log(`\n${formatBytecode(twin)}`);

const wasmLoop = wasm.loops.find((l) => l.innermost);
const twinLoop = twin.find((f) => f.hasLoop);
console.log(`
Per trip round the loop: ${wasmLoop?.instructions ?? "?"} wasm instructions with one typed i64.add for the sum,
against ${twinLoop?.loopLength ?? "?"} Ignition bytecodes whose Add must check at every step whether it adds
small integers, doubles or strings: the "machine within the machine" of the tutorial.`);

if (!small) {
  // The u64-exact twin pays more: every step calls BigInt.asUintN and allocates a bigint.
  console.log(`\n${formatBytecode((await twinBytecode(kernel, { twin: "bigint" })).filter((f) => f.hasLoop))}`);
}
