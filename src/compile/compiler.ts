// The compiler driver behind `hotpath compile` and the bundler plugins: asc in process, with the
// flags of the built-in kernels (asconfig.json), twice per kernel file: the single-thread build and
// the shared-memory (threads) build. asc's own `--bindings esm` declarations give the signatures;
// the generated ES module and .d.ts come from them (codegen.ts). Node only.
import { readFile, readdir } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { HotpathError } from "../errors.ts";
import type { FunctionSpec } from "../kernels/contract.ts";
import { generateDeclarations, generateModule, moduleIdentifier } from "./codegen.ts";
import { memoryFreeExports } from "./memory-use.ts";
import { HEAP_BASE_EXPORT, RESERVED_NAMES } from "../kernels/runtime.ts";
import { SignatureError, bufferTags, parseBindings, toSpecs } from "./signatures.ts";

/** The flags of asconfig.json's "release" target (shared options included). */
export const RELEASE_FLAGS = [
  "-O3",
  "--shrinkLevel",
  "0",
  "--runtime",
  "stub",
  "--enable",
  "simd,bulk-memory,sign-extension,nontrapping-f2i",
] as const;
/** The flags of asconfig.json's "threads" target: the release flags, plus an imported shared memory. */
export const THREADS_FLAGS = [
  ...RELEASE_FLAGS.slice(0, -1),
  "simd,bulk-memory,sign-extension,nontrapping-f2i,threads",
  "--importMemory",
  "--sharedMemory",
  "--initialMemory",
  "1",
  "--maximumMemory",
  "65536",
] as const;

/** The extra entry file compiled beside the kernel: it exports where the kernel's static data ends. */
const HEAP_ENTRY = "__hotpath_heap.ts";
const HEAP_SOURCE = `export function ${HEAP_BASE_EXPORT}(): usize { return __heap_base; }\n`;

/** One compiler message, located in the user's file. */
export interface Diagnostic {
  /** The file, as given to the compiler (relative to the working directory when it is below it). */
  file?: string;
  line?: number;
  column?: number;
  severity: "error" | "warning" | "info";
  /** asc's code, e.g. 2304. */
  code: number;
  message: string;
}

/** A kernel file that did not compile: every diagnostic, and the compiler's own report (with code frames). */
export class CompileError extends HotpathError {
  override readonly code = "KERNEL_COMPILE";
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[],
    readonly report: string,
  ) {
    super(message);
  }
}

/** Options of compileKernel(). */
export interface CompileOptions {
  /** Where the generated module imports the runtime from. Default: "hotpath/kernel". */
  runtime?: string;
}

/** A compiled kernel file, in memory: every output file by name, and the functions it exports. */
export interface CompiledKernel {
  /** The kernel's name, from its file name: "squares" for kernels/squares.ts (and for squares.kernel.ts). */
  name: string;
  /** The absolute path of the kernel file. */
  file: string;
  functions: FunctionSpec[];
  /** `<name>.wasm`, `<name>.threads.wasm`, `.wat` beside each, `<name>.js` and `<name>.d.ts`. */
  files: Record<string, Uint8Array | string>;
  /** Warnings asc reported. */
  warnings: Diagnostic[];
  /** Wall time of both builds and code generation. */
  ms: number;
}

/**
 * The part of asc's API used here, declared locally: asc's own declarations do not compile with
 * `skipLibCheck: false`, and hotpath's published types must not pull them into users' projects.
 */
interface Asc {
  main(
    argv: string[],
    options: {
      readFile(file: string, baseDir: string): Promise<string | null>;
      writeFile(file: string, contents: Uint8Array | string, baseDir: string): Promise<void>;
      listFiles(dir: string, baseDir: string): Promise<string[] | null>;
      reportDiagnostic(d: {
        code: number;
        category: number;
        message: string;
        range: { start: number; end: number; source: { normalizedPath: string } } | null;
      }): void;
      stdout: unknown;
      stderr: unknown;
    },
  ): Promise<{ error: Error | null }>;
  createMemoryStream(fn?: (chunk: Uint8Array | string) => void): unknown;
}
let ascPromise: Promise<Asc> | undefined;
/** asc, imported once per process (≈0.4–1 s). */
export function loadAsc(): Promise<unknown> {
  return ascModule();
}
function ascModule(): Promise<Asc> {
  return (ascPromise ??= import("assemblyscript/asc").then((m) => m.default as unknown as Asc));
}

/** The kernel's name: the file name without `.ts` and without a `.kernel` suffix. */
export function kernelName(file: string): string {
  return basename(file, extname(file)).replace(/\.kernel$/, "");
}

