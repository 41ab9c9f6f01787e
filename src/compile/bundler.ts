// What the esbuild and Vite plugins share: which files are kernels, compiling one for a bundle (with
// its typed declarations written beside it), and where hotpath's own browser files are. Node only.
//
// The convention: a file named `*.kernel.ts` is an AssemblyScript kernel. Importing it gives the same
// module object as `hotpath compile`'s generated module. For TypeScript, the plugins write
// `<name>.kernel.hotpath.ts` (declarations only) beside the kernel; with `"moduleSuffixes": [".hotpath", ""]`
// in the importing project's tsconfig, `import squares from "./squares.kernel"` is typed from it. (A
// .ts, not a .d.ts: TypeScript tries every suffix of one extension before the next extension, so
// `squares.kernel.ts` itself would win over a `.hotpath.d.ts`.)
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileKernel, type CompiledKernel, type Diagnostic } from "./compiler.ts";

/** Kernel files, by default: `*.kernel.ts`. */
export const KERNEL_FILE = /\.kernel\.ts$/;

/** Options both plugins take. */
export interface KernelPluginOptions {
  /** Which files are kernels. Default: /\.kernel\.ts$/. */
  include?: RegExp;
  /** Where generated modules import the runtime from. Default: "hotpath/kernel". */
  runtime?: string;
  /** Write `<name>.kernel.hotpath.ts` beside each kernel (its types, for `moduleSuffixes`). Default: true. */
  declarations?: boolean;
}

/** The options, checked (unknown keys rejected). @internal */
export function pluginOptions(
  options: KernelPluginOptions | undefined,
  plugin: string,
): Required<Omit<KernelPluginOptions, "runtime">> & { runtime?: string } {
  if (options === undefined) return { include: KERNEL_FILE, declarations: true };
  if (options === null || typeof options !== "object")
    throw new TypeError(`Expected the ${plugin} options to be an object, got ${options === null ? "null" : typeof options}`);
  for (const key of Object.keys(options))
    if (!["include", "runtime", "declarations"].includes(key))
      throw new TypeError(`Unknown option \`${key}\` of the ${plugin} plugin; expected one of: \`include\`, \`runtime\`, \`declarations\``);
  if (options.include !== undefined && !(options.include instanceof RegExp))
    throw new TypeError(`Expected \`include\` to be a RegExp, got ${typeof options.include}`);
  if (options.runtime !== undefined && typeof options.runtime !== "string")
    throw new TypeError(`Expected \`runtime\` to be a module specifier string, got ${typeof options.runtime}`);
  if (options.declarations !== undefined && typeof options.declarations !== "boolean")
    throw new TypeError(`Expected \`declarations\` to be a boolean, got ${typeof options.declarations}`);
  return {
    include: options.include ?? KERNEL_FILE,
    declarations: options.declarations ?? true,
    ...(options.runtime ? { runtime: options.runtime } : {}),
  };
}

/** Compiles a kernel file for a bundle and writes its declarations beside it (only when they changed). @internal */
export async function compileForBundle(path: string, options: { runtime?: string; declarations: boolean }): Promise<CompiledKernel> {
  const compiled = await compileKernel(path, options.runtime ? { runtime: options.runtime } : {});
  if (options.declarations) {
    const dts = path.replace(/\.ts$/, ".hotpath.ts");
    const text = compiled.files[`${compiled.name}.d.ts`] as string;
    if ((await readFile(dts, "utf8").catch(() => "")) !== text) await writeFile(dts, text);
  }
  return compiled;
}

/** The line of source a diagnostic points at (bundlers print it under the message). @internal */
export async function lineOf(d: Diagnostic, path: string): Promise<string | undefined> {
  if (!d.line) return undefined;
  const text = await readFile(path, "utf8").catch(() => "");
  return text.split("\n")[d.line - 1];
}

/** The files hotpath's bundles (browser, and node for server bundles) load by `new URL("./<file>", import.meta.url)`. */
export const HOTPATH_FILES = ["worker.browser.js", "worker.node.js", "hotpath.wasm", "hotpath.threads.wasm", "classes.wasm"] as const;

/** hotpath's build/ folder: beside this module once built (build/esbuild.js), or ../../build from the sources. @internal */
export function hotpathBuildDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, join(here, "../../build")]) if (existsSync(join(dir, "worker.browser.js"))) return dir;
  throw new Error(`hotpath's build/worker.browser.js was not found near ${here}: run \`npm run build\` in hotpath`);
}
