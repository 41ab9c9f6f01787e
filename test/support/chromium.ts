// The Chromium and its flags for the browser test projects (vitest.config.ts): one definition, shared
// with `hotpath bench`, in src/bench/node/runtimes.ts.
export { CHROMIUM_ARGS, CHROMIUM_HINT, findChromium } from "../../src/bench/node/runtimes.ts";
