// Compiling a jitted module so that its first call runs at full speed. V8 compiles a new wasm function
// with its baseline compiler (Liftoff) when it is first called, moves it to the optimizing one
// (TurboFan) once it has run for a while, and has no on-stack replacement for wasm: a long first call
// stays in baseline code to its end (4× slower for a u64 sum). Where the engine's flags can be set
// (Node and Deno, through node:v8), the module is compiled eagerly by TurboFan, with the flags as they
// were put back at once: only this compile is affected. Elsewhere (browsers, Bun's JavaScriptCore,
// which has on-stack replacement) the module is compiled as usual.
interface V8 {
  setFlagsFromString(flags: string): void;
}

let v8: V8 | null | undefined;

function flagSetter(): V8 | null {
  if (v8 !== undefined) return v8;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; versions?: Record<string, string> } }).process;
  // Bun answers node:v8 too, but its engine is JavaScriptCore, whose flags these are not.
  const isV8 = typeof proc?.versions?.v8 === "string" && proc.versions.bun === undefined;
  const mod = isV8 ? (proc!.getBuiltinModule?.("node:v8") as Partial<V8> | undefined) : undefined;
  v8 = typeof mod?.setFlagsFromString === "function" ? (mod as V8) : null;
  return v8;
}

/** The flags to restore: V8's defaults, unless the process was started without them. */
function restoring(): string {
  const proc = (globalThis as { process?: { execArgv?: string[]; env?: Record<string, string | undefined> } }).process;
  const given = [...(proc?.execArgv ?? []), ...(proc?.env?.NODE_OPTIONS ?? "").split(/\s+/)];
  const off = (flag: string) => given.some((a) => a === `--no-${flag}` || a === `--${flag}=false`);
  return `${off("liftoff") ? "--no-liftoff" : "--liftoff"} ${off("wasm-lazy-compilation") ? "--no-wasm-lazy-compilation" : "--wasm-lazy-compilation"}`;
}

/** `new WebAssembly.Module(bytes)`, compiled by the optimizing tier up front where that can be asked for. */
export function compileOptimized(bytes: Uint8Array): WebAssembly.Module {
  const flags = flagSetter();
  if (!flags) return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const restore = restoring();
  try {
    flags.setFlagsFromString("--no-liftoff --no-wasm-lazy-compilation");
  } catch {
    // An engine that refuses the flags: compile as usual from now on.
    v8 = null;
    return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  }
  try {
    return new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } finally {
    flags.setFlagsFromString(restore);
  }
}

/**
 * Whether jit moves long loops into functions called with growing bounds (codegen/chunk.ts), so that
 * a long first call runs optimized code once the engine has it: where the first call would otherwise
 * stay in V8's baseline tier, that is Deno (it answers node:v8 but ignores flags set at run time) and
 * browsers. Not in Node (compiled by the optimizing tier up front) nor Bun (JavaScriptCore has
 * on-stack replacement). `HOTPATH_JIT_CHUNK=1` asks for it anywhere (the tests, in Node).
 */
export function chunkLongLoops(): boolean {
  const proc = (globalThis as { process?: { versions?: Record<string, string>; env?: Record<string, string | undefined> } }).process;
  if (proc?.env?.HOTPATH_JIT_CHUNK === "1") return true;
  if (proc?.env?.HOTPATH_JIT_CHUNK === "0") return false;
  if (proc?.versions?.bun !== undefined) return false;
  return flagSetter() === null || proc?.versions?.deno !== undefined;
}
