// Full speed from the first call where the engine compiles wasm in its baseline tier first (Deno, browsers:
// V8 tiers a function up once it has run a while, but has no on-stack replacement for wasm, so a long
// first call would stay in baseline code to its end). A counted loop at the top of the entry function
// (`for (…; i < E; i++)`, statements.ts marks it) is moved into a function of its own that runs the
// loop up to a bound and returns, and the entry calls it with bounds growing by an eighth each time:
// once the engine has optimized that function, the next call runs the optimized code. Nothing is added
// to a trip: the loop's own exit test compares with the bound instead of E.
//
// The moved loop takes every local of the entry as a parameter and gives them all back (with the
// return value and how it ended), so its code is the loop's code, unchanged but for the test and `return`.
import type { Instr, ValType, WasmFunction } from "../wasm/wasm.ts";

/** Markers statements.ts emits around a counted loop (never encoded: `chunked` removes them). */
export const MARK = {
  begin: "chunk.begin",
  end: "chunk.end",
  test: "chunk.test",
  bound: "chunk.bound",
  boundEnd: "chunk.boundEnd",
  testEnd: "chunk.testEnd",
} as const;
const MARKS = new Set<string>(Object.values(MARK));

/** Trips of the first call of a moved loop; each later call runs an eighth more, up to MAX_TRIPS. */
const FIRST_TRIPS = 64;
const MAX_TRIPS = 1 << 30;
/** A function with more locals than this keeps its loops (the moved loop takes and gives back them all). */
const MAX_LOCALS = 900;
/** How a moved loop returned: its bound reached; a `return` (the value follows the locals); left otherwise (`break`). */
const BOUND = 0;
const RETURNED = 2;
const LEFT = 3;

/**
 * `fn` with each marked loop that can be moved replaced by calls of a new function (given the indices
 * from `firstIndex` on), and every marker removed.
 */
export function chunked(fn: WasmFunction, firstIndex: number): { fn: WasmFunction; added: WasmFunction[] } {
  const body = fn.body;
  const out: Instr[] = [];
  const added: WasmFunction[] = [];
  const locals = [...fn.locals];
  const enclosing: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const [op] = body[i];
    if (op === MARK.begin) {
      const end = matchingEnd(body, i);
      const region = body.slice(i + 1, end);
      const outside = [...body.slice(0, i), ...body.slice(end + 1)];
      const moved = !enclosing.includes("loop") ? move(fn, locals, region, outside, firstIndex + added.length) : undefined;
      if (moved) {
        added.push(moved.fn);
        out.push(...moved.driver);
        i = end;
        continue;
      }
    }
    if (MARKS.has(op)) continue;
    if (op === "block" || op === "loop" || op === "if") enclosing.push(op);
    else if (op === "end") enclosing.pop();
    out.push(body[i]);
  }
  return { fn: { ...fn, locals, body: out }, added };
}

/**
 * The locals a loop's code may read before writing them (`carried`: their values come in), and those it
 * writes. A local whose first use is a `local.set` (or `tee`) is written before every later use inside
 * the same block (structured control flow: nothing after it in that block runs without it, a branch back
 * to an enclosing loop runs it again), so it comes in dead where all its uses are in that block.
 */
function usage(region: readonly Instr[]): { carried: Set<number>; written: Set<number> } {
  // The end of the block (or `if`/`else` arm) each instruction is in.
  const blockEnd: number[] = new Array(region.length);
  const open: number[][] = [[]];
  region.forEach(([op], at) => {
    if (op === "end" || op === "else") for (const p of open.pop()!) blockEnd[p] = at;
    open[open.length - 1].push(at);
    if (op === "block" || op === "loop" || op === "if" || op === "else") open.push([]);
  });
  for (const p of open.pop()!) blockEnd[p] = region.length;
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const written = new Set<number>();
  region.forEach(([op, k], at) => {
    if (op !== "local.get" && op !== "local.set" && op !== "local.tee") return;
    const n = k as number;
    if (!first.has(n)) first.set(n, at);
    last.set(n, at);
    if (op !== "local.get") written.add(n);
  });
  const carried = new Set<number>();
  for (const [n, at] of first) if (region[at][0] === "local.get" || last.get(n)! >= blockEnd[at]) carried.add(n);
  return { carried, written };
}

