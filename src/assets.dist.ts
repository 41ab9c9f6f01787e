// Where the built files are, seen from a bundle in build/ (see assets.ts).
/** The pool's worker for worker_threads (Node, Deno, Bun). */
export const nodeWorkerUrl = (): URL => new URL("./worker.node.js", import.meta.url);
/** The browser worker's URL (for messages; `newBrowserWorker` writes it literally for bundlers). */
export const browserWorkerUrl = (): URL => new URL("./worker.browser.js", import.meta.url);
// Written literally, in this exact form, so that bundlers (webpack, Vite, Parcel, esbuild plugins) find and emit the worker.
/** Starts the pool's worker as a module Web Worker. */
export const newBrowserWorker = (): Worker => new Worker(new URL("./worker.browser.js", import.meta.url), { type: "module" });
