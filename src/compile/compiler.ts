// The compiler driver behind `hotpath compile` and the bundler plugins: asc in process, with the
// flags of the built-in kernels (asconfig.json), twice per kernel file: the single-thread build and
// the shared-memory (threads) build. asc's own `--bindings esm` declarations give the signatures;
// the generated ES module and .d.ts come from them (codegen.ts). Node only.
import { readFile, readdir } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from "node:path";
import { HotpathError, keepName } from "../errors.ts";
import type { FunctionSpec } from "../kernels/contract.ts";
import { analysisTransform, type Analysis } from "./analyze.ts";
import { HEAP_TOTAL_EXPORT, LOADED_RESERVED } from "../kernels/bind.ts";
import { generateDeclarations, generateModule, moduleIdentifier } from "./codegen.ts";
import { memoryFreeExports } from "./memory-use.ts";
import { HEAP_BASE_EXPORT, RESERVED_NAMES } from "../kernels/runtime.ts";
import type { ModuleShape } from "../kernels/shape.ts";
import { SignatureError, bufferTags, toSpecs } from "./signatures.ts";

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

/**
 * The flags of a module that takes or returns managed values (strings, arrays, objects, classes): the
 * release flags with asc's incremental collector, its entry points exported (`__new`, `__pin`,
 * `__unpin`, `__collect`). Such a module has no threads build: the collector is not thread-safe.
 */
export const GC_FLAGS = ["-O3", "--shrinkLevel", "0", "--runtime", "incremental", "--exportRuntime", "--enable", RELEASE_FLAGS[6]] as const;
/** The analysis compile: what the module exports, resolved by asc (nothing is written). */
const ANALYSIS_FLAGS = ["-O0", "--runtime", "incremental", "--exportRuntime", "--enable", RELEASE_FLAGS[6], "--noEmit"] as const;

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
  override name = "CompileError";
  override readonly code = "KERNEL_COMPILE";
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[],
    readonly report: string,
  ) {
    super(message);
  }
}
keepName(CompileError, "CompileError");

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
  /** Everything else it binds (strings, arrays, objects, classes, globals); absent for a module of numbers and buffer pairs only. */
  shape?: ModuleShape;
  /** Exports left out of the generated module, each with why (also among `warnings`). */
  skipped: { name: string; reason: string }[];
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
      transforms?: unknown[];
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

/**
 * Compiles one AssemblyScript kernel file into its wasm build(s) and its typed ES module, in memory.
 * A first compile reads what the module exports (analyze.ts). A module whose exports take and return
 * only numbers and buffer pairs is built as before: the stub runtime, and a threads build for the
 * pool's shared memory. Any other module is built with the incremental collector (GC_FLAGS), with
 * the wrappers its classes need appended to their files, and has no threads build.
 */
export async function compileKernel(file: string, options: CompileOptions = {}): Promise<CompiledKernel> {
  const started = performance.now();
  const path = resolve(file);
  const name = kernelName(path);
  if (!/^[A-Za-z_$][\w$-]*$/.test(name))
    throw new CompileError(`Kernel file name \`${basename(path)}\` must be a plain identifier (letters, digits, _ and -)`, [], "");
  const source = await readFile(path, "utf8").catch((cause: Error) => {
    throw new CompileError(`Cannot read kernel file ${display(path)}: ${cause.message}`, [], "");
  });
  const analysis = (await runAsc(path, name, ANALYSIS_FLAGS, { analyze: true })).analysis!;
  const warnings: Diagnostic[] = [];
  const skipped: { name: string; reason: string }[] = [];
  const skip = (exportName: string, reason: string) => {
    skipped.push({ name: exportName, reason });
    warnings.push({
      file: display(path),
      ...locateExport(source, exportName),
      severity: "warning",
      code: 0,
      message: `\`${exportName}\` is left out: ${reason}`,
    });
  };
  for (const s of analysis.skipped) skip(s.name, s.reason);
  // In the file's order, as a reader goes through it.
  warnings.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  const reserved = [...RESERVED_NAMES, ...LOADED_RESERVED] as readonly string[];
  const tags = bufferTags(source);
  const functions: FunctionSpec[] = [];
  const managed: Analysis["functions"] = [];
  for (const f of analysis.functions) {
    if (reserved.includes(f.name)) {
      skip(f.name, `it is a name the generated module uses (${reserved.join(", ")}); rename the export`);
      continue;
    }
    try {
      // Optional parameters need asc's `__setArgumentsLength` before each call: bind.ts does that.
      if (f.required !== undefined) throw new SignatureError("optional parameters", f.name);
      functions.push(...toSpecs([{ name: f.name, params: f.asParams, result: f.asResult }], tags));
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      if (tags.has(f.name)) {
        const diagnostic: Diagnostic = {
          file: display(path),
          ...locateExport(source, f.name),
          severity: "error",
          code: 0,
          message: error.message,
        };
        throw new CompileError(formatDiagnostic(diagnostic), [diagnostic], "");
      }
      managed.push(f);
    }
  }
  const globals = analysis.globals.filter(
    (g) => !reserved.includes(g.name) || void skip(g.name, `it is a name the generated module uses (${reserved.join(", ")})`),
  );
  if (!functions.length && !managed.length && !globals.length && !analysis.enums.length)
    throw new CompileError(
      [`${display(path)} exports no function hotpath can bind: a kernel file exports at least one`, ...warnings.map(formatDiagnostic)].join(
        "\n",
      ),
      [],
      "",
    );
  const gc = managed.length > 0 || globals.some((g) => g.type.kind !== "number");
  const runtime = options.runtime ?? "hotpath/kernel";
  const text = { name, sourceFile: basename(path), functions, runtime };
  let files: Record<string, Uint8Array | string>;
  let shape: ModuleShape | undefined;
  if (!gc) {
    const release = await runAsc(path, name, RELEASE_FLAGS);
    const threads = await runAsc(path, name, THREADS_FLAGS, { suffix: ".threads" });
    warnings.push(...release.warnings, ...threads.warnings);
    const free = memoryFreeExports(String(release.files[`${name}.wat`] ?? ""));
    const memoryFree = functions.filter((f) => free.has(f.name)).map((f) => f.name);
    if (globals.length || analysis.enums.length)
      shape = {
        gc: false,
        ids: analysis.ids,
        functions: [],
        classes: [],
        globals,
        ...(analysis.enums.length ? { enums: analysis.enums } : {}),
      };
    files = {
      [`${name}.wasm`]: release.files[`${name}.wasm`],
      [`${name}.wat`]: release.files[`${name}.wat`],
      [`${name}.threads.wasm`]: threads.files[`${name}.threads.wasm`],
      [`${name}.threads.wat`]: threads.files[`${name}.threads.wat`],
    };
    files[`${name}.js`] = generateModule({ ...text, memoryFree, shape });
  } else {
    // The wrappers are compiled in the final build; its own analysis gives the ids and offsets of that build.
    const build = await runAsc(path, name, GC_FLAGS, { analyze: true, wrappers: analysis.wrappers });
    warnings.push(...build.warnings);
    const final = build.analysis!;
    const keep = new Set(managed.map((f) => f.name));
    const strip = <T extends { asParams?: unknown; asResult?: unknown }>({ asParams: _p, asResult: _r, ...rest }: T) => rest;
    shape = {
      gc: true,
      ids: final.ids,
      functions: final.functions.filter((f) => keep.has(f.name)).map(strip),
      classes: final.classes,
      globals: final.globals.filter((g) => globals.some((h) => h.name === g.name)),
      ...(final.enums.length ? { enums: final.enums } : {}),
    };
    files = { [`${name}.wasm`]: build.files[`${name}.wasm`], [`${name}.wat`]: build.files[`${name}.wat`] };
    files[`${name}.js`] = generateModule({ ...text, shape, threads: false });
  }
  files[`${name}.d.ts`] = generateDeclarations({ ...text, shape });
  return { name, file: path, functions, ...(shape ? { shape } : {}), skipped, files, warnings, ms: performance.now() - started };
}

