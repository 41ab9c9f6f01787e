// Locals that are only ever read through ToInt32: a hash or a random generator written with number bit
// operators (`let x = 2463534242; x ^= x << 13; x ^= x >>> 17; …`). Such a local can hold any number
// (here a seed past 2^31, then int32 values), so the numeric analysis keeps it an f64, and every read
// then pays a ToInt32 and every write a conversion back: eight times slower than V8 on xorshift. But
// when every read of it is an operand of `& | ^ << >> >>> ~`, of a bitwise compound assignment, or
// an argument of `Math.imul` / `Math.clz32`, nothing can observe more of its value than ToInt32 of it
// (ToUint32, used by `>>>` and `clz32`, has the same 32 bits). Then the local can hold those 32 bits in
// an i32: the code generator stores ToInt32 of each value assigned, and every read gives exactly what
// the operator would have computed from the number.
//
// Three more reads see no more than those bits where the local only ever holds integers in (−2^32, 2^32)
// (a Uint32Array element, then `&` results: Kernighan's `while (v !== 0) v &= v - 1`): `v === 0`,
// `v !== 0` (`==`, `!=`, either side) and a truth test of v (ToInt32(v) is 0 exactly when v is), and
// `v + K`, `v - K` (or any sum of names) under ToInt32 (ToInt32 of an exact integer sum is the sum of
// the ToInt32s mod 2^32). Those locals are listed apart: the code generator keeps them in an i32 only
// where the numeric analysis proved that range (intervals.ts).
//
// Any other read (a comparison, arithmetic, `x++`, `x += …`, a return, an index, an argument) keeps the
// local a number. Parameters are left alone (their value arrives from the caller).
import { childNodes, inScope, type Node } from "../front/parse.ts";

type Use = "int32" | "integral" | "other";

interface Binding {
  readonly declarator: Node;
  other: boolean;
  int32Reads: number;
  /** A read that sees only the bits where the local holds integers in (−2^32, 2^32). */
  integral: boolean;
}

/** Number locals read only through ToInt32 (or reads that see only those bits, for `integral`). */
export interface BitLocals {
  readonly all: ReadonlySet<Node>;
  /** Those of `all` with a read that needs the local's values to be integers in (−2^32, 2^32). */
  readonly integral: ReadonlySet<Node>;
}

const BITWISE = new Set(["&", "|", "^", "<<", ">>", ">>>"]);
const BITWISE_ASSIGN = new Set(["&=", "|=", "^=", "<<=", ">>=", ">>>="]);
const INT32_ARGS = new Set(["imul", "clz32"]);
const EQUALITY = new Set(["===", "!==", "==", "!="]);

const strip = (node: Node): Node =>
  node.type === "TSAsExpression" || node.type === "TSNonNullExpression" || node.type === "TSSatisfiesExpression"
    ? strip(node.expression)
    : node;
const isZero = (node: Node) => {
  const n = strip(node);
  return n.type === "Literal" && n.value === 0;
};

