// Everything asc's own bindings carry, through `hotpath compile`: a kernel file taking and returning
// strings, ArrayBuffers, typed arrays, Array/StaticArray of numbers and bigints, plain objects, class
// instances (TypeScript classes with methods, fields and accessors), nullable results, globals and the
// memory. Each answer is checked against what the AssemblyScript code means, in plain TypeScript; bad
// arguments give named errors; the closure-taking export is left out with a warning.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { DisposedError, KERNEL_REF } from "hotpath/kernel";
import { cli, fixtures, outDir, root } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);

let out: string;
let stderr: string;
// The generated module is typed by its .d.ts; the test reads it through `any` where it pokes at wrong types on purpose.

let k: any;

beforeAll(async () => {
  out = await outDir("values");
  // A trailing slash on --out, as a shell completes it: the printed path must not double it.
  ({ stderr } = await run(process.execPath, [cli, "compile", join(fixtures, "kernels/values.ts"), "--out", `${out}/`], { cwd: root }));
  k = await (await import(/* @vite-ignore */ join(out, "values.js"))).default.load();
}, 120_000);

const u64 = (x: bigint) => BigInt.asUintN(64, x);

describe("hotpath compile: every type asc's bindings carry", () => {
  it("compiles the module whole, warns about the closure-taking export, and prints clean paths", async () => {
    expect(stderr).toMatch(/values\.ts:\d+:17: warning: `apply` is left out: parameter `f` has type \(i32\) => i32, a function/);
    expect(stderr).toContain(`→ ${join(out, "values")}.{wasm,js,d.ts}`);
    expect(stderr).not.toContain("//");
    expect(stderr).toContain("incremental collector");
    expect(stderr).toMatch(/values\.ts:\d+:3: warning: `Counter\.each` is left out: parameter `f` has type \(u64\) => void, a function/);
    expect(k.apply).toBeUndefined();
    expect("each" in k.Counter.prototype).toBe(false);
    const dts = await readFile(join(out, "values.d.ts"), "utf8");
    for (const line of [
      "shout(s: string): string;",
      "byteSum(b: ArrayBuffer): number;",
      "doubled(xs: Float64Array): Float64Array;",
      "squaresU64(xs: BigUint64Array): BigUint64Array;",
      "reversed(xs: number[]): number[];",
      "sumI64(xs: bigint[]): bigint;",
      "prefix(xs: number[]): number[];",
      "flags(n: number): boolean[];",
      "cross(a: Vec3, b: Vec3): Vec3;",
      "find(name: string): Counter | null;",
      "lengthOrMinus(s: string | null): number;",
      "withDefault(a: number, b?: number): number;",
      "export interface Counter extends WasmObject {",
      "readonly step: number;",
      "add(times: number): Counter;",
      "readonly Counter: new (name: string, step: number) => Counter;",
      "readonly LIMIT: bigint;",
      "ticks: number;",
      "motto: string;",
    ])
      expect(dts).toContain(line);
    expect(dts).not.toContain("apply");
  });

  it("strings cross as UTF-16 both ways, lone surrogates included", () => {
    expect(k.shout("héllo")).toBe("HÉLLO!");
    expect(k.echo("")).toBe("");
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 }).map((units) => String.fromCharCode(...units)),
        (s) => k.echo(s) === s,
      ),
    );
    const long = "ab\u{1F600}".repeat(20_000);
    expect(k.echo(long)).toBe(long);
  });

  it("ArrayBuffers and typed arrays are copied in and out", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => k.byteSum(bytes.slice().buffer) === bytes.reduce((a, b) => a + b, 0)),
    );
    expect([...new Uint8Array(k.bufferOf(6))]).toEqual([0, 7, 14, 21, 28, 35]);
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 100, noNaN: true }), (xs) => {
        const d = k.doubled(xs);
        return d instanceof Float64Array && d.length === xs.length && d.every((v: number, i: number) => Object.is(v, xs[i] * 2));
      }),
    );
    // A view into the middle of a larger buffer: only its own elements are copied.
    const big = new Float64Array([9, 1, 2, 3, 9]);
    expect([...k.doubled(big.subarray(1, 4))]).toEqual([2, 4, 6]);
    const edges = [0n, 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 64n - 1n];
    expect([...k.squaresU64(new BigUint64Array(edges))]).toEqual(edges.map((x) => u64(x * x)));
  });

  it("Array and StaticArray of numbers and bigints are copied both ways", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), (xs) => {
        expect(k.reversed(xs)).toEqual([...xs].reverse());
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 50 }), (xs) => {
        expect(k.sumI64(xs)).toBe(
          BigInt.asIntN(
            64,
            xs.reduce((a, b) => a + b, 0n),
          ),
        );
      }),
    );
    expect(k.prefix([1, 2, 3.5])).toEqual([1, 3, 6.5]);
    expect(k.flags(7)).toEqual([true, false, false, true, false, false, true]);
    expect(k.reversed([])).toEqual([]);
  });

  it("plain objects are copied both ways, nested objects and strings included", () => {
    expect(k.cross({ x: 1, y: 0, z: 0 }, { x: 0, y: 1, z: 0 })).toEqual({ x: 0, y: 0, z: 1 });
    expect(k.retag({ label: "a", count: 2n ** 64n - 1n, at: { x: 1, y: 2, z: 3 } }, "b")).toEqual({
      label: "ab",
      count: 0n,
      at: { x: 1, y: 2, z: 3 },
    });
  });

  it("class instances are TypeScript classes: constructor, methods, fields, accessors, explicit lifetime", () => {
    const pinned = k.heap.pinned;
    const c = new k.Counter("c", 3);
    expect(c).toBeInstanceOf(k.Counter);
    expect(c.add(2)).toBe(c); // `this` comes back as the same wrapper
    expect(c.total).toBe(6n);
    expect(c.step).toBe(3);
    expect(c.label).toBe("c=6");
    c.label = "renamed";
    expect(c.name).toBe("renamed");
    c.total = 2n ** 64n - 1n;
    expect(k.totalOf(c)).toBe(2n ** 64n - 1n);
    expect(() => {
      c.step = 4;
    }).toThrow(TypeError);
    const d = k.makeCounter("d");
    const m = c.merged(d);
    expect([m.name, m.total]).toEqual(["renamed+d", u64(2n ** 64n - 1n + 0n)]);
    expect(k.heap.pinned).toBe(pinned + 3);
    for (const x of [c, d, m]) x.dispose();
    expect(k.heap.pinned).toBe(pinned);
    expect(() => c.total).toThrow(DisposedError);
    // The receiver is checked: a method called on another object never reaches memory.
    const add = Object.getOwnPropertyDescriptor(k.Counter.prototype, "add")!.value;
    expect(() => add.call({ ptr: 16 }, 1)).toThrow(/Expected `this` to be a Counter/);
    expect(() => k.totalOf({ ptr: 16 })).toThrow(/Expected `c` to be a Counter/);
  });

  it("a subclass extends its base's TypeScript class: overrides run, it goes where the base is expected", () => {
    const s = k.makeSpecial("s"); // declared to return a Counter: the object's own class is bound, so it comes back as a Special
    expect(s).toBeInstanceOf(k.Special);
    expect(s).toBeInstanceOf(k.Counter);
    expect(s.add(1)).toBe(s);
    expect(s.total).toBe(110n); // Special.add: step × times + bonus
    expect(k.totalOf(s)).toBe(110n);
    const t = new k.Special("t");
    expect([t.bonus, t.step, t.name]).toEqual([100, 10, "t"]);
    const merged = t.merged(s);
    expect(merged.total).toBe(110n);
    merged.dispose();
    const counterAdd = Object.getOwnPropertyDescriptor(k.Counter.prototype, "add")!.value;
    const plainCounter = new k.Counter("c", 1);
    const bonus = Object.getOwnPropertyDescriptor(k.Special.prototype, "bonus")!.get!;
    expect(() => bonus.call(plainCounter)).toThrow(/Expected `this` to be a Special/);
    plainCounter.dispose();
    expect(counterAdd.call(t, 1).total).toBe(110n); // virtual: the override runs whichever wrapper is called
    for (const x of [s, t]) x.dispose();
  });

  it("nullable results are T | null, nullable parameters take null", () => {
    expect(k.find("none")).toBeNull();
    const found = k.find("x");
    expect(found.step).toBe(2);
    found.dispose();
    expect(k.lengthOrMinus(null)).toBe(-1);
    expect(k.lengthOrMinus("abc")).toBe(3);
  });

  it("small integers, optional parameters, globals and the memory", () => {
    expect(k.small(-128, 255, -32768, 65535)).toBe(-128 + 255 - 32768 + 65535);
    expect(k.wrapU8(300)).toBe(44);
    expect(k.withDefault(3)).toBe(30);
    expect(k.withDefault(3, 2)).toBe(6);
    expect(k.GREETING).toBe("hello");
    expect(k.LIMIT).toBe(2n ** 64n - 1n);
    // load() did not warm `tick` up: a module with state is left as its start code made it.
    expect(k.ticks).toBe(0);
    expect(k.tick()).toBe(1);
    expect(k.ticks).toBe(1);
    k.scale = 2.25;
    expect(k.scale).toBe(2.25);
    // A string global is assigned in AssemblyScript, so the collector keeps the new value alive.
    expect(k.motto).toBe("first");
    k.motto = `second ${"!".repeat(3)}`;
    for (let i = 0; i < 2000; i++) k.echo("garbage to collect ".repeat(20));
    k.heap.collect();
    expect(k.motto).toBe("second !!!");
    expect(() => {
      k.motto = 5;
    }).toThrow(/Expected `motto` to be a string/);
    expect(k.memory).toBeInstanceOf(WebAssembly.Memory);
    expect([k.Color.Red, k.Color.Green, k.Color.Blue, k.Color[5]]).toEqual([0, 5, 6, "Green"]);
    expect(typeof k.shout[KERNEL_REF]).toBe("object");
  });

  it("refuses bad arguments with errors naming the parameter", () => {
    expect(() => k.shout(5)).toThrow(/Expected `s` to be a string, got 5/);
    expect(() => k.shout(null)).toThrow(/Expected `s` to be a string/);
    expect(() => k.doubled(new Float32Array(2))).toThrow(/Expected `xs` to be a Float64Array/);
    expect(() => k.reversed([1, 2.5])).toThrow(/xs\[1\]/);
    expect(() => k.reversed([1, 2 ** 31])).toThrow(/xs\[1\]/);
    expect(() => k.sumI64([1])).not.toThrow();
    expect(() => k.cross({ x: 1, y: 2 }, { x: 0, y: 0, z: 0 })).toThrow(/Expected `a\.z` to be a number/);
    expect(() => k.small(128, 0, 0, 0)).toThrow(RangeError);
    expect(() => k.withDefault()).toThrow(/takes 1 to 2 arguments/);
    expect(() => {
      k.ticks = "x";
    }).toThrow(/Expected `ticks`/);
    // Nothing stays pinned after a refused call.
    expect(k.heap.pinned).toBe(0);
  });
});
