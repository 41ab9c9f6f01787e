// Foreign WebAssembly through one door: any `.wasm` (C built by clang, hand-written WAT, another
// AssemblyScript build) loaded with declared signatures, the counterpart of Python's cffi. The
// declarations are checked against the function types in the binary at load time, so a wrong
// declaration fails once, by name, instead of corrupting values at every call.
import { platform } from "#platform";
import { Arena } from "../arena.ts";
import { KernelError, WasmLoadError, expected } from "../errors.ts";
import { assemblyScriptImports, type WasmSource } from "../load.ts";
import { checkOptions, toU64 } from "../validate.ts";

/** A value type as declared: wasm's own, with signedness for integers, and `ptr` for a wasm32 address. */
export type ForeignType = "i32" | "u32" | "i64" | "u64" | "f32" | "f64" | "ptr";

/** One function's signature in object form: `{ params: ["u64"], result: "u64" }` (no result: returns nothing). */
export interface SignatureObject {
  params: readonly ForeignType[];
  result?: ForeignType | "void";
}

/**
 * Declarations, in the small C-like form cffi's `cdef` uses (`"uint64_t f(uint64_t n);"` or
 * `"u64 f(u64)"`, several separated by `;` or new lines, or an array of them), or as an object
 * mapping each function name to a `SignatureObject`.
 */
export type Signatures = string | readonly string[] | Readonly<Record<string, SignatureObject>>;

/** A parsed declaration. */
export interface Signature {
  readonly name: string;
  readonly params: readonly { readonly type: ForeignType; readonly name?: string }[];
  readonly result: ForeignType | "void";
}

/** What a declared function accepts for each type (results: bigint for i64/u64, number otherwise). */
export type ForeignArg = bigint | number | ArrayBufferView | ArrayBuffer;
export type ForeignFunction = (...args: ForeignArg[]) => bigint | number | undefined;

export interface LoadOptions {
  /** The functions to bind and their signatures (required). */
  signatures: Signatures;
  /** Imports the module needs. AssemblyScript's `env.abort`, `env.trace` and `env.seed` are supplied when not given. */
  imports?: WebAssembly.Imports;
}

/** A loaded foreign module: its declared functions, typed and checked, beside the raw instance. */
export interface ForeignModule<L = Record<string, ForeignFunction>> {
  /** The declared functions, with arguments checked and converted (u64/i64 ↔ bigint, buffers copied in and back). */
  readonly lib: L;
  /** The module's exported memory, when it exports one. */
  readonly memory: WebAssembly.Memory | undefined;
  /** The parsed declarations, by function name. */
  readonly signatures: ReadonlyMap<string, Signature>;
  readonly instance: WebAssembly.Instance;
  readonly module: WebAssembly.Module;
}

const LOAD_KEYS = ["signatures", "imports"] as const;

const C_TYPES: Record<string, ForeignType | "void"> = {
  void: "void",
  i32: "i32",
  u32: "u32",
  i64: "i64",
  u64: "u64",
  f32: "f32",
  f64: "f64",
  ptr: "ptr",
  usize: "ptr",
  isize: "i32",
  int: "i32",
  unsigned: "u32",
  "unsigned int": "u32",
  int32_t: "i32",
  uint32_t: "u32",
  size_t: "u32",
  uintptr_t: "u32",
  int64_t: "i64",
  uint64_t: "u64",
  "long long": "i64",
  "unsigned long long": "u64",
  float: "f32",
  double: "f64",
  // wasm32 C: long is 32 bits.
  long: "i32",
  "unsigned long": "u32",
};

const TYPE_WORDS = new Set([
  ...Object.keys(C_TYPES).flatMap((k) => k.split(" ")),
  "char",
  "short",
  "signed",
  "uint8_t",
  "int8_t",
  "uint16_t",
  "int16_t",
]);

const WASM_KIND: Record<ForeignType, "i32" | "i64" | "f32" | "f64"> = {
  i32: "i32",
  u32: "i32",
  ptr: "i32",
  i64: "i64",
  u64: "i64",
  f32: "f32",
  f64: "f64",
};

