// The safety net: an object the program forgot to dispose is unpinned once its wrapper is garbage
// collected (FinalizationRegistry). Run in a child `node --expose-gc`, where a collection can be forced.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const classes = new URL("../src/classes/index.ts", import.meta.url).href;

it("unpins objects whose wrappers were collected without dispose()", async () => {
  const script = `
    const { loadClasses } = await import(${JSON.stringify(classes)});
    const { Accumulator, runtime } = await loadClasses();
    const kept = new Accumulator();
    kept.add(7);
    (() => { for (let i = 0; i < 1000; i++) new Accumulator().add(i); })();
    const before = runtime.pinned;
    for (let i = 0; i < 20 && runtime.pinned > 1; i++) {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    runtime.collect();
    console.log(JSON.stringify({ before, after: runtime.pinned, kept: String(kept.total) }));
  `;
  const { stdout } = await run(process.execPath, ["--expose-gc", "--import", tsx, "--input-type=module", "-e", script], {
    timeout: 60_000,
  });
  const result = JSON.parse(stdout.trim().split("\n").at(-1));
  expect(result.before).toBe(1001);
  expect(result.after).toBe(1);
  expect(result.kept).toBe("7");
}, 90_000);
