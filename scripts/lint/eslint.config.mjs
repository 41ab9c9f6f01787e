// hotpath's lint (run by `npm run lint`, beside prettier): typescript-eslint's type-aware rules over
// src/, test/ and examples/, and the layer rules of the house, every import arrow pointing down:
//   core → kernels → pool, jit → bench, cluster, compile → bundler plugins → cli.
// typescript-eslint needs TypeScript's JS API, which the project's compiler (TypeScript 7, native) does
// not have. So the linter has a workspace of its own (scripts/lint/package.json, with TypeScript 5.9):
// npm cannot install typescript-eslint beside TypeScript 7 (its peer range ends below 6.1). Some of its
// helpers (ts-api-utils) accept any TypeScript and land at the root beside 7.0; every
// `require("typescript")` of this process is therefore sent to 5.9 before typescript-eslint loads.
// `tsc` (typecheck, declarations) stays 7.
import Module, { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const TYPESCRIPT = createRequire(import.meta.url).resolve("typescript");
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "typescript" ? TYPESCRIPT : resolveFilename.call(this, request, ...rest);
};
const { default: importX } = await import("eslint-plugin-import-x");
const { default: tseslint } = await import("typescript-eslint");

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The layers, lowest first: a file may import from its own layer or a lower one, never a higher one. */
const LAYERS = [
  {
    name: "core",
    files: [
      "src/errors.ts",
      "src/validate.ts",
      "src/load.ts",
      "src/platform.ts",
      "src/platform.node.ts",
      "src/platform.browser.ts",
      "src/arena.ts",
      "src/assets.ts",
      "src/assets.dist.ts",
      "src/wasm-assets.ts",
      "src/wasm-assets.dist.ts",
      "src/heap.ts",
      "src/wasm-bytes.ts",
      "src/stats.ts",
      "src/format.ts",
      "src/types/**",
      "src/wat/**",
    ],
  },
  {
    name: "kernels (contract, built-ins, twins, foreign modules, classes)",
    files: ["src/kernels/**", "src/twins/**", "src/foreign/**", "src/classes/**"],
  },
  // The main entry sits with the pool; it is a plain path, kept out of `files` (a zone's `from` is all globs or none).
  { name: "pool, jit, inspect and the main entry", files: ["src/pool/**", "src/jit/**", "src/inspect/**"], entry: "src/index.ts" },
  { name: "bench, cluster, compile", files: ["src/bench/**", "src/cluster/**", "src/compile/**"] },
  { name: "bundler plugins", files: ["src/esbuild/**", "src/vite/**"] },
  { name: "cli", files: ["src/cli/**"] },
];

/** Rooms of one layer that must not import each other (the bench never imports the compiler, nor the compiler the bench). */
const APART = [
  ["src/bench/**", "src/cluster/**", "src/compile/**"],
  ["src/esbuild/**", "src/vite/**"],
];

/** What the browser builds are made of (the main entry, jit, foreign, classes, the kernel runtime): no Node-only module. */
const BROWSER_SAFE = [
  ...LAYERS[0].files.filter((f) => f !== "src/platform.node.ts"),
  "src/kernels/**",
  "src/twins/**",
  "src/foreign/**",
  "src/classes/**",
  "src/pool/**",
  "src/jit/**",
  "src/index.ts",
];

const zones = [
  ...LAYERS.flatMap((layer, i) =>
    LAYERS.slice(i + 1).map((higher) => ({
      target: layer.entry ? [...layer.files, layer.entry] : layer.files,
      from: higher.files,
      message: `${layer.name} must not import from a higher layer (${higher.name}): every arrow points down.`,
    })),
  ),
  ...APART.flatMap((rooms) =>
    rooms.flatMap((target) =>
      rooms
        .filter((r) => r !== target)
        .map((from) => ({ target, from, message: `${target} and ${from} are rooms of one layer that stay apart.` })),
    ),
  ),
  { target: "src/**", from: "src/index.ts", message: "src/index.ts is the package's entry; import the module that defines the thing." },
];

export default tseslint.config(
  { ignores: ["**/node_modules/**", "build/**", "bench/results/**", "**/*.js", "**/*.mjs", "**/*.cjs", "**/*.d.ts"] },
  {
    files: ["src/**/*.ts", "test/**/*.ts", "examples/**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: ROOT },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "@typescript-eslint": tseslint.plugin, "import-x": importX },
    settings: {
      // no-cycle reads the imported files itself: it needs to know how to parse .ts.
      "import-x/extensions": [".ts", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [importX.createNodeResolver({ extensions: [".ts", ".js", ".mjs", ".json"] })],
    },
    rules: {
      // Promises a pool library must not drop or misuse.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      // The jit's two control-flow signals are thrown without a stack on purpose (cheap; always caught inside).
      "@typescript-eslint/only-throw-error": [
        "error",
        {
          allow: [{ from: "file", name: "NotVectorizable", path: "src/jit/transforms/vectorize.ts" }],
        },
      ],
      // An abort passes on `signal.reason` and a catch passes on what it caught, as they are.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Types.
      // `typeof import("node:fs")` stays allowed: it types a module loaded lazily (an optional peer, or Node's
      // own modules reached through process.getBuiltinModule in code that pages also run).
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
      // Not no-unnecessary-condition: of its 104 findings nearly all are checks the types call impossible and
      // run time does not: options and arguments from plain-JS callers or worker messages (`options ===
      // undefined`, `typeof fn !== "object"`: the checks behind hotpath's named errors), caught values cast
      // to Error (`(e as Error)?.message`, where `throw null` happens), globals the DOM types declare
      // always there (`location`, `navigator`, absent in Node and workers), and array reads (the project
      // does not use noUncheckedIndexedAccess). Its fixes would remove those guards.
      // Not no-unnecessary-type-assertion: the linter's TypeScript (5.9) and the compiler (7.0) disagree on
      // it (5.9 calls `{ kind: "map", … } as Job` inside a callback unnecessary; 7.0 needs it), and its
      // fixes broke the build. The 66 assertions both agree on were removed once.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { basePath: ROOT, zones }],
    },
  },
  { files: BROWSER_SAFE, rules: { "import-x/no-nodejs-modules": "error" } },
);
