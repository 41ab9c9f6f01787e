// Which exports of a kernel never touch linear memory, read from asc's text output (Binaryen prints one
// instruction a line in a function body). Such a function computes the same in any instance, so the
// pool's shared mode can run it from the single-thread build, as it does the built-in range kernels,
// instead of the threads build, whose shared memory it does not need (and where V8 compiled some loops
// slower). The answer errs one way only: anything not understood counts as touching memory.

/** An instruction that reads or writes linear memory (loads, stores, atomics, bulk memory, SIMD lane loads). */
const MEMORY_OP = /^(?:[a-z0-9]+\.(?:load|store)\w*|[a-z0-9]+\.atomic\.\S+|memory\.\S+|data\.drop)$/;
/** Calls whose target is not known here: they might reach anything. */
const UNKNOWN_CALL = new Set(["call_indirect", "return_call_indirect", "call_ref", "return_call_ref"]);

/** The names of the exported functions of `wat` that, with everything they call, touch no linear memory. */
export function memoryFreeExports(wat: string): Set<string> {
  const touches = new Set<string>();
  const calls = new Map<string, string[]>();
  const imported = new Set<string>();
  const exported = new Map<string, string>();
  let current: string | undefined;
  for (const line of wat.split("\n")) {
    const trimmed = line.trim();
    if (line.startsWith(" (func ")) {
      current = nameAt(trimmed, "(func ");
      if (current === undefined) return new Set();
      calls.set(current, []);
      continue;
    }
    if (line.startsWith(" (import ")) {
      const name = trimmed.match(/\(func (\$\S+)/)?.[1];
      if (name) imported.add(name);
      continue;
    }
    if (line.startsWith(" (export ")) {
      const m = trimmed.match(/^\(export "([^"\\]+)" \(func (\$[^\s()]+)\)\)$/);
      if (m) exported.set(m[1], m[2]);
      continue;
    }
    if (line === " )") {
      current = undefined;
      continue;
    }
    if (current === undefined || trimmed.startsWith("(")) continue;
    const [op, target] = trimmed.split(/\s+/);
    if (MEMORY_OP.test(op) || UNKNOWN_CALL.has(op)) touches.add(current);
    else if (op === "call" || op === "return_call") {
      if (!target?.startsWith("$") || target.includes('"')) touches.add(current);
      else calls.get(current)!.push(target);
    }
  }
  // Host imports (abort, trace) run outside the module: they read its memory only to report an error,
  // and that memory is the instance's own in either build.
  const free = (name: string, seen = new Set<string>()): boolean => {
    if (imported.has(name)) return true;
    if (touches.has(name) || !calls.has(name)) return false;
    if (seen.has(name)) return true;
    seen.add(name);
    return calls.get(name)!.every((callee) => free(callee, seen));
  };
  return new Set([...exported].filter(([, fn]) => free(fn)).map(([name]) => name));
}

/** The `$name` after `prefix` at the start of `text`, or undefined when Binaryen quoted it (then nothing is assumed). */
function nameAt(text: string, prefix: string): string | undefined {
  const name = text.slice(prefix.length).split(/[\s)]/)[0];
  return name.startsWith("$") && !name.includes('"') ? name : undefined;
}
