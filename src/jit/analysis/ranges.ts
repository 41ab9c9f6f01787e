// Integer-range inference: which `let` number locals only ever hold int32 values, so they can live in
// an i32 instead of an f64 (loop counters: `for (let i = 0; i < n; i++)`). JavaScript numbers are
// f64, so this is done only where it is provable that the value never leaves [−2^31, 2^31 − 1]:
//
//   the local is initialised with an int32 value (checked by the code generator), and its only other
//   writes are the update clauses of `for` loops, `v++` under the test `v < E` (or `E > v`), `v--`
//   under `v > E` (or `E < v`), where E is an i32 value (checked by the code generator: an int32
//   constant, an i32 parameter or local) and the loop's test and body never write v.
//
// Then each update directly follows a test that held with E an int32, so `v++` gives at most
// 2^31 − 1 and `v--` at least −2^31: the i32 holds exactly the f64 JavaScript would. Anything else
// (any other assignment, `+=`, a write in a nested function) keeps the local an f64. The syntactic
// part is here; the type conditions are checked during code generation, which recompiles the
// function with that local as an f64 when one fails (`Widen`).
import { childNodes, inScope, type Node } from "../front/parse.ts";
import { bitLocals } from "./bits.ts";

interface Binding {
  readonly declarator: Node | undefined;
  readonly param: boolean;
  writes: number;
  /** A write that is not a proven counter update was seen. */
  other: boolean;
}

export interface CounterUpdate {
  /** The declarator of the counter. */
  readonly declarator: Node;
  /** E, which must be an i32 for the update to be proven. */
  readonly bound: Node;
}

export interface RangeFacts {
  /** `let` declarators whose only writes are proven counter updates (the init's type is checked later). */
  readonly counters: ReadonlySet<Node>;
  /** The `for` update expressions that are proven counter updates. */
  readonly updates: ReadonlyMap<Node, CounterUpdate>;
  /** Parameters the body assigns to. */
  readonly writtenParams: ReadonlySet<string>;
  /** Counters whose every update is `++`. */
  readonly increasing: ReadonlySet<Node>;
  /** Number locals read only through ToInt32 (bits.ts): they live in an i32 holding those bits. */
  readonly bitOnly: ReadonlySet<Node>;
  /** Those of `bitOnly` that may, only where the analysis proved them integers in (−2^32, 2^32). */
  readonly bitIntegral: ReadonlySet<Node>;
}

/** Thrown during code generation when a counter's type condition fails: compile again with it as an f64. */
export class Widen {
  constructor(readonly declarator: Node) {}
}

export function rangeFacts(params: readonly Node[], body: Node): RangeFacts {
  const scopes: Map<string, Binding>[] = [new Map()];
  const all: Binding[] = [];
  const updates = new Map<Node, CounterUpdate>();
  const bind = (name: string, declarator: Node | undefined, param: boolean) => {
    const b: Binding = { declarator, param, writes: 0, other: false };
    scopes[scopes.length - 1].set(name, b);
    all.push(b);
  };
  const resolve = (name: string) => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const b = scopes[i].get(name);
      if (b) return b;
    }
    return undefined;
  };
  const written = new Set<string>();
  const write = (target: Node) => {
    const id = unwrap(target);
    if (id.type !== "Identifier") return walk(target);
    const b = resolve(id.name);
    if (!b) return;
    b.writes++;
    b.other = true;
    if (b.param) written.add(id.name);
  };
  const scoped = (run: () => void) => inScope(scopes, run);

  const walk = (node: Node | null | undefined): void => {
    if (!node || typeof node !== "object") return;
    switch (node.type) {
      case "BlockStatement":
        return scoped(() => node.body.forEach(walk));
      case "SwitchStatement":
        // Its cases share one scope of their own.
        walk(node.discriminant);
        return scoped(() => node.cases.forEach(walkChildren));
      case "VariableDeclaration":
        for (const d of node.declarations) {
          walk(d.init);
          if (d.id.type === "Identifier") bind(d.id.name, node.kind === "let" ? d : undefined, false);
        }
        return;
      case "AssignmentExpression":
        write(node.left);
        return walk(node.right);
      case "UpdateExpression":
        return write(node.argument);
      case "ForStatement":
        return scoped(() => {
          walk(node.init);
          const counter = counterUpdate(node, resolve);
          const before = counter?.binding.writes;
          walk(node.test);
          walk(node.body);
          if (counter && counter.binding.writes === before && counter.binding.declarator) {
            counter.binding.writes++;
            updates.set(node.update, { declarator: counter.binding.declarator, bound: counter.bound });
          } else walk(node.update);
        });
      case "FunctionExpression":
      case "ArrowFunctionExpression":
      case "FunctionDeclaration":
        // Not compiled (a JitError), but a write inside one must not count as proven.
        return scoped(() => walkChildren(node));
      default:
        return walkChildren(node);
    }
  };
  const walkChildren = (node: Node) => childNodes(node).forEach(walk);

  for (const p of params) if (p.type === "Identifier") bind(p.name, undefined, true);
  if (body.type === "BlockStatement") body.body.forEach(walk);
  else walk(body);
  const counters = new Set<Node>();
  for (const b of all) if (b.declarator && !b.other && b.writes > 0) counters.add(b.declarator);
  for (const [update, u] of updates) if (!counters.has(u.declarator)) updates.delete(update);
  const increasing = new Set(counters);
  for (const [update, u] of updates) if (update.operator !== "++") increasing.delete(u.declarator);
  const bits = bitLocals(params, body);
  return { counters, updates, writtenParams: written, increasing, bitOnly: bits.all, bitIntegral: bits.integral };
}

/** The counter binding and bound E when `for`'s update and test have the proven shapes. */
function counterUpdate(node: Node, resolve: (name: string) => Binding | undefined): { binding: Binding; bound: Node } | undefined {
  const { update, test } = node;
  if (update?.type !== "UpdateExpression" || unwrap(update.argument).type !== "Identifier") return undefined;
  if (test?.type !== "BinaryExpression") return undefined;
  const name = unwrap(update.argument).name as string;
  const binding = resolve(name);
  if (!binding) return undefined;
  const isV = (n: Node) => {
    const id = unwrap(n);
    return id.type === "Identifier" && id.name === name;
  };
  const up = update.operator === "++";
  // v < E or E > v before v++; v > E or E < v before v--.
  if (test.operator === (up ? "<" : ">") && isV(test.left)) return { binding, bound: test.right };
  if (test.operator === (up ? ">" : "<") && isV(test.right)) return { binding, bound: test.left };
  return undefined;
}

/** `x as T`, `x!`: the expression itself (TypeScript source text). */
function unwrap(node: Node): Node {
  while (node.type === "TSAsExpression" || node.type === "TSNonNullExpression" || node.type === "TSSatisfiesExpression")
    node = node.expression;
  return node;
}