/** The declarators (`let` or `const`) of number locals read only through ToInt32. */
export function bitLocals(params: readonly Node[], body: Node): BitLocals {
  const scopes: Map<string, Binding | null>[] = [new Map()];
  const all: Binding[] = [];
  // Parameters shadow nothing here and are never candidates (null: a name that is not a candidate).
  for (const p of params) if (p.type === "Identifier") scopes[0].set(p.name, null);
  const resolve = (name: string) => {
    for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].has(name)) return scopes[i].get(name) ?? undefined;
    return undefined;
  };
  const scoped = (run: () => void) => inScope(scopes, run);
  const reference = (name: string, use: Use) => {
    const b = resolve(name);
    if (!b) return;
    if (use === "other") b.other = true;
    else b.int32Reads++;
    if (use === "integral") b.integral = true;
  };
  /** A truth test: of a name alone (or `!name`), an integral read. */
  const test = (node: Node | null | undefined) => {
    const n = node ? strip(node) : undefined;
    if (n?.type === "Identifier") return reference(n.name as string, "integral");
    if (n?.type === "UnaryExpression" && n.operator === "!" && strip(n.argument).type === "Identifier")
      return reference(strip(n.argument).name as string, "integral");
    visit(node, "other");
  };

  const visit = (node: Node | null | undefined, use: Use): void => {
    if (!node || typeof node !== "object") return;
    switch (node.type) {
      case "Identifier":
        return reference(node.name as string, use);
      case "TSAsExpression":
      case "TSNonNullExpression":
      case "TSSatisfiesExpression":
      case "ParenthesizedExpression":
        return visit(node.expression, use);
      case "BinaryExpression": {
        const op = node.operator as string;
        // `v === 0`, `v !== 0`: ToInt32(v) is 0 exactly when v is, for integers in (−2^32, 2^32).
        if (EQUALITY.has(op) && (isZero(node.left) || isZero(node.right))) {
          const other = strip(isZero(node.left) ? node.right : node.left);
          if (other.type === "Identifier") return reference(other.name as string, "integral");
        }
        // `v ± w` under ToInt32: names in it are integral reads; anything else a full read.
        if (use !== "other" && (op === "+" || op === "-")) {
          for (const side of [node.left, node.right]) {
            const n = strip(side);
            if (n.type === "Identifier") reference(n.name as string, "integral");
            else if (n.type !== "Literal") visit(side, "other");
          }
          return;
        }
        const inner: Use = BITWISE.has(op) ? "int32" : "other";
        visit(node.left, inner);
        return visit(node.right, inner);
      }
      case "IfStatement":
      case "WhileStatement":
      case "DoWhileStatement":
      case "ConditionalExpression":
        test(node.test);
        for (const key of ["consequent", "alternate", "body"]) visit(node[key], "other");
        return;
      case "UnaryExpression":
        return visit(node.argument, node.operator === "~" ? "int32" : "other");
      case "AssignmentExpression": {
        const target = node.left.type === "Identifier" ? node.left : undefined;
        if (target) {
          // `x = v` reads nothing of x; `x ^= v` reads ToInt32(x); `x += v` reads all of it.
          if (node.operator !== "=") reference(target.name as string, BITWISE_ASSIGN.has(node.operator as string) ? "int32" : "other");
        } else visit(node.left, "other");
        return visit(node.right, BITWISE_ASSIGN.has(node.operator as string) ? "int32" : "other");
      }
      case "UpdateExpression":
        return visit(node.argument, "other");
      case "CallExpression": {
        const c = node.callee;
        const int32Args =
          c.type === "MemberExpression" &&
          !c.computed &&
          c.object.type === "Identifier" &&
          c.object.name === "Math" &&
          resolve("Math") === undefined &&
          INT32_ARGS.has(c.property.name as string);
        if (!int32Args) visit(c, "other");
        for (const a of node.arguments as Node[]) visit(a, int32Args ? "int32" : "other");
        return;
      }
      case "MemberExpression":
        visit(node.object, "other");
        if (node.computed) visit(node.property, "other");
        return;
      case "BlockStatement":
        return scoped(() => (node.body as Node[]).forEach((s) => visit(s, "other")));
      case "SwitchStatement":
        // Its cases share one scope of their own.
        visit(node.discriminant, "other");
        return scoped(() => (node.cases as Node[]).forEach((c) => visitChildren(c)));
      case "ForStatement":
      case "ForOfStatement":
      case "ForInStatement":
        return scoped(() => visitChildren(node));
      case "VariableDeclaration":
        for (const d of node.declarations as Node[]) {
          visit(d.init, "other");
          if (d.id.type !== "Identifier") continue;
          const b: Binding = { declarator: d, other: false, int32Reads: 0, integral: false };
          scopes[scopes.length - 1].set(d.id.name as string, b);
          all.push(b);
        }
        return;
      case "FunctionExpression":
      case "ArrowFunctionExpression":
      case "FunctionDeclaration":
        // A nested function (codegen/inline.ts, helpers.ts) reads outer locals as numbers: every read in
        // it is a full read. Visited once the whole function is (below), with the scopes it sees then:
        // every declaration of its blocks, those after it included (a declaration is hoisted).
        deferred.push({ node, chain: [...scopes] });
        return;
      default:
        return visitChildren(node);
    }
  };
  /** Every child of `node`, each as a full read. */
  const visitChildren = (node: Node) => childNodes(node).forEach((c) => visit(c, "other"));
  /** A function body in its own scope: any read in it is a full read. */
  const visitAll = (node: Node): void =>
    node.type === "Identifier" ? reference(node.name as string, "other") : childNodes(node).forEach(visitAll);

  const deferred: { node: Node; chain: Map<string, Binding | null>[] }[] = [];
  if (body.type === "BlockStatement") (body.body as Node[]).forEach((s) => visit(s, "other"));
  else visit(body, "other");
  for (const { node, chain } of deferred) {
    const saved = scopes.splice(0, scopes.length, ...chain);
    scoped(() => {
      for (const p of node.params as Node[]) if (p.type === "Identifier") scopes[scopes.length - 1].set(p.name as string, null);
      visitAll(node.body);
    });
    scopes.splice(0, scopes.length, ...saved);
  }
  const only = all.filter((b) => !b.other && b.int32Reads > 0);
  return { all: new Set(only.map((b) => b.declarator)), integral: new Set(only.filter((b) => b.integral).map((b) => b.declarator)) };
}
