// The interpreted side of "compiled against interpreted": the V8 Ignition bytecode of a kernel's
// plain-TS twin, printed by a child `node` with `--print-bytecode` (the counterpart of CPython's
// `dis`). Node only (it starts a process), so it is not part of the browser-safe index;
// `hotpath inspect --twin` and the tests import src/inspect/bytecode.ts directly.
import { spawn } from "node:child_process";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { expected } from "../errors.ts";
import { checkOptions } from "../validate.ts";

/** One function's Ignition bytecode, as V8 prints it. */
export interface BytecodeFunction {
  readonly name: string;
  /** The bytecode instructions, one per line (`Ldar r1`, `Add r0, [1]`, `JumpLoop [21], [0], [3]`). */
  readonly instructions: readonly string[];
  /** Bytes of bytecode, as V8 reports. */
  readonly length: number;
  /** Whether it contains a loop (a `JumpLoop` back-edge). */
  readonly hasLoop: boolean;
  /** Bytecodes from the loop's head to its `JumpLoop`, both included (0 without a loop). */
  readonly loopLength: number;
  /** Index in `instructions` of the loop's head (-1 without a loop). */
  readonly loopStart: number;
  /** The lines of V8's output for this function, unedited. */
  readonly raw: string;
}

export interface TwinBytecodeOptions {
  /** Which twin: "number" (default) or "bigint". */
  twin?: "number" | "bigint";
  /** Arguments for the one call that makes V8 compile the twin (default: small values, one per parameter). */
  args?: readonly (number | bigint | string)[];
}

/**
 * The Ignition bytecode of kernel `name`'s TS twin and of every function its first call compiled,
 * from a child `node` with `--print-bytecode` (what `node --print-bytecode --print-bytecode-filter=NAME`
 * prints, without the noise of other functions). Node only: Bun runs JavaScriptCore, and Deno needs
 * `--v8-flags=--print-bytecode`.
 */
export async function twinBytecode(name: string, options: TwinBytecodeOptions = {}): Promise<BytecodeFunction[]> {
  if (typeof name !== "string" || !/^[A-Za-z_$][\w$]*$/.test(name)) throw new TypeError(expected("name", "a twin's function name", name));
  checkOptions(options, "options", ["twin", "args"]);
  if (options.args !== undefined && !Array.isArray(options.args))
    throw new TypeError(expected("options.args", "an array of arguments", options.args));
  const twin = options.twin ?? "number";
  if (twin !== "number" && twin !== "bigint") throw new TypeError(expected("options.twin", `"number" or "bigint"`, twin));
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno || g.Bun || typeof process === "undefined" || !process.versions?.node)
    throw new Error(
      `Bytecode extraction runs \`node --print-bytecode\` and needs Node; this runtime is ${g.Deno ? "Deno" : g.Bun ? "Bun" : "not Node"}`,
    );
  // From the source tree the twins are TypeScript (run through tsx); from the build, each twin module
  // is its own bundle (build/twins/*.js), so esbuild never renames a function to avoid a collision.
  const fromSource = import.meta.url.endsWith(".ts");
  const entry = fromSource ? new URL(`../twins/${twin}.ts`, import.meta.url) : new URL(`./twins/${twin}.js`, import.meta.url);
  const nodeArgs = fromSource ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href] : [];
  // bigint does not survive JSON: sent as "123n" and revived in the child.
  const args = options.args?.map((a) => (typeof a === "bigint" ? `${a}n` : a)) ?? null;
  const child = `
    const mod = await import(${JSON.stringify(entry.href)});
    const fn = mod[${JSON.stringify(name)}];
    if (typeof fn !== "function") { process.stderr.write("NO_SUCH_TWIN"); process.exit(3); }
    const given = ${JSON.stringify(args)};
    const small = ${twin === "bigint" ? "1000n" : "1000"};
    const args = given ? given.map((a) => (typeof a === "string" && /^-?\\d+n$/.test(a) ? BigInt(a.slice(0, -1)) : a)) : Array.from({ length: fn.length }, () => small);
    const v8 = await import("node:v8");
    // Print only what this one call compiles: the twin and its callees.
    v8.setFlagsFromString("--print-bytecode");
    v8.setFlagsFromString("--print-bytecode-filter=*");
    try { fn(...args); } catch {}
    // V8 prints through a buffered stream whose last block is sometimes lost at exit: print a long
    // sentinel function after the real output so that the real output is always flushed.
    v8.setFlagsFromString("--print-bytecode-filter=${FLUSH_SENTINEL}");
    new Function("return function ${FLUSH_SENTINEL}(a) {" + "a = a * 3 + 1;".repeat(400) + "return a; }")()(1);
    v8.setFlagsFromString("--no-print-bytecode");
  `;
  // V8 writes to the C stdout; read through a pipe, its output came back cut or jumbled in some runs, into a file it did not.
  const dir = await mkdtemp(join(tmpdir(), "hotpath-bytecode-"));
  const outFile = join(dir, "bytecode.txt");
  const out = await open(outFile, "w");
  let stdout: string;
  try {
    await new Promise<void>((resolve, reject) => {
      const proc = spawn(process.execPath, [...nodeArgs, "--input-type=module", "-e", child], {
        cwd: fileURLToPath(new URL(".", import.meta.url)),
        stdio: ["ignore", out.fd, "pipe"],
      });
      let err = "";
      proc.stderr!.on("data", (chunk) => (err += chunk));
      proc.on("error", reject);
      proc.on("close", (code) => {
        if (code === 0) resolve();
        else if (err.includes("NO_SUCH_TWIN")) reject(new RangeError(expected("name", `the name of a kernel with a ${twin} twin`, name)));
        else reject(new Error(`node --print-bytecode failed (exit code ${code}): ${err.trim().split("\n").slice(-3).join(" ")}`));
      });
    });
    stdout = await readFile(outFile, "utf8");
  } finally {
    await out.close();
    await rm(dir, { recursive: true, force: true });
  }
  // Keep the functions the twin's module declares: Node may compile one of its own (a stream's
  // `close`, say) while printing is on, and that is not the twin's code.
  const declared = new Set(Array.from((await readFile(entry, "utf8")).matchAll(/\bfunction\s+([A-Za-z_$][\w$]*)/g), (m) => m[1]));
  const functions = parseBytecode(stdout).filter((f) => declared.has(f.name));
  if (!functions.some((f) => f.name === name))
    throw new Error(`V8 printed no bytecode for \`${name}\` (is --print-bytecode supported by ${process.version}?)`);
  return functions;
}