/** Parses declarations into signatures; a malformed one is a TypeError quoting it. */
export function parseSignatures(signatures: Signatures): Signature[] {
  if (typeof signatures === "string") return splitDeclarations(signatures).map(parseDeclaration);
  if (Array.isArray(signatures)) {
    return signatures.flatMap((s, i) => {
      if (typeof s !== "string") throw new TypeError(expected(`options.signatures[${i}]`, 'a declaration string such as "u64 f(u64)"', s));
      return splitDeclarations(s).map(parseDeclaration);
    });
  }
  if (signatures === null || typeof signatures !== "object")
    throw new TypeError(
      expected(
        "options.signatures",
        'declarations ("u64 f(u64)"), an array of them, or an object { name: { params, result } }',
        signatures,
      ),
    );
  return Object.entries(signatures as Record<string, SignatureObject>).map(([name, sig]) => {
    const where = `options.signatures.${name}`;
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new TypeError(expected("options.signatures", "function names that are identifiers", name));
    if (sig === null || typeof sig !== "object" || !Array.isArray(sig.params))
      throw new TypeError(expected(where, "an object { params: [...types], result?: type }", sig));
    for (const key of Object.keys(sig))
      if (key !== "params" && key !== "result") throw new TypeError(`Unknown key \`${where}.${key}\`; expected \`params\` or \`result\``);
    const params = sig.params.map((t, i) => ({ type: valueType(t, `${where}.params[${i}]`) }));
    const result = sig.result === undefined || sig.result === "void" ? "void" : valueType(sig.result, `${where}.result`);
    return { name, params, result };
  });
}

function splitDeclarations(text: string): string[] {
  return text
    .split(/[;\n]/)
    .map((s) => s.replace(/\/\/.*$/, "").trim())
    .filter(Boolean);
}

function valueType(type: unknown, where: string): ForeignType {
  if (typeof type === "string" && type in WASM_KIND) return type as ForeignType;
  throw new TypeError(expected(where, `one of ${Object.keys(WASM_KIND).join(", ")}`, type));
}

/** `const uint32_t *xs` → ptr, `uint64_t n` → u64 named n, `u64` → u64. */
function parseTyped(text: string, declaration: string): { type: ForeignType | "void"; name?: string } {
  const pointer = text.includes("*");
  const words = text
    .replace(/\*/g, " ")
    .replace(/\b(const|volatile|restrict|struct|static|extern|inline)\b/g, " ")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) throw new TypeError(`Invalid declaration "${declaration}": a parameter has no type`);
  // Any pointer is an address; its name is the last word unless that word is part of the type.
  if (pointer) {
    const last = words[words.length - 1];
    return words.length >= 2 && !TYPE_WORDS.has(last) ? { type: "ptr", name: last } : { type: "ptr" };
  }
  // The longest prefix of words that names a type ("unsigned long long"), the rest is the name.
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    const rest = words.slice(n);
    if (rest.length > 1) continue;
    const type = C_TYPES[words.slice(0, n).join(" ")];
    if (type) return rest.length ? { type, name: rest[0] } : { type };
  }
  throw new TypeError(
    `Invalid declaration "${declaration}": unknown type in \`${text.trim()}\`; use ${Object.keys(WASM_KIND).join(", ")} or a C type such as uint64_t, int32_t, double, T*`,
  );
}

function parseDeclaration(declaration: string): Signature {
  const m = /^(.*?)\b([A-Za-z_$][\w$]*)\s*\(([^()]*)\)$/.exec(declaration.replace(/\s+/g, " ").trim());
  if (!m || !m[1].trim())
    throw new TypeError(`Invalid declaration "${declaration}": expected \`result name(params)\`, for example "u64 f(u64 n)"`);
  const result = parseTyped(m[1], declaration).type;
  const inner = m[3].trim();
  const params =
    inner === "" || inner === "void"
      ? []
      : inner.split(",").map((p) => {
          const t = parseTyped(p, declaration);
          if (t.type === "void") throw new TypeError(`Invalid declaration "${declaration}": a parameter cannot be void`);
          return { type: t.type, ...(t.name ? { name: t.name } : {}) };
        });
  return { name: m[2], params, result };
}

/** "u64 f(u64 n)": a signature written back in the short form, for messages. */
export function formatSignature(sig: Signature): string {
  return `${sig.result} ${sig.name}(${sig.params.map((p) => (p.name ? `${p.type} ${p.name}` : p.type)).join(", ")})`;
}

