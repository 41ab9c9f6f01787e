// Calls a wasm export in a worker thread, so a call that never returns can be stopped: what it answered
// within `ms` (one string), or nothing. For kernels whose JavaScript original loops forever on some input.
import { Worker } from "node:worker_threads";

export async function answersWithin(module: WebAssembly.Module, name: string, arg: unknown, ms: number): Promise<string[]> {
  const worker = new Worker(
    `const { parentPort } = require("node:worker_threads");
     parentPort.once("message", ({ module, name, arg }) => {
       parentPort.postMessage(String(new WebAssembly.Instance(module, {}).exports[name](arg)));
     });`,
    { eval: true },
  );
  const got: string[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    worker.on("message", (answer: string) => (got.push(answer), clearTimeout(timer), resolve()));
    worker.postMessage({ module, name, arg });
  });
  await worker.terminate();
  return got;
}
