// Why a compiled function trapped. A wasm trap says only "unreachable"; before each check's trap the
// code records which check failed (its site's number, registered with what it checks) and, for an
// array index, the index and the array's length, in globals the module exports. The boundary reads
// them to word the KernelError (runtime/boundary.ts).

/** The globals, by index: globals 0–2 of every module (float constants come after them). */
export const TRAP_GLOBALS = { site: 0, index: 1, length: 2 } as const;

/** Their export names. */
export const TRAP_EXPORTS = { site: "__trap", index: "__trap_index", length: "__trap_length" } as const;
