// Types of examples/c/build.mjs, for the TypeScript examples and tests that build the C module.
export declare const INSTALL_HINT: string;
export declare const DEFAULT_OUT: string;
export declare const FLAGS: string[];
/** A C → wasm32 compiler: the system's clang or @yowasp/clang. */
export interface Compiler {
  name: string;
  compile(source: string): Promise<Uint8Array>;
}
/** The compiler that builds sum.c here (the system's clang first), or undefined. */
export declare function findCompiler(clang?: string): Promise<Compiler | undefined>;
/** Why the C example cannot be built here, or undefined when it can. */
export declare function missingToolchain(clang?: string): Promise<string | undefined>;
/** Compiles sum.c to `out` (default build/c/sum.wasm); returns the file and the compiler's name. */
export declare function buildC(out?: string, clang?: string): Promise<{ out: string; compiler: string }>;
