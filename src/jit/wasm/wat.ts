// The text format of a module, printed from the same instruction lists wasm.ts encodes, so
// `inspect()` shows exactly what runs without loading a disassembler.
import { callIndex, type Instr, type WasmModule } from "./wasm.ts";

function instrText([op, arg]: Instr, names: readonly string[], imports: number): string {
  if (arg === undefined) return op;
  if (op === "call") return `call $${names[callIndex(arg as number, imports)]}`;
  if (op === "block" || op === "loop" || op === "if") return `${op} (result ${arg})`;
  if (op.includes("load") || op.includes("store")) return arg === 0 ? op : `${op} offset=${arg}`;
  if (op === "i8x16.shuffle") return `${op} ${Array.from({ length: 16 }, (_, j) => ((arg as bigint) >> BigInt(8 * j)) & 0xffn).join(" ")}`;
  if (op === "f64.const") return `${op} ${floatText(arg as number)}`;
  if (op === "global.get" || op === "global.set") return `${op} $g${arg}`;
  return `${op} ${arg}`;
}

function floatText(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return Object.is(x, -0) ? "-0" : String(x);
}

export function printModule(module: WasmModule): string {
  // One name per import: a function imported with several signatures (`env.__hp_throw`) is numbered.
  const seen = new Map<string, number>();
  const importNames = module.imports.map((f) => {
    const name = `${f.module}.${f.name}`;
    const k = seen.get(name) ?? 0;
    seen.set(name, k + 1);
    return k === 0 ? name : `${name}_${k}`;
  });
  const names = [...importNames, ...module.functions.map((f) => f.name)];
  const lines = ["(module"];
  module.imports.forEach((f, i) => {
    const params = f.params.map((t) => ` (param ${t})`).join("");
    const results = f.results.length ? ` (result ${f.results.join(" ")})` : "";
    lines.push(`  (import "${f.module}" "${f.name}" (func $${importNames[i]}${params}${results}))`);
  });
  const memory = module.memory;
  if (memory.kind === "own") lines.push(`  (memory (export "memory") ${memory.pages})`);
  else lines.push(`  (import "env" "memory" (memory 0 ${memory.maximum}${memory.shared ? " shared" : ""}))`);
  (module.globals ?? []).forEach(({ type, value, exportAs }, i) =>
    lines.push(
      `  (global $g${i}${exportAs ? ` (export "${exportAs}")` : ""} (mut ${type}) (${type}.const ${type === "f64" ? floatText(value) : value}))`,
    ),
  );
  for (const f of module.functions) {
    const exported = f.exported ? ` (export "${f.name}")` : "";
    const params = f.params.map((t) => ` (param ${t})`).join("");
    const results = f.results.length ? ` (result ${f.results.join(" ")})` : "";
    lines.push(`  (func $${f.name}${exported}${params}${results}`);
    if (f.locals.length) lines.push(`    (local ${f.locals.join(" ")})`);
    let depth = 2;
    for (const instr of f.body) {
      const op = instr[0];
      if (op === "end" || op === "else") depth--;
      lines.push(`${"  ".repeat(depth)}${instrText(instr, names, module.imports.length)}`);
      if (op === "block" || op === "loop" || op === "if" || op === "else") depth++;
    }
    lines[lines.length - 1] += ")";
  }
  lines[lines.length - 1] += ")";
  return lines.join("\n");
}
