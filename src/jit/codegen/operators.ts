// Binary operators: bigint arithmetic modulo 2^64 (u64 or i64 flavour), number arithmetic in f64 and
// bitwise operators on ToInt32 values, exactly as JavaScript computes them; `**` of constants.
import type { FunctionContext, Typed } from "./context.ts";
import { describeType } from "./describe.ts";
import { recurse } from "./recursion.ts";
import type { Node } from "../front/parse.ts";
import { type ResultType, isBigint, isNumber } from "../analysis/types.ts";
import { constant } from "../analysis/typing.ts";
import { contains0, isInt32, isUint32, type IntegerDivision } from "../analysis/intervals.ts";
import type { Instr } from "../wasm/wasm.ts";

export function binary(cx: FunctionContext, op: string, left: Typed, right: Typed, node: Node): ResultType {
  const [lt, rt] = [left.type, right.type];
  const place = (lc: Instr[] = [], rc: Instr[] = []) => cx.emit(...folded(left.code, lc), ...folded(right.code, rc));
  const operand = (t: ResultType) => (t === "void" ? "nothing (a void call)" : describeType(t));
  if (isBigint(lt) && isBigint(rt)) {
    const flavour = lt === "i64" || rt === "i64" ? "i64" : "u64";
    const s = flavour === "i64" ? "s" : "u";
    const arith: Record<string, string> = {
      "+": "add",
      "-": "sub",
      "*": "mul",
      "/": `div_${s}`,
      "%": `rem_${s}`,
      "&": "and",
      "|": "or",
      "^": "xor",
    };
    const compare: Record<string, string> = {
      "<": `lt_${s}`,
      ">": `gt_${s}`,
      "<=": `le_${s}`,
      ">=": `ge_${s}`,
      "===": "eq",
      "==": "eq",
      "!==": "ne",
      "!=": "ne",
    };
    const beyond = beyondConstant(cx, op, left, right, node, flavour);
    if (beyond) return beyond;
    place();
    if (arith[op]) return (cx.emit([`i64.${arith[op]}`]), flavour);
    if (compare[op]) return (cx.emit([`i64.${compare[op]}`]), "bool");
    if (op === "<<" || op === ">>") {
      // A constant amount below 64 (xorshift's 13n, 7n, 17n) is the plain instruction.
      const [[name, amount] = []] = right.code.length === 1 ? right.code : [];
      if (name === "i64.const" && (amount as bigint) >= 0n && (amount as bigint) < 64n)
        return (cx.emit([op === "<<" ? "i64.shl" : flavour === "i64" ? "i64.shr_s" : "i64.shr_u"]), flavour);
      return (cx.emit(...shift64(cx, op, flavour)), flavour);
    }
    throw cx.err(`\`${op}\` on bigints`, node);
  }
  // bigint against an array length (u32): both exact integers, compared as bigints, as JavaScript does.
  const relational = ["<", ">", "<=", ">="].includes(op);
  if (relational && isBigint(lt) && rt === "u32")
    return binary(cx, op, left, { type: lt, code: [...right.code, ["i64.extend_i32_u"]] }, node);
  if (relational && isBigint(rt) && lt === "u32")
    return binary(cx, op, { type: rt, code: [...left.code, ["i64.extend_i32_u"]] }, right, node);
  if (isBigint(lt) || isBigint(rt))
    throw cx.fail(
      `mixing bigint and ${operand(isBigint(lt) ? rt : lt)} in \`${op}\` is not supported by jit (convert with Number() or BigInt())`,
      node,
    );
  const equality = op === "===" || op === "==" || op === "!==" || op === "!=";
  if (lt === "bool" && rt === "bool" && (equality || op === "&" || op === "|" || op === "^")) {
    const ops: Record<string, string> = { "===": "eq", "==": "eq", "!==": "ne", "!=": "ne", "&": "and", "|": "or", "^": "xor" };
    place();
    cx.emit([`i32.${ops[op]}`]);
    return op.includes("=") ? "bool" : "i32";
  }
  // A boolean in arithmetic, a bitwise operator or a comparison of order is the number 0 or 1, as
  // JavaScript's ToNumber makes it (`count += a[i] > t`): its i32 0/1 is that int32. (Equality
  // between a boolean and a number stays refused: `===` compares types, `==` converts.)
  if (!equality && (lt === "bool" || rt === "bool") && (isNumber(lt) || lt === "bool") && (isNumber(rt) || rt === "bool"))
    return binary(cx, op, { ...left, type: lt === "bool" ? "i32" : lt }, { ...right, type: rt === "bool" ? "i32" : rt }, node);
  if (!isNumber(lt) || !isNumber(rt)) throw cx.err(`\`${op}\` on ${operand(isNumber(lt) ? rt : lt)}`, node);
  const bitwise: Record<string, string> = { "&": "and", "|": "or", "^": "xor", "<<": "shl", ">>": "shr_s", ">>>": "shr_u" };
  if (bitwise[op]) {
    const rotation = op === "|" ? rotate(cx, node) : undefined;
    if (rotation) return rotation;
    const [l, r] = [int32Literal(node.left, left), int32Literal(node.right, right)];
    cx.emit(...l.code, ...cx.int32(l.type, node, node.left), ...r.code, ...cx.int32(r.type, node, node.right));
    cx.emit([`i32.${bitwise[op]}`]);
    return op === ">>>" ? "u32" : "i32";
  }
  const compare: Record<string, string> = {
    "<": "lt",
    ">": "gt",
    "<=": "le",
    ">=": "ge",
    "===": "eq",
    "==": "eq",
    "!==": "ne",
    "!=": "ne",
  };
  if (compare[op]) {
    if (lt === rt && lt !== "f64") {
      const c = compare[op];
      place();
      cx.emit([`i32.${c}${c === "eq" || c === "ne" ? "" : lt === "i32" ? "_s" : "_u"}`]);
    } else if (lt !== "f64" && rt !== "f64") {
      // i32 against u32 (a counter against a length): both exact in i64, compared there.
      const widen = (t: ResultType): Instr[] => [[t === "i32" ? "i64.extend_i32_s" : "i64.extend_i32_u"]];
      const c = compare[op];
      place(widen(lt), widen(rt));
      cx.emit([`i64.${c}${c === "eq" || c === "ne" ? "" : "_s"}`]);
    } else {
      place(cx.convert(lt, "f64", node, "comparison"), cx.convert(rt, "f64", node, "comparison"));
      cx.emit([`f64.${compare[op]}`]);
    }
    return "bool";
  }
  if (op === "/" && cx.intervals.division(node) === "truncated") {
    const type = integerDivision(cx, "truncated", left, right, node);
    if (type) return type;
  }
  if ((op === "+" || op === "-") && cx.intervals.wraps(node)) {
    // Under a ToInt32 consumer, an integer literal is its ToInt32 (`(Math.imul(h, 5) + 0xe6546b64) | 0`).
    const [l, r] = [int32Literal(node.left, left), int32Literal(node.right, right)];
    const ints = (t: ResultType) => t === "i32" || t === "u32";
    if (ints(l.type) && ints(r.type)) {
      cx.emit(...l.code, ...r.code, [op === "+" ? "i32.add" : "i32.sub"]);
      return "i32";
    }
  }
  const exactInt = int32Arithmetic(cx, op, lt, rt, node);
  if (exactInt) {
    place();
    if (op === "%" && constantOf(right.code) === undefined) {
      // A divisor known only at run time: masked when it is a power of two (the dividend is ≥ 0 here).
      const [x, y] = [cx.local("i32"), cx.local("i32")];
      cx.emit(["local.set", y], ["local.set", x], ...integerRemainder(cx, x, y, exactInt.instr, true));
    } else cx.emit([exactInt.instr]);
    return exactInt.type;
  }
  const arith: Record<string, string> = { "+": "f64.add", "-": "f64.sub", "*": "f64.mul", "/": "f64.div" };
  if (op === "/") {
    const reciprocal = exactReciprocal(constantOf(right.code));
    if (reciprocal !== undefined) {
      cx.emit(...left.code, ...cx.convert(lt, "f64", node, "arithmetic"), ["f64.const", reciprocal], ["f64.mul"]);
      return "f64";
    }
  }
  if (op === "%") {
    const divisor = constantOf(right.code);
    if ((lt === "i32" || lt === "u32") && (rt === "i32" || rt === "u32")) {
      const index = indexRemainder(cx, lt, rt, node);
      if (index) {
        place();
        cx.emit(...index.code);
        return index.type;
      }
      const dividend = node.type === "BinaryExpression" ? cx.intervals.of(node.left) : undefined;
      place();
      cx.emit(...int32Remainder(cx, lt, rt, divisor !== undefined && divisor !== 0, !!dividend && dividend.lo >= 0));
      return "f64";
    }
    if (divisor !== undefined && Number.isInteger(divisor) && divisor !== 0 && Math.abs(divisor) <= 2 ** 31) {
      cx.emit(...left.code, ...cx.convert(lt, "f64", node, "arithmetic"), ...constantRemainder(cx, divisor));
      return "f64";
    }
    place(cx.convert(lt, "f64", node, "arithmetic"), cx.convert(rt, "f64", node, "arithmetic"));
    cx.emit(...numberRemainder(cx));
    return "f64";
  }
  if (arith[op]) {
    place(cx.convert(lt, "f64", node, "arithmetic"), cx.convert(rt, "f64", node, "arithmetic"));
    cx.emit([arith[op]]);
    return "f64";
  }
  throw cx.err(`\`${op}\``, node);
}

