// Declarations of the explicit-resource-management globals (`using`, `await using`) for projects whose
// TypeScript lib lacks them (a browser project with lib "es2022" + "dom" and no @types/node): the
// published Pool type extends AsyncDisposable. The same shim as @types/node's; it merges with
// lib.esnext.disposable where that is present.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
    readonly asyncDispose: unique symbol;
  }
  interface Disposable {
    [Symbol.dispose](): void;
  }
  interface AsyncDisposable {
    [Symbol.asyncDispose](): PromiseLike<void>;
  }
}
export {};