// --- Reading function types from the binary (WebAssembly.Module.exports gives kinds, not types). ---

interface FuncType {
  params: string[];
  results: string[];
}

const VALTYPE: Record<number, string> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
  0x70: "funcref",
  0x6f: "externref",
};

/** The types of the exported functions, by export name; undefined when the binary uses encodings this reader does not know. */
export function exportedFunctionTypes(bytes: Uint8Array): Map<string, FuncType> | undefined {
  let pos = 8;
  const u8 = () => bytes[pos++];
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return result;
    }
  };
  const name = () => {
    const len = leb();
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + len));
    pos += len;
    return s;
  };
  const limits = () => {
    const flags = u8();
    leb();
    if (flags & 1) leb();
  };
  const types: FuncType[] = [];
  const funcTypes: number[] = [];
  const exports = new Map<string, FuncType>();
  while (pos < bytes.length) {
    const id = u8();
    const size = leb();
    const end = pos + size;
    if (id === 1) {
      for (let i = leb(); i > 0; i--) {
        if (u8() !== 0x60) return undefined;
        const params = Array.from({ length: leb() }, () => VALTYPE[u8()] ?? "?");
        const results = Array.from({ length: leb() }, () => VALTYPE[u8()] ?? "?");
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let i = leb(); i > 0; i--) {
        name();
        name();
        const kind = u8();
        if (kind === 0) funcTypes.push(leb());
        else if (kind === 1) (u8(), limits());
        else if (kind === 2) limits();
        else if (kind === 3) (u8(), u8());
        else return undefined;
      }
    } else if (id === 3) {
      for (let i = leb(); i > 0; i--) funcTypes.push(leb());
    } else if (id === 7) {
      for (let i = leb(); i > 0; i--) {
        const exportName = name();
        const kind = u8();
        const index = leb();
        if (kind === 0) exports.set(exportName, types[funcTypes[index]]);
      }
    }
    pos = end;
  }
  return exports;
}

// --- Loading ---

/**
 * Loads any `.wasm` and binds the declared functions, checked against the module's real exports.
 * Node, Deno, Bun and browsers. With a compiled `WebAssembly.Module` only names and arities can be
 * checked (the types are in the bytes); pass a URL or bytes for the full check.
 */
export async function load<L = Record<string, ForeignFunction>>(source: WasmSource, options: LoadOptions): Promise<ForeignModule<L>> {
  if (options === undefined) throw new TypeError(expected("options", "an object with `signatures`", options));
  const opts = checkOptions(options, "options", LOAD_KEYS) as unknown as LoadOptions;
  if (opts.signatures === undefined) throw new TypeError(expected("options.signatures", 'declarations such as "u64 f(u64)"', undefined));
  if (opts.imports !== undefined && (opts.imports === null || typeof opts.imports !== "object"))
    throw new TypeError(expected("options.imports", "an imports object { module: { name: value } }", opts.imports));
  const sigs = parseSignatures(opts.signatures);
  if (sigs.length === 0) throw new TypeError(expected("options.signatures", "at least one declaration", opts.signatures));

  const { module, bytes } = await compileForeign(source);
  const available = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const types = bytes ? exportedFunctionTypes(bytes) : undefined;
  const byName = new Map<string, Signature>();
  for (const sig of sigs) {
    if (byName.has(sig.name)) throw new TypeError(`\`options.signatures\` declares \`${sig.name}\` twice`);
    byName.set(sig.name, sig);
    const kind = available.get(sig.name);
    if (kind !== "function") {
      const functions = [...available].filter(([, k]) => k === "function").map(([n]) => n);
      throw new WasmLoadError(
        kind
          ? `\`${sig.name}\` is exported as a ${kind}, not a function`
          : `The module exports no function \`${sig.name}\` (declared as "${formatSignature(sig)}"); it exports: ${functions.join(", ") || "no functions"}`,
      );
    }
    const actual = types?.get(sig.name);
    if (actual) checkType(sig, actual);
  }

  let memory: WebAssembly.Memory | undefined;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(
      module,
      completeImports(module, opts.imports ?? {}, () => memory!),
    );
  } catch (cause) {
    if (cause instanceof WasmLoadError) throw cause;
    throw new WasmLoadError(`Could not instantiate the module: ${(cause as Error).message}`, { cause });
  }
  const exports = instance.exports;
  memory = exports.memory instanceof WebAssembly.Memory ? exports.memory : undefined;
  // A C reactor (no main) runs its static constructors here, as dlopen would.
  const init = exports._initialize ?? exports.__wasm_call_ctors;
  if (typeof init === "function") init();

  const scratch = scratchSpace(exports, memory);
  const lib: Record<string, ForeignFunction> = {};
  for (const sig of sigs) {
    const fn = exports[sig.name] as (...a: unknown[]) => unknown;
    // Without the bytes, the export's arity is all there is to compare.
    if (!types && fn.length !== sig.params.length)
      throw new WasmLoadError(
        `Signature of \`${sig.name}\` does not match the module: declared "${formatSignature(sig)}" takes ${sig.params.length} parameter(s), the export takes ${fn.length}`,
      );
    lib[sig.name] = bind(sig, fn, memory, scratch);
  }
  return { lib: lib as L, memory, signatures: byName, instance, module };
}

