// The race, in a worker of its own: the user's code runs here and nowhere else (the page only compiles
// it, with jit or asc, which execute nothing), a long plain call does not freeze the page, and Stop ends
// the race at once by terminating this worker (and with it the pool's workers it started). The wasm
// side is jit's compile of the editor's text, or the AssemblyScript tab's binary (compiled by asc in
// the page) served by hotpath/kernel's runtime.
// compare() from hotpath/bench does the measuring: cold call apart, warm-up, interleaved rounds,
// medians, every answer checked against the plain function, and the pool on 1..N workers for a range
// function. The plain function is the editor's text with its types blanked (strip-types.ts), loaded
// as a module from a blob: URL (a CSP must allow `blob:` scripts for it; see the README).
import { compare } from "hotpath/bench";
import { jit, JitError } from "hotpath/jit";
import { defineKernelModule, type KernelFunctionRef } from "hotpath/kernel";
import type { AscKernel } from "./as-protocol.ts";
import { specText } from "./as-signature.ts";
import { ArgsError, parseArgs } from "./args.ts";
import { isRangeSignature, type RaceMessage, type RaceRequest } from "./race-protocol.ts";
import { StripError, stripTypes } from "./strip-types.ts";

const post = (message: RaceMessage) => postMessage(message);

addEventListener("message", (event: MessageEvent<RaceRequest>) => {
  void (async () => {
    try {
      await race(event.data);
    } catch (e) {
      const error = e as Error & { line?: number; column?: number };
      const located = e instanceof JitError || e instanceof StripError;
      post({
        type: "error",
        name: error?.name ?? "Error",
        message: error?.message ?? String(e),
        ...(located ? { line: error.line, column: error.column } : {}),
      });
    }
  })();
});

async function race(request: RaceRequest): Promise<void> {
  post({ type: "progress", fraction: 0.01, phase: "compiling" });
  const parsed = parseArgs(request.args);
  let kernel: unknown;
  let signature: string;
  if (request.kernel) {
    kernel = assemblyScriptKernel(request.kernel);
    signature = specText(request.kernel.spec);
  } else {
    const jitted = jit(request.code);
    signature = jitted.signatures[0] ?? jitted.compile(parsed.map((a) => a.type)).signature;
    kernel = jitted;
  }
  const range = isRangeSignature(signature);
  const plain = await plainFunction(request.code);
  const args = parsed.map((a) => a.make());
  const half = request.half.trim() ? parseArgs(request.half).map((a) => a.make()) : undefined;
  if (half && half.length !== args.length)
    throw new ArgsError(`the half-size call needs ${args.length} arguments like the full one, got ${half.length}`, 1);

  const workers = range ? Array.from({ length: request.workers }, (_, i) => i + 1) : [];
  const modes = globalThis.crossOriginIsolated ? 2 : 1;
  const count = 2 + workers.length * modes;
  const seen = { cold: 0, warm: 0, round: 0 };
  const { result } = await compareOrExplain(kernel, plain, args, {
    print: false,
    preset: request.preset,
    workers,
    ...(request.combine !== "auto" ? { combine: request.combine } : {}),
    ...(half ? { half } : {}),
    onProgress(p) {
      let fraction = 1;
      if (p.phase === "cold") fraction = 0.05 + (0.15 * seen.cold++) / count;
      else if (p.phase === "warm-up") fraction = 0.2 + (0.2 * seen.warm++) / count;
      else {
        const m = /^round (\d+)\/(\d+)$/.exec(p.phase);
        if (m) fraction = 0.4 + (0.6 * seen.round++) / (Number(m[2]) * count);
      }
      post({ type: "progress", fraction: Math.min(fraction, 0.99), phase: p.phase, ...(p.impl ? { impl: p.impl } : {}) });
    },
  });
  post({ type: "result", result, signature, range });
}

/** The plain JavaScript function: the editor's code with its types blanked, as a module from a blob: URL. */
async function plainFunction(code: string): Promise<(...args: unknown[]) => unknown> {
  const js = stripTypes(code);
  // One function, as jit accepts: parenthesized, a declaration is an expression with the same name.
  const url = URL.createObjectURL(new Blob([`export default (${js}\n);\n`], { type: "text/javascript" }));
  try {
    let module: { default?: unknown };
    try {
      module = await import(/* @vite-ignore */ url);
    } catch (e) {
      if (e instanceof SyntaxError) throw e;
      throw new TypeError(
        `the plain function could not be loaded as a module from a blob: URL (${(e as Error).message}); a Content-Security-Policy must allow blob: in script-src`,
      );
    }
    if (typeof module.default !== "function") throw new TypeError(`the code must be one function, got ${typeof module.default}`);
    return module.default as (...args: unknown[]) => unknown;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The AssemblyScript function as hotpath/kernel's runtime serves a `hotpath compile` module: checked
 * arguments, typed arrays copied in, u64 results unsigned, and a KernelRef that compare() and the pool
 * take. Its wasm is a blob: URL of asc's binary; a scalar function touches no memory, so the pool's
 * shared mode runs it from this build (as it does with compiled kernels that are memory-free).
 */
function assemblyScriptKernel({ binary, spec }: AscKernel): KernelFunctionRef {
  const url = URL.createObjectURL(new Blob([binary as Uint8Array<ArrayBuffer>], { type: "application/wasm" }));
  const scalar = spec.params.every((p) => !p.type.endsWith("[]"));
  const module = defineKernelModule<Record<string, (...args: unknown[]) => unknown>>({
    source: spec.name,
    wasm: () => url,
    functions: [spec],
    ...(scalar ? { memoryFree: [spec.name] } : {}),
  });
  return (module as unknown as Record<string, KernelFunctionRef>)[spec.name];
}

/** compare(), with its request for `options.half` said in the page's words (the Options' "Half-size call" field). */
async function compareOrExplain(...params: Parameters<typeof compare>): ReturnType<typeof compare> {
  try {
    return await compare(...params);
  } catch (e) {
    if (e instanceof TypeError && /options\.half/.test(e.message) && !params[3]?.half)
      throw new TypeError(
        `${e.message}. Here: open Options and fill in "Half-size call" with the arguments of a call doing about half the work (for f(n), n / 2)`,
      );
    throw e;
  }
}
