// load() when the module itself misbehaves: start-up code that traps, a malloc or a __heap_base that
// cannot be right, and start-up code that never returns (options.timeout stops it in a worker).
import { describe, expect, it } from "vitest";
import { KernelError, WasmLoadError } from "../src/errors.ts";
import { load } from "../src/foreign/index.ts";
import { assembleWat } from "../src/wat/wabt.ts";

const wat = (body: string) => assembleWat(`(module ${body})`, "test.wat");
const ONE = `(func (export "one") (result i32) i32.const 1)`;
/** `len(ptr, n)`: returns n, so a buffer can be passed for `ptr`. */
const LEN = `(func (export "len") (param i32 i32) (result i32) local.get 1)`;

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected a rejection, got ${String(error)}`);
  return error;
}

describe("load(): start-up code that traps", () => {
  it("an _initialize that traps is a WasmLoadError naming it, with the trap as its cause", async () => {
    const bytes = await wat(`(func (export "_initialize") unreachable) ${ONE}`);
    const error = await failure(load(bytes, { signatures: "i32 one()" }));
    expect(error).toBeInstanceOf(WasmLoadError);
    expect(error.message).toMatch(/The module's `_initialize` trapped while loading: .*unreachable/);
    expect(error.cause).toBeInstanceOf(WebAssembly.RuntimeError);
  });

  it("a __wasm_call_ctors that traps is named the same way", async () => {
    const bytes = await wat(`(func (export "__wasm_call_ctors") i32.const 0 i32.const 0 i32.div_u drop) ${ONE}`);
    await expect(load(bytes, { signatures: "i32 one()" })).rejects.toThrow(
      /The module's `__wasm_call_ctors` trapped while loading: .*divi/i,
    );
  });

  it("a start function that traps is a WasmLoadError naming the start function", async () => {
    const bytes = await wat(`(func $boom unreachable) (start $boom) ${ONE}`);
    const error = await failure(load(bytes, { signatures: "i32 one()" }));
    expect(error).toBeInstanceOf(WasmLoadError);
    expect(error.message).toMatch(/The module's start function trapped while loading/);
  });

  it("an AssemblyScript abort during start-up is named, not a crash reading memory that is not there yet", async () => {
    const bytes = await wat(`
      (import "env" "abort" (func $abort (param i32 i32 i32 i32)))
      (memory (export "memory") 1)
      (func $boom i32.const 0 i32.const 0 i32.const 1 i32.const 1 call $abort)
      (start $boom) ${ONE}`);
    const error = await failure(load(bytes, { signatures: "i32 one()" }));
    expect(error).toBeInstanceOf(WasmLoadError);
    expect(error.message).toMatch(/The module's start function failed \(KernelError\) while loading: abort/);
    expect(error.cause).toBeInstanceOf(KernelError);
  });

  it("a module whose start-up returns loads and runs, its _initialize run once", async () => {
    const bytes = await wat(`
      (global $ready (mut i32) (i32.const 0))
      (func (export "_initialize") global.get $ready i32.const 1 i32.add global.set $ready)
      (func (export "ready") (result i32) global.get $ready)`);
    const { lib } = await load(bytes, { signatures: "i32 ready()" });
    expect(lib.ready()).toBe(1);
  });
});

describe("load(): where buffers go", () => {
  const memory = `(memory (export "memory") 1) (func (export "free") (param i32))`;

  it("a malloc that returns an address past the end of memory is named, with that address", async () => {
    const bytes = await wat(`${memory} (func (export "malloc") (param i32) (result i32) i32.const 0x7ffffff0) ${LEN}`);
    const { lib } = await load(bytes, { signatures: "i32 len(ptr xs, u32 n)" });
    const error = await failure(Promise.resolve().then(() => lib.len(new Uint8Array(32), 32)));
    expect(error).toBeInstanceOf(WasmLoadError);
    expect(error.message).toMatch(
      /The module's `malloc\(32\)` returned 2147483632 while placing `len: argument 1 \(xs\)`, but 32 bytes from there pass the end of its memory \(65536 bytes\)/,
    );
  });

  it("a malloc that returns an i64 is named, not a BigInt mixing error", async () => {
    const bytes = await wat(`${memory} (func (export "malloc") (param i32) (result i64) i64.const 64) ${LEN}`);
    const { lib } = await load(bytes, { signatures: "i32 len(ptr xs, u32 n)" });
    expect(() => lib.len(new Uint8Array(4), 4)).toThrow(
      /`malloc\(4\)` returned 64n \(bigint\) while placing `len: argument 1 \(xs\)`; hotpath needs a wasm32 malloc/,
    );
  });

  it("a malloc that traps is a KernelError naming malloc", async () => {
    const bytes = await wat(`${memory} (func (export "malloc") (param i32) (result i32) unreachable) ${LEN}`);
    const { lib } = await load(bytes, { signatures: "i32 len(ptr xs, u32 n)" });
    const error = await failure(Promise.resolve().then(() => lib.len(new Uint8Array(4), 4)));
    expect(error).toBeInstanceOf(KernelError);
    expect(error.message).toMatch(/The module's `malloc\(4\)` trapped while placing `len: argument 1 \(xs\)`/);
  });

  it("a malloc that returns NULL says it could not allocate", async () => {
    const bytes = await wat(`${memory} (func (export "malloc") (param i32) (result i32) i32.const 0) ${LEN}`);
    const { lib } = await load(bytes, { signatures: "i32 len(ptr xs, u32 n)" });
    expect(() => lib.len(new Uint8Array(4), 4)).toThrow(
      /returned NULL while placing `len: argument 1 \(xs\)`: it could not allocate 4 bytes/,
    );
  });

  it("a __heap_base outside the memory is named when a buffer is passed; addresses still work", async () => {
    for (const [value, shown] of [
      ["0x7fffff00", "2147483392 \\(number\\)"],
      ["-16", "-16 \\(number\\)"],
    ]) {
      const bytes = await wat(`(memory (export "memory") 1) (global (export "__heap_base") i32 (i32.const ${value})) ${LEN}`);
      const { lib } = await load(bytes, { signatures: "i32 len(ptr xs, u32 n)" });
      expect(lib.len(1024, 7)).toBe(7);
      expect(() => lib.len(new Uint8Array(8), 8)).toThrow(
        new RegExp(
          `Cannot pass a buffer as \`len: argument 1 \\(xs\\)\`: the module's \`__heap_base\` is ${shown}, which is not an address inside its memory \\(0 to 65536 bytes\\)`,
        ),
      );
    }
  });

  it("a valid __heap_base still takes buffers, copied in and back", async () => {
    const bytes = await wat(`(memory (export "memory") 1) (global (export "__heap_base") i32 (i32.const 1024))
      (func (export "inc") (param $p i32) (i32.store8 (local.get $p) (i32.add (i32.load8_u (local.get $p)) (i32.const 1))))`);
    const { lib } = await load(bytes, { signatures: "void inc(ptr p)" });
    const data = new Uint8Array([41]);
    lib.inc(data);
    expect(data[0]).toBe(42);
  });
});

