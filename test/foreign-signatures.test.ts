// load(source, { signatures }): declarations parsed, checked against the binary's real function
// types at load time, arity checked at each call, u64/i64 converted to and from bigint.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { KernelError, WasmLoadError } from "../src/errors.ts";
import { formatSignature, load, parseSignatures } from "../src/foreign/index.ts";
import { assembleWat } from "../src/wat/wabt.ts";

const KERNELS = new URL("../build/hotpath.wasm", import.meta.url);

const IDENTITIES = `(module
  (memory (export "memory") 1)
  (global (export "__heap_base") i32 (i32.const 1024))
  (func (export "id_u64") (param i64) (result i64) local.get 0)
  (func (export "add_u64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "id_i32") (param i32) (result i32) local.get 0)
  (func (export "id_f64") (param f64) (result f64) local.get 0)
  (func (export "nothing"))
  (func (export "trap") unreachable)
  ;; the sum of n bytes at p, and every byte incremented in place
  (func (export "bump") (param $p i32) (param $n i32) (result i32)
    (local $end i32) (local $sum i32)
    local.get $p
    local.get $n
    i32.add
    local.set $end
    block $done
      loop $next
        local.get $p
        local.get $end
        i32.ge_u
        br_if $done
        local.get $sum
        local.get $p
        i32.load8_u
        i32.add
        local.set $sum
        local.get $p
        local.get $p
        i32.load8_u
        i32.const 1
        i32.add
        i32.store8
        local.get $p
        i32.const 1
        i32.add
        local.set $p
        br $next
      end
    end
    local.get $sum)
  (global (export "answer") i32 (i32.const 42)))`;

async function identities(signatures: string | object) {
  return load(await assembleWat(IDENTITIES), { signatures: signatures as string });
}

describe("parseSignatures", () => {
  it("reads the short form, C declarations as cffi's cdef takes them, and the object form", () => {
    expect(parseSignatures("u64 f(u64)")).toEqual([{ name: "f", params: [{ type: "u64" }], result: "u64" }]);
    expect(parseSignatures("uint64_t f(uint64_t n);")).toEqual([{ name: "f", params: [{ type: "u64", name: "n" }], result: "u64" }]);
    expect(parseSignatures("void scale(double *xs, size_t n, double k)")[0]).toEqual({
      name: "scale",
      params: [
        { type: "ptr", name: "xs" },
        { type: "u32", name: "n" },
        { type: "f64", name: "k" },
      ],
      result: "void",
    });
    expect(parseSignatures("unsigned long long g(const uint32_t *p, int x)")[0]).toEqual({
      name: "g",
      result: "u64",
      params: [
        { type: "ptr", name: "p" },
        { type: "i32", name: "x" },
      ],
    });
    expect(parseSignatures("void h(unsigned int *, char*)")[0].params).toEqual([{ type: "ptr" }, { type: "ptr" }]);
    expect(parseSignatures({ f: { params: ["u64", "ptr"], result: "u64" }, g: { params: [] } })).toEqual([
      { name: "f", params: [{ type: "u64" }, { type: "ptr" }], result: "u64" },
      { name: "g", params: [], result: "void" },
    ]);
    expect(parseSignatures(["i32 a(void)", "f64 b(f32, i64) // a comment\nu32 c()"]).map(formatSignature)).toEqual([
      "i32 a()",
      "f64 b(f32, i64)",
      "u32 c()",
    ]);
  });

  it("rejects malformed declarations with the declaration quoted", () => {
    expect(() => parseSignatures("f(u64)")).toThrow(/Invalid declaration "f\(u64\)": expected `result name\(params\)`/);
    expect(() => parseSignatures("u64 f(u65)")).toThrow(/Invalid declaration "u64 f\(u65\)": unknown type in `u65`/);
    expect(() => parseSignatures("u64 f(void x, u64)")).toThrow(TypeError);
    expect(() => parseSignatures({ f: { params: ["u128"] } } as never)).toThrow(
      /Expected `options.signatures.f.params\[0\]` to be one of i32, u32, ptr, i64, u64, f32, f64, got "u128" \(string\)/,
    );
    expect(() => parseSignatures({ f: { params: [], results: "u64" } } as never)).toThrow(/Unknown key `options.signatures.f.results`/);
    expect(() => parseSignatures(42 as never)).toThrow(TypeError);
  });
});

