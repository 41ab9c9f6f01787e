// Builds the C baselines from bench/c/: a native driver with gcc and a wasm32 module with clang, into
// the user's cache directory (cache.ts), never into the package. The wasm compiler is the system's
// clang when it has lld and compiler-rt's wasm32 builtins (fast), else @yowasp/clang, clang and lld
// compiled to WebAssembly, from npm (first compile ≈3 s while it loads LLVM, later ≈1 s). Node only.
// A missing compiler is a reason to skip that implementation in the report, with what to install.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { cacheDir, contentKey, installedPackage, writeAtomically } from "./cache.ts";

const run = promisify(execFile);

export const GCC_FLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra"];
/**
 * The best gcc can do with the sum loop on this CPU: -O3 -march=native vectorises it (AVX2 where there is
 * some); -fno-tree-scev-cprop keeps it from replacing the loop with its closed form (kernels.c is its own
 * translation unit, so nothing else can see through the call). The bench runs it on the sum case only,
 * as the reference of the SIMD wasm sum.
 */
export const GCC_VECTOR_FLAGS = ["-O3", "-march=native", "-fno-tree-scev-cprop", "-std=c11", "-Wall", "-Wextra"];
/** No libc: the kernels bring their own memset/memcpy; clang's closed forms need compiler-rt's __multi3, linked by each compiler below. */
export const CLANG_WASM_FLAGS = ["-O3", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-Wl,--export=__heap_base"];

/** What to install for each C compiler. */
export const GCC_HINT = "apt-get install -y gcc";
export const CLANG_WASM_HINT =
  "npm install -D @yowasp/clang (clang and lld compiled to WebAssembly), or apt-get install -y clang lld libclang-rt-14-dev-wasm32";

/** What was built, or why not. */
export interface CBuild {
  native?: string;
  nativeSkipped?: string;
  /** The same driver built with GCC_VECTOR_FLAGS. */
  nativeVector?: string;
  wasm?: string;
  wasmSkipped?: string;
  /** Which clang built the wasm ("clang 14.0.6" or "@yowasp/clang 22.0.0-…"). */
  wasmCompiler?: string;
}

/** A C → wasm32 compiler: the system's clang or @yowasp/clang. */
export interface WasmCompiler {
  name: string;
  /** Compiles the C files (name → text) with `flags` and returns the module's bytes. */
  compile(files: Record<string, string>, flags: readonly string[]): Promise<Uint8Array>;
}

/**
 * Builds the native driver and c-kernels.wasm from `root`/bench/c into `dir` (default: the user's
 * cache), each under a name derived from its sources, flags and compiler, so a cached file is reused
 * only when it is what this build would make.
 */
export async function buildC(root: string, dir = cacheDir()): Promise<CBuild> {
  const src = join(root, "bench/c");
  const files = Object.fromEntries(
    await Promise.all(["kernels.c", "kernels.h", "native.c"].map(async (f) => [f, await readFile(join(src, f), "utf8")] as const)),
  );
  const result: CBuild = {};

  try {
    const gcc = (await run("gcc", ["-dumpfullversion", "-dumpversion"])).stdout.trim();
    const native = join(dir, `native-${contentKey(files["kernels.c"], files["kernels.h"], files["native.c"], ...GCC_FLAGS, gcc)}`);
    if (!existsSync(native))
      await writeAtomically(native, (tmp) =>
        run("gcc", [...GCC_FLAGS, join(src, "kernels.c"), join(src, "native.c"), "-o", tmp, "-lm"]).then(() => {}),
      );
    result.native = native;
    // -march=native can fail where gcc does not know the CPU: then the bench has no vectorised row.
    const vector = join(
      dir,
      `native-vector-${contentKey(files["kernels.c"], files["kernels.h"], files["native.c"], ...GCC_VECTOR_FLAGS, gcc)}`,
    );
    if (!existsSync(vector))
      await writeAtomically(vector, (tmp) =>
        run("gcc", [...GCC_VECTOR_FLAGS, join(src, "kernels.c"), join(src, "native.c"), "-o", tmp, "-lm"]).then(() => {}),
      ).catch(() => {});
    if (existsSync(vector)) result.nativeVector = vector;
  } catch (error) {
    result.nativeSkipped = compilerFailure("gcc", error, GCC_HINT);
  }

  const compiler = await findWasmCompiler();
  if (typeof compiler === "string") result.wasmSkipped = compiler;
  else
    try {
      const { "kernels.c": c, "kernels.h": h } = files;
      const wasm = join(dir, `c-kernels-${contentKey(c, h, ...CLANG_WASM_FLAGS, compiler.name)}.wasm`);
      if (!existsSync(wasm)) {
        const bytes = await compiler.compile({ "kernels.c": c, "kernels.h": h }, CLANG_WASM_FLAGS);
        await writeAtomically(wasm, (tmp) => writeFile(tmp, bytes));
      }
      result.wasm = wasm;
      result.wasmCompiler = compiler.name;
    } catch (error) {
      result.wasmSkipped = `${compiler.name} failed: ${firstLines((error as Error).message)}`;
    }
  return result;
}

/** The system's clang when it can link wasm32 (lld and compiler-rt's wasm32 builtins), else @yowasp/clang, else why neither. */
export async function findWasmCompiler(): Promise<WasmCompiler | string> {
  return (await systemClang()) ?? (await yowaspClang()) ?? `no C → wasm compiler: ${CLANG_WASM_HINT}`;
}

async function systemClang(): Promise<WasmCompiler | undefined> {
  let resourceDir: string;
  let version: string;
  try {
    resourceDir = (await run("clang", ["--print-resource-dir"])).stdout.trim();
    version = (await run("clang", ["-dumpversion"])).stdout.trim();
    const ld = (await run("clang", ["--target=wasm32", "-print-prog-name=wasm-ld"])).stdout.trim();
    if (ld !== "wasm-ld" && !existsSync(ld)) return undefined;
    await run(ld, ["--version"]);
  } catch {
    return undefined;
  }
  const builtins = join(resourceDir, "lib/wasi/libclang_rt.builtins-wasm32.a");
  if (!existsSync(builtins)) return undefined;
  return {
    name: `clang ${version}`,
    async compile(files, flags) {
      const work = await mkdtemp(join(tmpdir(), "hotpath-clang-"));
      try {
        for (const [name, text] of Object.entries(files)) await writeFile(join(work, name), text);
        const sources = Object.keys(files).filter((f) => f.endsWith(".c"));
        // clang runs `wasm-opt` after linking when one is on PATH (npm puts binaryen's there): leave it out.
        const PATH = (process.env.PATH ?? "")
          .split(":")
          .filter((d) => !d.includes("node_modules"))
          .join(":");
        await run("clang", ["--target=wasm32", ...flags, ...sources, builtins, "-o", "out.wasm"], {
          cwd: work,
          env: { ...process.env, PATH },
        });
        return new Uint8Array(await readFile(join(work, "out.wasm")));
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}

async function yowaspClang(): Promise<WasmCompiler | undefined> {
  let runClang: (args: string[] | null, files: Record<string, unknown>, options: object) => Promise<Record<string, unknown> | undefined>;
  try {
    ({ runClang } = (await import("@yowasp/clang")) as unknown as { runClang: typeof runClang });
  } catch {
    return undefined;
  }
  const version = installedPackage("@yowasp/clang")?.version ?? "";
  return {
    name: `@yowasp/clang ${version}`.trim(),
    async compile(files, flags) {
      let stderr = "";
      const decoder = new TextDecoder();
      const sources = Object.keys(files).filter((f) => f.endsWith(".c"));
      try {
        // Loads LLVM first, quietly: the compile itself would print its loading progress with
        // console.log (on stdout, where `hotpath bench --json` writes).
        await runClang(null, {}, { fetchProgress: () => {} });
        const out = await runClang(
          ["clang", ...flags, ...sources, "-lclang_rt.builtins", "-o", "out.wasm"],
          { ...files },
          {
            stdout: () => {},
            stderr: (bytes: Uint8Array | null) => {
              if (bytes) stderr += decoder.decode(bytes);
            },
            decodeASCII: false,
          },
        );
        const wasm = out?.["out.wasm"];
        if (!(wasm instanceof Uint8Array)) throw new Error("clang wrote no out.wasm");
        return wasm;
      } catch (error) {
        throw new Error(`${(error as Error).message}${stderr ? `: ${stderr.trim()}` : ""}`);
      }
    },
  };
}

function firstLines(text: string): string {
  return text.trim().split("\n").slice(0, 3).join(" ");
}

function compilerFailure(compiler: string, error: unknown, hint: string): string {
  const e = error as { code?: string; stderr?: string; message: string };
  if (e.code === "ENOENT") return `${compiler} is not installed (${hint})`;
  return `${compiler} failed: ${firstLines(e.stderr || e.message)}`;
}
