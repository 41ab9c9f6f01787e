// The arguments field: a comma-separated list of short expressions, parsed here and never evaluated
// as JavaScript. Numbers (`1e6`, `0x10`, `1_000`), bigints (`10n`), `true`/`false`, `+ - * / % **` and
// parentheses (bigint and number never mixed, as in JavaScript), and typed arrays made by a fixed set
// of functions: `randomF64(n)`, `zerosU8(n)`, `rangeI32(n)` … with an optional seed: `randomF64(n, 7)`.
// Random arrays are seeded (by default with their position among the random calls), so a shared
// link rebuilds the very same arrays.

export type ArgValue = number | bigint | boolean | ArrayBufferView;

/** A malformed arguments field: the message says what was expected, what came and at which column (1-based). */
export class ArgsError extends Error {
  override readonly name = "ArgsError";
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(`arguments, column ${column}: ${message}`);
  }
}

const ELEMENT_TYPES = {
  F64: Float64Array,
  F32: Float32Array,
  I32: Int32Array,
  U32: Uint32Array,
  U8: Uint8Array,
  I64: BigInt64Array,
  U64: BigUint64Array,
} as const;
type Element = keyof typeof ELEMENT_TYPES;
const KINDS = ["random", "zeros", "range"] as const;
/** The largest array the field makes: 2^27 elements (1 GiB of f64 would not fit a page's memory anyway). */
export const MAX_ELEMENTS = 2 ** 27;

/** The names of the array functions, for the help text and error messages. */
export const ARRAY_FUNCTIONS: readonly string[] = KINDS.flatMap((k) => Object.keys(ELEMENT_TYPES).map((e) => `${k}${e}`));

type Token =
  | { kind: "number"; value: number | bigint; at: number }
  | { kind: "name"; value: string; at: number }
  | { kind: "op"; value: string; at: number }
  | { kind: "end"; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:(0[xX][0-9a-fA-F_]+n?|0[bB][01_]+n?|0[oO][0-7_]+n?|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?n?)|([A-Za-z_$][\w$]*)|(\*\*|[-+*/%(),]))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) {
      const start = at + (text.slice(at).length - text.slice(at).trimStart().length);
      throw new ArgsError(`expected a number, a bigint, an operator or a call such as randomF64(1e6), got \`${text[start]}\``, start + 1);
    }
    const start = m.index + m[0].length - (m[1] ?? m[2] ?? m[3]).length;
    if (m[1] !== undefined) tokens.push({ kind: "number", value: numberLiteral(m[1], start + 1), at: start });
    else if (m[2] !== undefined) tokens.push({ kind: "name", value: m[2], at: start });
    else tokens.push({ kind: "op", value: m[3], at: start });
    at = re.lastIndex;
  }
  tokens.push({ kind: "end", at: text.length });
  return tokens;
}

function numberLiteral(raw: string, column: number): number | bigint {
  const text = raw.replaceAll("_", "");
  if (text.endsWith("n")) {
    const digits = text.slice(0, -1);
    if (/[.eE]/.test(digits) && !/^0[xX]/.test(digits)) throw new ArgsError(`a bigint literal must be an integer, got \`${raw}\``, column);
    return BigInt(digits);
  }
  const value = Number(text);
  if (Number.isNaN(value)) throw new ArgsError(`expected a number, got \`${raw}\``, column);
  return value;
}

/** A parsed argument: its value is made only when asked (arrays can be large). */
export interface ParsedArg {
  /** The argument's text, as typed. */
  text: string;
  /** jit's type for the value: "u64", "i32", "f64", "bool", "f64[]" … */
  type: string;
  make(): ArgValue;
}

type Node = { type: string; make: () => ArgValue };

