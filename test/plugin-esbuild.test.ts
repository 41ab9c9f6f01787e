// hotpath/esbuild: a `*.kernel.ts` file imported by a bundle is compiled at build time; the bundle
// gets the same typed module object as `hotpath compile`'s, its wasm files land beside the output,
// and hotpath's worker and wasm files too. Compile errors come back as esbuild errors with file, line
// and column. (The page side, in Chromium from the packed tarball, is in package-bundlers.test.ts.)
import { execFile } from "node:child_process";
import { copyFile, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import * as esbuild from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { hotpath } from "../src/esbuild/index.ts";
import { fixtures, outDir } from "./compile-fixtures/support/out.ts";

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await outDir("esbuild");
  await copyFile(join(fixtures, "kernels/squares.ts"), join(dir, "squares.kernel.ts"));
  await copyFile(join(fixtures, "plain.ts"), join(dir, "plain.ts"));
  await writeFile(
    join(dir, "main.ts"),
    `import squares from "./squares.kernel";
import * as plain from "./plain.ts";
import { createPool, kernels } from "hotpath";
const m = await squares.load();
const out: Record<string, unknown> = {};
out.range = m.sumOfSquaresRange(5n, 100_000n) === plain.sumOfSquaresRange(5n, 100_000n);
out.checksum = m.checksum(new Uint8Array([1, 2, 3, 250])) === plain.checksum(new Uint8Array([1, 2, 3, 250]));
out.norm = m.norm(new Float64Array([3, 4, 12])) === plain.norm(new Float64Array([3, 4, 12]));
try { m.sumOfSquaresRange(-1n, 2n); } catch (e) { out.error = (e as Error).message; }
const pool = await createPool({ workers: 2 });
out.pool = (await pool.reduceRange(squares.sumOfSquaresRange, 0n, 300_001n, { combine: "wrapAdd" })) === plain.sumOfSquaresRange(0n, 300_001n);
out.sum = String(await pool.sumIntegers(10n ** 6n)) === String((await kernels()).sumIntegers(10n ** 6n));
await pool.close();
console.log(JSON.stringify(out));
`,
  );
}, 30_000);

describe("hotpath/esbuild", () => {
  it("compiles *.kernel.ts at build time and the bundle runs it on this thread and on the pool", async () => {
    const result = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["main.ts"],
      bundle: true,
      format: "esm",
      platform: "node",
      outdir: "dist",
      logLevel: "silent",
      plugins: [hotpath()],
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    const files = await readdir(join(dir, "dist"));
    expect(files).toEqual(expect.arrayContaining(["main.js", "squares.wasm", "squares.threads.wasm"]));
    const types = await readFile(join(dir, "squares.kernel.hotpath.ts"), "utf8");
    expect(types).toContain("sumOfSquaresRange(lo: bigint, hi: bigint): bigint;");
    const { stdout } = await run(process.execPath, [join(dir, "dist/main.js")], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual({
      range: true,
      checksum: true,
      norm: true,
      error: "Expected `lo` to be a u64 (0 ≤ n < 2^64), got -1n (bigint)",
      pool: true,
      sum: true,
    });
  }, 60_000);

  it("binds strings, arrays, objects and classes as hotpath compile does, and warns about an export it leaves out", async () => {
    await copyFile(join(fixtures, "kernels/values.ts"), join(dir, "values.kernel.ts"));
    await writeFile(
      join(dir, "values-main.ts"),
      `import values from "./values.kernel";
import { createPool } from "hotpath";
const v = await values.load();
const c = new v.Counter("c", 2);
const pool = await createPool({ workers: 2 });
const out = {
  shout: v.shout("abc"),
  reversed: v.reversed([1, 2, 3]),
  doubled: [...v.doubled(new Float64Array([1.5]))],
  cross: v.cross({ x: 1, y: 0, z: 0 }, { x: 0, y: 1, z: 0 }),
  counter: String(c.add(3).total),
  none: v.find("none"),
  pool: await pool.map(values.shout, ["x", "y"]),
};
c.dispose();
await pool.close();
console.log(JSON.stringify(out));
`,
    );
    const result = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["values-main.ts"],
      bundle: true,
      format: "esm",
      platform: "node",
      outdir: "dist-values",
      logLevel: "silent",
      plugins: [hotpath()],
    });
    expect(result.errors).toEqual([]);
    // In the kernel file's order (esbuild sorts by location): Counter.each (a method), then apply.
    expect(result.warnings.map((w) => [w.text, w.location?.line])).toEqual([
      [expect.stringMatching(/^`Counter\.each` is left out: parameter `f` has type \(u64\) => void, a function/), expect.any(Number)],
      [expect.stringMatching(/^`apply` is left out: parameter `f` has type \(i32\) => i32, a function/), expect.any(Number)],
    ]);
    const files = await readdir(join(dir, "dist-values"));
    expect(files).toEqual(expect.arrayContaining(["values-main.js", "values.wasm"]));
    expect(files).not.toContain("values.threads.wasm");
    const types = await readFile(join(dir, "values.kernel.hotpath.ts"), "utf8");
    expect(types).toContain("shout(s: string): string;");
    expect(types).toContain("export interface Counter extends WasmObject {");
    const { stdout } = await run(process.execPath, [join(dir, "dist-values/values-main.js")], { cwd: dir });
    expect(JSON.parse(stdout)).toEqual({
      shout: "ABC!",
      reversed: [3, 2, 1],
      doubled: [3],
      cross: { x: 0, y: 0, z: 1 },
      counter: "6",
      none: null,
      pool: ["X!", "Y!"],
    });
  }, 90_000);

  it("copies hotpath's worker and wasm files beside a browser bundle", async () => {
    await writeFile(
      join(dir, "page.ts"),
      `import { createPool } from "hotpath";\nconst pool = await createPool({ workers: 2 });\nconsole.log(await pool.sumIntegers(10n));\n`,
    );
    const result = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["page.ts"],
      bundle: true,
      format: "esm",
      platform: "browser",
      outdir: "web",
      logLevel: "silent",
      plugins: [hotpath()],
    });
    expect(result.warnings).toEqual([]);
    const files = await readdir(join(dir, "web"));
    expect(files).toEqual(expect.arrayContaining(["page.js", "worker.browser.js", "hotpath.wasm", "hotpath.threads.wasm"]));
    expect(files).not.toContain("classes.wasm");
  }, 60_000);

  it("reports a kernel's compile error as an esbuild error at its file, line and column", async () => {
    await writeFile(join(dir, "bad.kernel.ts"), "export function f(x: i32): i32 {\n  return x + missing;\n}\n");
    await writeFile(join(dir, "bad.ts"), `import bad from "./bad.kernel";\nconsole.log(bad);\n`);
    const failure = await esbuild
      .build({
        absWorkingDir: dir,
        entryPoints: ["bad.ts"],
        bundle: true,
        format: "esm",
        outdir: "bad",
        logLevel: "silent",
        plugins: [hotpath()],
      })
      .then(
        () => undefined,
        (e: esbuild.BuildFailure) => e,
      );
    expect(failure?.errors).toHaveLength(1);
    const [error] = failure!.errors;
    expect(error.text).toBe("Cannot find name 'missing'.");
    expect(error.location).toMatchObject({ line: 2, column: 13, lineText: "  return x + missing;" });
    expect(error.location?.file).toMatch(/bad\.kernel\.ts$/);
  }, 60_000);

  it("rejects unknown options", () => {
    expect(() => hotpath({ includes: /x/ } as never)).toThrow("Unknown option `includes` of the hotpath/esbuild plugin");
  });
});
