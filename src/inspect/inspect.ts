// The compiled side of "compiled against interpreted": the WAT of one function of a `.wasm` (wabt's
// disassembly, the counterpart of `objdump -d | sed -n '/<main>:/,/retq/p'`) with its instructions
// counted and its inner loop marked. The interpreted side, the V8 bytecode of a kernel's TS twin, is
// Node-only and lives in bytecode.ts.
import { kernelsWasmUrl } from "../wasm-assets.ts";
import { WasmLoadError, expected } from "../errors.ts";
import { WABT_FEATURES, loadWabt } from "../wat/wabt.ts";
import { readWasmBytes, type WasmSource } from "../wasm-bytes.ts";

/** A loop in a listing; line numbers index `FunctionListing.lines`. */
export interface LoopInfo {
  /** The line holding `loop`. */
  readonly start: number;
  /** The line holding its `end`. */
  readonly end: number;
  /** How many loops enclose it (0: outermost). */
  readonly depth: number;
  /** Instructions inside it, `loop` and `end` included. */
  readonly instructions: number;
  /** No loop inside it: where a hot function spends its time. */
  readonly innermost: boolean;
}

/** One function of a module, disassembled. */
export interface FunctionListing {
  /** The name asked for (an export name, or a name from the module's name section). */
  readonly name: string;
  /** The function's signature line, as wabt prints it: `(func $f (type $t1) (param $p0 i64) (result i64)`. */
  readonly header: string;
  /** Its `(local …)` declarations. */
  readonly locals: readonly string[];
  /** One instruction per line, indented by block depth, without the function's closing parenthesis. */
  readonly lines: readonly string[];
  /** Instructions in the body (block/loop/if/else/end each count as one; the function's final end does not). */
  readonly instructionCount: number;
  readonly loops: readonly LoopInfo[];
  /** Functions it calls, by name. */
  readonly calls: readonly string[];
}

/**
 * The WAT of function `name` (export name or debug name) in `source` (a URL, file path URL or bytes).
 * Node, Deno, Bun; browsers with wabt bundled. A missing function or a file that is not wasm is a WasmLoadError.
 */
export async function inspectFunction(source: WasmSource, name: string): Promise<FunctionListing> {
  if (typeof name !== "string" || name === "") throw new TypeError(expected("name", "a function name", name));
  if (source instanceof WebAssembly.Module)
    throw new TypeError(
      expected("source", "a URL or the bytes of a .wasm (a compiled WebAssembly.Module keeps no bytes to disassemble)", source),
    );
  const bytes = await readWasmBytes(source, "source", "a URL, a URL string or the bytes of a .wasm");
  const text = await disassemble(bytes);
  return extractFunction(text, name);
}

/** The WAT of a built-in kernel (an export of build/hotpath.wasm, or `options.source`). */
export async function inspectKernel(name: string, options: { source?: WasmSource } = {}): Promise<FunctionListing> {
  return inspectFunction(options.source ?? kernelsWasmUrl(), name);
}

/** The whole module as flat WAT (one instruction per line), with names from the name section or generated from exports. */
export async function disassemble(bytes: Uint8Array): Promise<string> {
  const wabt = await loadWabt();
  let mod;
  try {
    // An exact-size copy: wabt misreads a view into a larger (pooled) buffer.
    mod = wabt.readWasm(new Uint8Array(bytes), { readDebugNames: true, ...WABT_FEATURES });
  } catch (cause) {
    throw new WasmLoadError(`wabt could not read the module: ${(cause as Error).message.trim()}`, { cause });
  }
  try {
    mod.generateNames();
    mod.applyNames();
    return mod.toText({ foldExprs: false, inlineExport: false });
  } finally {
    mod.destroy();
  }
}

const OPENERS = /^(block|loop|if|try)\b/;

