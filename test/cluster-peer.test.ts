// hotpath/cluster is only for those who use it: the main entry's bundles hold nothing of BullMQ or
// ioredis, and the cluster bundle imported where neither is installed says what to install.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ROOT } from "./support/redis.ts";

describe("hotpath/cluster as an optional part", () => {
  it("the main entry's bundles import nothing of bullmq or ioredis", () => {
    for (const bundle of ["build/node.js", "build/browser.js"]) {
      const code = readFileSync(join(ROOT, bundle), "utf8");
      expect(code).not.toMatch(/["']bullmq["']|["']ioredis["']|createCluster/);
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
      cpSync(join(ROOT, "build/cluster.js"), join(dir, "cluster.js"));
      cpSync(join(ROOT, "build/hotpath.wasm"), join(dir, "hotpath.wasm"));
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
