// Where the classes module is, seen from a bundle in build/ (see assets.ts).
export const classesWasmUrl = (): URL => new URL("./classes.wasm", import.meta.url);
