// The runner of `hotpath bench --module` for Node, Deno and Bun (bundled as build/compare-runner.js):
// started with one JSON argument, it imports the kernel module and the plain module, runs compare()
// and prints the result as one JSON line on stdout. Pages run the same `runCompare` (compare-page.ts).
import { compare } from "../compare.ts";
import { runtimeConfig, runCompare } from "./compare-config.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);
const result = await runCompare(compare, runtimeConfig(args[0]), (p) => process.stderr.write(`@progress ${JSON.stringify(p)}\n`));
process.stdout.write(JSON.stringify(result) + "\n");
