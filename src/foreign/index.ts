// hotpath/foreign: any `.wasm` (C through clang, hand-written WAT, another compiler's output) loaded
// with declared signatures, checked against the binary. Node, Deno, Bun and browsers. wabt is not
// imported here: `assembleWat` lives in hotpath/inspect.
export { load } from "./load.ts";
export { parseSignatures, formatSignature } from "./signatures.ts";
export type { ForeignModule, LoadOptions } from "./load.ts";
export type { ForeignFunction, ForeignArg } from "./bind.ts";
export type { ForeignType, Signature, SignatureObject, Signatures } from "./signatures.ts";