/**
 * `x % y === 0` (also `==`, `!==`, `!=`, either side) on int32/uint32 operands with a divisor that is not
 * a constant, as `x == trunc(x / y) * y` in f64: the f64 divider has more throughput than the integer
 * one (≈1.2× on trial division here; the test is a branch, so no latency chain). Exact: |x|, |y| < 2^32,
 * so the quotient's distance to the next integer (≥ 1/|y|) exceeds the rounding error (< |x/y|·2^−53),
 * trunc gives the true quotient, and its product with y (< 2^33) is exact; y = 0 gives ±∞ or NaN times 0,
 * NaN, never equal, as JavaScript's `x % 0` is NaN. A constant divisor keeps the integer remainder, which
 * the engine turns into a multiplication. Undefined when the comparison is not of this shape.
 */
export function remainderZeroTest(cx: FunctionContext, node: Node): ResultType | undefined {
  if (node.type !== "BinaryExpression" || !["===", "==", "!==", "!="].includes(node.operator as string)) return undefined;
  const isZero = (n: Node) => n.type === "Literal" && n.value === 0;
  const isRemainder = (n: Node) => n.type === "BinaryExpression" && n.operator === "%";
  const remNode =
    isZero(node.right) && isRemainder(node.left) ? node.left : isZero(node.left) && isRemainder(node.right) ? node.right : undefined;
  if (!remNode) return undefined;
  const [x, y] = [recurse.detached(cx, remNode.left), recurse.detached(cx, remNode.right)];
  const ints = (t: ResultType) => t === "i32" || t === "u32";
  const zero: Typed = { type: "i32", code: [["i32.const", 0]] };
  if (!ints(x.type) || !ints(y.type) || constantOf(y.code) !== undefined) {
    // The remainder as usual (captured, so that both operands keep their order), compared as usual.
    const saved = cx.code;
    cx.code = [];
    let rem: Typed;
    try {
      rem = { type: binary(cx, "%", x, y, remNode), code: cx.code };
    } finally {
      cx.code = saved;
    }
    return binary(cx, node.operator as string, remNode === node.left ? rem : zero, remNode === node.left ? zero : rem, node);
  }
  const [xf, yf] = [cx.local("f64"), cx.local("f64")];
  cx.emit(...x.code, ...cx.convert(x.type, "f64", remNode, "`%`"), ["local.tee", xf]);
  cx.emit(...y.code, ...cx.convert(y.type, "f64", remNode, "`%`"), ["local.set", yf]);
  cx.emit(["local.get", xf], ["local.get", yf], ["f64.div"], ["f64.trunc"], ["local.get", yf], ["f64.mul"]);
  cx.emit([node.operator === "===" || node.operator === "==" ? "f64.eq" : "f64.ne"]);
  return "bool";
}

