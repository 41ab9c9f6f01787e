// Tests that need a tool from outside Node (Chromium, a C → wasm compiler, Deno, Bun) run it when it is
// there. When it is not, they fail and say what to install: a skipped test is not a pass. The user may
// leave a group out on purpose with its environment variable (documented in the README), and only then
// is the test skipped, with the variable in its title.
import { describe, it, expect } from "vitest";

/** The documented opt-outs, one per group of tools. */
export const OPT_OUTS = {
  browser: "HOTPATH_SKIP_BROWSER",
  c: "HOTPATH_SKIP_C",
  runtimes: "HOTPATH_SKIP_RUNTIMES",
  redis: "HOTPATH_SKIP_REDIS",
} as const;
export type ToolGroup = keyof typeof OPT_OUTS;

/** Whether the user left `group` out (its variable is "1"). */
export const optedOut = (group: ToolGroup): boolean => process.env[OPT_OUTS[group]] === "1";

/**
 * `it` for a test that needs a tool of `group`: the test itself when `missing` is undefined; else
 * skipped if the user opted out, or a failing test whose message is `missing` (what to install).
 */
export function itWith(group: ToolGroup, missing: string | undefined) {
  return (title: string, fn: () => unknown, timeout?: number): void => {
    if (missing === undefined) it(title, fn, timeout);
    else if (optedOut(group)) it.skip(`${title} (left out: ${OPT_OUTS[group]}=1)`, fn);
    else
      it(title, () => {
        expect.fail(`${missing}; or set ${OPT_OUTS[group]}=1 to leave these tests out`);
      });
  };
}

/**
 * `describe` for a group of tests that needs a tool of `group` in its setup (which fails, saying what
 * to install, when the tool is missing): skipped, with the variable in its title, only if the user opted out.
 */
export function describeWith(group: ToolGroup) {
  return (title: string, fn: () => void): void => {
    if (optedOut(group)) describe.skip(`${title} (left out: ${OPT_OUTS[group]}=1)`, fn);
    else describe(title, fn);
  };
}
