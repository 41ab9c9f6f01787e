// The browser test projects (vitest.config.ts) run only when a Chromium was found. This makes a missing
// one a failure that says what to install instead of a silent gap in the run (HOTPATH_SKIP_BROWSER=1
// leaves the browser tests out on purpose).
import { execFileSync } from "node:child_process";
import { expect } from "vitest";
import { CHROMIUM_HINT } from "./support/chromium.ts";
import { itWith } from "./support/tools.ts";

const chromium = process.env.HOTPATH_CHROMIUM;
const missing = chromium
  ? undefined
  : `the browser tests (test/browser/, the bench in Chromium, examples/browser) need Chromium: ${CHROMIUM_HINT}`;

itWith("browser", missing)(`the browser test projects run in Chromium (${chromium || "none found"})`, () => {
  expect(execFileSync(chromium!, ["--version"], { encoding: "utf8" })).toMatch(/Chromium \d+/);
});
