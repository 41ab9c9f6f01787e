// Test projects: "node" (everything under test/ but test/browser/), and, where a Chromium is found,
// "browser" (real Chromium, cross-origin isolated: COOP/COEP, SharedArrayBuffer available) and
// "browser-noniso" (the same browser without those headers: the message-passing fallback).
// Without a Chromium the browser projects are left out and reported as skipped (test/chromium.test.ts);
// with HOTPATH_REQUIRE_BROWSER=1 (set by .ci/run) a missing Chromium is an error instead.
import { playwright } from "@vitest/browser-playwright";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { findChromium, CHROMIUM_ARGS, CHROMIUM_HINT } from "./test/support/chromium.ts";

const chromium = findChromium();
if (!chromium && process.env.HOTPATH_REQUIRE_BROWSER === "1") throw new Error(`HOTPATH_REQUIRE_BROWSER=1 but ${CHROMIUM_HINT}`);

const isolationHeaders = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

function browserProject(
  name: string,
  include: string[],
  exclude: string[],
  headers: Record<string, string>,
): TestProjectInlineConfiguration {
  return {
    extends: true,
    server: { headers },
    // Pre-bundled up front: otherwise Vite discovers comlink mid-run and reloads the page.
    optimizeDeps: { include: ["comlink"] },
    test: {
      name,
      include,
      exclude,
      testTimeout: 60_000,
      hookTimeout: 60_000,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({ launchOptions: { executablePath: chromium, args: CHROMIUM_ARGS } }),
        instances: [{ browser: "chromium" }],
      },
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/browser/**"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          env: { HOTPATH_CHROMIUM: chromium ?? "" },
        },
      },
      ...(chromium
        ? [
            browserProject("browser", ["test/browser/**/*.test.ts"], ["test/browser/**/*.noniso.test.ts"], isolationHeaders),
            browserProject("browser-noniso", ["test/browser/**/*.noniso.test.ts"], [], {}),
          ]
        : []),
    ],
  },
});
