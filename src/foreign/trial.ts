// A trial instantiation in a throwaway worker, for `load(source, { timeout })`. A module's start
// function and its `_initialize` run inside `new WebAssembly.Instance` and a plain call: if either
// loops forever, nothing on the calling thread can interrupt it (no timer fires, no signal is seen).
// A worker can be terminated in the middle of a wasm loop, so the module is first instantiated there;
// only once that returns within the time allowed is it instantiated on the calling thread.
//
// The trial cannot call the caller's imports (functions do not cross to a worker): AssemblyScript's
// env.abort/trace/seed get stand-ins, and any other imported function, if called during start-up,
// ends the trial as "cannot prove". Imported memories, tables and globals cannot be recreated there.
import { platform } from "#platform";
import { WasmLoadError } from "../errors.ts";

/** What the worker reports; it runs the same code in Node (worker_threads) and in browsers (Web Workers). */
type TrialResult =
  { status: "started" } | { status: "returned" } | { status: "threw"; message: string } | { status: "import"; name: string };

// Kept as source text: the worker is started from a data: (Node) or blob: (browsers) URL, so no file has to ship beside the bundle.
const RUN = `function run(module) {
  const imports = {};
  let blocked;
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = (imports[imp.module] ??= {});
    const env = imp.module === "env";
    if (env && imp.name === "abort") ns.abort = () => { throw new Error("abort"); };
    else if (env && imp.name === "trace") ns.trace = () => {};
    else if (env && imp.name === "seed") ns.seed = () => Date.now() * Math.random();
    else ns[imp.name] = () => { blocked = imp.module + "." + imp.name; throw new Error("blocked"); };
  }
  try {
    const exports = new WebAssembly.Instance(module, imports).exports;
    const init = typeof exports._initialize === "function" ? exports._initialize : exports.__wasm_call_ctors;
    if (typeof init === "function") init();
    return { status: "returned" };
  } catch (error) {
    return blocked ? { status: "import", name: blocked } : { status: "threw", message: String((error && error.message) || error) };
  }
}`;

const NODE_SCRIPT = `import { parentPort } from "node:worker_threads";
${RUN}
parentPort.once("message", (module) => { parentPort.postMessage({ status: "started" }); parentPort.postMessage(run(module)); });`;

const BROWSER_SCRIPT = `${RUN}
self.onmessage = (event) => { self.postMessage({ status: "started" }); self.postMessage(run(event.data)); };`;

/** The module's imports the trial cannot stand in for: anything but a function. */
export function untrialableImports(module: WebAssembly.Module): string[] {
  return WebAssembly.Module.imports(module)
    .filter((imp) => imp.kind !== "function")
    .map((imp) => `\`${imp.module}.${imp.name}\` (${imp.kind})`);
}

/**
 * Resolves once `module` has been instantiated (and its `_initialize` run) in a worker within
 * `timeoutMs`, counted from the moment the worker received it (worker start-up, ≈0.1 s in Node 20,
 * is not counted). A WasmLoadError when it did not return in time (the worker is terminated), or when
 * start-up called an import the worker cannot run.
 */
export async function proveInstantiationEnds(module: WebAssembly.Module, timeoutMs: number): Promise<void> {
  const refused = untrialableImports(module);
  if (refused.length)
    throw new WasmLoadError(
      `\`options.timeout\` instantiates the module in a worker first, but it imports ${refused.join(", ")}, which cannot be recreated there; load it without \`timeout\``,
    );
  let url: URL;
  let revoke = () => {};
  if (platform.name === "node") url = new URL(`data:text/javascript,${encodeURIComponent(NODE_SCRIPT)}`);
  else {
    const href = URL.createObjectURL(new Blob([BROWSER_SCRIPT], { type: "text/javascript" }));
    url = new URL(href);
    revoke = () => URL.revokeObjectURL(href);
  }
  const worker = platform.spawnWorker(url);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onExit((reason) =>
        reject(new WasmLoadError(`The worker that instantiates the module first (\`options.timeout\`) stopped: ${reason}`)),
      );
      worker.endpoint.addEventListener("message", (event) => {
        const result = (event as MessageEvent<TrialResult>).data;
        if (result.status === "started")
          timer = setTimeout(
            () =>
              reject(
                new WasmLoadError(
                  `The module did not finish instantiating within ${timeoutMs} ms (\`options.timeout\`): its start function or \`_initialize\` may never return; it was stopped in a worker`,
                ),
              ),
            timeoutMs,
          );
        else if (result.status === "import")
          reject(
            new WasmLoadError(
              `\`options.timeout\` cannot prove that instantiation ends: the module's start-up calls the import \`${result.name}\`, which cannot run in the worker that tries it first; load it without \`timeout\``,
            ),
          );
        // A trap ends the trial too: instantiating on this thread then reports it, with its name.
        else resolve();
      });
      worker.endpoint.postMessage(module);
    });
  } finally {
    clearTimeout(timer);
    await worker.terminate();
    revoke();
  }
}