/** Compiles one AssemblyScript kernel file into both wasm builds and its typed ES module, in memory. */
export async function compileKernel(file: string, options: CompileOptions = {}): Promise<CompiledKernel> {
  const started = performance.now();
  const path = resolve(file);
  const name = kernelName(path);
  if (!/^[A-Za-z_$][\w$-]*$/.test(name))
    throw new CompileError(`Kernel file name \`${basename(path)}\` must be a plain identifier (letters, digits, _ and -)`, [], "");
  const source = await readFile(path, "utf8").catch((cause: Error) => {
    throw new CompileError(`Cannot read kernel file ${display(path)}: ${cause.message}`, [], "");
  });
  const release = await runAsc(path, name, [...RELEASE_FLAGS, "--bindings", "esm"]);
  const signatures = parseBindings(String(release.files[`${name}.d.ts`] ?? "")).filter((s) => s.name !== HEAP_BASE_EXPORT);
  let functions: FunctionSpec[];
  try {
    functions = toSpecs(signatures, bufferTags(source));
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    const at = locateExport(source, error.exportName);
    const diagnostic: Diagnostic = { file: display(path), ...at, severity: "error", code: 0, message: error.message };
    throw new CompileError(formatDiagnostic(diagnostic), [diagnostic], "");
  }
  if (!functions.length) throw new CompileError(`${display(path)} exports no function: a kernel file exports at least one`, [], "");
  for (const f of functions)
    if ((RESERVED_NAMES as readonly string[]).includes(f.name)) {
      const diagnostic: Diagnostic = {
        file: display(path),
        ...locateExport(source, f.name),
        severity: "error",
        code: 0,
        message: `\`${f.name}\` is a name the generated module object uses (${RESERVED_NAMES.join(", ")}); rename the export`,
      };
      throw new CompileError(formatDiagnostic(diagnostic), [diagnostic], "");
    }
  const threads = await runAsc(path, name, [...THREADS_FLAGS], ".threads");
  const runtime = options.runtime ?? "hotpath/kernel";
  const free = memoryFreeExports(String(release.files[`${name}.wat`] ?? ""));
  const memoryFree = functions.filter((f) => free.has(f.name)).map((f) => f.name);
  const files: Record<string, Uint8Array | string> = {
    [`${name}.wasm`]: release.files[`${name}.wasm`],
    [`${name}.wat`]: release.files[`${name}.wat`],
    [`${name}.threads.wasm`]: threads.files[`${name}.threads.wasm`],
    [`${name}.threads.wat`]: threads.files[`${name}.threads.wat`],
    [`${name}.js`]: generateModule({ name, sourceFile: basename(path), functions, memoryFree, runtime }),
    [`${name}.d.ts`]: generateDeclarations({ name, sourceFile: basename(path), functions, runtime }),
  };
  return { name, file: path, functions, files, warnings: [...release.warnings, ...threads.warnings], ms: performance.now() - started };
}

/** Runs asc on `path` (plus the heap-base entry) with `flags`; outputs land in memory under `<name><suffix>.*`. */
async function runAsc(
  path: string,
  name: string,
  flags: readonly string[],
  suffix = "",
): Promise<{ files: Record<string, Uint8Array | string>; warnings: Diagnostic[] }> {
  const asc = await ascModule();
  const baseDir = dirname(path);
  const files: Record<string, Uint8Array | string> = {};
  const diagnostics: Diagnostic[] = [];
  // The sources asc read, by the name it uses for them (its diagnostics carry offsets, not lines).
  const texts = new Map<string, string>();
  let report = "";
  const { error } = await asc.main(
    [
      basename(path),
      HEAP_ENTRY,
      ...flags,
      "--outFile",
      `${name}${suffix}.wasm`,
      "--textFile",
      `${name}${suffix}.wat`,
      "--baseDir",
      baseDir,
      "--noColors",
    ],
    {
      async readFile(file, dir) {
        // The kernel's own asconfig.json is ignored: the flags are the built-in kernels' flags.
        if (file === "asconfig.json") return null;
        if (file === HEAP_ENTRY || file.endsWith(`/${HEAP_ENTRY}`)) return HEAP_SOURCE;
        const text = await readFile(isAbsolute(file) ? file : join(dir, file), "utf8").catch(() => null);
        if (text !== null) texts.set(file, text);
        return text;
      },
      async writeFile(file, contents) {
        files[basename(file)] = contents;
      },
      async listFiles(dir, base) {
        return readdir(isAbsolute(dir) ? dir : join(base, dir)).catch(() => null);
      },
      reportDiagnostic(d) {
        if (d.range?.source.normalizedPath.endsWith(HEAP_ENTRY)) return;
        const source = d.range?.source;
        const text = source && texts.get(source.normalizedPath);
        const at = text !== undefined && d.range ? position(text, d.range.start) : {};
        const file = source ? display(resolve(baseDir, source.normalizedPath)) : undefined;
        diagnostics.push({
          ...(file ? { file } : {}),
          ...at,
          severity: d.category === 3 ? "error" : d.category === 2 ? "warning" : "info",
          code: d.code,
          message: d.message,
        });
      },
      stdout: asc.createMemoryStream(),
      stderr: asc.createMemoryStream((chunk) => (report += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk))),
    },
  );
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (error || errors.length) {
    const lines = errors.length ? errors.map(formatDiagnostic) : [`${display(path)}: ${error?.message ?? "asc failed"}`];
    throw new CompileError(lines.join("\n"), errors, report);
  }
  return { files, warnings: diagnostics.filter((d) => d.severity === "warning") };
}

/** `kernels/squares.ts:3:8: error TS2304: Cannot find name 'x'.`: the form editors and terminals link. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ""}: ` : "";
  return `${where}${d.severity}${d.code ? ` TS${d.code}` : ""}: ${d.message}`;
}

/** The 1-based line and column of an offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastNewline = before.lastIndexOf("\n");
  return { line: before.split("\n").length, column: offset - lastNewline };
}

/** Line and column of `export function name` in the source (for signature errors asc does not report). */
function locateExport(source: string, name: string): { line?: number; column?: number } {
  const m = new RegExp(`export\\s+function\\s+${name}\\b`).exec(source);
  if (!m) return {};
  const before = source.slice(0, m.index + m[0].length - name.length);
  const lines = before.split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** A path relative to the working directory when it is below it, else absolute. */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

export { moduleIdentifier };