/**
 * `x % y` on two f64s (on the stack), JavaScript's: when both hold int32 values and y is not 0 (the
 * common case: Euclid's `x % y` on numbers the analysis could not prove int32), the i32 remainder,
 * inline, with x's sign (−0 for a negative x that divides evenly, as JavaScript gives; wasm defines
 * i32.rem_s(−2^31, −1) as 0, so no trap); otherwise the `$fmod` helper. A double is an int32 exactly
 * when truncating it to one (saturating) and back gives it again (−0 included: its remainder is −0).
 */
function numberRemainder(cx: FunctionContext): Instr[] {
  const [x, y, xi, yi] = [cx.local("f64"), cx.local("f64"), cx.local("i32"), cx.local("i32")];
  return [
    ["local.set", y],
    ["local.set", x],
    ["local.get", x],
    ["i32.trunc_sat_f64_s"],
    ["local.tee", xi],
    ["f64.convert_i32_s"],
    ["local.get", x],
    ["f64.eq"],
    ["local.get", y],
    ["i32.trunc_sat_f64_s"],
    ["local.tee", yi],
    ["f64.convert_i32_s"],
    ["local.get", y],
    ["f64.eq"],
    ["i32.and"],
    ["local.get", yi],
    ["i32.const", 0],
    ["i32.ne"],
    ["i32.and"],
    ["if", "f64"],
    ...integerRemainder(cx, xi, yi, "i32.rem_s", false),
    ["f64.convert_i32_s"],
    ["local.get", x],
    ["f64.copysign"],
    ["else"],
    ["local.get", x],
    ["local.get", y],
    ["call", cx.builder.helper("fmod")],
    ["end"],
  ];
}

/**
 * `x % y` of an int32/uint32 x and y (on the stack) that the analysis could not prove an int32 result
 * of (y may be 0, or x negative, where JavaScript gives NaN or −0: `i % m` with m a parameter), as a
 * double without leaving the integers: NaN for y = 0, else the integer remainder (masked for a power
 * of two), converted, with x's sign (−0 for a negative x that divides evenly). Mixed signedness is
 * computed in i64, where both are exact. It had gone through numberRemainder's doubles: both operands
 * converted to f64 and back, 0.2× of V8's JavaScript on `s += i % m`.
 */
