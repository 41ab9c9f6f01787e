// Run as a child process by test/pool-lifecycle.test.ts: a pool made with keepAlive: false is never
// closed. A call made later from a timer must still run (the workers hold the process while it is in
// flight), and the process must then end on its own.
import { createPool } from "../../src/pool/pool.ts";

for (const mode of ["shared", "message"] as const) {
  const pool = await createPool({ workers: 2, mode, keepAlive: false, warmUp: false });
  if ((await pool.sumIntegers(1000n)) !== 499500n) throw new Error("wrong sum");
  setTimeout(() => {
    // Nothing but this timer holds the process now; the call in flight must hold it until it answers.
    void pool.map({ module: new URL("./functions.mjs", import.meta.url), export: "spin" }, [300]).then((r) => console.log(mode, r[0]));
  }, 100);
}
