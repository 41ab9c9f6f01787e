// Run by test/jit-cache.test.ts with a field type ("u64" or "i64") and a shared HOTPATH_JIT_CACHE: the
// same class and function text, a jitClass field of another type. Prints one JSON line.
import { jit, jitClass } from "../../build/jit.js";

const type = process.argv[2];
const Pt = jitClass(
  { x: type },
  class Pt {
    constructor(x) {
      this.x = x;
    }
  },
);
function getx(p) {
  return p.x - 1n;
}
const f = jit(getx, undefined, { cache: true });
const p = new Pt(type === "i64" ? -5n : 5n);
console.log(JSON.stringify({ plain: String(getx(p)), jit: String(f(p)), stats: f.stats }));