describe("load: signatures checked at load time", () => {
  it("binds an AssemblyScript kernel module with matching declarations", async () => {
    const { lib } = await load(KERNELS, { signatures: ["u64 sumIntegers(u64 n)", "u64 sumRange(u64 lo, u64 hi)"] });
    expect(lib.sumIntegers(100n)).toBe(4950n);
    expect(lib.sumIntegers(100)).toBe(4950n);
    expect(lib.sumRange(10n, 20n)).toBe(145n);
  });

  it("names the function whose declaration does not match its wasm type", async () => {
    await expect(load(KERNELS, { signatures: "u32 sumIntegers(u64)" })).rejects.toThrow(WasmLoadError);
    await expect(load(KERNELS, { signatures: "u32 sumIntegers(u64)" })).rejects.toThrow(
      'Signature of `sumIntegers` does not match the module: declared "u32 sumIntegers(u64)", which is (i64) -> i32 in wasm, but the export is (i64) -> i64',
    );
    await expect(load(KERNELS, { signatures: "u64 sumRange(u64)" })).rejects.toThrow(
      /`sumRange` does not match .* the export is \(i64, i64\) -> i64/,
    );
    await expect(load(KERNELS, { signatures: "void sumIntegers(u64)" })).rejects.toThrow(
      /-> nothing in wasm, but the export is \(i64\) -> i64/,
    );
  });

  it("names a missing function and lists what the module exports", async () => {
    await expect(load(KERNELS, { signatures: "u64 sum(u64)" })).rejects.toThrow(
      /The module exports no function `sum` \(declared as "u64 sum\(u64\)"\); it exports: .*sumIntegers/,
    );
    await expect(identities("i32 answer()")).rejects.toThrow("`answer` is exported as a global, not a function");
  });

  it("checks names and arity when given a compiled Module (which keeps no types)", async () => {
    const module = await WebAssembly.compile(await readFile(KERNELS));
    const { lib } = await load(module, { signatures: "u64 sumIntegers(u64)" });
    expect(lib.sumIntegers(10n)).toBe(45n);
    await expect(load(module, { signatures: "u64 sumIntegers(u64, u64)" })).rejects.toThrow(
      /declared "u64 sumIntegers\(u64, u64\)" takes 2 parameter\(s\), the export takes 1/,
    );
  });

  it("refuses a source that is not wasm, and options that are wrong", async () => {
    await expect(load(new Uint8Array([0x7b, 0x22]), { signatures: "u64 f(u64)" })).rejects.toThrow(
      /`source` is not a valid WebAssembly module: it does not start with \\0asm \(2 bytes; starts with 7b 22\)/,
    );
    await expect(load(new URL("../package.json", import.meta.url), { signatures: "u64 f(u64)" })).rejects.toThrow(WasmLoadError);
    await expect(load(KERNELS, {} as never)).rejects.toThrow(/Expected `options.signatures`/);
    await expect(load(KERNELS, { signatures: "u64 sumIntegers(u64)", import: {} } as never)).rejects.toThrow(
      /Unknown option `options.import`/,
    );
    await expect(load(KERNELS, { signatures: "u64 sumIntegers(u64); u64 sumIntegers(u64)" })).rejects.toThrow(
      /declares `sumIntegers` twice/,
    );
  });

  it("names imports the module needs and nobody gave", async () => {
    const bytes = await assembleWat(`(module (import "host" "now" (func (result f64))) (func (export "f") (result f64) call 0))`);
    await expect(load(bytes, { signatures: "f64 f()" })).rejects.toThrow(
      "The module imports `host.now` (function); pass it in `options.imports`",
    );
    const { lib } = await load(bytes, { signatures: "f64 f()", imports: { host: { now: () => 1.5 } } });
    expect(lib.f()).toBe(1.5);
  });
});

