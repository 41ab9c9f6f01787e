// The jit case set for the Chromium runner (build/bench-jit.browser.js): the cases and hotpath/jit in one
// bundle, its dependencies (acorn) inside, since the page loads files without a bundler and the package's
// build/jit.js leaves its dependencies to the package manager. Node, Deno and Bun use build/jit.js itself.
export { jit, vectorize } from "../../jit/index.ts";
export { createPool } from "../../pool/pool.ts";
export { jitCases, JIT_CASE_IDS } from "./index.ts";