function int32Remainder(cx: FunctionContext, lt: ResultType, rt: ResultType, nonZero: boolean, nonNegative: boolean): Instr[] {
  const [x, y] = [cx.local("i32"), cx.local("i32")];
  const signed = lt === "i32" && !nonNegative;
  const remainder: Instr[] =
    lt === rt
      ? [
          ...integerRemainder(cx, x, y, lt === "i32" ? "i32.rem_s" : "i32.rem_u", lt === "u32" || nonNegative),
          [lt === "i32" ? "f64.convert_i32_s" : "f64.convert_i32_u"],
        ]
      : [
          ["local.get", x],
          [lt === "i32" ? "i64.extend_i32_s" : "i64.extend_i32_u"],
          ["local.get", y],
          [rt === "i32" ? "i64.extend_i32_s" : "i64.extend_i32_u"],
          ["i64.rem_s"],
          ["f64.convert_i64_s"],
        ];
  const sign: Instr[] = signed ? [["local.get", x], ["f64.convert_i32_s"], ["f64.copysign"]] : [];
  if (nonZero) return [["local.set", y], ["local.set", x], ...remainder, ...sign];
  return [
    ["local.set", y],
    ["local.set", x],
    ["local.get", y],
    ["i32.eqz"],
    ["if", "f64"],
    ["f64.const", NaN],
    ["else"],
    ...remainder,
    ...sign,
    ["end"],
  ];
}

/**
 * `a[x % y]`: an index, whose consumer does not see the sign of a zero (intervals.ts signless), of
 * int32/uint32 operands whose y may be 0 (`a[i % m]` with m a parameter): the integer remainder as the
 * index itself, and for y = 0, where JavaScript's index is NaN (an element read as undefined, a write
 * ignored), the trap an index that is not an integer takes. Undefined for any other `%`.
 */
function indexRemainder(cx: FunctionContext, lt: ResultType, rt: ResultType, node: Node): Typed | undefined {
  if (node.type !== "BinaryExpression" || !cx.intervals.signless(node)) return undefined;
  const [a, b] = [cx.intervals.of(node.left), cx.intervals.of(node.right)];
  if (!a || !b || !a.int || !b.int || a.nan || b.nan || !contains0(b)) return undefined;
  // The instruction for these operands: both of one kind; an int32 x by a uint32 y below 2^31 (a length).
  const instr = lt === rt ? (lt === "i32" ? "i32.rem_s" : "i32.rem_u") : lt === "i32" && b.hi < 2 ** 31 ? "i32.rem_s" : undefined;
  if (!instr) return undefined;
  const [x, y] = [cx.local("i32"), cx.local("i32")];
  const code: Instr[] = [["local.set", y], ["local.set", x], ["local.get", y], ["i32.eqz"], ["if"]];
  code.push(...cx.trap(node, "a remainder by 0 (NaN) as an index (JavaScript reads undefined there, and ignores a write):"), ["end"]);
  code.push(...integerRemainder(cx, x, y, instr, lt === "u32" || a.lo >= 0));
  return { type: instr === "i32.rem_u" ? "u32" : "i32", code };
}

/**
 * `x % y` of two i32 locals (y ≠ 0) by `instr`, with V8's own fast path: when y is a power of two
 * (y & (y − 1) is 0) and x ≥ 0 (`nonNegative`: proven; else tested), x & (y − 1), a mask instead of a
 * hardware division (≈25 cycles: a histogram's `bins[v % bins.length]++` ran 0.29× of V8's, which
 * masks). The same value: for such x and y the remainder is x's low bits. y = −2^31 passes the test
 * too, and x & (2^31 − 1) is x, as x % −2^31 is for 0 ≤ x < 2^31.
 */
function integerRemainder(cx: FunctionContext, x: number, y: number, instr: string, nonNegative: boolean): Instr[] {
  return [
    ["local.get", y],
    ["local.get", y],
    ["i32.const", 1],
    ["i32.sub"],
    ["i32.and"],
    ["i32.eqz"],
    ...(nonNegative ? [] : ([["local.get", x], ["i32.const", 0], ["i32.ge_s"], ["i32.and"]] as Instr[])),
    ["if", "i32"],
    ["local.get", x],
    ["local.get", y],
    ["i32.const", 1],
    ["i32.sub"],
    ["i32.and"],
    ["else"],
    ["local.get", x],
    ["local.get", y],
    [instr],
    ["end"],
  ];
}

/** Values of u64 and i64 together: [−2^63, 2^64). */
const [LEAST, BOUND] = [-(2n ** 63n), 2n ** 64n];

/**
 * `x % C`, `x / C`, `x < C`… (or `C > x`…) where C is a constant bigint expression outside every value
 * a u64 or i64 holds (`2n ** 64n`, `1n << 64n`, `18446744073709551616n`, a `const` of one): JavaScript's exact answer,
 * which the wrapped constant (0) would not give: `(a + b) % 2n ** 64n` is a + b (modulo 2^64, as
 * every bigint result), `x / C` is 0n, a comparison is decided. Undefined for any other operation.
 * `+ − * & | ^` need nothing: their results modulo 2^64 depend only on C modulo 2^64.
 */
