// Where the Deno and Bun binaries are: the npm-installed ones (devDependencies), else on PATH.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

/** Path of `name` (deno or bun), or undefined when neither node_modules/.bin nor PATH has it. */
export function findRuntime(name: "deno" | "bun"): string | undefined {
  if (existsSync(bin(name))) return bin(name);
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** How each runtime runs a script that reads files next to it. */
export function runtimeArgs(name: "deno" | "bun", script: string): string[] {
  return name === "deno" ? ["run", "--allow-read", "--allow-env", "--allow-sys", script] : [script];
}
