#!/usr/bin/env node
// Builds examples/c/sum.c into build/c/sum.wasm with Debian's clang (`--target=wasm32`, no libc).
// clang -O3 turns f's loop into a closed form that needs a 128-bit multiply (__multi3) from
// compiler-rt's wasm32 builtins, so those are linked too. Usage: node examples/c/build.mjs [out.wasm]
// From code: `import { buildC } from "./examples/c/build.mjs"; await buildC()`.
import { execFile } from "node:child_process";
import { access, mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");

export const INSTALL_HINT =
  "install clang, lld and the wasm32 compiler-rt builtins: apt-get install -y clang lld libclang-rt-14-dev-wasm32";
export const DEFAULT_OUT = resolve(root, "build/c/sum.wasm");

/** Why the C example cannot be built here (no clang, no wasm-ld, no wasm32 builtins), or undefined when it can. */
export async function missingToolchain(clang = process.env.CC_WASM ?? "clang") {
  let resourceDir;
  try {
    resourceDir = (await run(clang, ["--print-resource-dir"])).stdout.trim();
  } catch {
    return `\`${clang}\` was not found; ${INSTALL_HINT}`;
  }
  try {
    await run(clang, ["--target=wasm32", "-print-prog-name=wasm-ld"]);
    await access(builtinsPath(resourceDir));
  } catch {
    return `the wasm32 builtins (${builtinsPath(resourceDir)}) are missing; ${INSTALL_HINT}`;
  }
  return undefined;
}

function builtinsPath(resourceDir) {
  return `${resourceDir}/lib/wasi/libclang_rt.builtins-wasm32.a`;
}

/** Compiles sum.c to `out` (default build/c/sum.wasm) and returns its path; throws with an install hint when the toolchain is missing. */
export async function buildC(out = DEFAULT_OUT, clang = process.env.CC_WASM ?? "clang") {
  const missing = await missingToolchain(clang);
  if (missing) throw new Error(`Cannot build examples/c/sum.c: ${missing}`);
  const resourceDir = (await run(clang, ["--print-resource-dir"])).stdout.trim();
  await mkdir(dirname(out), { recursive: true });
  const args = [
    "--target=wasm32",
    "-nostdlib",
    "-O3",
    "-Wall",
    "-Werror",
    "-Wl,--no-entry",
    "-Wl,--export-all",
    resolve(here, "sum.c"),
    builtinsPath(resourceDir),
    "-o",
    out,
  ];
  // clang runs `wasm-opt` after linking when it finds one on PATH, and npm puts binaryen's there
  // (node_modules/.bin): leave it out, so the output is the same however the script is started.
  const PATH = (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => !dir.includes("node_modules"))
    .join(":");
  try {
    await run(clang, args, { env: { ...process.env, PATH } });
  } catch (e) {
    throw new Error(`clang failed: ${clang} ${args.join(" ")}\n${e.stderr || e.message}`);
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const out = await buildC(process.argv[2] ? resolve(process.argv[2]) : undefined);
    console.log(`built ${out}`);
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