async function compileForeign(source: WasmSource): Promise<{ module: WebAssembly.Module; bytes?: Uint8Array }> {
  if (source instanceof WebAssembly.Module) return { module: source };
  let bytes: Uint8Array<ArrayBuffer>;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    // An exact-size copy: pooled Node Buffers share a larger ArrayBuffer.
    bytes = (
      source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
    ).slice();
  } else {
    let url: URL;
    try {
      url = source instanceof URL ? source : new URL(source as string, globalThis.location?.href);
    } catch {
      throw new TypeError(expected("source", "a URL, bytes or a WebAssembly.Module", source));
    }
    try {
      bytes = await platform.readBytes(url);
    } catch (cause) {
      throw new WasmLoadError(`Could not read WebAssembly from ${url}: ${(cause as Error).message}`, { cause });
    }
  }
  if (!WebAssembly.validate(bytes)) {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    const magic = bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
    throw new WasmLoadError(
      magic
        ? `\`source\` is a WebAssembly module that does not validate here (${bytes.byteLength} bytes; it may use a feature this runtime lacks)`
        : `\`source\` is not a WebAssembly module: it does not start with \\0asm (${bytes.byteLength} bytes; starts with ${head || "nothing"})`,
    );
  }
  return { module: await WebAssembly.compile(bytes), bytes };
}

function checkType(sig: Signature, actual: FuncType): void {
  const declaredParams = sig.params.map((p) => WASM_KIND[p.type]);
  const declaredResults = sig.result === "void" ? [] : [WASM_KIND[sig.result]];
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(declaredParams, actual.params) || !same(declaredResults, actual.results)) {
    const show = (p: readonly string[], r: readonly string[]) => `(${p.join(", ")}) -> ${r.length ? r.join(", ") : "nothing"}`;
    throw new WasmLoadError(
      `Signature of \`${sig.name}\` does not match the module: declared "${formatSignature(sig)}", which is ${show(declaredParams, declaredResults)} in wasm, but the export is ${show(actual.params, actual.results)}`,
    );
  }
}

const AS_ENV = new Set(["abort", "trace", "seed"]);

/** The caller's imports, plus AssemblyScript's env functions when the module wants them; anything else missing is named. */
function completeImports(module: WebAssembly.Module, given: WebAssembly.Imports, memory: () => WebAssembly.Memory): WebAssembly.Imports {
  const asEnv = assemblyScriptImports(memory).env as Record<string, WebAssembly.ImportValue>;
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const [mod, values] of Object.entries(given)) imports[mod] = { ...(values as Record<string, WebAssembly.ImportValue>) };
  const missing: string[] = [];
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imports[imp.module]?.[imp.name] !== undefined) continue;
    if (imp.module === "env" && AS_ENV.has(imp.name) && imp.kind === "function") (imports.env ??= {})[imp.name] = asEnv[imp.name];
    else missing.push(`\`${imp.module}.${imp.name}\` (${imp.kind})`);
  }
  if (missing.length)
    throw new WasmLoadError(`The module imports ${missing.join(", ")}; pass ${missing.length > 1 ? "them" : "it"} in \`options.imports\``);
  return imports;
}