const FLUSH_SENTINEL = "__hotpath_flush__";

/** Splits V8's `--print-bytecode` output into functions. */
export function parseBytecode(output: string): BytecodeFunction[] {
  const result: BytecodeFunction[] = [];
  const blocks = output.split(/^(?=\[generated bytecode for function: )/m).filter((b) => b.startsWith("[generated bytecode"));
  for (const block of blocks) {
    const name = /^\[generated bytecode for function: ([^\s(]*)/.exec(block)?.[1] ?? "";
    const length = Number(/Bytecode length: (\d+)/.exec(block)?.[1] ?? 0);
    const instructions: string[] = [];
    for (const line of block.split("\n")) {
      const m = /@\s+\d+ : (?:[0-9a-f]{2} )+\s*(.+)$/.exec(line);
      if (m) instructions.push(m[1].trim());
    }
    const end = block.search(/^Constant pool/m);
    const raw = (end > 0 ? block.slice(0, end) : block).trimEnd();
    const jump = instructions.findIndex((i) => i.startsWith("JumpLoop"));
    const loopStart = jump >= 0 ? loopTarget(raw) : -1;
    result.push({ name, instructions, length, hasLoop: jump >= 0, loopStart, loopLength: loopStart >= 0 ? jump - loopStart + 1 : 0, raw });
  }
  return result;
}

/** Bytecode listings as text, with each function's instruction count and its loop marked. */
export function formatBytecode(functions: readonly BytecodeFunction[]): string {
  return functions
    .map((f) => {
      const last = f.loopStart + f.loopLength - 1;
      const lines = f.instructions.map(
        (ins, i) =>
          `${f.loopLength && i >= f.loopStart && i <= last ? (i === f.loopStart ? "┌ " : i === last ? "└ " : "│ ") : "  "}  ${ins}`,
      );
      return [
        `;; ${f.name} (V8 Ignition): ${f.instructions.length} bytecodes, ${f.length} bytes; ${f.hasLoop ? `loop: ${f.loopLength} bytecodes` : "no loop"}`,
        ...lines,
      ].join("\n");
    })
    .join("\n\n");
}

/** Index of the instruction a function's JumpLoop jumps back to (matched by bytecode offset). */
function loopTarget(raw: string): number {
  const offsets = [...raw.matchAll(/@\s+(\d+) : /g)].map((m) => Number(m[1]));
  const jump = /JumpLoop .*\(0x[0-9a-f]+ @ (\d+)\)/.exec(raw);
  return jump ? offsets.indexOf(Number(jump[1])) : -1;
}
