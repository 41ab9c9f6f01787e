// The disk cache (`cache: true`): a second Node process finds the first one's module and compiles nothing.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";

const run = promisify(execFile);
const script = fileURLToPath(new URL("./jit-fixtures/smoke.mjs", import.meta.url));
const dir = await mkdtemp(join(tmpdir(), "hotpath-jit-test-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function child() {
  const { stdout } = await run(process.execPath, [script], { env: { ...process.env, HOTPATH_JIT_CACHE: dir }, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

it("a second process loads the module from disk instead of compiling", async () => {
  const first = await child();
  expect(first.checks.sum).toBe(true);
  expect(first.stats).toEqual({ compiled: 1, memoryHits: 0, diskHits: 0, plainCalls: 0 });
  expect((await readdir(dir)).sort()).toEqual([
    expect.stringMatching(/\.arena\.wasm$/),
    expect.stringMatching(/\.json$/),
    expect.stringMatching(/[0-9a-f]\.wasm$/),
  ]);
  const second = await child();
  expect(second.checks.sum).toBe(true);
  expect(second.stats).toEqual({ compiled: 0, memoryHits: 0, diskHits: 1, plainCalls: 0 });
});

it("a jitClass defined again with other field types does not find the module built for the old ones", async () => {
  const classDir = await mkdtemp(join(tmpdir(), "hotpath-jit-test-"));
  const fixture = fileURLToPath(new URL("./jit-fixtures/class-field.mjs", import.meta.url));
  const field = async (type: string) => {
    const { stdout } = await run(process.execPath, [fixture, type], {
      env: { ...process.env, HOTPATH_JIT_CACHE: classDir },
      timeout: 60_000,
    });
    return JSON.parse(stdout.trim().split("\n").pop()!);
  };
  try {
    expect(await field("u64")).toEqual({ plain: "4", jit: "4", stats: { compiled: 1, memoryHits: 0, diskHits: 0, plainCalls: 0 } });
    // The same names and text, an i64 field: compiled anew (it gave 18446744073709551610, the u64 wrap).
    expect(await field("i64")).toEqual({ plain: "-6", jit: "-6", stats: { compiled: 1, memoryHits: 0, diskHits: 0, plainCalls: 0 } });
    expect((await field("i64")).stats.diskHits).toBe(1);
  } finally {
    await rm(classDir, { recursive: true, force: true });
  }
});