describe("load: calls", () => {
  it("refuses the wrong number of arguments, naming the function and its signature", async () => {
    const { lib } = await identities("u64 add_u64(u64 a, u64 b); void nothing()");
    expect(() => lib.add_u64(1n)).toThrow(new TypeError('`add_u64` takes 2 arguments ("u64 add_u64(u64 a, u64 b)"), got 1'));
    expect(() => lib.add_u64(1n, 2n, 3n)).toThrow(/takes 2 arguments .* got 3/);
    expect(() => lib.nothing(1)).toThrow('`nothing` takes 0 arguments ("void nothing()"), got 1');
    expect(lib.nothing()).toBeUndefined();
  });

  it("round-trips u64 values through wasm's signed i64 exactly", async () => {
    const { lib } = await identities("u64 id_u64(u64)");
    for (const v of [0n, 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n])
      expect(lib.id_u64(v)).toBe(v);
    expect(lib.id_u64(2 ** 53 - 1)).toBe(2n ** 53n - 1n);
  });

  it("wraps u64 addition modulo 2^64", async () => {
    const { lib } = await identities("u64 add_u64(u64, u64)");
    expect(lib.add_u64(2n ** 64n - 1n, 2n)).toBe(1n);
    expect(lib.add_u64(2n ** 63n, 2n ** 63n)).toBe(0n);
  });

  it("keeps i64 signed, and u32/i32 in their ranges", async () => {
    const { lib } = await identities("i64 id_u64(i64); u32 id_i32(u32)");
    for (const v of [-1n, -(2n ** 63n), 2n ** 63n - 1n]) expect(lib.id_u64(v)).toBe(v);
    expect(lib.id_i32(2 ** 32 - 1)).toBe(2 ** 32 - 1);
    const signed = (await identities("i32 id_i32(i32)")).lib;
    expect(signed.id_i32(-5)).toBe(-5);
    expect(() => signed.id_i32(2 ** 31)).toThrow(
      /Expected `id_i32: argument 1` to be an i32: an integer in \[-2147483648, 2147483647\], got 2147483648/,
    );
  });

  it("rejects values a u64 cannot hold, naming the argument", async () => {
    const { lib } = await load(KERNELS, { signatures: "u64 sumRange(u64 lo, u64 hi)" });
    expect(() => lib.sumRange(0n, 2n ** 64n)).toThrow(
      new RangeError("Expected `sumRange: argument 2 (hi)` to be a u64 (0 ≤ n < 2^64), got 18446744073709551616n (bigint)"),
    );
    expect(() => lib.sumRange(-1, 0)).toThrow(RangeError);
    expect(() => lib.sumRange(2 ** 53, 0)).toThrow(/pass larger values as bigint/);
    expect(() => lib.sumRange("1" as never, 0)).toThrow(TypeError);
    const { lib: i64 } = await identities("i64 id_u64(i64)");
    expect(() => i64.id_u64(2n ** 63n)).toThrow(/to be an i64/);
  });

  it("copies a buffer into memory for a ptr parameter and copies it back after the call", async () => {
    const { lib } = await identities("u32 bump(ptr p, u32 n)");
    const bytes = new Uint8Array([1, 2, 3, 250]);
    expect(lib.bump(bytes, bytes.length)).toBe(256);
    expect([...bytes]).toEqual([2, 3, 4, 251]);
    const words = new Uint16Array([0x0101, 0x0202]);
    expect(lib.bump(words, 4)).toBe(1 + 1 + 2 + 2);
    expect([...words]).toEqual([0x0202, 0x0303]);
  });

  it("refuses a buffer when the module gives no free memory", async () => {
    const bytes = await assembleWat(`(module (memory (export "memory") 1) (func (export "f") (param i32) (result i32) local.get 0))`);
    const { lib } = await load(bytes, { signatures: "u32 f(ptr)" });
    expect(lib.f(64)).toBe(64);
    expect(() => lib.f(new Uint8Array(4))).toThrow(
      /Cannot pass a buffer as `f: argument 1`: the module exports neither malloc\/free nor __heap_base/,
    );
  });

  it("turns a trap into a KernelError naming the function", async () => {
    const { lib } = await identities("void trap()");
    expect(() => lib.trap()).toThrow(KernelError);
    expect(() => lib.trap()).toThrow(/`trap` trapped: unreachable/);
  });
});
