import { describe, expect, it } from "vitest";
import { kernels, twins } from "../src/index.ts";

const k = await kernels();

describe("sumIntegers", () => {
  it("adds 0 + 1 + … + (n − 1) for small n", () => {
    for (const n of [0n, 1n, 2n, 3n, 10n, 1000n]) expect(k.sumIntegers(n)).toBe(twins.bigint.sumIntegers(n));
  });
});
