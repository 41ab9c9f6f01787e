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
import { existsSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
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
    config(user) {
      const build: Record<string, unknown> = {};
      // Compiling a kernel takes seconds (asc -O3, twice): Rolldown would warn about a slow plugin on every build.
      if (user.build?.rolldownOptions?.checks?.bundlerTimings === undefined) build.rolldownOptions = { checks: { bundlerTimings: false } };
      // A page importing hotpath/jit carries its compiler (acorn, its TypeScript plugin, jit: ≈480 kB
      // minified, 144 kB gzipped; scripts/page-weight.mjs) in one chunk, past Vite's 500 kB warning
      // with the rest of a page. Raised to 1 MB unless the project sets its own limit.
      if (user.build?.chunkSizeWarningLimit === undefined) build.chunkSizeWarningLimit = 1024;
      return Object.keys(build).length > 0 ? { build } : undefined;
    },
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
      // Exports left out (a closure parameter, …) and asc's warnings, located in the kernel file.
      for (const d of compiled.warnings)
        this.warn({ message: d.message, id: path, ...(d.line ? { loc: { file: path, line: d.line, column: (d.column ?? 1) - 1 } } : {}) });
      // One folder per kernel path and build, so that two kernels of the same name do not collide and an
      // edited kernel's module has a new id (Vite does not watch node_modules, so it would keep the old one).
      const pathHash = createHash("sha256").update(path).digest("hex").slice(0, 12);
      const contentHash = createHash("sha256");
      for (const name of Object.keys(compiled.files).sort()) contentHash.update(name).update(compiled.files[name]);
      const dir = join(outRoot, `${pathHash}-${contentHash.digest("hex").slice(0, 12)}`);
      if (!existsSync(dir)) {
        for (const old of await readdir(outRoot).catch(() => [] as string[]))
          if (old.startsWith(`${pathHash}-`)) await rm(join(outRoot, old), { recursive: true, force: true });
        await writeKernel(compiled, dir);
      }
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
