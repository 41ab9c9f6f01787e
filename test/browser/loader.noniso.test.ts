import { expect, it } from "vitest";
import { kernels } from "../../src/index.ts";

it("loads and runs the kernels in a page that is not cross-origin isolated", async () => {
  expect(globalThis.crossOriginIsolated).toBe(false);
  const k = await kernels();
  expect(k.sumIntegers(1000n)).toBe(499500n);
});
