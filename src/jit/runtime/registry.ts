// The names jitted code can call (`g(x)` → the jit function named g) or construct (`new Point2D(…)` →
// the jitClass named Point2D). JavaScript gives no access to a function's closure, so jit resolves
// these names the way Numba resolves globals: by name, among what `jit` and `jitClass` have seen.
// `version` changes whenever a name gets a different source, so dispatchers recheck their modules.
// A name given to two different functions (or classes) is ambiguous: code that calls it is refused,
// since jit cannot see which of them the JavaScript calls (two modules each with a helper `clamp`:
// the later one's would have replaced the earlier one's in code already compiled).
import type { ParsedFunction } from "../front/parse.ts";
import type { Globals, JitTarget } from "../codegen/module.ts";
import type { ClassType } from "../analysis/types.ts";

export type JitClassType = ClassType & { init(): ParsedFunction | undefined };

const functions = new Map<string, JitTarget>();
const classes = new Map<string, JitClassType>();
const byConstructor = new WeakMap<object, JitClassType>();
/** Every source each name has had: `fn:name` or `class:name` → sources. */
const sources = new Map<string, Set<string>>();
let version = 0;

function remember(key: string, source: string): void {
  let seen = sources.get(key);
  if (!seen) sources.set(key, (seen = new Set()));
  seen.add(source);
}

export const registryVersion = () => version;

export function registerFunction(target: JitTarget): void {
  if (!target.name) return;
  if (functions.get(target.name)?.source !== target.source) version++;
  functions.set(target.name, target);
  remember(`fn:${target.name}`, target.source);
}

export function registerClass(cls: JitClassType): void {
  if (classes.get(cls.name)?.source !== cls.source) version++;
  classes.set(cls.name, cls);
  remember(`class:${cls.name}`, cls.source);
  byConstructor.set(cls.ctor, cls);
}

/** The jitClass an object is an instance of (its own class, not a subclass). */
export const classOf = (value: object): JitClassType | undefined => byConstructor.get(value.constructor);

export const globals: Globals = {
  fn: (name) => functions.get(name),
  cls: (name) => classes.get(name),
  definitions: (kind, name) => sources.get(`${kind}:${name}`)?.size ?? 0,
};

/** Do these recorded names still have these sources? */
export function stillValid(dependencies: Record<string, string>): boolean {
  for (const [key, source] of Object.entries(dependencies)) {
    const [kind, name] = key.split(":");
    if ((kind === "fn" ? functions.get(name) : classes.get(name))?.source !== source) return false;
  }
  return true;
}
