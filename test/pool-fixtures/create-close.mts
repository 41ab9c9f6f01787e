// Run as a child process by test/pool-lifecycle.test.ts: creates and closes pools in every way a
// program might, then simply ends. If any worker were left running, this process would not exit.
import { createPool } from "../../src/pool/pool.ts";

for (let i = 0; i < 4; i++) {
  const pool = await createPool({ workers: 2, mode: i % 2 ? "message" : "shared" });
  if ((await pool.sumIntegers(1000n)) !== 499500n) throw new Error("wrong sum");
  await pool.close();
}
{
  await using pool = await createPool({ workers: 2 });
  await pool.mandelbrot({ width: 8, height: 8, maxIter: 10 });
}
// Closed with work in flight, without awaiting the close.
const busy = await createPool({ workers: 2 });
const inFlight = busy.sumIntegers(1n << 40n).catch((e: Error) => e.name);
void busy.close();
if ((await inFlight) !== "PoolClosedError") throw new Error("in-flight call did not reject with PoolClosedError");
// A pool whose worker died and was replaced, then closed.
const replaced = await createPool({ workers: 1, warmUp: false });
await replaced.map({ module: new URL("./functions.mjs", import.meta.url), export: "exitWorker" }, [1]).catch(() => undefined);
await replaced.close();
// A pool whose workers cannot start (the threads build without its memory): createPool rejects, nothing stays.
const failed = await createPool({
  workers: 2,
  mode: "message",
  source: new URL("../../build/hotpath.threads.wasm", import.meta.url),
}).catch((e: Error) => e.name);
if (failed !== "WorkerError") throw new Error(`expected WorkerError, got ${failed}`);
console.log("done");