function beyondConstant(
  cx: FunctionContext,
  op: string,
  left: Typed,
  right: Typed,
  node: Node,
  flavour: ResultType,
): ResultType | undefined {
  const operands = node.type === "BinaryExpression" && node.operator === op ? [node.left as Node, node.right as Node] : undefined;
  if (!operands) return undefined;
  const outside = (n: Node) => {
    const v = exactBigint(cx, n);
    return v !== undefined && (v >= BOUND || v < LEAST) ? v : undefined;
  };
  const [lc, rc] = [outside(operands[0]), outside(operands[1])];
  if (rc !== undefined && (op === "%" || op === "/")) {
    // |x| < |C|: x % C is x, and x / C truncates to 0.
    cx.emit(...left.code, ...(op === "%" ? [] : ([["drop"], ["i64.const", 0n]] as Instr[])));
    return flavour;
  }
  const mirrored: Record<string, string> = { "<": ">", ">": "<", "<=": ">=", ">=": "<=" };
  const [c, x, relation] = rc !== undefined ? [rc, left, op] : lc !== undefined ? [lc, right, mirrored[op] ?? op] : [];
  if (c === undefined || !x || !relation) return undefined;
  // x relation C, every x below C (C ≥ 2^64) or above it (C < −2^63).
  const below = c >= BOUND;
  const answers: Record<string, boolean> = {
    "<": below,
    "<=": below,
    ">": !below,
    ">=": !below,
    "===": false,
    "==": false,
    "!==": true,
    "!=": true,
  };
  if (!(relation in answers)) return undefined;
  cx.emit(...x.code, ["drop"], ["i32.const", answers[relation] ? 1 : 0]);
  return "bool";
}

/**
 * The exact value of a constant bigint expression (literals, unary − ~, + − * / % ** << >> & | ^, and
 * names of `const`s declared with one: `const MOD = 1n << 64n`), or undefined.
 */
function exactBigint(cx: FunctionContext, n: Node): bigint | undefined {
  if (n.type === "Literal") return typeof n.bigint === "string" ? BigInt(n.bigint) : undefined;
  if (n.type === "Identifier") {
    const v = cx.lookup(n.name as string);
    return v?.constant && v.decl?.type === "VariableDeclarator" && v.decl.init ? exactBigint(cx, v.decl.init) : undefined;
  }
  if (n.type === "UnaryExpression") {
    const v = exactBigint(cx, n.argument);
    return v === undefined ? undefined : n.operator === "-" ? -v : n.operator === "~" ? ~v : undefined;
  }
  if (n.type !== "BinaryExpression") return undefined;
  const [a, b] = [exactBigint(cx, n.left), exactBigint(cx, n.right)];
  if (a === undefined || b === undefined) return undefined;
  // Large exponents and shifts are not folded (the numbers would be huge; no program means them).
  const small = (k: bigint) => k >= 0n && k <= 256n;
  switch (n.operator) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0n ? undefined : a / b;
    case "%":
      return b === 0n ? undefined : a % b;
    case "**":
      return small(b) ? a ** b : undefined;
    case "<<":
      return small(b) ? a << b : undefined;
    case ">>":
      return small(b) ? a >> b : undefined;
    case "&":
      return a & b;
    case "|":
      return a | b;
    case "^":
      return a ^ b;
    default:
      return undefined;
  }
}

/**
 * `x % c` for an f64 x (on the stack) and an integer constant c, 0 < |c| ≤ 2^31 (`x % 2` in a Collatz
 * step whose x is a double): when x holds an integer (|x| < 2^63: truncating to i64, saturating, and
 * back gives x again, and x < 2^63, which saturates), the i64 remainder by the constant, which the
 * engine turns into shifts and a multiplication (a remainder by a variable is a hardware division),
 * with x's sign (−0 for a negative x that divides evenly); otherwise
 * (a fraction, ±∞, NaN, |x| ≥ 2^63) `$fmod`. The remainder of integers is exact, so it is JavaScript's.
 */
function constantRemainder(cx: FunctionContext, divisor: number): Instr[] {
  const [x, xi] = [cx.local("f64"), cx.local("i64")];
  return [
    ["local.tee", x],
    ["i64.trunc_sat_f64_s"],
    ["local.tee", xi],
    ["f64.convert_i64_s"],
    ["local.get", x],
    ["f64.eq"],
    // 2^63 saturates to 2^63 − 1, whose double is 2^63 again.
    ["local.get", x],
    ["f64.const", 2 ** 63],
    ["f64.lt"],
    ["i32.and"],
    ["if", "f64"],
    ["local.get", xi],
    ["i64.const", BigInt(divisor)],
    ["i64.rem_s"],
    ["f64.convert_i64_s"],
    ["local.get", x],
    ["f64.copysign"],
    ["else"],
    ["local.get", x],
    ["f64.const", divisor],
    ["call", cx.builder.helper("fmod")],
    ["end"],
  ];
}

/**
 * `+ - * %` on int32/uint32 operands as the i32 instruction, where that is JavaScript's exact result
 * (intervals.ts): the exact value lies in int32 (uint32) range, so the 32-bit result's bits are it;
 * or the only consumer is a ToInt32 (`wraps`), which takes the exact sum modulo 2^32, as the
 * instruction does. `%` needs a dividend ≥ 0 (no −0) and a divisor that cannot be 0 (no NaN).
 */
