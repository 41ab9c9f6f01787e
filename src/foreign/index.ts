// hotpath/foreign: any `.wasm` (C through clang, hand-written WAT, another compiler's output) loaded
// with declared signatures, checked against the binary. Node, Deno, Bun and browsers.
export { load, parseSignatures, formatSignature } from "./foreign.ts";
export type {
  ForeignModule,
  ForeignFunction,
  ForeignArg,
  ForeignType,
  LoadOptions,
  Signature,
  SignatureObject,
  Signatures,
} from "./foreign.ts";
