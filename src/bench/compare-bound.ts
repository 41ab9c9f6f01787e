// compare() for functions of compiled modules that take strings, arrays, objects or class instances
// (`KernelRef.bound`, src/compile/shape.ts): how many arguments they take, the growth guard's smaller
// call (every string, array, typed array and ArrayBuffer cut in half), the work of a call (their
// lengths), and answers compared by content (arrays, typed arrays, objects, bigints), not as "[object Object]".

export { boundShape } from "../compile/shape.ts";

const sized = (v: unknown): v is string | unknown[] | ArrayBufferView | ArrayBuffer =>
  typeof v === "string" || Array.isArray(v) || ArrayBuffer.isView(v) || v instanceof ArrayBuffer;

/** The first half of every sized argument (others as they are); undefined when none is sized. */
export function halfOfBound(args: readonly unknown[]): unknown[] | undefined {
  if (!args.some(sized)) return undefined;
  return args.map((v) => {
    if (typeof v === "string" || Array.isArray(v)) return v.slice(0, Math.floor(v.length / 2));
    if (v instanceof ArrayBuffer) return v.slice(0, Math.floor(v.byteLength / 2));
    if (ArrayBuffer.isView(v)) {
      const view = v as unknown as { length: number; subarray(a: number, b: number): unknown };
      return view.subarray(0, Math.floor(view.length / 2));
    }
    return v;
  });
}

/** Elements of the sized arguments (the work of a call), or `fallback` when there are none. */
export function workOfBound(args: readonly unknown[], fallback: number): number {
  if (!args.some(sized)) return fallback;
  return args.reduce<number>((n, v) => n + (v instanceof ArrayBuffer ? v.byteLength : sized(v) ? (v as { length: number }).length : 0), 0);
}

/** A result as text by content: typed arrays as arrays, bigints as decimals, objects by their fields. */
export function contentText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof ArrayBuffer) return Array.from(new Uint8Array(v));
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => (typeof x === "bigint" ? `${x}n` : x));
    return v;
  });
}