/** Parses the arguments field; throws ArgsError (with the column) for anything outside the grammar. */
export function parseArgs(text: string): ParsedArg[] {
  const tokens = tokenize(text);
  let pos = 0;
  let randomCalls = 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => peek().kind === "op" && (peek() as { value: string }).value === value;
  const expect = (value: string) => {
    if (!isOp(value)) throw new ArgsError(`expected \`${value}\`, got ${describe(peek())}`, peek().at + 1);
    pos++;
  };

  const scalar = (node: Node, at: number, what: string): number | bigint | boolean => {
    const v = node.make();
    if (ArrayBuffer.isView(v)) throw new ArgsError(`${what} takes numbers or bigints, not an array`, at + 1);
    return v;
  };
  const arith = (op: string, a: Node, b: Node, at: number): Node => {
    const make = () => {
      const x = scalar(a, at, `\`${op}\``);
      const y = scalar(b, at, `\`${op}\``);
      if (typeof x === "boolean" || typeof y === "boolean") throw new ArgsError(`\`${op}\` takes numbers or bigints, not booleans`, at + 1);
      if (typeof x !== typeof y)
        throw new ArgsError(`cannot mix bigint and number in \`${op}\` (JavaScript throws too): write 10n ** 6n or 1e6`, at + 1);
      if (typeof x === "bigint") {
        const yb = y as bigint;
        if ((op === "/" || op === "%") && yb === 0n) throw new ArgsError("bigint division by zero", at + 1);
        if (op === "**" && yb < 0n) throw new ArgsError("a bigint exponent must not be negative", at + 1);
        if (op === "**" && yb > 4096n) throw new ArgsError("a bigint exponent above 4096 is too large here", at + 1);
        return { "+": x + yb, "-": x - yb, "*": x * yb, "/": x / yb, "%": x % yb, "**": x ** yb }[op]!;
      }
      const yn = y as number;
      return { "+": x + yn, "-": x - yn, "*": x * yn, "/": x / yn, "%": x % yn, "**": x ** yn }[op]!;
    };
    return { type: a.type === "u64" || b.type === "u64" ? "u64" : "number", make };
  };

  // expression := term (("+" | "-") term)*;  term := unary (("*" | "/" | "%") unary)*
  // unary := ("-" | "+") unary | power;       power := primary ("**" unary)?
  const expression = (): Node => {
    let left = term();
    while (isOp("+") || isOp("-")) {
      const op = peek() as { value: string; at: number };
      pos++;
      left = arith(op.value, left, term(), op.at);
    }
    return left;
  };
  const term = (): Node => {
    let left = unary();
    while (isOp("*") || isOp("/") || isOp("%")) {
      const op = peek() as { value: string; at: number };
      pos++;
      left = arith(op.value, left, unary(), op.at);
    }
    return left;
  };
  const unary = (): Node => {
    if (isOp("-") || isOp("+")) {
      const op = peek() as { value: string; at: number };
      pos++;
      const operand = unary();
      return {
        type: operand.type,
        make: () => {
          const v = scalar(operand, op.at, `unary \`${op.value}\``);
          if (typeof v === "boolean") throw new ArgsError(`unary \`${op.value}\` takes a number or a bigint`, op.at + 1);
          if (op.value === "+" && typeof v === "bigint") throw new ArgsError("unary `+` of a bigint throws in JavaScript", op.at + 1);
          return op.value === "-" ? -v : v;
        },
      };
    }
    return power();
  };
  const power = (): Node => {
    const base = primary();
    if (!isOp("**")) return base;
    const op = peek();
    pos++;
    return arith("**", base, unary(), op.at);
  };
  const primary = (): Node => {
    const t = peek();
    if (t.kind === "number") {
      pos++;
      const v = t.value;
      return { type: typeof v === "bigint" ? "u64" : "number", make: () => v };
    }
    if (t.kind === "op" && t.value === "(") {
      pos++;
      const inner = expression();
      expect(")");
      return inner;
    }
    if (t.kind === "name") {
      pos++;
      if (t.value === "true" || t.value === "false") return { type: "bool", make: () => t.value === "true" };
      if (t.value === "Infinity" || t.value === "NaN") return { type: "number", make: () => Number(t.value) };
      return call(t.value, t.at);
    }
    throw new ArgsError(`expected a value, got ${describe(t)}`, t.at + 1);
  };
  const call = (name: string, at: number): Node => {
    const m = /^(random|zeros|range)(F64|F32|I32|U32|U8|I64|U64)$/.exec(name);
    if (!m)
      throw new ArgsError(
        `unknown name \`${name}\`: the functions are random, zeros or range followed by F64, F32, I32, U32, U8, I64 or U64 (randomF64(1e6))`,
        at + 1,
      );
    if (!isOp("(")) throw new ArgsError(`expected \`(\` after ${name}, got ${describe(peek())}`, peek().at + 1);
    pos++;
    const params: Node[] = [];
    while (!isOp(")")) {
      if (params.length) expect(",");
      params.push(expression());
    }
    pos++;
    const kind = m[1] as (typeof KINDS)[number];
    const element = m[2] as Element;
    const max = kind === "random" ? 2 : 1;
    if (params.length < 1 || params.length > max)
      throw new ArgsError(
        `${name} takes ${kind === "random" ? "a length and an optional seed" : "a length"}, got ${params.length} arguments`,
        at + 1,
      );
    // The length and seed are checked now; only the array itself waits until it is needed.
    const length = count(scalar(params[0], at, name), name, at);
    const seed = kind !== "random" ? 0 : params[1] ? count(scalar(params[1], at, name), `${name}'s seed`, at) : ++randomCalls;
    return { type: `${element.toLowerCase()}[]`, make: () => makeArray(kind, element, length, seed) };
  };

  const args: ParsedArg[] = [];
  if (tokens.length === 1) return args;
  for (;;) {
    const start = peek().at;
    const node = expression();
    const end = peek().at;
    const textOf = text.slice(start, end).trim();
    // A number's jit type depends on its value (an int32 is "i32", another number "f64"): scalars are cheap to make.
    const scalarValue = node.type.endsWith("[]") ? undefined : node.make(); // evaluated now: its errors show at once
    const type = node.type === "number" ? numberType(scalarValue as number) : node.type;
    args.push({ text: textOf, type, make: () => node.make() });
    if (peek().kind === "end") break;
    expect(",");
  }
  return args;
}