function int32Arithmetic(
  cx: FunctionContext,
  op: string,
  lt: ResultType,
  rt: ResultType,
  node: Node,
): { instr: string; type: "i32" | "u32" } | undefined {
  const ints = (t: ResultType) => t === "i32" || t === "u32";
  if (!ints(lt) || !ints(rt)) return undefined;
  const facts = cx.intervals.of(node);
  const names: Record<string, string> = { "+": "i32.add", "-": "i32.sub", "*": "i32.mul" };
  if (names[op]) {
    if (op !== "*" && cx.intervals.wraps(node)) return { instr: names[op], type: "i32" };
    if (facts && isInt32(facts)) return { instr: names[op], type: "i32" };
    if (facts && isUint32(facts)) return { instr: names[op], type: "u32" };
    return undefined;
  }
  if (op !== "%" || node.type !== "BinaryExpression" || !facts) return undefined;
  // An index does not see the sign of a zero: there a negative dividend's −0 is the i32 0.
  const signless = cx.intervals.signless(node);
  const fits = isInt32(facts) || isUint32(facts) || (signless && isInt32({ ...facts, negZero: false }));
  if (!fits) return undefined;
  const [a, b] = [cx.intervals.of(node.left), cx.intervals.of(node.right)];
  if (!a || !b || !a.int || !b.int || a.nan || b.nan || (a.lo < 0 && !signless) || contains0(b)) return undefined;
  const type = isInt32(facts) || !isUint32(facts) ? "i32" : "u32";
  // A dividend that may be negative takes the signed instruction, on operands whose bits are signed (a
  // uint32 divisor below 2^31, such as an Int32Array's length, has the same bits as an int32).
  if (a.lo < 0) return lt === "i32" && (rt === "i32" || b.hi < 2 ** 31) ? { instr: "i32.rem_s", type } : undefined;
  if (b.lo >= 0) return { instr: "i32.rem_u", type };
  // A negative divisor: the signed instruction, on operands whose bits are signed.
  return lt === "i32" && rt === "i32" ? { instr: "i32.rem_s", type } : undefined;
}

/**
 * `(x >>> r) | (x << (32 - r))` (with `& 31`; `<<` first for left): the bits of x rotated right by
 * r & 31, one `i32.rotr` (`<<` first: `rotl`), where x and r are names or constants, read twice by the
 * JavaScript (for r = 0 both halves are x, and `x | x` is x). undefined for any other shape.
 */
function rotate(cx: FunctionContext, node: Node): ResultType | undefined {
  if (node.type !== "BinaryExpression") return undefined;
  const shift = (n: Node, op: string) => {
    const e = strip(n);
    return e.type === "BinaryExpression" && e.operator === op ? e : undefined;
  };
  const same = (a: Node, b: Node) => {
    const [x, y] = [strip(a), strip(b)];
    if (x.type === "Identifier" && y.type === "Identifier") return x.name === y.name;
    return x.type === "Literal" && y.type === "Literal" && typeof x.value === "number" && x.value === y.value;
  };
  // 32 − r, or (32 − r) & 31.
  const complement = (n: Node, r: Node) => {
    let e = strip(n);
    if (e.type === "BinaryExpression" && e.operator === "&" && constant(e.right) === 31) e = strip(e.left);
    return e.type === "BinaryExpression" && e.operator === "-" && constant(e.left) === 32 && same(e.right, r);
  };
  for (const [first, second, instr] of [
    [">>>", "<<", "i32.rotr"],
    ["<<", ">>>", "i32.rotl"],
  ] as const) {
    const [a, b] = [shift(node.left, first), shift(node.right, second)];
    if (!a || !b || !same(a.left, b.left) || !complement(b.right, a.right)) continue;
    const [x, r] = [recurse.detached(cx, a.left), recurse.detached(cx, a.right)];
    if (!isNumber(x.type) || !isNumber(r.type)) return undefined;
    cx.emit(...x.code, ...cx.int32(x.type, node, a.left), ...r.code, ...cx.int32(r.type, node, a.right), [instr]);
    return "i32";
  }
  return undefined;
}

function strip(n: Node): Node {
  return n.type === "TSAsExpression" || n.type === "TSNonNullExpression" || n.type === "TSSatisfiesExpression" ? strip(n.expression) : n;
}

/**
 * An operand whose value only matters through ToInt32 (of a bitwise operator, or of a wrapping sum):
 * an integer literal outside int32 (`0xcc9e2d51`, an f64 constant) as its ToInt32 in an i32 constant;
 * anything else as it is.
 */
export function int32Literal(node: Node | undefined, operand: Typed): Typed {
  const c = node && operand.type === "f64" ? constant(node) : undefined;
  return typeof c === "number" && Number.isInteger(c) && Math.abs(c) <= 2 ** 53 ? { type: "i32", code: [["i32.const", c | 0]] } : operand;
}

