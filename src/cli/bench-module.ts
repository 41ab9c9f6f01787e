// `hotpath bench --module <generated.js> --plain <plain.js> --function <name> --args lo,hi`: its help and
// arguments; the work is benchModule() (src/bench/node/bench-module.ts), one table for all runtimes.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { benchModule } from "../bench/node/bench-module.ts";
import { toText } from "../bench/report/index.ts";
import { expected } from "../errors.ts";

const HELP = `Usage: hotpath bench --module <generated.js> --plain <plain.js> --function <name> --args <a,b,…> [options]

Measures a kernel compiled by \`hotpath compile\` against your plain function with compare(): the wasm
function, the pool on 1…N workers in both modes (range functions), and yours, every answer checked
against yours, in each runtime.

Options:
  --module <file>       the module hotpath compile generated (e.g. generated/squares.js)
  --plain <file>        a JS module exporting your plain function under the same name (or as default;
                        .ts works in deno and bun)
  --function <name>     the kernel function to measure
  --args <list>         its arguments, comma-separated integers (1e8 allowed), e.g. 0,1e8; or a JSON
                        array for functions of strings, arrays and objects, e.g. '["text", [1, 2, 3]]'
                        (bigints as decimal strings; typed arrays and ArrayBuffers as arrays)
  --runtimes <list>     among node, deno, bun, chromium (default: node,deno,bun,chromium)
  --preset <quick|full> how long to measure (default: quick)
  --json                print the report as JSON instead of the table
  -h, --help            show this help`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      module: { type: "string" },
      plain: { type: "string" },
      function: { type: "string" },
      args: { type: "string" },
      runtimes: { type: "string", default: "node,deno,bun,chromium" },
      preset: { type: "string", default: "quick" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  for (const key of ["module", "plain", "function", "args"] as const)
    if (!values[key]) throw new TypeError(expected(`--${key}`, "given (see hotpath bench --module --help)", values[key]));
  if (values.preset !== "quick" && values.preset !== "full") throw new RangeError(expected("--preset", "quick or full", values.preset));
  for (const file of [values.module!, values.plain!]) if (!existsSync(file)) throw new Error(`${file} does not exist`);
  // JSON for functions of strings, arrays and objects; comma-separated integers otherwise.
  const json = values.args!.trim().startsWith("[");
  const args: unknown[] = json
    ? parseJsonArgs(values.args!)
    : values.args!.split(",").map((a) => {
        const t = a.trim().replaceAll("_", "");
        const m = /^(\d+)e(\d+)$/i.exec(t);
        if (m) return (BigInt(m[1]) * 10n ** BigInt(m[2])).toString();
        if (!/^-?\d+$/.test(t)) throw new RangeError(expected("--args", "comma-separated integers such as 0,1e8", a));
        return t;
      });
  const report = await benchModule({
    module: values.module!,
    plain: values.plain!,
    fn: values.function!,
    args,
    runtimes: values.runtimes,
    preset: values.preset,
    onRuntime: (name) => process.stderr.write(`${process.stderr.isTTY ? "\r\x1b[2K" : ""}hotpath bench: ${name}…\n`),
    onProgress: (name, p) => process.stderr.isTTY && process.stderr.write(`\r\x1b[2K[${name}] ${p.phase} ${p.impl ?? ""}`),
  });
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
  console.log(values.json ? JSON.stringify(report) : toText(report));
  const bad = report.runtimes.some(
    (r) => "skipped" in r || r.cases.some((c) => c.implementations.some((i) => i.status === "error" || i.status === "wrong")),
  );
  return bad ? 1 : 0;
}

function parseJsonArgs(text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RangeError(expected("--args", `a JSON array (${(error as Error).message})`, text));
  }
  if (!Array.isArray(parsed)) throw new RangeError(expected("--args", "a JSON array", text));
  return parsed;
}
