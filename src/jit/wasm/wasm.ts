// A small WebAssembly binary encoder: the instruction list the code generator produces (one `Instr`
// per wasm instruction, also what wat.ts prints) becomes a module's bytes. Emitting wasm directly
// keeps the run-time compiler free of any dependency: wabt's first parse alone costs ≈80 ms in Node.
// Only what the code generator uses is here: imported functions (the host's `Math`), one memory
// (defined and exported, or imported from `env`), mutable globals, functions, exports.

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";

/** One instruction: its text-format name and at most one immediate (index, constant, block type or memory offset). */
export type Instr = readonly [op: string, arg?: number | bigint | ValType];

export interface WasmFunction {
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Locals after the parameters. */
  locals: readonly ValType[];
  body: readonly Instr[];
  /** Exported under `name`. */
  exported: boolean;
}

/** A function the module imports (`Math.sin`: module "Math", name "sin"). */
export interface WasmImport {
  module: string;
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
}

/**
 * The module's one memory: its own of `pages` 64 KiB pages, exported as "memory" (a function that
 * uses no memory still gets one of 0 pages: the kernel contract expects one), or `env.memory`
 * imported, shared or not, at most `maximum` pages (jit's arena; the pool's shared memory).
 */
export type WasmMemory = { kind: "own"; pages: number } | { kind: "import"; shared: boolean; maximum: number };

export interface WasmModule {
  imports: readonly WasmImport[];
  /**
   * Defined functions. In their bodies, `call k` with k ≥ 0 calls defined function k, and k < 0 calls
   * import −1 − k: the encoder and the printer place imports first in the index space, as wasm does.
   */
  functions: readonly WasmFunction[];
  memory: WasmMemory;
  /** Mutable globals (`global.get k` reads global k), exported under `exportAs` when given. */
  globals?: readonly WasmGlobal[];
}

export interface WasmGlobal {
  readonly type: "i32" | "f64";
  readonly value: number;
  readonly exportAs?: string;
}

/** The wasm function index of a `call` operand (see WasmModule.functions). */
export const callIndex = (k: number, imports: number): number => (k < 0 ? -1 - k : imports + k);

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

type Immediate = "none" | "index" | "i32" | "i64" | "f64" | "block" | "memory" | "lane" | "lanes" | "memories";