/**
 * `a / b` of int32/uint32 values as an integer division, where the analysis found one exact
 * (intervals.ts `division`): emits it and returns its type, or returns undefined, emitting nothing,
 * when an operand is not held in an i32 (the f64 division then). The divider takes an integer's
 * latency, not the f64 divider's plus conversions and ToInt32's range check (V8 does the same).
 * - "truncated", for a ToInt32 consumer: ToInt32(a / b) is the integer quotient truncated (the f64
 *   quotient of two values below 2^32 never rounds across an integer), wrapped to 32 bits (2^31 for
 *   −2^31 / −1), and 0 for b = 0 (±∞ and NaN): i32 division where no operand can be 0, −1 or
 *   negative, else i64 division with b = 0 selected away.
 * - "floor", for `Math.floor(a / b)` with b ≥ 1 (`Math.trunc` with a ≥ 0): the quotient, one less
 *   where a negative a leaves a remainder.
 */
export function integerDivision(cx: FunctionContext, way: IntegerDivision, left: Typed, right: Typed, node: Node): ResultType | undefined {
  const [lt, rt] = [left.type, right.type];
  if ((lt !== "i32" && lt !== "u32") || (rt !== "i32" && rt !== "u32")) return undefined;
  const [n, d] = [cx.intervals.of(node.left), cx.intervals.of(node.right)];
  if (!n || !d) return undefined;
  const nonNegative = (t: ResultType, f: { lo: number }) => t === "u32" || f.lo >= 0;
  if (way === "floor") {
    if (nonNegative(lt, n)) {
      // Both ≥ 0 (b ≥ 1): the unsigned quotient, no larger than a.
      cx.emit(...left.code, ...right.code, ["i32.div_u"]);
      return lt;
    }
    if (rt === "u32" && d.hi > 2 ** 31 - 1) return undefined;
    const [a, b] = [cx.local("i32"), cx.local("i32")];
    cx.emit(...left.code, ["local.set", a], ...right.code, ["local.set", b]);
    cx.emit(["local.get", a], ["local.get", b], ["i32.div_s"]);
    cx.emit(["local.get", a], ["local.get", b], ["i32.rem_s"], ["i32.const", 0], ["i32.lt_s"], ["i32.sub"]);
    return "i32";
  }
  // Where no operand is negative, the unsigned divider; where every operand's bits read as signed are
  // its value, the signed one (not for −2^31 / −1, which overflows); b = 0 is divided by 1 and selected away.
  const zero = contains0(d);
  const signed = (t: ResultType, f: { hi: number }) => t === "i32" || f.hi <= 2 ** 31 - 1;
  const divider =
    nonNegative(lt, n) && nonNegative(rt, d)
      ? "i32.div_u"
      : signed(lt, n) && signed(rt, d) && (d.lo > -1 || d.hi < -1 || n.lo > -(2 ** 31))
        ? "i32.div_s"
        : undefined;
  if (divider && !zero) {
    cx.emit(...left.code, ...right.code, [divider]);
    return "i32";
  }
  if (divider) {
    // A branch, not a select: b = 0 is rare, and the test stays off the quotient's latency.
    const [a, b] = [cx.local("i32"), cx.local("i32")];
    cx.emit(...left.code, ["local.set", a], ...right.code, ["local.tee", b], ["i32.eqz"], ["if", "i32"], ["i32.const", 0]);
    cx.emit(["else"], ["local.get", a], ["local.get", b], [divider], ["end"]);
    return "i32";
  }
  // Mixed signedness, or −2^31 / −1 possible: exact in i64, wrapped to 32 bits.
  const widen = (t: ResultType): Instr => [t === "u32" ? "i64.extend_i32_u" : "i64.extend_i32_s"];
  const [a, b] = [cx.local("i64"), cx.local("i64")];
  cx.emit(
    ...left.code,
    widen(lt),
    ["local.set", a],
    ...right.code,
    widen(rt),
    ["local.tee", b],
    ["i64.eqz"],
    ["if", "i32"],
    ["i32.const", 0],
  );
  cx.emit(["else"], ["local.get", a], ["local.get", b], ["i64.div_s"], ["i32.wrap_i64"], ["end"]);
  return "i32";
}

/**
 * `**`: between constants (`2 ** 53`, `10n ** 9n`) folded; on numbers the host's `Math.pow` (JavaScript
 * defines `x ** y` and `Math.pow(x, y)` as the same operation, and engines share its code); on bigints
 * square-and-multiply in wrapping i64 arithmetic, which is x^y mod 2^64 (a negative i64 exponent
 * traps, where JavaScript throws a RangeError).
 */
export function power(cx: FunctionContext, node: Node): ResultType {
  const [l, r] = [constant(node.left), constant(node.right)];
  if (typeof l === "number" && typeof r === "number") return recurse.number(cx, l ** r);
  if (typeof l === "bigint" && typeof r === "bigint" && r >= 0n) {
    cx.emit(["i64.const", BigInt.asIntN(64, l ** r)]);
    return cx.bigint;
  }
  return powerOf(cx, recurse.detached(cx, node.left), recurse.detached(cx, node.right), node);
}

