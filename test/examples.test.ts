// Every example script runs to completion at a small size (`--small`), as a user would start it.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { findRedisServer } from "./support/redis.ts";
import { redisInstallCommand } from "./support/redis-install.ts";
import { itWith } from "./support/tools.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = fileURLToPath(new URL("../node_modules/tsx/dist/cli.mjs", import.meta.url));
const examples = readdirSync(new URL("../examples", import.meta.url))
  .filter((f) => /^\d\d-.*\.ts$/.test(f))
  .sort();

it("has examples", () => {
  expect(examples.length).toBeGreaterThan(0);
});

/** Examples that need a tool from outside npm: the cluster example starts its own redis-server. */
const needsRedis = new Set(["14-cluster.ts"]);
const redisMissing = findRedisServer() ? undefined : `examples/14-cluster.ts needs a redis-server binary: run \`${redisInstallCommand()}\``;

for (const file of examples) {
  const test = needsRedis.has(file) ? itWith("redis", redisMissing) : it;
  test(`examples/${file} --small exits 0 and prints a result`, async () => {
    const { stdout } = await run(process.execPath, [tsx, `examples/${file}`, "--small"], { cwd: root, timeout: 120_000 });
    expect(stdout.trim().length).toBeGreaterThan(0);
  }, 150_000);
}