/** Runs asc on `path` (plus the heap-base entry) with `flags`; outputs land in memory under `<name><suffix>.*`. */
async function runAsc(
  path: string,
  name: string,
  flags: readonly string[],
  options: { suffix?: string; analyze?: boolean; wrappers?: Map<string, string> } = {},
): Promise<{ files: Record<string, Uint8Array | string>; warnings: Diagnostic[]; analysis?: Analysis }> {
  const asc = await ascModule();
  const suffix = options.suffix ?? "";
  const transform = options.analyze ? analysisTransform(HEAP_TOTAL_EXPORT) : undefined;
  // Wrappers go at the end of their class's file (lines beyond the user's, so diagnostics keep their places);
  // those of other files than the entry are re-exported by name from the entry.
  const appended = new Map(options.wrappers ?? []);
  const entry = basename(path).replace(/\.ts$/, "");
  for (const [file, text] of options.wrappers ?? [])
    if (file !== entry) {
      const names = [...text.matchAll(/export function (\w+)/g)].map((m) => m[1]);
      const from = `./${relative(dirname(path), resolve(dirname(path), file)).replace(/\\/g, "/")}`;
      appended.set(entry, `${appended.get(entry) ?? ""}export { ${names.join(", ")} } from ${JSON.stringify(from)};\n`);
    }
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
        const extra =
          text !== null ? appended.get(relative(baseDir, resolve(dir, file)).replace(/\\/g, "/").replace(/\.ts$/, "")) : undefined;
        return extra ? `${text}\n${extra}` : text;
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
      ...(transform ? { transforms: [transform] } : {}),
    },
  );
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (error || errors.length) {
    const lines = errors.length ? errors.map(formatDiagnostic) : [`${display(path)}: ${error?.message ?? "asc failed"}`];
    throw new CompileError(lines.join("\n"), errors, report);
  }
  // asc warns that exported classes do not become wasm exports (AS235): hotpath binds them where they are used.
  const warnings = diagnostics.filter((d) => d.severity === "warning" && d.code !== 235);
  return { files, warnings, ...(transform?.result ? { analysis: transform.result } : {}) };
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

/**
 * Line and column of an export in the source (for what asc does not report): `export function name`,
 * `export let|const|var name`, `export enum name`; for "Class.member", the member's declaration in the class.
 */
function locateExport(source: string, name: string): { line?: number; column?: number } {
  const [owner, member] = name.includes(".") ? name.split(".") : [undefined, name];
  let from = 0;
  let re = new RegExp(`export\\s+(?:function|let|const|var|enum)\\s+(${member})\\b`, "g");
  if (owner) {
    const cls = new RegExp(`\\bclass\\s+${owner}\\b`).exec(source);
    if (!cls) return {};
    from = cls.index;
    re = new RegExp(`^[ \\t]*(?:(?:public|readonly|static|get|set)\\s+)*(${member})\\s*[(:!<]`, "gm");
  }
  re.lastIndex = from;
  const m = re.exec(source);
  if (!m) return {};
  const lines = source.slice(0, m.index + m[0].indexOf(m[1])).split("\n");
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** A path relative to the working directory when it is below it, else absolute. */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

export { moduleIdentifier };
