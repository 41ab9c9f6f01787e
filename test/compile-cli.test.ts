// `hotpath compile` end to end: the CLI compiles a kernel file (u64 range, buffers, f64), the generated
// module loads on this thread and on the pool (1, 2, 3 workers, both modes), every answer equals the
// user's plain-TS function, bad inputs give the named errors, and compile errors point at file:line:column.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "hotpath";
import { kernelRefOf } from "hotpath/kernel";
import * as plain from "./compile-fixtures/plain.ts";
import { cli, fixtures, outDir, root } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);
type Squares = typeof import("./compile-fixtures/generated/squares.js").default;

let out: string;
let squares: Squares;
let m: Awaited<ReturnType<Squares["load"]>>;

beforeAll(async () => {
  out = await outDir("cli");
  await run(process.execPath, [cli, "compile", join(fixtures, "kernels/squares.ts"), "--out", out], { cwd: root });
  squares = (await import(/* @vite-ignore */ join(out, "squares.js"))).default;
  m = await squares.load();
}, 60_000);

describe("hotpath compile (CLI)", () => {
  it("writes both wasm builds, a .wat beside each, the module and its declarations", async () => {
    for (const f of ["squares.wasm", "squares.threads.wasm", "squares.wat", "squares.threads.wat", "squares.js", "squares.d.ts"])
      expect(existsSync(join(out, f)), f).toBe(true);
    const threadsWat = await readFile(join(out, "squares.threads.wat"), "utf8");
    expect(threadsWat).toMatch(/\(import "env" "memory" \(memory \$?\S* ?1 65536 shared\)\)/);
    const js = await readFile(join(out, "squares.js"), "utf8");
    expect(js).toContain('new URL("./squares.wasm", import.meta.url)');
    expect(js).toContain('new URL("./squares.threads.wasm", import.meta.url)');
    expect(js).toContain('from "hotpath/kernel"');
    expect(js).toContain('memoryFree: ["sumOfSquaresRange","fma","diff","isOdd","inverse","cube"]');
  });

  it("types the functions from the AssemblyScript signatures", async () => {
    const dts = await readFile(join(out, "squares.d.ts"), "utf8");
    expect(dts).toContain("sumOfSquaresRange(lo: bigint, hi: bigint): bigint;");
    expect(dts).toContain("checksum(data: Uint8Array): number;");
    expect(dts).toContain("norm(xs: Float64Array): number;");
    expect(dts).toContain("scale(xs: Float64Array, k: number): void;");
    expect(dts).toContain("fma(x: number, y: number, z: number): number;");
    expect(dts).toContain("diff(a: bigint, b: bigint): bigint;");
    expect(dts).toContain("isOdd(n: number): boolean;");
    // The copy the tests type-check against (and that shows a reader the output) is the current one.
    expect(dts).toBe(await readFile(join(fixtures, "generated/squares.d.ts"), "utf8"));
    expect(squares.specs.find((s) => s.name === "norm")).toEqual({ name: "norm", params: [{ name: "xs", type: "f64[]" }], result: "f64" });
  });

  it("answers like the plain-TS functions on this thread", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: 0, max: 3000 }), (lo, n) => {
        const hi = lo + BigInt(n) > 2n ** 64n - 1n ? 2n ** 64n - 1n : lo + BigInt(n);
        expect(m.sumOfSquaresRange(lo, hi)).toBe(plain.sumOfSquaresRange(lo, hi));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => {
        expect(m.checksum(bytes)).toBe(plain.checksum(bytes));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 100, noNaN: true }), fc.double(), fc.double(), fc.double(), (xs, x, y, z) => {
        expect(m.norm(xs)).toBe(plain.norm(xs));
        expect(Object.is(m.fma(x, y, z), plain.fma(x, y, z))).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(m.diff(1n, 5n)).toBe(-4n);
    expect(m.diff(-(2n ** 63n), 1n)).toBe(plain.diff(-(2n ** 63n), 1n));
    expect(m.isOdd(7)).toBe(true);
    expect(m.isOdd(-4)).toBe(false);
    const xs = new Float64Array([1, 2, 3]);
    expect(m.scale(xs, 2.5)).toBeUndefined();
    expect([...xs]).toEqual([2.5, 5, 7.5]);
  });

  it("rejects bad inputs with the same named errors as the built-in kernels", () => {
    expect(() => m.sumOfSquaresRange(-1n, 3n)).toThrow(new RangeError("Expected `lo` to be a u64 (0 ≤ n < 2^64), got -1n (bigint)"));
    expect(() => m.sumOfSquaresRange(0n, 2n ** 64n)).toThrow(RangeError);
    expect(() => m.sumOfSquaresRange(0n, "9" as never)).toThrow(
      new TypeError('Expected `hi` to be a bigint or a non-negative safe integer, got "9" (string)'),
    );
    expect(() => (m.sumOfSquaresRange as (...a: unknown[]) => unknown)(1n)).toThrow(
      "`sumOfSquaresRange` takes 2 arguments (lo, hi), got 1",
    );
    expect(() => m.checksum([1, 2] as never)).toThrow(new TypeError("Expected `data` to be a Uint8Array, got an Array of length 2"));
    expect(() => m.isOdd(1.5)).toThrow(RangeError);
    expect(() => m.isOdd(null as never)).toThrow(TypeError);
    const trap = (() => {
      try {
        m.inverse(0);
      } catch (e) {
        return e as Error & { code: string; kernel: string };
      }
    })();
    expect(trap?.name).toBe("KernelError");
    expect(trap?.code).toBe("KERNEL_TRAP");
    expect(trap?.message).toBe("Kernel `inverse` trapped: unreachable");
    expect(m.inverse(8)).toBe(125);
  });

  it("gives every function on the module object and every loaded function a KernelRef", async () => {
    const ref = kernelRefOf(squares.sumOfSquaresRange)!;
    expect(ref.spec.name).toBe("sumOfSquaresRange");
    expect(await ref.module()).toBeInstanceOf(WebAssembly.Module);
    // sumOfSquaresRange touches no memory: the pool runs its single-thread build in shared mode too.
    expect(ref.threads).toBeUndefined();
    const scaleRef = kernelRefOf(squares.scale)!;
    expect(WebAssembly.Module.imports(await scaleRef.threads!()).some((i) => i.kind === "memory")).toBe(true);
    expect(await ref.module()).toBe(await kernelRefOf(m.sumOfSquaresRange)!.module()); // compiled once per realm
    expect(await squares.load({ warmUp: false })).not.toBe(m);
    await expect(squares.load({ warm: false } as never)).rejects.toThrow("Unknown option `options.warm`");
  });

  it("reports a compile error at its file, line and column, and exits with 1", async () => {
    const dir = await outDir("bad");
    const bad = join(dir, "bad.ts");
    await writeFile(bad, "export function f(lo: u64, hi: u64): u64 {\n  let t: u64 = 0;\n  t += undefinedThing;\n  return t;\n}\n");
    const failed = await run(process.execPath, [cli, "compile", relative(root, bad), "--out", dir], { cwd: root }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(`${relative(root, bad)}:3:8: error TS2304: Cannot find name 'undefinedThing'.`);
    expect(existsSync(join(dir, "bad.js"))).toBe(false);
  });

  it("leaves out an export it cannot bind, with a warning at its line, and compiles the others", async () => {
    const dir = await outDir("unbindable");
    const file = join(dir, "mixed.ts");
    await writeFile(
      file,
      "// mixed\n\nexport function apply(f: (x: i32) => i32): i32 {\n  return f(1);\n}\n\n" +
        "export function len(s: string): i32 {\n  return s.length;\n}\n\nexport function lanes(v: v128): i32 {\n  return i32x4.extract_lane(v, 0);\n}\n",
    );
    const { stderr } = await run(process.execPath, [cli, "compile", file, "--out", dir], { cwd: root });
    expect(stderr).toMatch(
      /mixed\.ts:3:17: warning: `apply` is left out: parameter `f` has type \(i32\) => i32, a function: a closure cannot cross/,
    );
    expect(stderr).toMatch(/mixed\.ts:11:17: warning: `lanes` is left out: parameter `v` has type v128/);
    expect(stderr).toMatch(/compiled .*mixed\.ts → .*mixed\.\{wasm,js,d\.ts\} \(len; incremental collector\)/);
    const m = await (await import(/* @vite-ignore */ join(dir, "mixed.js"))).default.load();
    expect(m.len("four")).toBe(4);
    expect("apply" in m).toBe(false);
    // A file with nothing to bind is an error, and says why each export was left out.
    const only = join(dir, "only.ts");
    await writeFile(only, "export function apply(f: (x: i32) => i32): i32 {\n  return f(1);\n}\n");
    const failed = await run(process.execPath, [cli, "compile", only, "--out", dir], { cwd: root }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain("exports no function hotpath can bind");
    expect(failed?.stderr).toMatch(/only\.ts:1:17: warning: `apply` is left out/);
  });

  it("recompiles in watch mode when the kernel changes", async () => {
    const dir = await outDir("watch");
    const file = join(dir, "w.ts");
    await writeFile(file, "export function f(x: i32): i32 {\n  return x + 1;\n}\n");
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [cli, "compile", file, "--out", join(dir, "out"), "--watch"], { cwd: root });
    let stderr = "";
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}: ${stderr}`)), 45_000);
        const check = () => re.test(stderr) && (clearTimeout(timer), resolve());
        child.stderr.on("data", (d: Buffer) => ((stderr += d), check()));
        check();
      });
    try {
      await waitFor(/compiled .*w\.ts/);
      expect(await readFile(join(dir, "out/w.d.ts"), "utf8")).toContain("f(x: number): number;");
      await writeFile(file, "export function f(x: i32): i32 {\n  return x + 2;\n}\nexport function g(x: f64): f64 {\n  return x;\n}\n");
      await waitFor(/rebuilt .*w\.ts.*\(f, g\)/);
      expect(await readFile(join(dir, "out/w.d.ts"), "utf8")).toContain("g(x: number): number;");
      await writeFile(file, "export function f(x: i32): i32 {\n  return y;\n}\n");
      await waitFor(/w\.ts:2:10: error TS2304/);
    } finally {
      child.kill("SIGINT");
    }
  }, 60_000);
});

describe("a compiled kernel on the pool", () => {
  const pools: Pool[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  for (const mode of ["shared", "message"] as const)
    for (const workers of [1, 2, 3])
      it(`reduceRange and map on ${workers} worker(s), ${mode} mode, answer like plain TS`, async () => {
        const pool = await createPool({ workers, mode });
        pools.push(pool);
        const lo = 2n ** 33n;
        const hi = lo + 100_003n;
        expect(await pool.reduceRange(squares.sumOfSquaresRange, lo, hi, { combine: "wrapAdd" })).toBe(plain.sumOfSquaresRange(lo, hi));
        expect(await pool.reduceRange(squares.sumOfSquaresRange, 0n, 0n, { combine: "wrapAdd" })).toBe(0n);
        const xs = Array.from({ length: 50 }, (_, i) => i * 0.37 - 4);
        expect(await pool.map(squares.cube, xs)).toEqual(xs.map(plain.cube));
        await expect(pool.reduceRange(squares.sumOfSquaresRange, -1n, 5n, { combine: "wrapAdd" })).rejects.toThrow(
          "Expected `lo` to be a u64 (0 ≤ n < 2^64), got -1n (bigint)",
        );
      }, 30_000);
});
