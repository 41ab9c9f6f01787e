// compare() for functions of compiled modules that take strings, arrays, objects or class instances
// (`KernelRef.bound`, src/kernels/shape.ts): how many arguments they take, the growth guard's smaller
// call (every string, array, typed array and ArrayBuffer cut in half), the work of a call (their
// lengths), and answers compared by content (arrays, typed arrays, objects, bigints), not as "[object Object]".

export { boundShape } from "../kernels/shape.ts";

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

/**
 * A result as text by content: typed arrays as arrays, bigints as decimals, objects by their fields.
 * Long texts are kept short in reports: their first 60 characters, length and a 53-bit hash of the whole.
 */
export function contentText(value: unknown): string {
  const text = fullText(value);
  return text.length <= 120 ? text : `${text.slice(0, 60)}… (${text.length} chars, hash ${hash53(text).toString(36)})`;
}

/** cyrb53 (public domain, bryc): a fast 53-bit string hash, enough to tell two answers apart in a report. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function fullText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v instanceof ArrayBuffer) return Array.from(new Uint8Array(v));
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => (typeof x === "bigint" ? `${x}n` : x));
    return v;
  });
}
