// Where the classes module is, seen from the source tree (tests, tsx). The build swaps this module for
// assets.dist.ts. Apart from src/assets.ts so that only bundles that bind classes name classes.wasm
// (a bundler emits every file a `new URL(…, import.meta.url)` names in code it keeps).
export const classesWasmUrl = (): URL => new URL("../../build/classes.wasm", import.meta.url);
