// Every error hotpath throws on purpose. Classes carry a stable `code` and a `name`, so they are
// recognisable across realms and after crossing a worker boundary (see `reviveError`).

/**
 * Gives a class its own name back where the build minifies names (the Node build): `KernelError.name`,
 * `error.constructor.name`. @internal
 */
export function keepName(cls: abstract new (...args: never[]) => unknown, name: string): void {
  Object.defineProperty(cls, "name", { value: name });
}

/** Base class of hotpath's own errors. */
export class HotpathError extends Error {
  // Each class names itself: the Node build minifies class names.
  override name = "HotpathError";
  readonly code: string = "HOTPATH_ERROR";
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
keepName(HotpathError, "HotpathError");

/** A `.wasm` could not be fetched, compiled or instantiated, or lacks an expected export. */
export class WasmLoadError extends HotpathError {
  override name = "WasmLoadError";
  override readonly code = "WASM_LOAD";
}
keepName(WasmLoadError, "WasmLoadError");

/** A kernel trapped or aborted inside WebAssembly (an out-of-bounds access, an `unreachable`, an `abort`). */
export class KernelError extends HotpathError {
  override name = "KernelError";
  override readonly code = "KERNEL_TRAP";
  constructor(
    message: string,
    readonly kernel: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
keepName(KernelError, "KernelError");

/** A worker failed: it could not start, it died, or it was terminated while running a task. */
export class WorkerError extends HotpathError {
  override name = "WorkerError";
  override readonly code = "WORKER";
}
keepName(WorkerError, "WorkerError");

/** The pool was closed before, or while, the call ran. */
export class PoolClosedError extends HotpathError {
  override name = "PoolClosedError";
  override readonly code = "POOL_CLOSED";
}
keepName(PoolClosedError, "PoolClosedError");

/** The caller's AbortSignal fired. */
export class AbortError extends HotpathError {
  override name = "AbortError";
  override readonly code = "ABORTED";
}
keepName(AbortError, "AbortError");

/** Describes a received value for an error message: `-1 (number)`, `"x" (string)`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "bigint":
      return `${value}n (bigint)`;
    case "number":
      return `${Object.is(value, -0) ? "-0" : String(value)} (number)`;
    case "string":
      return `${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)} (string)`;
    case "function":
      return `a function`;
    case "object": {
      const ctor = value.constructor?.name;
      if (ArrayBuffer.isView(value)) return `${ctor} of length ${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength}`;
      if (Array.isArray(value)) return `an Array of length ${value.length}`;
      return ctor && ctor !== "Object" ? `${/^[AEIOU]/.test(ctor) ? "an" : "a"} ${ctor}` : "an object";
    }
    default:
      return `${String(value)} (${typeof value})`;
  }
}

/** `Expected \`name\` to be what, got value.` in one place, so every message reads alike. */
export function expected(name: string, what: string, value: unknown): string {
  return `Expected \`${name}\` to be ${what}, got ${describe(value)}`;
}
