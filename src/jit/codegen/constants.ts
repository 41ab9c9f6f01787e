// Float constants of loops, read from globals. V8's optimizing tier for wasm (Node 20's V8 11, Deno's
// V8 15) builds an f64 constant used in a loop anew at each use, on every trip (a 64-bit immediate
// moved into an SSE register, or three vector instructions), where its JavaScript tier keeps such a
// constant in a register: `s += ((3 * x + 2) * x - 1) * x + 0.5` over 1 Mi doubles ran at 0.9× the
// same JavaScript in both. A value the engine cannot take for a constant (a mutable global, never
// written, read into a local where the function starts) stays in a register across the loop: 1.33 →
// 0.90 ms in Node 20 (plain JavaScript: 1.20 ms), 1.35 → 1.11 ms in Deno. Bun runs both alike.
// The values are the same bits, so the results are too.
import type { Instr, WasmFunction } from "../wasm/wasm.ts";

/** A module's f64 globals, one per constant value (by its bits), shared by its functions. */
export class ConstantGlobals {
  readonly values: number[] = [];
  /** `first`: the index of the first of these globals in the module (others come before them). */
  constructor(readonly first = 0) {}
  readonly #byBits = new Map<bigint, number>();
  readonly #view = new DataView(new ArrayBuffer(8));

  /** The index of the global holding `value`, added on first use. */
  indexOf(value: number): number {
    this.#view.setFloat64(0, value);
    const bits = this.#view.getBigUint64(0);
    let index = this.#byBits.get(bits);
    if (index === undefined) this.#byBits.set(bits, (index = this.values.push(value) - 1));
    return this.first + index;
  }
}

/**
 * `fn` with every f64 constant inside a loop (but +0, which costs nothing to make) read from a local
 * set from a global of `globals` where the function starts; `fn` itself when no loop has one.
 */
export function hoistLoopConstants(fn: WasmFunction, globals: ConstantGlobals): WasmFunction {
  const opened: boolean[] = []; // per open block: whether it is a loop
  let loops = 0;
  const locals = new Map<number, number>(); // global index → local index
  const firstLocal = fn.params.length + fn.locals.length;
  let body: Instr[] | undefined;
  fn.body.forEach((instr, at) => {
    const [op, arg] = instr;
    if (op === "block" || op === "if" || op === "loop") {
      opened.push(op === "loop");
      if (op === "loop") loops++;
    } else if (op === "end") {
      if (opened.pop()) loops--;
    } else if (op === "f64.const" && loops > 0 && !Object.is(arg, 0)) {
      const global = globals.indexOf(arg as number);
      let local = locals.get(global);
      if (local === undefined) locals.set(global, (local = firstLocal + locals.size));
      (body ??= fn.body.slice())[at] = ["local.get", local];
    }
  });
  if (!body) return fn;
  const prologue: Instr[] = [];
  for (const [global, local] of locals) prologue.push(["global.get", global], ["local.set", local]);
  return { ...fn, locals: [...fn.locals, ...Array<"f64">(locals.size).fill("f64")], body: [...prologue, ...body] };
}