function matchingEnd(body: readonly Instr[], begin: number): number {
  let nested = 0;
  for (let i = begin + 1; i < body.length; i++) {
    if (body[i][0] === MARK.begin) nested++;
    else if (body[i][0] === MARK.end && nested-- === 0) return i;
  }
  throw new Error("jit: a chunk marker without its end");
}

/**
 * The loop `region` (`loop … end`, its exit test marked) as a function of its own, and the code that
 * replaces it in `fn` (new locals of `fn` are added to `locals`); undefined when the loop branches past
 * the block around it (then it stays as written).
 */
function move(
  fn: WasmFunction,
  locals: ValType[],
  region: readonly Instr[],
  outside: readonly Instr[],
  index: number,
): { fn: WasmFunction; driver: Instr[] } | undefined {
  const test = region.findIndex(([op]) => op === MARK.test);
  const testEnd = region.findIndex(([op]) => op === MARK.testEnd);
  const bound = region.findIndex(([op]) => op === MARK.bound);
  const boundEnd = region.findIndex(([op]) => op === MARK.boundEnd);
  if (region[0]?.[0] !== "loop" || test < 0 || bound < test || boundEnd < bound || testEnd < boundEnd) return undefined;
  // The test: counter, E (marked) or E, counter; then `ne`, `eqz`, `br_if` to the block around the loop.
  const [ne, eqz, exit] = region.slice(testEnd - 3, testEnd);
  if (!ne[0].endsWith(".ne") || eqz[0] !== "i32.eqz" || exit[0] !== "br_if") return undefined;
  const type: ValType = ne[0] === "i64.ne" ? "i64" : "i32";
  const e = region.slice(bound + 1, boundEnd);
  const counter = bound === test + 1 ? region.slice(boundEnd + 1, testEnd - 3) : region.slice(test + 1, bound);
  if (region.slice(test + 1, testEnd).some(([op]) => MARKS.has(op) && op !== MARK.bound && op !== MARK.boundEnd)) return undefined;

  // Every branch of the loop must stay inside it or leave to the block around it.
  let open = 0;
  for (const [op, arg] of region) {
    if (op === "block" || op === "loop" || op === "if") open++;
    else if (op === "end") open--;
    else if ((op === "br" || op === "br_if") && open - (arg as number) < 0) return undefined;
    else if (op === "br_table") return undefined;
  }

  const all = [...fn.params, ...locals];
  // The locals the loop carries in (read before written) and gives back (written, and read after it or
  // by its next call). Only those: every value passed in and given back is live through the whole loop,
  // and a moved loop that carried all of a function's locals ran 2.5× slower, its registers spilled (a
  // longest-increasing-subsequence loop in Deno: 15 ms against 6.3 ms unmoved).
  const { carried, written } = usage(region);
  const readAfter = new Set(outside.filter(([op]) => op === "local.get").map(([, k]) => k as number));
  const back = [...written].filter((k) => carried.has(k) || readAfter.has(k)).sort((a, b) => a - b);
  const passed = [...new Set([...carried, ...back])].sort((a, b) => a - b);
  // Within wasm engines' 1000 parameters and results, with room to spare.
  if (passed.length + back.length + fn.results.length > MAX_LOCALS) return undefined;
  const results = fn.results;
  // The moved function's locals: what it is passed, the bound, then its own: the loop's other locals
  // (written before read on every trip), the return value, how it ended.
  const renumbered = new Map<number, number>(passed.map((k, at) => [k, at]));
  const boundLocal = passed.length;
  const own: ValType[] = [];
  for (const [op, k] of region)
    if ((op === "local.get" || op === "local.set" || op === "local.tee") && !renumbered.has(k as number)) {
      renumbered.set(k as number, boundLocal + 1 + own.length);
      own.push(all[k as number]);
    }
  const ret = results.map((_, k) => boundLocal + 1 + own.length + k);
  const status = boundLocal + 1 + own.length + results.length;
  const local = (k: number) => renumbered.get(k)!;
  /** An instruction of the loop, its local (if any) by its number in the moved function. */
  const renumber = (instr: Instr): Instr =>
    instr[0] === "local.get" || instr[0] === "local.set" || instr[0] === "local.tee" ? [instr[0], local(instr[1] as number)] : instr;
  const giveBack: Instr[] = [
    ...back.map((k) => ["local.get", local(k)] as Instr),
    ...ret.map((r) => ["local.get", r] as Instr),
    ["local.get", status],
  ];

  const code: Instr[] = [];
  open = 0;
  for (let k = 0; k < region.length; k++) {
    const [op, arg] = region[k];
    if (k > test && k < testEnd) {
      // The exit test, against the bound: the bound reached ends this call (BOUND), not the loop.
      if (k === bound) code.push(["local.get", boundLocal]);
      else if (k > bound && k <= boundEnd) continue;
      else if (k === testEnd - 1) code.push(["if"], ["i32.const", BOUND], ["local.set", status], ["br", open + 2], ["end"]);
      else code.push(renumber(region[k]));
      continue;
    }
    if (MARKS.has(op)) continue;
    if (op === "block" || op === "loop" || op === "if") open++;
    else if (op === "end") open--;
    if (op === "return") {
      for (let r = ret.length - 1; r >= 0; r--) code.push(["local.set", ret[r]]);
      code.push(["i32.const", RETURNED], ["local.set", status], ...giveBack, ["return"]);
    } else code.push(renumber([op, arg] as Instr));
  }
  const moved: WasmFunction = {
    name: `${fn.name}_loop_${index}`,
    params: [...passed.map((k) => all[k]), type],
    results: [...back.map((k) => all[k]), ...results, "i32"],
    locals: [...own, ...results, "i32"],
    // block (ends: bound reached) { block (the block around the loop: left) { loop … } LEFT }
    body: [["block"], ["block"], ...code, ["end"], ["i32.const", LEFT], ["local.set", status], ["end"], ...giveBack],
    exported: false,
  };

  // In `fn`: the bound, the call, the locals back; then by how it ended: again, return, or leave.
  const trips = locals.push(type) - 1 + fn.params.length;
  const next = locals.push(type) - 1 + fn.params.length;
  const how = locals.push("i32") - 1 + fn.params.length;
  const rets = results.map((t) => locals.push(t) - 1 + fn.params.length);
  const c = (v: number): Instr => [`${type}.const`, type === "i64" ? BigInt(v) : v];
  const driver: Instr[] = [
    c(FIRST_TRIPS),
    ["local.set", trips],
    ["loop"],
    // next = E − i >u trips ? i + trips : E (i < E here, so E − i is exact as an unsigned number)
    ...e,
    ...counter,
    [`${type}.sub`],
    ["local.get", trips],
    [`${type}.gt_u`],
    ["if", type],
    ...counter,
    ["local.get", trips],
    [`${type}.add`],
    ["else"],
    ...e,
    ["end"],
    ["local.set", next],
    ...passed.map((k) => ["local.get", k] as Instr),
    ["local.get", next],
    ["call", index],
    ["local.set", how],
    ...[...rets].reverse().map((r) => ["local.set", r] as Instr),
    ...[...back].reverse().map((k) => ["local.set", k] as Instr),
    ["local.get", how],
    ["i32.const", RETURNED],
    ["i32.eq"],
    ["if"],
    ...rets.map((r) => ["local.get", r] as Instr),
    ["return"],
    ["end"],
    // Left by a `break` (or past its end): out of the block around the loop.
    ["local.get", how],
    ["i32.const", LEFT],
    ["i32.eq"],
    ["br_if", 1],
    // The bound reached: an eighth more trips next time, while i != E.
    ["local.get", trips],
    ["local.get", trips],
    c(3),
    [`${type}.shr_u`],
    [`${type}.add`],
    c(MAX_TRIPS),
    ["local.get", trips],
    c(MAX_TRIPS),
    [`${type}.lt_u`],
    ["select"],
    ["local.set", trips],
    ...counter,
    ...e,
    [`${type}.ne`],
    ["br_if", 0],
    ["end"],
  ];
  return { fn: moved, driver };
}