/** name → [opcode bytes, immediate kind]. Memory ops use their natural alignment. */
const OPCODES: Record<string, readonly [readonly number[], Immediate]> = {};
const define = (imm: Immediate, table: Record<string, number | number[]>) => {
  for (const [name, code] of Object.entries(table)) OPCODES[name] = [typeof code === "number" ? [code] : code, imm];
};
define("none", { unreachable: 0x00, nop: 0x01, else: 0x05, end: 0x0b, return: 0x0f, drop: 0x1a, select: 0x1b });
define("block", { block: 0x02, loop: 0x03, if: 0x04 });
define("index", {
  br: 0x0c,
  br_if: 0x0d,
  call: 0x10,
  "local.get": 0x20,
  "local.set": 0x21,
  "local.tee": 0x22,
  "global.get": 0x23,
  "global.set": 0x24,
});
define("memory", {
  "i32.load": 0x28,
  "i64.load": 0x29,
  "f32.load": 0x2a,
  "f64.load": 0x2b,
  "i32.load8_s": 0x2c,
  "i32.load8_u": 0x2d,
  "i32.load16_s": 0x2e,
  "i32.load16_u": 0x2f,
  "i32.store": 0x36,
  "i64.store": 0x37,
  "f32.store": 0x38,
  "f64.store": 0x39,
  "i32.store8": 0x3a,
  "i32.store16": 0x3b,
});
// Bulk memory (the 0xfc prefix), on memory 0: `memory.fill` names it once, `memory.copy` twice (to, from).
define("memories", { "memory.fill": [0xfc, 11], "memory.copy": [0xfc, 10] });
define("i32", { "i32.const": 0x41 });
define("i64", { "i64.const": 0x42 });
define("f64", { "f64.const": 0x44 });
const numeric: Record<string, number | number[]> = {};
const run = (prefix: string, start: number, names: string) => names.split(" ").forEach((n, i) => (numeric[`${prefix}.${n}`] = start + i));
run("i32", 0x45, "eqz eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u");
run("i64", 0x50, "eqz eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u");
run("f64", 0x61, "eq ne lt gt le ge");
run("i32", 0x67, "clz ctz popcnt add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr");
run("i64", 0x79, "clz ctz popcnt add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr");
run("f64", 0x99, "abs neg ceil floor trunc nearest sqrt add sub mul div min max copysign");
Object.assign(numeric, {
  "i32.wrap_i64": 0xa7,
  "i32.trunc_f64_s": 0xaa,
  "i32.trunc_f64_u": 0xab,
  "i64.extend_i32_s": 0xac,
  "i64.extend_i32_u": 0xad,
  "i64.trunc_f64_s": 0xb0,
  "i64.trunc_f64_u": 0xb1,
  "f32.demote_f64": 0xb6,
  "f64.convert_i32_s": 0xb7,
  "f64.convert_i32_u": 0xb8,
  "f64.convert_i64_s": 0xb9,
  "f64.convert_i64_u": 0xba,
  "f64.promote_f32": 0xbb,
  "i32.trunc_sat_f64_s": [0xfc, 2],
  "i32.trunc_sat_f64_u": [0xfc, 3],
  "i64.trunc_sat_f64_s": [0xfc, 6],
  "i64.trunc_sat_f64_u": [0xfc, 7],
});
define("none", numeric);
// SIMD (the 0xfd prefix, then the operation's number as a LEB128): what the outer-loop vectorizer uses.
const simd = (table: Record<string, number>) => Object.fromEntries(Object.entries(table).map(([name, code]) => [name, [0xfd, code]]));
define(
  "none",
  simd({
    "i64x2.splat": 0x12,
    "f64x2.splat": 0x14,
    "f64x2.eq": 0x47,
    "f64x2.ne": 0x48,
    "f64x2.lt": 0x49,
    "f64x2.gt": 0x4a,
    "f64x2.le": 0x4b,
    "f64x2.ge": 0x4c,
    "v128.not": 0x4d,
    "v128.and": 0x4e,
    "v128.or": 0x50,
    "v128.any_true": 0x53,
    "f64x2.ceil": 0x74,
    "f64x2.floor": 0x75,
    "f64x2.trunc": 0x7a,
    "i32x4.bitmask": 0xa4,
    "i32x4.shr_s": 0xac,
    "i32x4.add": 0xae,
    "i64x2.all_true": 0xc3,
    "i64x2.bitmask": 0xc4,
    "i64x2.add": 0xce,
    "f64x2.abs": 0xec,
    "f64x2.neg": 0xed,
    "f64x2.sqrt": 0xef,
    "f64x2.add": 0xf0,
    "f64x2.sub": 0xf1,
    "f64x2.mul": 0xf2,
    "f64x2.div": 0xf3,
    "f64x2.min": 0xf4,
    "f64x2.max": 0xf5,
  }),
);
define("memory", simd({ "v128.load": 0x00, "v128.store": 0x0b }));
define("lane", simd({ "i32x4.extract_lane": 0x1b, "i64x2.extract_lane": 0x1d, "f64x2.extract_lane": 0x21, "f64x2.replace_lane": 0x22 }));

// i8x16.shuffle's 16 lane indices: a bigint whose byte j (little-endian) is lane j's source.
define("lanes", simd({ "i8x16.shuffle": 0x0d }));

/** The immediate of i8x16.shuffle: result byte j is byte lanes[j] of the two operands (0–15 the first, 16–31 the second). */
export const shuffleLanes = (lanes: readonly number[]): bigint => lanes.reduceRight((acc, lane) => (acc << 8n) | BigInt(lane), 0n);

/** Natural alignment (log2 bytes) of a memory instruction. @internal */
export function alignOf(op: string): number {
  if (op.startsWith("v128")) return 3; // f64 elements: 8-byte aligned, not always 16
  if (op.includes("8")) return 0;
  if (op.includes("16")) return 1;
  return op.startsWith("i64") || op.startsWith("f64") ? 3 : 2;
}

/** True when `op` is an instruction the encoder knows. */
export const isOpcode = (op: string): boolean => op in OPCODES;

class Bytes {
  readonly out: number[] = [];
  byte(b: number) {
    this.out.push(b);
  }
  u32(n: number) {
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      this.out.push(b);
    } while (n !== 0);
  }
  s64(n: bigint) {
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n;
      const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
      this.out.push(done ? b : b | 0x80);
      if (done) return;
    }
  }
  f64(x: number) {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x, true);
    for (let i = 0; i < 8; i++) this.out.push(view.getUint8(i));
  }
  name(s: string) {
    const utf8 = new TextEncoder().encode(s);
    this.u32(utf8.length);
    for (const b of utf8) this.out.push(b);
  }
  vec<T>(items: readonly T[], each: (item: T) => void) {
    this.u32(items.length);
    items.forEach(each);
  }
  /** A section: id, then its contents prefixed with their size. */
  section(id: number, fill: (b: Bytes) => void) {
    const inner = new Bytes();
    fill(inner);
    this.byte(id);
    this.u32(inner.out.length);
    this.out.push(...inner.out);
  }
}