interface Scratch {
  /** Places bytes in the module's memory and returns their address. */
  put(data: Uint8Array, name: string): number;
  /** Releases everything placed since the last release. */
  release(): void;
}

/** Where buffers passed for `ptr` parameters go: the module's malloc/free if it has them, else the free space above __heap_base. */
function scratchSpace(exports: WebAssembly.Exports, memory: WebAssembly.Memory | undefined): Scratch | string {
  if (!memory) return "the module exports no memory";
  const malloc = exports.malloc;
  const free = exports.free;
  if (typeof malloc === "function" && typeof free === "function") {
    const live: number[] = [];
    return {
      put(data, name) {
        const ptr = (malloc as (n: number) => number)(Math.max(1, data.byteLength)) >>> 0;
        if (!ptr) throw new RangeError(`The module's malloc could not allocate ${data.byteLength} bytes for \`${name}\``);
        live.push(ptr);
        new Uint8Array(memory.buffer, ptr, data.byteLength).set(data);
        return ptr;
      },
      release() {
        for (const ptr of live.splice(0)) (free as (p: number) => void)(ptr);
      },
    };
  }
  const heapBase =
    exports.__heap_base instanceof WebAssembly.Global
      ? Number(exports.__heap_base.value)
      : typeof exports.heapBase === "function"
        ? Number((exports.heapBase as () => number)())
        : undefined;
  if (heapBase === undefined)
    return "the module exports neither malloc/free nor __heap_base, so hotpath cannot know which memory is free; pass an address";
  const arena = new Arena(memory, heapBase);
  return {
    put: (data, name) => arena.put(data, name),
    release: () => arena.reset(),
  };
}

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** The declared function: arity checked, arguments converted, buffers copied in and back, traps named. */
function bind(
  sig: Signature,
  fn: (...a: unknown[]) => unknown,
  memory: WebAssembly.Memory | undefined,
  scratch: Scratch | string,
): ForeignFunction {
  const arity = sig.params.length;
  const text = formatSignature(sig);
  const label = sig.params.map((p, i) => `${sig.name}: argument ${i + 1}${p.name ? ` (${p.name})` : ""}`);
  const hasPtr = sig.params.some((p) => p.type === "ptr");
  const convert = sig.params.map((p, i) => converter(p.type, label[i]));
  const result = resultConverter(sig.result);
  const trap = (cause: unknown): never => {
    if (cause instanceof WebAssembly.RuntimeError) throw new KernelError(`\`${sig.name}\` trapped: ${cause.message}`, sig.name, { cause });
    throw cause;
  };
  const arityError = (got: number) =>
    new TypeError(`\`${sig.name}\` takes ${arity} argument${arity === 1 ? "" : "s"} ("${text}"), got ${got}`);
  // Up to four scalars (the common case): no rest array, no spread, no scratch memory to manage.
  if (!hasPtr && arity <= 4) {
    const [c0, c1, c2, c3] = convert;
    return function (a?: ForeignArg, b?: ForeignArg, c?: ForeignArg, d?: ForeignArg) {
      if (arguments.length !== arity) throw arityError(arguments.length);
      let value: unknown;
      try {
        value =
          arity === 0
            ? fn()
            : arity === 1
              ? fn(c0(a))
              : arity === 2
                ? fn(c0(a), c1(b))
                : arity === 3
                  ? fn(c0(a), c1(b), c2(c))
                  : fn(c0(a), c1(b), c2(c), c3(d));
      } catch (cause) {
        trap(cause);
      }
      return result(value);
    } as ForeignFunction;
  }
  return function (...args: ForeignArg[]) {
    if (args.length !== arity) throw arityError(args.length);
    const raw = new Array<unknown>(arity);
    let copies: { view: Uint8Array; ptr: number }[] | undefined;
    try {
      for (let i = 0; i < arity; i++) {
        const a = args[i];
        if (hasPtr && sig.params[i].type === "ptr" && typeof a === "object" && a !== null) {
          if (typeof scratch === "string") throw new TypeError(`Cannot pass a buffer as \`${label[i]}\`: ${scratch}`);
          const view =
            a instanceof ArrayBuffer
              ? new Uint8Array(a)
              : ArrayBuffer.isView(a)
                ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
                : undefined;
          if (!view) throw new TypeError(expected(label[i], "an address (number) or a buffer (ArrayBufferView, ArrayBuffer)", a));
          const ptr = scratch.put(view, label[i]);
          (copies ??= []).push({ view, ptr });
          raw[i] = ptr;
        } else raw[i] = convert[i](a);
      }
      let value: unknown;
      try {
        value = fn(...raw);
      } catch (cause) {
        trap(cause);
      }
      // C may have written through the pointer: the caller's buffer gets the bytes back, as with cffi's from_buffer.
      if (copies && memory) for (const { view, ptr } of copies) view.set(new Uint8Array(memory.buffer, ptr, view.byteLength));
      return result(value);
    } finally {
      if (copies && typeof scratch !== "string") scratch.release();
    }
  };
}

