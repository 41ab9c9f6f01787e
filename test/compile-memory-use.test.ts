// Which exports touch no linear memory (src/compile/memory-use.ts), read from the text asc writes beside
// the wasm: loads, stores, atomics and bulk memory anywhere in a function or in what it calls make it
// touch memory; an indirect call or a name the reader does not understand counts as touching it too.
import asc from "assemblyscript/asc";
import { describe, expect, it } from "vitest";
import { memoryFreeExports } from "../src/compile/memory-use.ts";

const SOURCE = `
export function pureLoop(lo: u64, hi: u64): u64 { let s: u64 = 0; for (let i = lo; i < hi; i++) s += i * i; return s; }
@inline function tripled(x: u64): u64 { return 3 * x + 1; }
@noinline function step(x: u64): u64 { return x & 1 ? 3 * x + 1 : x >> 1; }
export function callsPure(n: u64): u64 { let s: u64 = 0; for (let i: u64 = 1; i < n; i++) s += step(i) + tripled(i); return s; }
@noinline function fib(n: u32): u64 { return n < 2 ? <u64>n : fib(n - 1) + fib(n - 2); }
export function recursive(n: u32): u64 { return fib(n); }
export function loads(ptr: usize, n: i32): u32 { let h: u32 = 0; for (let i = 0; i < n; i++) h += load<u8>(ptr + i); return h; }
@noinline function put(ptr: usize, v: u64): void { store<u64>(ptr, v); }
export function callsStore(ptr: usize): void { put(ptr, 7); }
export function allocates(n: i32): i32 { const a = new Array<u64>(n); a.push(1); return a.length; }
export function traps(n: i32): i32 { if (n == 0) unreachable(); return 1000 / n; }
export function grows(pages: i32): i32 { return memory.grow(pages); }
`;

async function text(source: string): Promise<string> {
  const out = await asc.compileString(source, { optimizeLevel: 3, shrinkLevel: 0, runtime: "stub" });
  if (out.error || !out.text) throw new Error(`asc failed: ${out.error?.message}\n${out.stderr}`);
  return out.text;
}

describe("memoryFreeExports", () => {
  it("finds the exports that, with all they call, read and write no memory", async () => {
    const free = memoryFreeExports(await text(SOURCE));
    expect([...free].sort()).toEqual(["callsPure", "pureLoop", "recursive", "traps"]);
  });

  it("counts an indirect call, an atomic, bulk memory and a SIMD lane load as touching memory", () => {
    const wat = (body: string) =>
      ["(module", ' (export "f" (func $f))', " (func $f (param $0 i32) (result i32)", `  ${body}`, "  local.get $0", " )", ")"].join("\n");
    expect(memoryFreeExports(wat("i32.const 1\n  drop"))).toEqual(new Set(["f"]));
    for (const op of [
      "call_indirect $0 (type $0)",
      "i32.atomic.rmw.add",
      "memory.atomic.notify",
      "memory.copy",
      "memory.fill",
      "data.drop $0",
      "v128.load64_lane 1",
      "f64.store offset=8",
      "memory.size",
    ])
      expect(memoryFreeExports(wat(op)), op).toEqual(new Set());
  });

  it("assumes nothing of a function whose name it cannot read", () => {
    const wat = ["(module", ' (export "f" (func $"odd name"))', ' (func $"odd name" (result i32)', "  i32.const 1", " )", ")"].join("\n");
    expect(memoryFreeExports(wat)).toEqual(new Set());
  });
});
