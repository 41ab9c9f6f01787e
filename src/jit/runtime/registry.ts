// The names jitted code can call (`g(x)` → the jit function named g) or construct (`new Point2D(…)` →
// the jitClass named Point2D). JavaScript gives no access to a function's closure, so jit resolves
// these names among what `jit` and `jitClass` have seen, as the program defined them in order: a
// jitted function calls the definition its name had when it was jitted (or, for a name not defined
// yet then, the one defined after). A name defined again later does not change code already jitted.
// When the name had two different definitions by then (two modules each with a helper `clamp`, both
// loaded before the caller is jitted), jit cannot see which one the JavaScript means: the call is
// refused (`conflicts`), never bound to either.
// `version` changes whenever a name gets another definition, so dispatchers recheck their modules.
import type { ParsedFunction } from "../front/parse.ts";
import type { Globals, JitTarget } from "../codegen/module.ts";
import type { ClassType } from "../analysis/types.ts";

export type JitClassType = ClassType & { init(): ParsedFunction | undefined };

/** A name's definitions, in the order they were made (`seq`: when). */
type Definitions<T> = { seq: number; value: T }[];

const functions = new Map<string, Definitions<JitTarget>>();
const classes = new Map<string, Definitions<JitClassType>>();
const byConstructor = new WeakMap<object, JitClassType>();
let sequence = 0;
let version = 0;

export const registryVersion = () => version;

/** The point in the program's definitions reached so far (see `globalsAt`). */
export const currentDefinitions = () => sequence;

function define<T extends { source: string }>(all: Map<string, Definitions<T>>, name: string, value: T): void {
  let defs = all.get(name);
  if (!defs) all.set(name, (defs = []));
  const last = defs[defs.length - 1];
  // The same source again (the same function jitted twice) is no new definition.
  if (last && last.value.source === value.source) return void (last.value = value);
  defs.push({ seq: ++sequence, value });
  version++;
}

export function registerFunction(target: JitTarget): void {
  if (target.name) define(functions, target.name, target);
}

export function registerClass(cls: JitClassType): void {
  define(classes, cls.name, cls);
  byConstructor.set(cls.ctor, cls);
}

/** The jitClass an object is an instance of (its own class, not a subclass). */
export const classOf = (value: object): JitClassType | undefined => byConstructor.get(value.constructor);

/**
 * The definitions a name can mean at `seen`: those made by then, or if none, those made after. One is
 * the name's; several are a conflict (refused where the name is called).
 */
function candidates<T>(defs: Definitions<T> | undefined, seen: number): T[] {
  if (!defs) return [];
  const before = defs.filter((d) => d.seq <= seen);
  return (before.length ? before : defs).map((d) => d.value);
}

function at<T>(defs: Definitions<T> | undefined, seen: number): T | undefined {
  const all = candidates(defs, seen);
  return all[all.length - 1];
}

/** The names as a function jitted at `seen` (`currentDefinitions()` then) resolves them. */
export function globalsAt(seen: number): Globals {
  return {
    fn: (name) => at(functions.get(name), seen),
    cls: (name) => at(classes.get(name), seen),
    conflicts: (kind, name) => {
      const count = candidates<unknown>(kind === "fn" ? functions.get(name) : classes.get(name), seen).length;
      return count > 1 ? count : 0;
    },
  };
}

/** The latest definition of every name. */
export const globals: Globals = globalsAt(Infinity);

/** Do these recorded names still resolve, through `names`, to these sources? */
export function stillValid(dependencies: Record<string, string>, names: Globals = globals): boolean {
  for (const [key, source] of Object.entries(dependencies)) {
    const [kind, name] = key.split(":");
    if ((kind === "fn" ? names.fn(name) : names.cls(name))?.source !== source) return false;
  }
  return true;
}
