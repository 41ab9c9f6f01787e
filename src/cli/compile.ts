// `hotpath compile`: AssemblyScript kernel files → both wasm builds, their .wat, and a typed ES module.
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { CompileError, compileKernelTo, formatDiagnostic, watchKernel, type CompiledKernel } from "../compile/index.ts";
import { expected } from "../errors.ts";

const HELP = `Usage: hotpath compile <kernel.ts>... --out <dir> [--watch]

Compiles AssemblyScript files with the flags of hotpath's own kernels (-O3, stub runtime, SIMD)
into <dir>: <name>.wasm, <name>.threads.wasm (shared memory, for the pool), a .wat beside each, and
<name>.js + <name>.d.ts, a module whose functions are typed from the AssemblyScript signatures:

  import squares from "./generated/squares.js";
  const { sumOfSquaresRange } = await squares.load();        // on this thread
  await pool.reduceRange(squares.sumOfSquaresRange, 0n, 10n ** 10n, { combine: "wrapAdd" });

Types: u64/i64 → bigint, other numbers → number, bool → boolean. A buffer is a parameter pair
\`<name>Ptr: usize, <name>Len: i32\` (length in elements) and becomes one typed-array parameter <name>:
a Uint8Array unless the function's doc comment says \`@buffer <name> f64[]\` (u8[], i32[], u32[], f32[],
f64[], i64[], u64[]; add \`inout\` when the kernel writes into it).

Everything asc's own --bindings esm carries is bound too: strings, ArrayBuffer, typed arrays,
Array/StaticArray of numbers (copied both ways), plain objects (copied), class instances as TypeScript
classes (methods, fields; pinned until dispose()), nullable results (T | null), exported globals and
the memory. Such a module is built with asc's incremental collector and has no threads build. An
export that cannot cross (a closure, v128, arrays of references) is left out with a warning.

Options:
  --out <dir>          where to write (required)
  --watch              compile again whenever a .ts file beside the kernel changes
  --runtime <module>   where the generated module imports hotpath's runtime from (default: hotpath/kernel)
  -h, --help           show this help

Exit status: 0 when every file compiled, 1 on a compile error (printed as file:line:column).`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      out: { type: "string" },
      watch: { type: "boolean", default: false },
      runtime: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!positionals.length) throw new TypeError(`Expected at least one kernel file, got none\n\n${HELP}`);
  if (!values.out) throw new TypeError(expected("--out", "the output directory", values.out));
  const out = values.out;
  const options = values.runtime ? { runtime: values.runtime } : {};
  const built = (c: CompiledKernel, what: string) => {
    for (const w of c.warnings) process.stderr.write(`${formatDiagnostic(w)}\n`);
    const names = [...c.functions.map((f) => f.name), ...(c.shape?.functions ?? []).map((f) => f.name)];
    const extras = [
      ...(c.shape?.classes ?? []).filter((k) => !k.plain).map((k) => `class ${k.name}`),
      ...(c.shape?.globals ?? []).map((g) => g.name),
    ];
    const builds = c.files[`${c.name}.threads.wasm`] ? "{wasm,threads.wasm,js,d.ts}" : "{wasm,js,d.ts}";
    process.stderr.write(
      `hotpath compile: ${what} ${relative(process.cwd(), c.file)} → ${join(out, c.name)}.${builds} ` +
        `(${[...names, ...extras].join(", ")}${c.shape?.gc ? "; incremental collector" : ""}) in ${Math.round(c.ms)} ms\n`,
    );
  };
  const failed = (error: unknown) => {
    if (!(error instanceof CompileError)) throw error;
    process.stderr.write(`${error.message}\n${error.report ? `\n${error.report}` : ""}`);
  };

  if (values.watch) {
    const stops = positionals.map((file) => {
      let builds = 0;
      return watchKernel(file, out, { onBuild: (c) => built(c, builds++ ? "rebuilt" : "compiled"), onError: failed }, options);
    });
    process.stderr.write(`hotpath compile: watching ${positionals.join(", ")} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    stops.forEach((stop) => stop());
    return 0;
  }

  let errors = 0;
  for (const file of positionals) {
    try {
      built(await compileKernelTo(file, out, options), "compiled");
    } catch (error) {
      failed(error);
      errors++;
    }
  }
  return errors ? 1 : 0;
}
