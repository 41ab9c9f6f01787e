// hotpath/esbuild: an esbuild plugin for pages that use hotpath. esbuild keeps
// `new URL("./worker.browser.js" | "./hotpath.wasm", import.meta.url)` as it is but copies nothing, so
// after a build the plugin copies every file such a reference names (hotpath's worker and wasm files,
// compiled kernels' wasm) next to the output file that references it. It also compiles `*.kernel.ts`
// AssemblyScript files at build time (see src/compile/bundler.ts for the convention). Node only.
//
//   import { hotpath } from "hotpath/esbuild";
//   await esbuild.build({ entryPoints: ["main.ts"], bundle: true, format: "esm", platform: "browser", outdir: "dist", plugins: [hotpath()] });
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Message, Plugin } from "esbuild";
import { CompileError } from "../compile/compiler.ts";
import { HOTPATH_FILES, compileForBundle, hotpathBuildDir, lineOf, pluginOptions, type KernelPluginOptions } from "../compile/bundler.ts";

export type { KernelPluginOptions as HotpathEsbuildOptions };

/** `new URL("./file", import.meta.url)` as esbuild leaves it in its output (either quote). */
const ASSET_URL = /new URL\(\s*(["'])\.\/([\w.-]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** The esbuild plugin: hotpath's worker and wasm next to the bundle, and `*.kernel.ts` compiled. Needs `format: "esm"` (import.meta.url). */
export function hotpath(options?: KernelPluginOptions): Plugin {
  const opts = pluginOptions(options, "hotpath/esbuild");
  return {
    name: "hotpath",
    setup(build) {
      build.initialOptions.metafile = true;
      const root = build.initialOptions.absWorkingDir ?? process.cwd();
      // Files a compiled kernel's module references, by name: written beside the bundle at the end.
      let emitted = new Map<string, { from: string; contents: Uint8Array | string }>();
      build.onStart(() => void (emitted = new Map()));

      // A module `hotpath compile` generated imports hotpath/kernel: the files it names go beside the bundle too.
      build.onResolve({ filter: /^hotpath\/kernel$/ }, async (args) => {
        if (!args.importer || opts.include.test(args.importer)) return undefined;
        const text = await readFile(args.importer, "utf8").catch(() => "");
        for (const m of text.matchAll(ASSET_URL)) {
          const from = join(dirname(args.importer), m[2]);
          const contents = await readFile(from).catch(() => undefined);
          if (!contents) continue;
          const seen = emitted.get(m[2]);
          if (seen && seen.from !== args.importer)
            return { errors: [{ text: `Two kernel modules name ${m[2]}: ${seen.from} and ${args.importer}; rename one kernel` }] };
          emitted.set(m[2], { from: args.importer, contents: new Uint8Array(contents) });
        }
        return undefined;
      });

      build.onLoad({ filter: opts.include }, async (args) => {
        try {
          const compiled = await compileForBundle(args.path, opts);
          for (const [name, contents] of Object.entries(compiled.files)) {
            if (!name.endsWith(".wasm")) continue;
            const seen = emitted.get(name);
            if (seen && seen.from !== args.path)
              return { errors: [{ text: `Two kernels compile to ${name}: ${seen.from} and ${args.path}; rename one` }] };
            emitted.set(name, { from: args.path, contents });
          }
          return {
            contents: compiled.files[`${compiled.name}.js`] as string,
            // Exports left out (a closure parameter, …) and asc's warnings, located in the kernel file.
            warnings: compiled.warnings.map((d) => ({
              text: d.message,
              ...(d.line ? { location: { file: d.file ?? args.path, line: d.line, column: (d.column ?? 1) - 1 } } : {}),
            })),
            loader: "js",
            resolveDir: dirname(args.path),
            watchFiles: [args.path],
          };
        } catch (error) {
          if (!(error instanceof CompileError)) throw error;
          const errors: Message[] = [];
          for (const d of error.diagnostics.length ? error.diagnostics : [{ message: error.message, file: args.path } as const])
            errors.push({
              id: "",
              pluginName: "hotpath",
              text: "message" in d ? d.message : String(d),
              location:
                "line" in d && d.line
                  ? {
                      file: d.file ?? args.path,
                      line: d.line,
                      column: (d.column ?? 1) - 1,
                      length: 0,
                      namespace: "file",
                      lineText: (await lineOf(d, resolve(d.file ?? args.path))) ?? "",
                      suggestion: "",
                    }
                  : null,
              notes: [],
              detail: undefined,
            });
          return { errors };
        }
      });

      build.onEnd(async (result) => {
        if (result.errors.length || !result.metafile) return;
        let buildDir: string | undefined;
        for (const output of Object.keys(result.metafile.outputs)) {
          if (!output.endsWith(".js")) continue;
          const path = resolve(root, output);
          const inMemory = result.outputFiles?.find((f) => f.path === path);
          const text = inMemory ? inMemory.text : await readFile(path, "utf8").catch(() => "");
          for (const m of text.matchAll(ASSET_URL)) {
            const name = m[2];
            const target = join(dirname(path), name);
            const kernelFile = emitted.get(name);
            if (kernelFile) {
              if (inMemory) result.outputFiles!.push(outputFile(target, kernelFile.contents));
              else await mkdir(dirname(target), { recursive: true }).then(() => writeFile(target, kernelFile.contents));
            } else if ((HOTPATH_FILES as readonly string[]).includes(name)) {
              buildDir ??= hotpathBuildDir();
              const from = join(buildDir, name);
              if (inMemory) result.outputFiles!.push(outputFile(target, new Uint8Array(await readFile(from))));
              else await mkdir(dirname(target), { recursive: true }).then(() => copyFile(from, target));
            }
          }
        }
      });
    },
  };
}

/** An entry of `result.outputFiles` (for `write: false` builds). */
function outputFile(path: string, contents: Uint8Array | string) {
  const bytes = typeof contents === "string" ? new TextEncoder().encode(contents) : contents;
  return {
    path,
    contents: bytes,
    hash: "",
    get text() {
      return new TextDecoder().decode(bytes);
    },
  };
}

export default hotpath;
