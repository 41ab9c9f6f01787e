// `hotpath inspect`: the WAT of one kernel (or of any function in any .wasm) with its inner loop
// marked, and with --twin the Ignition bytecode of the kernel's plain-TS twin beside it.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { formatBytecode, twinBytecode } from "../inspect/bytecode.ts";
import { formatListing, inspectFunction, inspectKernel } from "../inspect/inspect.ts";

const HELP = `Usage: hotpath inspect <kernel> [--twin] [--bigint] [--json]
       hotpath inspect <file.wasm> <function> [--json]

Prints the WebAssembly text of one function, one instruction per line, with its instruction count and
its innermost loop marked (┌ │ └): the counterpart of \`objdump -d | sed -n '/<main>:/,/retq/p'\`.

Options:
  --twin      also print the V8 Ignition bytecode of the kernel's plain-TS twin (Node only)
  --bigint    with --twin: the bigint twin instead of the number twin
  --json      print the listings as JSON
  -h, --help  show this help

Examples:
  hotpath inspect sumIntegers --twin
  hotpath inspect build/c/sum.wasm f`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      twin: { type: "boolean", default: false },
      bigint: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length < 1 || positionals.length > 2) {
    console.error(`hotpath inspect: expected a kernel name, or a .wasm file and a function name\n\n${HELP}`);
    return 2;
  }
  const [first, second] = positionals;
  const file = second !== undefined ? first : undefined;
  const name = second ?? first;
  if (file !== undefined && values.twin) {
    console.error("hotpath inspect: --twin works for built-in kernels only (a foreign function has no TS twin)");
    return 2;
  }
  const listing = file !== undefined ? await inspectFunction(pathToFileURL(resolve(file)), name) : await inspectKernel(name);
  const twin = values.twin ? await twinBytecode(name, { twin: values.bigint ? "bigint" : "number" }) : undefined;

  if (values.json) {
    console.log(
      JSON.stringify({ wasm: { file: file ?? "build/hotpath.wasm", ...listing }, twin: twin?.map(({ raw: _raw, ...f }) => f) }, null, 2),
    );
    return 0;
  }
  console.log(formatListing(listing, `${name} in ${file ?? "build/hotpath.wasm"} (WebAssembly)`));
  if (twin) {
    console.log(`\n${formatBytecode(twin)}`);
    const inner = listing.loops.find((l) => l.innermost);
    const twinLoop = twin.find((f) => f.hasLoop);
    if (inner && twinLoop)
      console.log(
        `\nOne trip round the loop: ${inner.instructions} typed wasm instructions, which V8 compiles straight to machine code, ` +
          `against ${twinLoop.loopLength} Ignition bytecodes, each dispatched by the interpreter, whose Add checks its operands' types every time ` +
          `(until V8's optimising tiers take over a hot loop).`,
      );
  }
  return 0;
}
