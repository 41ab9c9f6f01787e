// Where the built files are, seen from the source tree (tests, tsx). The build swaps this module for
// assets.dist.ts, whose URLs are relative to the bundle and written literally so bundlers find them.
/** The pool's worker for worker_threads (Node, Deno, Bun). */
export const nodeWorkerUrl = (): URL => new URL("../build/worker.node.js", import.meta.url);
/** The browser worker's URL (for messages; `newBrowserWorker` writes it literally for bundlers). */
export const browserWorkerUrl = (): URL => new URL("../build/worker.browser.js", import.meta.url);
/** Starts the pool's worker as a module Web Worker. */
export const newBrowserWorker = (): Worker => new Worker(new URL("../build/worker.browser.js", import.meta.url), { type: "module" });