/** jit's type for a number argument, as jit picks it: an int32 value (not −0) is "i32", another number "f64". */
const numberType = (v: number): string => ((v | 0) === v && !Object.is(v, -0) ? "i32" : "f64");

function count(value: number | bigint | boolean, what: string, at: number): number {
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_ELEMENTS)
    throw new ArgsError(`${what} expects an integer from 0 to 2^27, got ${String(value)}`, at + 1);
  return n;
}

function describe(t: Token): string {
  return t.kind === "end" ? "the end" : `\`${String(t.value)}\``;
}

/** xorshift64 (13, 7, 17) on two 32-bit halves (no bigint, so a 10^7-element array takes milliseconds). */
function generator(seed: number): () => number {
  let hi = Math.imul(seed, 0x9e3779b9) >>> 0;
  let lo = (seed ^ 0x7f4a7c15) >>> 0;
  return () => {
    // x ^= x << 13; x ^= x >> 7; x ^= x << 17 over the pair (hi, lo), then the top 53 bits as a double in [0, 1).
    for (const [s, left] of [
      [13, true],
      [7, false],
      [17, true],
    ] as const) {
      if (left) {
        hi = (hi ^ ((hi << s) | (lo >>> (32 - s)))) >>> 0;
        lo = (lo ^ (lo << s)) >>> 0;
      } else {
        lo = (lo ^ ((lo >>> s) | (hi << (32 - s)))) >>> 0;
        hi = (hi ^ (hi >>> s)) >>> 0;
      }
    }
    return (hi * 2 ** 21 + (lo >>> 11)) / 2 ** 53;
  };
}

function makeArray(kind: (typeof KINDS)[number], element: Element, length: number, seed: number): ArrayBufferView {
  const array = new ELEMENT_TYPES[element](length);
  if (kind === "zeros") return array;
  const big = element === "I64" || element === "U64";
  const next = kind === "random" ? generator(seed || 1) : undefined;
  for (let i = 0; i < length; i++) {
    // random: [0, 1) for floats; integers spread over [0, 1000) (i32, u32, i64, u64) or [0, 256) (u8).
    const v = next ? (element === "F64" || element === "F32" ? next() : Math.floor(next() * (element === "U8" ? 256 : 1000))) : i;
    (array as unknown as { [i: number]: number | bigint })[i] = big ? BigInt(v) : v;
  }
  return array;
}
