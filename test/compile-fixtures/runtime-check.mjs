// The same checks in Node, Deno, Bun and a Chromium page (test/compile-runtimes.test.ts): the generated
// modules of values.ts (every type asc's bindings carry, as parameter and result) and nbody.ts, loaded
// and called. Run as a script (Deno, Bun) with the folder of the generated modules as its argument, it
// prints one JSON line; a page imports `check(base)` and calls it with the folder's URL.

const same = (a, b) =>
  JSON.stringify(a, (_, v) => (typeof v === "bigint" ? `${v}n` : v)) === JSON.stringify(b, (_, v) => (typeof v === "bigint" ? `${v}n` : v));

export async function check(base) {
  const v = await (await import(`${base}/values.js`)).default.load();
  const n = await (await import(`${base}/nbody.js`)).default.load();
  const counter = new v.Counter("c", 3);
  const checks = {
    string: v.shout("héllo") === "HÉLLO!" && v.echo("a\ud800b") === "a\ud800b",
    arrayBuffer: v.byteSum(new Uint8Array([1, 2, 250]).buffer) === 253 && same([...new Uint8Array(v.bufferOf(3))], [0, 7, 14]),
    typedArray: same([...v.doubled(new Float64Array([1, 2.5]))], [2, 5]) && v.doubled(new Float64Array(1)) instanceof Float64Array,
    bigTypedArray: same([...v.squaresU64(new BigUint64Array([3n, 2n ** 32n + 1n]))], [9n, 2n ** 33n + 1n]),
    array: same(v.reversed([1, 2, 3]), [3, 2, 1]) && v.sumI64([1n, -5n]) === -4n,
    staticArray: same(v.prefix([1, 2, 3]), [1, 3, 6]) && same(v.flags(4), [true, false, false, true]),
    object: same(v.retag({ label: "a", count: 5n, at: { x: 1, y: 2, z: 3 } }, "b"), { label: "ab", count: 6n, at: { x: 1, y: 2, z: 3 } }),
    instance: counter.add(2) === counter && counter.total === 6n && counter.label === "c=6" && v.totalOf(counter) === 6n,
    nullable: v.find("none") === null && v.lengthOrMinus(null) === -1,
    globals: v.GREETING === "hello" && v.LIMIT === 2n ** 64n - 1n && v.tick() === v.ticks,
    memory: v.memory instanceof WebAssembly.Memory,
    closureLeftOut: !("apply" in v),
    namedError: (() => {
      try {
        v.shout(5);
        return false;
      } catch (e) {
        return /Expected `s` to be a string/.test(e.message);
      }
    })(),
  };
  counter.dispose();
  checks.disposed = v.heap.pinned === 0;
  n.init();
  const sun = n.getBody(0);
  checks.nbodyBody = sun instanceof n.Body && Math.abs(sun.mass - 4 * Math.PI * Math.PI) < 1e-12 && n.getBody(9) === null;
  sun.dispose();
  n.bench(999);
  checks.nbodyEnergy = n.step().toFixed(9) === "-0.169087605";
  return checks;
}

if (import.meta.main) {
  const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.version}`;
  const dir = (globalThis.Deno?.args ?? process.argv.slice(2))[0];
  const checks = await check(new URL(`file://${dir}`).href);
  console.log(JSON.stringify({ runtime, checks }));
}
