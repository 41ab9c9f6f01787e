// hotpath/vite: a Vite plugin that compiles `*.kernel.ts` AssemblyScript files (see
// src/compile/bundler.ts for the convention). Vite already finds and emits the files named by
// `new URL("./x", import.meta.url)`, so each kernel is compiled into a folder under
// node_modules/.hotpath-kernels/ and its importer gets the generated module from there: Vite emits its
// two wasm files like any asset. In the dev server an edit to a kernel recompiles it and reloads the
// page; a compile error shows in Vite's overlay with its file, line and column. Node only.
//
//   import { hotpath } from "hotpath/vite";
//   export default defineConfig({ plugins: [hotpath()] });
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Plugin } from "vite";
import { CompileError } from "../compile/compiler.ts";
import { writeKernel } from "../compile/output.ts";
import { compileForBundle, pluginOptions, type KernelPluginOptions } from "../compile/bundler.ts";

export type { KernelPluginOptions as HotpathViteOptions };

/** The Vite plugin: `*.kernel.ts` files compiled at build time and on edit in the dev server. */
export function hotpath(options?: KernelPluginOptions): Plugin {
  const opts = pluginOptions(options, "hotpath/vite");
  let outRoot = join(process.cwd(), "node_modules/.hotpath-kernels");
  return {
    name: "hotpath",
    enforce: "pre",
    configResolved(config) {
      outRoot = join(config.root, "node_modules/.hotpath-kernels");
    },
    async load(id) {
      const path = id.split("?")[0];
      if (!opts.include.test(path)) return null;
      this.addWatchFile(path);
      let compiled;
      try {
        compiled = await compileForBundle(path, opts);
      } catch (error) {
        if (!(error instanceof CompileError)) throw error;
        const first = error.diagnostics.find((d) => d.line);
        this.error({
          message: error.message,
          id: path,
          ...(first ? { loc: { file: path, line: first.line!, column: (first.column ?? 1) - 1 } } : {}),
        });
      }
      // One folder per kernel path, so two kernels of the same name in different folders do not collide.
      const dir = join(outRoot, createHash("sha256").update(path).digest("hex").slice(0, 12));
      await writeKernel(compiled, dir);
      return `export { default } from ${JSON.stringify(join(dir, `${compiled.name}.js`))};\n`;
    },
    handleHotUpdate(ctx) {
      if (!opts.include.test(ctx.file)) return;
      // The compiled Module is cached per realm by the generated module: a full reload starts from the new one.
      for (const m of ctx.modules) ctx.server.moduleGraph.invalidateModule(m);
      ctx.server.ws.send({ type: "full-reload" });
      return [];
    },
  };
}

export default hotpath;
