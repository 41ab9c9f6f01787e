// The errors `jit` throws on purpose. Both extend HotpathError and carry a stable `code`.
import { HotpathError, keepName } from "../errors.ts";

/**
 * A construct outside the compiled subset ("nopython" in Numba's words), found at compile time.
 * `line` and `column` are 1-based positions in the function's source text (`fn.toString()`), and the
 * message ends with that source line and a caret under the construct.
 */
export class JitError extends HotpathError {
  override name = "JitError";
  override readonly code = "JIT_UNSUPPORTED";
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
keepName(JitError, "JitError");

/** `verify: n` found a call whose compiled result differs from the original function's. */
export class JitMismatchError extends HotpathError {
  override name = "JitMismatchError";
  override readonly code = "JIT_MISMATCH";
  constructor(
    message: string,
    /** The arguments of the call that differed (arrays as they were before the call). */
    readonly inputs: readonly unknown[],
    /** What the original JavaScript function gave. */
    readonly expectedValue: unknown,
    /** What the compiled function gave. */
    readonly actualValue: unknown,
  ) {
    super(message);
  }
}
keepName(JitMismatchError, "JitMismatchError");
