// Test projects: "node" (everything under test/ but test/browser/), "browser" (real Chromium, cross-origin
// isolated: COOP/COEP, SharedArrayBuffer available) and "browser-noniso" (the same browser without those
// headers: the message-passing fallback). The Chromium is the system's when it has one, else the npm
// package @sparticuz/chromium's (a devDependency, unpacked once into the user's cache: see
// src/bench/node/runtimes.ts). Without any, the browser projects cannot start: test/chromium.test.ts
// then fails with what to install, unless HOTPATH_SKIP_BROWSER=1 says to leave the browser out.
import { playwright } from "@vitest/browser-playwright";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { findChromium, CHROMIUM_ARGS } from "./test/support/chromium.ts";

const skipBrowser = process.env.HOTPATH_SKIP_BROWSER === "1";
const chromium = skipBrowser ? undefined : findChromium();

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
          // Brings redis-server for the cluster tests where it is missing and apt-get may be used.
          globalSetup: ["test/support/redis-install.ts"],
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
