// Types of examples/c/build.mjs, for the TypeScript examples and tests that build the C module.
export declare const INSTALL_HINT: string;
export declare const DEFAULT_OUT: string;
/** Why the C example cannot be built here, or undefined when it can. */
export declare function missingToolchain(clang?: string): Promise<string | undefined>;
/** Compiles sum.c to `out` (default build/c/sum.wasm) and returns its path. */
export declare function buildC(out?: string, clang?: string): Promise<string>;
