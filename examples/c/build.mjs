#!/usr/bin/env node
// Builds examples/c/sum.c into build/c/sum.wasm (wasm32, no libc). The compiler is the system's clang
// when it can link wasm32 (it has lld and compiler-rt's wasm32 builtins), else @yowasp/clang: clang
// and lld compiled to WebAssembly, installed by `npm install` (a devDependency), no apt needed; its
// first compile takes about 3 s while it loads LLVM, later ones under 1 s.
// clang -O3 turns f's loop into a closed form that needs a 128-bit multiply (__multi3) from
// compiler-rt's builtins, so those are linked too. The exports are named in sum.c (export_name).
// Usage: node examples/c/build.mjs [out.wasm]
// From code: `import { buildC } from "./examples/c/build.mjs"; await buildC()`.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

export const INSTALL_HINT =
  "run `npm install` (it installs @yowasp/clang, clang compiled to WebAssembly), or install clang, lld and the wasm32 compiler-rt builtins: apt-get install -y clang lld libclang-rt-14-dev-wasm32";
export const DEFAULT_OUT = resolve(root, "build/c/sum.wasm");
export const FLAGS = ["-O3", "-nostdlib", "-Wall", "-Werror", "-Wl,--no-entry", "-Wl,--export=__heap_base"];

/** The system's clang, when it can link wasm32: { name, compile(source) → bytes }, else undefined. */
async function systemClang(clang) {
  let resourceDir, version;
  try {
    resourceDir = (await run(clang, ["--print-resource-dir"])).stdout.trim();
    version = (await run(clang, ["-dumpversion"])).stdout.trim();
    const ld = (await run(clang, ["--target=wasm32", "-print-prog-name=wasm-ld"])).stdout.trim();
    await run(ld, ["--version"]);
  } catch {
    return undefined;
  }
  const builtins = `${resourceDir}/lib/wasi/libclang_rt.builtins-wasm32.a`;
  if (!existsSync(builtins)) return undefined;
  return {
    name: `${clang} ${version}`,
    async compile(source) {
      const work = await mkdtemp(join(tmpdir(), "hotpath-c-"));
      // clang runs `wasm-opt` after linking when it finds one on PATH, and npm puts binaryen's there
      // (node_modules/.bin): leave it out, so the output is the same however the script is started.
      const PATH = (process.env.PATH ?? "")
        .split(":")
        .filter((dir) => !dir.includes("node_modules"))
        .join(":");
      try {
        await writeFile(join(work, "sum.c"), source);
        const args = ["--target=wasm32", ...FLAGS, "sum.c", builtins, "-o", "sum.wasm"];
        await run(clang, args, { cwd: work, env: { ...process.env, PATH } }).catch((e) => {
          throw new Error(`clang failed: ${clang} ${args.join(" ")}\n${e.stderr || e.message}`);
        });
        return readFile(join(work, "sum.wasm"));
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}

/** @yowasp/clang, when it is installed, else undefined. */
async function npmClang() {
  let runClang;
  try {
    ({ runClang } = await import("@yowasp/clang"));
  } catch {
    return undefined;
  }
  return {
    name: "@yowasp/clang",
    async compile(source) {
      // Load LLVM quietly first: otherwise the compile prints its loading progress on stdout.
      await runClang(null, {}, { fetchProgress: () => {} });
      let stderr = "";
      const decoder = new TextDecoder();
      const args = ["clang", ...FLAGS, "sum.c", "-lclang_rt.builtins", "-o", "sum.wasm"];
      try {
        const out = await runClang(
          args,
          { "sum.c": source },
          { stdout: () => {}, stderr: (b) => b && (stderr += decoder.decode(b)), decodeASCII: false },
        );
        return out["sum.wasm"];
      } catch (e) {
        throw new Error(`clang failed: ${args.join(" ")}\n${stderr || e.message}`);
      }
    },
  };
}

/** The compiler that builds sum.c here (the system's clang first: faster), or undefined. `clang` names the system one (default $CC_WASM or clang). */
export async function findCompiler(clang = process.env.CC_WASM ?? "clang") {
  return (await systemClang(clang)) ?? (await npmClang());
}

/** Why the C example cannot be built here, or undefined when it can. */
export async function missingToolchain(clang) {
  return (await findCompiler(clang)) ? undefined : `no C → wasm32 compiler was found; ${INSTALL_HINT}`;
}

/** Compiles sum.c to `out` (default build/c/sum.wasm) and returns { out, compiler }; throws with an install hint when there is no compiler. */
export async function buildC(out = DEFAULT_OUT, clang) {
  const compiler = await findCompiler(clang);
  if (!compiler) throw new Error(`Cannot build examples/c/sum.c: no C → wasm32 compiler was found; ${INSTALL_HINT}`);
  const bytes = await compiler.compile(await readFile(join(here, "sum.c"), "utf8"));
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, bytes);
  return { out, compiler: compiler.name };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { out, compiler } = await buildC(process.argv[2] ? resolve(process.argv[2]) : undefined);
    console.log(`built ${out} with ${compiler}`);
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
