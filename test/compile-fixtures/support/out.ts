// Output folders for compiled kernels inside the repository (under .cache/, ignored by git), so that
// the generated modules' `import … from "hotpath/kernel"` resolves to this package by self-reference.
import { mkdtempSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../..", import.meta.url));
export const cli = join(root, "build/cli.js");
export const fixtures = join(root, "test/compile-fixtures");

/** A fresh folder under .cache/compile-tests/. */
export async function outDir(prefix: string): Promise<string> {
  await mkdir(join(root, ".cache/compile-tests"), { recursive: true });
  return mkdtempSync(join(root, ".cache/compile-tests", `${prefix}-`));
}