describe("load(): start-up that never returns (options.timeout)", () => {
  const LOOP = `(func $spin (loop $l br $l))`;

  it("a start function that loops forever is stopped in a worker and reported", async () => {
    const bytes = await wat(`${LOOP} (start $spin) ${ONE}`);
    const error = await failure(load(bytes, { signatures: "i32 one()", timeout: 300 }));
    expect(error).toBeInstanceOf(WasmLoadError);
    expect(error.message).toMatch(
      /did not finish instantiating within 300 ms \(`options.timeout`\): its start function or `_initialize` may never return/,
    );
  });

  it("so is an _initialize that loops forever", async () => {
    const bytes = await wat(`(func (export "_initialize") (loop $l br $l)) ${ONE}`);
    await expect(load(bytes, { signatures: "i32 one()", timeout: 300 })).rejects.toThrow(/did not finish instantiating within 300 ms/);
  });

  it("a module whose start-up returns loads with a timeout, and a trap is still named", async () => {
    const ok = await load(await wat(ONE), { signatures: "i32 one()", timeout: 5000 });
    expect(ok.lib.one()).toBe(1);
    await expect(
      load(await wat(`(func (export "_initialize") unreachable) ${ONE}`), { signatures: "i32 one()", timeout: 5000 }),
    ).rejects.toThrow(/The module's `_initialize` trapped while loading/);
  });

  it("says when it cannot prove anything: start-up calls the caller's import, or the module imports a memory", async () => {
    const calls = await wat(`(import "env" "log" (func $log)) (func $go call $log) (start $go) ${ONE}`);
    await expect(load(calls, { signatures: "i32 one()", imports: { env: { log: () => {} } }, timeout: 5000 })).rejects.toThrow(
      /start-up calls the import `env.log`, which cannot run in the worker that tries it first; load it without `timeout`/,
    );
    // Without timeout the same module loads: the check is the trial's, not a refusal of imports.
    await expect(load(calls, { signatures: "i32 one()", imports: { env: { log: () => {} } } })).resolves.toBeDefined();
    const memory = await wat(`(import "env" "memory" (memory 1)) ${ONE}`);
    await expect(
      load(memory, { signatures: "i32 one()", imports: { env: { memory: new WebAssembly.Memory({ initial: 1 }) } }, timeout: 5000 }),
    ).rejects.toThrow(/it imports `env.memory` \(memory\), which cannot be recreated there/);
  });

  it("rejects a timeout that is not a positive number of milliseconds", async () => {
    const bytes = await wat(ONE);
    for (const timeout of [0, -1, Number.NaN, Infinity, "100", null])
      await expect(load(bytes, { signatures: "i32 one()", timeout: timeout as never })).rejects.toThrow(
        /Expected `options.timeout` to be a positive, finite number of milliseconds/,
      );
  });
});
