// hotpath/cluster is only for those who use it: the main entry's bundles (and the chunks they import)
// hold nothing of BullMQ or ioredis, and the cluster bundle imported where neither is installed (only
// hotpath's own dependencies are) says what to install.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/redis.ts";

/** A bundle in build/ and the chunks it imports, transitively (file names in build/). */
function withChunks(bundle: string, seen = new Set<string>()): string[] {
  if (seen.has(bundle)) return [];
  seen.add(bundle);
  const code = readFileSync(join(ROOT, "build", bundle), "utf8");
  for (const [, chunk] of code.matchAll(/"\.\/(chunk-[\w-]+\.js)"/g)) withChunks(chunk, seen);
  return [...seen];
}

describe("hotpath/cluster as an optional part", () => {
  it("the main entry's bundles import nothing of bullmq or ioredis", () => {
    for (const bundle of ["node.js", "browser.js"]) {
      const files = withChunks(bundle);
      expect(files.length).toBeGreaterThan(1);
      for (const file of files)
        expect(readFileSync(join(ROOT, "build", file), "utf8")).not.toMatch(/["']bullmq["']|["']ioredis["']|createCluster/);
    }
  });

  it("package.json: bullmq and ioredis are optional peers, hotpath/cluster an export", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.exports["./cluster"]).toEqual({ types: "./build/types/cluster/index.d.ts", default: "./build/cluster.js" });
    for (const peer of ["bullmq", "ioredis"]) {
      expect(pkg.peerDependencies[peer]).toBeDefined();
      expect(pkg.peerDependenciesMeta[peer]).toEqual({ optional: true });
      expect(pkg.dependencies?.[peer]).toBeUndefined();
    }
  });

  it("without bullmq and ioredis installed, createCluster says what to install", async () => {
    // The built bundle alone, in a folder with no node_modules anywhere above it.
    const dir = mkdtempSync(join(tmpdir(), "hotpath-cluster-peer-"));
    try {
      for (const file of [...withChunks("cluster.js"), "hotpath.wasm"]) cpSync(join(ROOT, "build", file), join(dir, file));
      // The package's own dependencies, as an install would have them; the optional peers are not there.
      for (const dep of Object.keys(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).dependencies))
        cpSync(join(ROOT, "node_modules", dep), join(dir, "node_modules", dep), { recursive: true });
      // A plain Node process (vitest's own resolver would find the packages beside the project).
      const script = `
        const { createCluster } = await import(${JSON.stringify(pathToFileURL(join(dir, "cluster.js")).href)});
        const e = await createCluster({ connection: "redis://127.0.0.1:6379" }).catch((e) => e);
        console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message }));`;
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8" });
      expect(run.stderr).toBe("");
      expect(JSON.parse(run.stdout)).toEqual({
        name: "ClusterError",
        code: "MISSING_PEER",
        message: "hotpath/cluster runs on BullMQ over Redis, and bullmq and ioredis are not installed: npm install bullmq ioredis",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
