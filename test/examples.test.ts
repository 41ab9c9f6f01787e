// Every example script runs to completion at a small size (`--small`), as a user would start it.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));
const examples = readdirSync(new URL("../examples", import.meta.url))
  .filter((f) => /^\d\d-.*\.ts$/.test(f))
  .sort();

it("has examples", () => {
  expect(examples.length).toBeGreaterThan(0);
});

it.each(examples)(
  "examples/%s --small exits 0 and prints a result",
  async (file) => {
    const { stdout } = await run(process.execPath, [tsx, `examples/${file}`, "--small"], { cwd: root, timeout: 120_000 });
    expect(stdout.trim().length).toBeGreaterThan(0);
  },
  150_000,
);
