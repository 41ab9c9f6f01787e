// Builds the C baselines from bench/c/: a native driver with gcc and a wasm32 module with clang.
// Node only (it runs compilers). A missing compiler is a reason to skip, not an error.
import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian's compiler-rt for wasm32: clang's closed forms need its 128-bit multiply (__multi3). */
export const WASM_BUILTINS = "/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a";

export const GCC_FLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra"];
export const CLANG_WASM_FLAGS = ["--target=wasm32", "-nostdlib", "-O3", "-Wl,--no-entry", "-Wl,--export-all", "-Wl,--export=__heap_base"];

/** What was built, or why not. */
export interface CBuild {
  native?: string;
  nativeSkipped?: string;
  wasm?: string;
  wasmSkipped?: string;
}

/** Builds build/bench/native (gcc) and build/bench/c-kernels.wasm (clang) from `root`/bench/c when the sources are newer. */
export async function buildC(root: string): Promise<CBuild> {
  const src = join(root, "bench/c");
  const out = join(root, "build/bench");
  await mkdir(out, { recursive: true });
  const sources = ["kernels.c", "kernels.h", "native.c"].map((f) => join(src, f));
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  const fresh = (file: string) => existsSync(file) && statSync(file).mtimeMs >= newest;
  const result: CBuild = {};

  const native = join(out, "native");
  if (fresh(native)) result.native = native;
  else
    try {
      await run("gcc", [...GCC_FLAGS, join(src, "kernels.c"), join(src, "native.c"), "-o", native, "-lm"]);
      result.native = native;
    } catch (error) {
      result.nativeSkipped = compilerFailure("gcc", error, "apt-get install -y gcc");
    }

  const wasm = join(out, "c-kernels.wasm");
  if (fresh(wasm)) result.wasm = wasm;
  else if (!existsSync(WASM_BUILTINS))
    result.wasmSkipped = `clang's wasm32 builtins are missing (${WASM_BUILTINS}); apt-get install -y clang lld libclang-rt-14-dev-wasm32`;
  else
    try {
      await run("clang", [...CLANG_WASM_FLAGS, join(src, "kernels.c"), WASM_BUILTINS, "-o", wasm]);
      result.wasm = wasm;
    } catch (error) {
      result.wasmSkipped = compilerFailure("clang", error, "apt-get install -y clang lld libclang-rt-14-dev-wasm32");
    }
  return result;
}

function compilerFailure(compiler: string, error: unknown, hint: string): string {
  const e = error as { code?: string; stderr?: string; message: string };
  if (e.code === "ENOENT") return `${compiler} is not installed (${hint})`;
  return `${compiler} failed: ${(e.stderr || e.message).trim().split("\n").slice(0, 3).join(" ")}`;
}