function converter(type: ForeignType, name: string): (value: unknown) => unknown {
  switch (type) {
    case "u64":
      return (v) => toU64(v, name);
    case "i64":
      return (v) => {
        if (typeof v === "bigint") {
          if (v < I64_MIN || v > I64_MAX) throw new RangeError(expected(name, "an i64 (−2^63 ≤ n < 2^63)", v));
          return v;
        }
        if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
        if (typeof v === "number") throw new RangeError(expected(name, "a bigint or a safe integer", v));
        throw new TypeError(expected(name, "a bigint or a safe integer", v));
      };
    case "i32":
    case "u32":
    case "ptr": {
      const [min, max, what] =
        type === "i32" ? [-(2 ** 31), 2 ** 31 - 1, "an i32"] : [0, 2 ** 32 - 1, type === "ptr" ? "an address (or a buffer)" : "a u32"];
      return (v) => {
        if (typeof v !== "number") throw new TypeError(expected(name, `${what} (number)`, v));
        if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(expected(name, `${what}: an integer in [${min}, ${max}]`, v));
        return v;
      };
    }
    case "f32":
    case "f64":
      return (v) => {
        if (typeof v !== "number") throw new TypeError(expected(name, "a number", v));
        return v;
      };
  }
}

function resultConverter(type: ForeignType | "void"): (value: unknown) => bigint | number | undefined {
  switch (type) {
    case "u64":
      return (v) => BigInt.asUintN(64, v as bigint);
    case "u32":
    case "ptr":
      return (v) => (v as number) >>> 0;
    case "void":
      return () => undefined;
    default:
      return (v) => v as bigint | number;
  }
}

// --- WAT, assembled at run time ---

type Wabt = Awaited<ReturnType<typeof import("wabt")>>;
let wabtPromise: Promise<Wabt> | undefined;

/** wabt, imported on first use: it is a large module that only inspect and assembleWat need. */
export function loadWabt(): Promise<Wabt> {
  wabtPromise ??= import("wabt").then(
    (m) => (m.default as unknown as () => Promise<Wabt>)(),
    (cause) => {
      wabtPromise = undefined;
      throw new Error(`hotpath needs the \`wabt\` package for this (npm install wabt): ${(cause as Error).message}`, { cause });
    },
  );
  return wabtPromise;
}

/** Every post-MVP feature hotpath's own modules use, so wabt reads and writes them. */
export const WABT_FEATURES = {
  simd: true,
  threads: true,
  bulk_memory: true,
  sign_extension: true,
  sat_float_to_int: true,
  mutable_globals: true,
  multi_value: true,
  reference_types: true,
} as const;

/** Assembles WebAssembly text into a binary with wabt (Node, Deno, Bun; browsers with a bundler). Syntax errors name the line. */
export async function assembleWat(text: string, filename = "module.wat"): Promise<Uint8Array<ArrayBuffer>> {
  if (typeof text !== "string") throw new TypeError(expected("text", "WebAssembly text (a string)", text));
  const wabt = await loadWabt();
  let mod;
  try {
    mod = wabt.parseWat(filename, text, WABT_FEATURES);
  } catch (cause) {
    throw new WasmLoadError(`Could not assemble ${filename}: ${(cause as Error).message.trim()}`, { cause });
  }
  try {
    mod.resolveNames();
    mod.validate();
    return new Uint8Array(mod.toBinary({ write_debug_names: true }).buffer);
  } catch (cause) {
    throw new WasmLoadError(`${filename} is not a valid module: ${(cause as Error).message.trim()}`, { cause });
  } finally {
    mod.destroy();
  }
}
