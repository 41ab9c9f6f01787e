// The names jitted code can call (`g(x)` → the jit function named g) or construct (`new Point2D(…)` →
// the jitClass named Point2D). JavaScript gives no access to a function's closure, so jit resolves
// these names the way Numba resolves globals: by name, among what `jit` and `jitClass` have seen.
// `version` changes whenever a name gets a different source, so dispatchers recheck their modules.
import type { ParsedFunction } from "../front/parse.ts";
import type { Globals, JitTarget } from "../codegen/module.ts";
import type { ClassType } from "../analysis/types.ts";

export type JitClassType = ClassType & { init(): ParsedFunction | undefined };

const functions = new Map<string, JitTarget>();
const classes = new Map<string, JitClassType>();
const byConstructor = new WeakMap<object, JitClassType>();
let version = 0;

export const registryVersion = () => version;

export function registerFunction(target: JitTarget): void {
  if (!target.name) return;
  if (functions.get(target.name)?.source !== target.source) version++;
  functions.set(target.name, target);
}

export function registerClass(cls: JitClassType): void {
  if (classes.get(cls.name)?.source !== cls.source) version++;
  classes.set(cls.name, cls);
  byConstructor.set(cls.ctor, cls);
}

/** The jitClass an object is an instance of (its own class, not a subclass). */
export const classOf = (value: object): JitClassType | undefined => byConstructor.get(value.constructor);

export const globals: Globals = {
  fn: (name) => functions.get(name),
  cls: (name) => classes.get(name),
};

/** Do these recorded names still have these sources? */
export function stillValid(dependencies: Record<string, string>): boolean {
  for (const [key, source] of Object.entries(dependencies)) {
    const [kind, name] = key.split(":");
    if ((kind === "fn" ? functions.get(name) : classes.get(name))?.source !== source) return false;
  }
  return true;
}
