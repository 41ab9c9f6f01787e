// Writing a compiled kernel to disk, and recompiling it when its sources change (`--watch`). Node only.
import { watch, type FSWatcher } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { compileKernel, type CompileOptions, type CompiledKernel } from "./compiler.ts";

/** Writes every file of a compiled kernel into `outDir` (created if needed); returns their paths. */
export async function writeKernel(compiled: CompiledKernel, outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const [name, contents] of Object.entries(compiled.files)) {
    const path = join(outDir, name);
    await writeFile(path, contents);
    paths.push(path);
  }
  return paths;
}

/** Compiles `file` into `outDir` and returns what was built. */
export async function compileKernelTo(file: string, outDir: string, options?: CompileOptions): Promise<CompiledKernel> {
  const compiled = await compileKernel(file, options);
  await writeKernel(compiled, outDir);
  return compiled;
}

export interface WatchEvents {
  /** After each successful build. */
  onBuild(compiled: CompiledKernel): void;
  /** After each failed build (a CompileError names file, line and column). */
  onError(error: unknown): void;
}

/**
 * Compiles `file` into `outDir` now and again whenever a `.ts` file in its folder changes (a kernel may
 * import its neighbours). Edits that arrive while a build runs lead to one more build after it.
 * Returns a function that stops watching.
 */
export function watchKernel(file: string, outDir: string, events: WatchEvents, options?: CompileOptions): () => void {
  const dir = dirname(resolve(file));
  let running = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const build = async () => {
    if (running) return void (again = true);
    running = true;
    try {
      events.onBuild(await compileKernelTo(file, outDir, options));
    } catch (error) {
      events.onError(error);
    } finally {
      running = false;
      if (again) {
        again = false;
        void build();
      }
    }
  };
  // Editors write a file in several steps (truncate, write, rename): wait until they settle.
  const watcher: FSWatcher = watch(dir, (_event, name) => {
    if (name && (!String(name).endsWith(".ts") || String(name).endsWith(".d.ts"))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void build(), 30);
  });
  void build();
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