/** Cuts function `name` out of a module's flat WAT and measures it. @internal */
export function extractFunction(text: string, name: string): FunctionListing {
  const lines = text.split("\n");
  const exported = new Map<string, string>();
  for (const line of lines) {
    const m = /^ {2}\(export "((?:[^"\\]|\\.)*)" \(func (\$[^\s)]+)\)\)+$/.exec(line);
    if (m) exported.set(m[1], m[2]);
  }
  const symbol = exported.get(name) ?? `$${name}`;
  const start = lines.findIndex((l) => l.startsWith(`  (func ${symbol} `) || l === `  (func ${symbol})`);
  if (start < 0) {
    const names = [...exported.keys()];
    const near = names.filter((n) => n.toLowerCase().includes(name.toLowerCase()) || name.toLowerCase().includes(n.toLowerCase()));
    throw new WasmLoadError(
      `The module has no function \`${name}\`${near.length ? ` (did you mean ${near.map((n) => `\`${n}\``).join(", ")}?)` : ""}; exported functions: ${names.join(", ") || "none"}`,
    );
  }
  let end = start + 1;
  while (end < lines.length && lines[end].startsWith("    ")) end++;
  // An empty function closes on its own line: `(func $f (type $t0))`.
  const header = start + 1 === end ? lines[start].trim().replace(/\)$/, "") : lines[start].trim();
  const body = lines.slice(start + 1, end).map((l) => l.slice(4));
  const locals = body.filter((l) => l.startsWith("(local"));
  const code = body.filter((l) => !l.startsWith("(local"));
  // The function's closing parenthesis sits at the end of its last line.
  if (code.length) code[code.length - 1] = code[code.length - 1].replace(/\)$/, "");
  else if (locals.length) locals[locals.length - 1] = locals[locals.length - 1].replace(/\)$/, "");

  const loops: { start: number; end: number; depth: number; innermost: boolean }[] = [];
  const stack: { kind: string; line: number; loopIndex?: number }[] = [];
  const calls = new Set<string>();
  code.forEach((raw, i) => {
    const line = raw.trim();
    if (OPENERS.test(line)) {
      const kind = line.split(/\s/)[0];
      if (kind === "loop") {
        const depth = stack.filter((s) => s.kind === "loop").length;
        for (const s of stack) if (s.loopIndex !== undefined) loops[s.loopIndex].innermost = false;
        loops.push({ start: i, end: -1, depth, innermost: true });
        stack.push({ kind, line: i, loopIndex: loops.length - 1 });
      } else stack.push({ kind, line: i });
    } else if (line === "end" || line.startsWith("end ")) {
      const open = stack.pop();
      if (open?.loopIndex !== undefined) loops[open.loopIndex].end = i;
    } else if (line.startsWith("call ")) calls.add(line.slice(5).replace(/^\$/, ""));
  });
  return {
    name,
    header,
    locals,
    lines: code,
    instructionCount: code.length,
    loops: loops.map((l) => ({ ...l, instructions: l.end - l.start + 1 })),
    calls: [...calls],
  };
}

/** The listing as text, with a gutter marking each innermost loop (┌ │ └) and a summary line on top. */
export function formatListing(listing: FunctionListing, title = listing.name): string {
  const inner = listing.loops.filter((l) => l.innermost);
  const gutter = listing.lines.map((_, i) => {
    const loop = inner.find((l) => i >= l.start && i <= l.end);
    if (!loop) return "  ";
    return i === loop.start ? "┌ " : i === loop.end ? "└ " : "│ ";
  });
  return [
    `;; ${title}: ${summarize(listing)}`,
    `  ${listing.header}`,
    ...listing.locals.map((l) => `    ${l}`),
    ...listing.lines.map((l, i) => `${gutter[i]}  ${l}`),
    `    )`,
  ].join("\n");
}

/** "17 instructions; inner loop: 16 instructions (lines 1–16)", or "…; no loop" for a closed form. @internal */
export function summarize(listing: FunctionListing): string {
  const count = `${listing.instructionCount} instruction${listing.instructionCount === 1 ? "" : "s"}`;
  const inner = listing.loops.filter((l) => l.innermost);
  const calls = listing.calls.length ? `; calls ${listing.calls.join(", ")}` : "";
  if (!inner.length) return `${count}; no loop${calls}`;
  const loops = inner.map((l) => `${l.instructions} instructions (lines ${l.start + 1}–${l.end + 1})`).join(", ");
  return `${count}; inner loop${inner.length > 1 ? "s" : ""}: ${loops}${calls}`;
}
