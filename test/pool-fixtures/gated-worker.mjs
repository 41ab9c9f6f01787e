// A pool worker script that starts only while HOTPATH_TEST_GATE (a file path) does not exist: a test
// creates the file to make every later start fail, as a worker script gone from disk would. Each start it refuses adds a byte to `${gate}.refused`.
import { appendFileSync, existsSync } from "node:fs";

const gate = process.env.HOTPATH_TEST_GATE;
if (gate && existsSync(gate)) {
  appendFileSync(`${gate}.refused`, "x");
  throw new Error(`the gate ${gate} is closed`);
}
await import("../../build/worker.node.js");
