// Default parameter values, `function f(a, n = a.length, eps = 1e-9)`: a call that leaves such a
// parameter out (or passes undefined) gets the default's value, computed in JavaScript before the
// call is dispatched, from the arguments before it, as JavaScript computes it; the compiled code then
// takes every parameter as given (front/lower.ts `lowerDefaultParams` reads `n = …` as `n`). The
// default runs as a function built from its source text, with the parameters before it as its own:
// a default that reads a name from outside the function (a closure) cannot be seen from there, and is
// refused by name at its first use.
import { childNodes, type Node, type ParsedFunction } from "../front/parse.ts";

/** The arguments with every left-out defaulted parameter's value filled in; the same array when none is. */
export type DefaultFiller = (args: unknown[]) => unknown[];

/** The filler of a function with default values; undefined for one without. */
export function defaultFiller(parsed: ParsedFunction): DefaultFiller | undefined {
  const params = parsed.params;
  if (!params.some((p) => p.type === "AssignmentPattern")) return undefined;
  const names = params.map((p) =>
    p.type === "Identifier" ? p.name : p.type === "AssignmentPattern" && p.left.type === "Identifier" ? p.left.name : undefined,
  );
  const evaluators: (((...before: unknown[]) => unknown) | undefined)[] = [];
  const evaluator = (i: number) => {
    const p = params[i];
    const text = parsed.source.text.slice(p.right.start - parsed.source.shift, p.right.end - parsed.source.shift);
    const refuse = (why: string) => parsed.source.error(`the default value of \`${names[i]}\` (\`${text}\`) ${why}`, p.right);
    if (names.slice(0, i + 1).some((n) => n === undefined)) throw refuse("follows a parameter that is not a plain name");
    if (uses(p.right, (n) => n.type === "ThisExpression" || (n.type === "Identifier" && n.name === "arguments")))
      throw refuse("reads `this` or `arguments`");
    try {
      return (evaluators[i] ??= new Function(...(names.slice(0, i) as string[]), `return (${text});`) as (...before: unknown[]) => unknown);
    } catch (e) {
      throw refuse(`cannot be computed apart from the function here (${(e as Error).message})`);
    }
  };
  return (args) => {
    let out = args;
    for (let i = 0; i < params.length; i++) {
      if (params[i].type !== "AssignmentPattern" || (i < out.length && out[i] !== undefined)) continue;
      // A parameter before it left out, with no default: the call is refused by its arity, as before.
      if (i > out.length) break;
      if (out === args) out = args.slice();
      try {
        out[i] = evaluator(i)(...out.slice(0, i));
      } catch (e) {
        if (!(e instanceof ReferenceError)) throw e;
        throw parsed.source.error(
          `the default value of \`${names[i]}\` reads a name from outside the function (${e.message}): jit cannot see it; pass \`${names[i]}\``,
          params[i].right,
        );
      }
    }
    return out;
  };
}

function uses(node: Node, test: (n: Node) => boolean): boolean {
  return test(node) || childNodes(node).some((c) => uses(c, test));
}
