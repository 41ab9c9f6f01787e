// The TypeScript front end, loaded only for source text that plain JavaScript parsing refuses (a
// function's `toString()` never has annotations, so `jit(fn)` never loads it). @sveltejs/acorn-typescript
// is ≈215 KB (42 KB gzipped) and costs ≈7–13 ms to import in Node 20: too much for every first call.
//
// jit() is synchronous, so the plugin is loaded synchronously. Node, Deno and Bun load the installed
// package with a require() of their own (an ES module: Node ≥ 20.19 or ≥ 22.12); in a page, the user's
// bundler (esbuild, Vite) turns the literal `require` below into a lazy in-bundle initialisation.
// hotpath's build leaves that call as written in build/jit.js (scripts/build.mjs).
import { Parser } from "acorn";

declare const require: ((id: string) => unknown) | undefined;

type ParserClass = typeof Parser;
type Plugin = { tsPlugin(): (base: ParserClass) => ParserClass };
let extended: ParserClass | undefined;
/** How long loading and extending the parser took, in ms (undefined until TypeScript text is first parsed). */
export let typescriptLoadMs: number | undefined;

/** acorn extended with TypeScript syntax, or a string saying why it cannot be had here. */
export function typescriptParser(): ParserClass | string {
  if (extended) return extended;
  const started = performance.now();
  let plugin: Plugin;
  try {
    plugin = loadPlugin();
  } catch (e) {
    return `@sveltejs/acorn-typescript could not be loaded here (${(e as Error).message})`;
  }
  extended = Parser.extend(plugin.tsPlugin());
  typescriptLoadMs = performance.now() - started;
  return extended;
}

function loadPlugin(): Plugin {
  let runtimeError: Error | undefined;
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => any } }).process?.getBuiltinModule;
  if (typeof getBuiltin === "function") {
    try {
      return getBuiltin("module").createRequire(import.meta.url)("@sveltejs/acorn-typescript") as Plugin;
    } catch (e) {
      // A bundle for Node whose node_modules is elsewhere: the bundler's copy below, if it made one.
      runtimeError = e instanceof Error ? e : new Error(String(e));
    }
  }
  if (typeof require === "function") return require("@sveltejs/acorn-typescript") as Plugin;
  throw runtimeError ?? new Error("no synchronous module loader in this runtime: bundle hotpath/jit with esbuild or Vite");
}
