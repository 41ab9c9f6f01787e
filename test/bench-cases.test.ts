// The hand-kept list of built-in case ids (src/bench/cases.ts BUILTIN_CASE_IDS, which `hotpath bench
// --cases` and `bench({ builtins })` validate against) and the cases builtinCases() really builds agree
// both ways and in order, as test/kernels-api.test.ts checks KERNEL_FUNCTIONS against the built module.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { BUILTIN_CASE_IDS, builtinCases } from "../src/bench/cases.ts";

const module = await WebAssembly.compile(await readFile(new URL("../build/hotpath.wasm", import.meta.url)));

describe("BUILTIN_CASE_IDS", () => {
  const built = builtinCases({ module, cModule: { skipped: "not needed to list the cases" }, extra: {} }).map((c) => c.id);

  it("lists every case builtinCases() builds, in the same order, and no other", () => {
    expect([...BUILTIN_CASE_IDS]).toEqual(built);
  });

  it("has no id twice (a case selected by id must be one case)", () => {
    expect(new Set(BUILTIN_CASE_IDS).size).toBe(BUILTIN_CASE_IDS.length);
    expect(new Set(built).size).toBe(built.length);
  });

  it("every listed id is a case and every case is listed, named both ways", () => {
    const missingFromList = built.filter((id) => !(BUILTIN_CASE_IDS as readonly string[]).includes(id));
    const missingFromCases = BUILTIN_CASE_IDS.filter((id) => !built.includes(id));
    expect({ missingFromList, missingFromCases }).toEqual({ missingFromList: [], missingFromCases: [] });
  });
});