function encodeInstr(b: Bytes, [op, arg]: Instr, imports: number) {
  if (op === "call") arg = callIndex(arg as number, imports);
  const entry = OPCODES[op];
  if (!entry) throw new Error(`wasm encoder: unknown instruction ${op}`);
  const [code, imm] = entry;
  b.byte(code[0]);
  if (code.length > 1) b.u32(code[1]); // the 0xfc and 0xfd prefixes' sub-opcodes are LEB128s
  switch (imm) {
    case "index":
      b.u32(arg as number);
      break;
    case "i32":
      b.s64(BigInt(arg as number));
      break;
    case "i64":
      b.s64(BigInt.asIntN(64, arg as bigint));
      break;
    case "f64":
      b.f64(arg as number);
      break;
    case "block":
      b.byte(arg === undefined ? 0x40 : VALTYPE[arg as ValType]);
      break;
    case "lane":
      b.byte(arg as number);
      break;
    case "lanes":
      for (let j = 0n; j < 16n; j++) b.byte(Number(((arg as bigint) >> (8n * j)) & 0xffn));
      break;
    case "memory":
      b.u32(alignOf(op));
      b.u32((arg as number | undefined) ?? 0);
      break;
    case "memories":
      b.byte(0);
      if (op === "memory.copy") b.byte(0);
      break;
  }
}

/** The module's bytes. @internal */
export function encodeModule(module: WasmModule): Uint8Array {
  const b = new Bytes();
  b.out.push(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
  const signatures: string[] = [];
  const typeOf = (f: { params: readonly ValType[]; results: readonly ValType[] }) => {
    const key = `${f.params.join(",")}>${f.results.join(",")}`;
    let i = signatures.indexOf(key);
    if (i < 0) i = signatures.push(key) - 1;
    return i;
  };
  const importTypes = module.imports.map(typeOf);
  const typeIndex = module.functions.map(typeOf);
  const imported = module.imports.length;
  const memory = module.memory;
  b.section(1, (s) =>
    s.vec(signatures, (key) => {
      const [params, results] = key.split(">").map((list) => (list ? (list.split(",") as ValType[]) : []));
      s.byte(0x60);
      s.vec(params, (t) => s.byte(VALTYPE[t]));
      s.vec(results, (t) => s.byte(VALTYPE[t]));
    }),
  );
  b.section(2, (s) => {
    // Imports come first in the function index space (callIndex).
    const entries: [string, string, (s: Bytes) => void][] = module.imports.map((f, i) => [
      f.module,
      f.name,
      (s) => (s.byte(0x00), s.u32(importTypes[i])),
    ]);
    if (memory.kind === "import")
      // limits: flags 0x01 (a maximum) or 0x03 (shared, a maximum), minimum 0 pages.
      entries.push(["env", "memory", (s) => (s.byte(0x02), s.byte(memory.shared ? 0x03 : 0x01), s.u32(0), s.u32(memory.maximum))]);
    s.vec(entries, ([mod, name, desc]) => {
      s.name(mod);
      s.name(name);
      desc(s);
    });
  });
  b.section(3, (s) => s.vec(typeIndex, (i) => s.u32(i)));
  if (memory.kind === "own")
    b.section(5, (s) => {
      s.u32(1);
      s.byte(0x00);
      s.u32(memory.pages);
    });
  const globals = module.globals ?? [];
  if (globals.length)
    b.section(6, (s) =>
      s.vec(globals, ({ type, value }) => {
        s.byte(VALTYPE[type]);
        s.byte(0x01); // mutable
        // The initial value: i32.const or f64.const, then end.
        if (type === "i32") (s.byte(0x41), s.s64(BigInt(value)));
        else (s.byte(0x44), s.f64(value));
        s.byte(0x0b);
      }),
    );
  const exports: [string, number, number][] = [];
  module.functions.forEach((f, i) => f.exported && exports.push([f.name, 0x00, imported + i]));
  if (memory.kind === "own") exports.push(["memory", 0x02, 0]);
  globals.forEach((g, i) => g.exportAs && exports.push([g.exportAs, 0x03, i]));
  b.section(7, (s) =>
    s.vec(exports, ([name, kind, index]) => {
      s.name(name);
      s.byte(kind);
      s.u32(index);
    }),
  );
  b.section(10, (s) =>
    s.vec(module.functions, (f) => {
      const body = new Bytes();
      // Locals run-length encoded by type, in order.
      const runs: [number, ValType][] = [];
      for (const t of f.locals) {
        const last = runs[runs.length - 1];
        if (last && last[1] === t) last[0]++;
        else runs.push([1, t]);
      }
      body.vec(runs, ([count, t]) => {
        body.u32(count);
        body.byte(VALTYPE[t]);
      });
      for (const instr of f.body) encodeInstr(body, instr, imported);
      body.byte(0x0b);
      s.u32(body.out.length);
      s.out.push(...body.out);
    }),
  );
  return new Uint8Array(b.out);
}