/** `base ** exponent` of compiled operands (also `x **= y`: places.ts): `Math.pow` on numbers, square-and-multiply on bigints. */
export function powerOf(cx: FunctionContext, base: Typed, exponent: Typed, node: Node): ResultType {
  if (isNumber(base.type) && isNumber(exponent.type)) {
    cx.emit(
      ...base.code,
      ...cx.convert(base.type, "f64", node, "`**`"),
      ...exponent.code,
      ...cx.convert(exponent.type, "f64", node, "`**`"),
    );
    cx.emit(["call", cx.builder.hostFunction("Math", "pow", ["f64", "f64"], ["f64"])]);
    return "f64";
  }
  if (!isBigint(base.type) || !isBigint(exponent.type))
    throw cx.fail(
      `\`${node.operator}\` between a ${describeType(base.type)} and a ${describeType(exponent.type)} is not supported by jit`,
      node,
    );
  const flavour = base.type === "i64" || exponent.type === "i64" ? "i64" : "u64";
  const [x, e, acc] = [cx.local("i64"), cx.local("i64"), cx.local("i64")];
  cx.emit(...base.code, ["local.set", x], ...exponent.code, ["local.set", e]);
  if (flavour === "i64") cx.emit(["local.get", e], ["i64.const", 0n], ["i64.lt_s"], ["if"], ["unreachable"], ["end"]);
  // acc = 1; while (e != 0) { if (e & 1) acc *= x; x *= x; e >>= 1 }
  cx.emit(["i64.const", 1n], ["local.set", acc], ["block"], ["loop"]);
  cx.emit(["local.get", e], ["i64.eqz"], ["br_if", 1]);
  cx.emit(["local.get", acc], ["local.get", x], ["i64.mul"], ["local.get", acc], ["local.get", e], ["i64.const", 1n], ["i64.and"]);
  cx.emit(["i32.wrap_i64"], ["select"], ["local.set", acc]);
  cx.emit(["local.get", x], ["local.get", x], ["i64.mul"], ["local.set", x]);
  cx.emit(["local.get", e], ["i64.const", 1n], ["i64.shr_u"], ["local.set", e], ["br", 0], ["end"], ["end"], ["local.get", acc]);
  return flavour;
}

/**
 * bigint `<<` / `>>` reduced mod 2^64: a shift by 64 or more gives 0 (or the sign for i64 `>>`), where
 * wasm would shift by the amount mod 64. A negative i64 amount (a shift the other way) traps.
 */
export function shift64(cx: FunctionContext, op: "<<" | ">>", flavour: "u64" | "i64"): Instr[] {
  const x = cx.local("i64");
  const y = cx.local("i64");
  const out: Instr[] = [
    ["local.set", y],
    ["local.set", x],
  ];
  if (flavour === "i64") out.push(["local.get", y], ["i64.const", 0n], ["i64.lt_s"], ["if"], ["unreachable"], ["end"]);
  const inRange: Instr[] = [["local.get", y], ["i64.const", 64n], ["i64.lt_u"]];
  if (op === ">>" && flavour === "i64")
    return [...out, ["local.get", x], ["local.get", y], ["i64.const", 63n], ...inRange, ["select"], ["i64.shr_s"]];
  return [...out, ["local.get", x], ["local.get", y], [op === "<<" ? "i64.shl" : "i64.shr_u"], ["i64.const", 0n], ...inRange, ["select"]];
}

/** An operand's code then its conversion; an int32 constant converted to f64 is the f64 constant (`x > 4`, `2 * x`). */
function folded(code: Instr[], conversion: Instr[]): Instr[] {
  if (code.length === 1 && code[0][0] === "i32.const" && conversion.length === 1 && conversion[0][0] === "f64.convert_i32_s")
    return [["f64.const", code[0][1]]];
  return [...code, ...conversion];
}

/** The number an operand's code is, when it is one constant (`2 ** 53` is folded to one). */
function constantOf(code: Instr[]): number | undefined {
  if (code.length !== 1) return undefined;
  const [op, value] = code[0];
  return op === "f64.const" || op === "i32.const" ? (value as number) : undefined;
}

/**
 * 1 / c when c is ±2^k and 1 / c = ±2^−k is a double too (k from −1023 to 1023), else undefined.
 * Then x / c and x * (1 / c) are the same double for every x, NaN, ±∞ and ±0 included: IEEE 754
 * rounds each operation's exact real result, and x / 2^k and x · 2^−k are the same real number (the
 * signs combine the same way, and so do the special cases: ∞ / 2^k = ∞ · 2^−k = ∞, 0 / 2^k = 0 · 2^−k
 * = 0). Division has a latency of ≈13–20 cycles on x64, multiplication ≈4.
 */
export function exactReciprocal(c: number | undefined): number | undefined {
  if (c === undefined || !isPowerOfTwo(c)) return undefined;
  const r = 1 / c;
  return isPowerOfTwo(r) && r * c === 1 ? r : undefined;
}

/** ±2^k for an integer k (a normal double with no fraction bits, or a subnormal with one bit set). */
function isPowerOfTwo(x: number): boolean {
  if (!Number.isFinite(x) || x === 0) return false;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const low = view.getUint32(4);
  const exponent = (high >>> 20) & 0x7ff;
  const fraction = BigInt(high & 0xfffff) * 2n ** 32n + BigInt(low);
  if (exponent !== 0) return fraction === 0n;
  return (fraction & (fraction - 1n)) === 0n;
}
