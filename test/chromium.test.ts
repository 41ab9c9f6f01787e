// Makes a missing browser visible in the report: without Chromium the browser projects do not run,
// and this test shows as skipped with the install hint instead of passing silently.
import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { CHROMIUM_HINT } from "./support/chromium.ts";

it.skipIf(!process.env.HOTPATH_CHROMIUM)(`browser tests run in Chromium at ${process.env.HOTPATH_CHROMIUM}`, () => {
  expect(execFileSync(process.env.HOTPATH_CHROMIUM!, ["--version"], { encoding: "utf8" })).toMatch(/Chromium \d+/);
});
it.skipIf(!!process.env.HOTPATH_CHROMIUM)(`browser tests skipped: ${CHROMIUM_HINT}`, () => {});
