// The TypeScript front end, loaded only for source text that plain JavaScript parsing refuses (a
// function's `toString()` never has annotations, so `jit(fn)` never loads it). @sveltejs/acorn-typescript
// is ≈215 KB (42 KB gzipped) and costs ≈7–13 ms to import in Node 20: too much for every first call.
//
// jit() is synchronous, so the plugin is loaded synchronously: in hotpath's bundles esbuild turns the
// `require` below into a lazy in-bundle initialisation (Node, Deno, Bun and browsers alike); running
// from source under Node, Node's own require loads the ES module (Node ≥ 20.19 or ≥ 22.12).
import { Parser } from "acorn";

declare const require: ((id: string) => unknown) | undefined;

type ParserClass = typeof Parser;
let extended: ParserClass | undefined;
/** How long loading and extending the parser took, in ms (undefined until TypeScript text is first parsed). */
export let typescriptLoadMs: number | undefined;

/** acorn extended with TypeScript syntax, or a string saying why it cannot be had here. */
export function typescriptParser(): ParserClass | string {
  if (extended) return extended;
  const started = performance.now();
  let plugin: { tsPlugin(): (base: ParserClass) => ParserClass };
  try {
    plugin = (
      typeof require === "function" ? require("@sveltejs/acorn-typescript") : nodeRequire()("@sveltejs/acorn-typescript")
    ) as typeof plugin;
  } catch (e) {
    return `@sveltejs/acorn-typescript could not be loaded here (${(e as Error).message})`;
  }
  extended = Parser.extend(plugin.tsPlugin());
  typescriptLoadMs = performance.now() - started;
  return extended;
}

function nodeRequire(): (id: string) => unknown {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => any } }).process?.getBuiltinModule;
  if (typeof getBuiltin !== "function") throw new Error("no synchronous module loader in this runtime: use hotpath's bundle");
  return getBuiltin("module").createRequire(import.meta.url);
}
