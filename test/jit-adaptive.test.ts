// jit's choice between the compiled call and the original function for calls that copy large ordinary
// typed arrays (src/jit/runtime/adaptive.ts): the policy on calls of known cost (busy loops standing in
// for the two ways, so the test does not depend on this machine's speed), which functions may take it,
// and, end to end, that answers and writes are the same whichever way runs.
import { describe, expect, it } from "vitest";
import { jit } from "../src/jit/index.ts";
import { Adaptive, MIN_BYTES, mayRunPlain } from "../src/jit/runtime/adaptive.ts";
import { parseFunction } from "../src/jit/front/parse.ts";

interface Costs {
  compiledMs: number;
  copyMs: number;
  /** The plain way's time, or its time at each call (1-based). */
  plainMs: number | ((call: number) => number);
  bytes?: number;
  /** As for calls copying ordinary arrays: one trial far enough off decides. */
  oneTrial?: boolean;
}

/** Runs `calls` calls on a fake clock; the compiled way takes `compiledMs`, of which `copyMs` copying; the plain way `plainMs`. */
function drive(
  adaptive: Adaptive,
  clock: { t: number },
  calls: number,
  { compiledMs, copyMs, plainMs, bytes = MIN_BYTES * 4, oneTrial = false }: Costs,
) {
  const ways: string[] = [];
  for (let i = 1; i <= calls; i++)
    adaptive.run(
      "f64(f64[])",
      bytes,
      () => {
        clock.t += compiledMs;
        adaptive.cost.ms += copyMs;
        ways.push("compiled");
      },
      () => {
        clock.t += typeof plainMs === "number" ? plainMs : plainMs(i);
        ways.push("plain");
      },
      false,
      [],
      oneTrial,
    );
  return ways;
}

/** The (1-based) calls that ran `way`. */
const callsOf = (ways: string[], way: string) => ways.flatMap((w, i) => (w === way ? [i + 1] : []));

/** An Adaptive on a fake clock, and a driver for it. */
function fake(resolution = 1e-4) {
  const clock = { t: 0 };
  const adaptive = new Adaptive(() => clock.t, resolution);
  return { adaptive, drive: (calls: number, costs: Costs) => drive(adaptive, clock, calls, costs) };
}

describe("jit adaptive: the policy", () => {
  it("copies taking a large share and the original faster: four compiled calls (the first is not a sample), two plain, then plain (compiled re-measured at the 8th call, then every 32nd)", () => {
    const { adaptive, drive } = fake();
    const ways = drive(40, { compiledMs: 1, copyMs: 0.6, plainMs: 0.8 });
    expect(ways.slice(0, 6)).toEqual(["compiled", "compiled", "compiled", "compiled", "plain", "plain"]);
    expect(
      ways
        .slice(6, 31)
        .map((w, i) => (w === "compiled" ? i + 7 : 0))
        .filter(Boolean),
    ).toEqual([8]); // the first decision's re-measure
    expect(ways[31]).toBe("compiled"); // the 32nd call
    expect(ways.slice(32).every((w) => w === "plain")).toBe(true);
    expect(adaptive.plainCalls).toBe(34);
  });

  it("the original 4% faster runs; 1% faster is a tie, which stays compiled", () => {
    expect(fake().drive(7, { compiledMs: 1, copyMs: 0.6, plainMs: 0.96 }).slice(6)).toEqual(["plain"]);
    expect(fake().drive(7, { compiledMs: 1, copyMs: 0.6, plainMs: 0.99 }).slice(6)).toEqual(["compiled"]);
  });

  it("long calls (≥ 20 ms): one compiled sample after the first call is enough", () => {
    const { drive } = fake();
    const ways = drive(6, { compiledMs: 300, copyMs: 60, plainMs: 220 });
    expect(ways).toEqual(["compiled", "compiled", "plain", "plain", "plain", "plain"]);
  });

  it("the original slower: back to compiled after the two trials", () => {
    const { drive } = fake();
    const ways = drive(12, { compiledMs: 1, copyMs: 0.6, plainMs: 2 });
    expect(ways.slice(0, 6)).toEqual(["compiled", "compiled", "compiled", "compiled", "plain", "plain"]);
    expect(
      ways
        .slice(6)
        .map((w, i) => (w === "plain" ? i + 7 : 0))
        .filter(Boolean),
    ).toEqual([8]);
    // The first decision is re-measured once whatever the distance (at call 8; at 32 when more than 3×
    // apart); then, 1.5–3× apart: every 256th call; more than 3×: never.
    const far = fake();
    expect(far.drive(300, { compiledMs: 0.5, copyMs: 0.3, plainMs: 1 }).filter((w) => w === "plain")).toHaveLength(4); // calls 5, 6, 8 and 256
    const never = fake();
    expect(never.drive(600, { compiledMs: 0.5, copyMs: 0.3, plainMs: 2 }).filter((w) => w === "plain")).toHaveLength(3); // 5, 6 and 32
  });

  it("a choice each re-measure confirms is re-measured ever less often: the interval doubles up to 1024 calls", () => {
    const { drive } = fake();
    const ways = drive(5000, { compiledMs: 1, copyMs: 0.6, plainMs: 0.9 });
    const compiledCalls = callsOf(ways, "compiled");
    expect(compiledCalls).toEqual([1, 2, 3, 4, 8, 32, 64, 128, 256, 512, 1024, 2048, 3072, 4096]);
    // A re-measure that changes the choice starts over at 32: the original gets faster after call 600.
    const seen = fake().drive(1200, { compiledMs: 1, copyMs: 0.6, plainMs: (call) => (call <= 600 ? 1.2 : 0.9) });
    const plainCalls = callsOf(seen, "plain");
    // Two trials, the re-measures that keep the compiled way (8, 32 … 512), then at 1024 the original wins.
    expect(plainCalls.slice(0, 9)).toEqual([5, 6, 8, 32, 64, 128, 256, 512, 1024]);
    // From there the compiled way is re-measured 32 calls later, then 64, then 128.
    const compiledAfter = seen.flatMap((w, i) => (i >= 1024 && w === "compiled" ? [i + 1] : []));
    expect(compiledAfter).toEqual([1056, 1088, 1152]);
  });

  it("trials of the original that ran cold: the first decision is re-measured at call 8, and the original wins then", () => {
    const clock = { t: 0 };
    const adaptive = new Adaptive(() => clock.t, 1e-4);
    const ways: string[] = [];
    let plainRuns = 0;
    for (let i = 0; i < 40; i++)
      adaptive.run(
        "f64(f64[])",
        MIN_BYTES * 4,
        () => {
          clock.t += 1.3;
          adaptive.cost.ms += 0.8;
          ways.push("compiled");
        },
        () => {
          clock.t += ++plainRuns <= 2 ? 2.2 : 0.9; // the two trials slow, then warm
          ways.push("plain");
        },
      );
    expect(ways.slice(4, 6)).toEqual(["plain", "plain"]);
    expect(ways[6]).toBe("compiled");
    expect(ways[7]).toBe("plain"); // call 8 re-measures the original: 0.9 ms, the faster
    expect(ways.slice(8, 31).every((w) => w === "plain")).toBe(true);
    expect(ways[31]).toBe("compiled"); // the new choice's first re-measure
    expect(ways.slice(32).every((w) => w === "plain")).toBe(true);
  });

  it("copies a small share of the call (a heavy loop): the original is tried only after 8 calls, and chosen when faster", () => {
    const { adaptive, drive } = fake();
    const ways = drive(70, { compiledMs: 1, copyMs: 0.015, plainMs: 0.8 });
    expect(ways.slice(0, 8).every((w) => w === "compiled")).toBe(true);
    // Then the original, but for the first decision's re-measure at call 16 and the doubling ones after.
    expect(callsOf(ways, "compiled").slice(8)).toEqual([16, 32, 64]);
    expect(adaptive.plainCalls).toBe(59);
    // An original 12× slower (matmul): three calls of it in all (two trials, the first decision's re-measure at call 32).
    const slow = fake();
    expect(callsOf(slow.drive(400, { compiledMs: 1, copyMs: 0.015, plainMs: 12 }), "plain")).toEqual([9, 10, 32]);
    // Copied arrays (the original is the caller's own function): one trial that far off decides.
    expect(callsOf(fake().drive(400, { compiledMs: 1, copyMs: 0.015, plainMs: 12, oneTrial: true }), "plain")).toEqual([9, 32]);
  });

  it("`always` (nothing copied, or code calling host functions such as Math.sin): the original is tried whatever the copies' share", () => {
    const clock = { t: 0 };
    const adaptive = new Adaptive(() => clock.t, 1e-4);
    const ways: string[] = [];
    for (let i = 0; i < 9; i++)
      adaptive.run(
        "f64(f64[])",
        MIN_BYTES * 2,
        () => ((clock.t += 1.5), ways.push("compiled")),
        () => ((clock.t += 1), ways.push("plain")),
        true,
      );
    // (The 8th call re-measures the compiled way, the first decision's re-measure.)
    expect(ways).toEqual(["compiled", "compiled", "compiled", "compiled", "plain", "plain", "plain", "compiled", "plain"]);
  });

  it("calls on numbers alone (runScalar): decided per magnitude of the arguments; a short call says so", () => {
    const clock = { t: 0 };
    const adaptive = new Adaptive(() => clock.t, 1e-4);
    const ways: string[] = [];
    const call = (n: number, compiledMs: number, plainMs: number) =>
      adaptive.runScalar(
        "f64(i32)",
        [n],
        () => ((clock.t += compiledMs), ways.push(`compiled ${n}`)),
        () => ((clock.t += plainMs), ways.push(`plain ${n}`)),
      );
    for (let i = 0; i < 7; i++) call(1e6, 2, 1);
    expect(ways.splice(0)).toEqual([...Array(4).fill("compiled 1000000"), ...Array(3).fill("plain 1000000")]);
    expect(adaptive.short).toBe(false);
    // Another magnitude starts over; 1.1e6 is the same power of two as 1e6 (its 8th call: the first
    // decision's re-measure, compiled; the 9th plain again).
    call(3e3, 0.2, 0.1);
    call(1.1e6, 2, 1);
    call(1.1e6, 2, 1);
    expect(ways.splice(0)).toEqual(["compiled 3000", "compiled 1100000", "plain 1100000"]);
    call(10, 0.001, 0.001);
    expect(adaptive.short).toBe(true);
  });

  it("calls shorter than ten ticks of the clock (a page's coarse one) are never measured: compiled", () => {
    const coarse = fake(0.1);
    expect(coarse.drive(12, { compiledMs: 0.5, copyMs: 0.4, plainMs: 0.1 }).every((w) => w === "compiled")).toBe(true);
    const fine = fake(0.01);
    // Four compiled calls, then the original from the fifth on (5× faster: re-measured at the 32nd call).
    expect(fine.drive(12, { compiledMs: 0.5, copyMs: 0.4, plainMs: 0.1 }).filter((w) => w === "plain")).toHaveLength(8);
  });

  it("below MIN_BYTES copied: always compiled, untimed", () => {
    const { drive } = fake();
    const ways = drive(10, { compiledMs: 0.2, copyMs: 0.19, plainMs: 0, bytes: MIN_BYTES - 1 });
    expect(ways.every((w) => w === "compiled")).toBe(true);
  });

  it("sizes are decided apart (by powers of two of the bytes copied)", () => {
    const { drive } = fake();
    drive(6, { compiledMs: 2, copyMs: 1.5, plainMs: 0.3, bytes: MIN_BYTES * 8 });
    const other = drive(4, { compiledMs: 2, copyMs: 1.5, plainMs: 0.3, bytes: MIN_BYTES * 64 });
    expect(other).toEqual(["compiled", "compiled", "compiled", "compiled"]);
  });

  it("specializations are decided apart (the same size, another signature starts over)", () => {
    const { adaptive, drive } = fake();
    drive(8, { compiledMs: 2, copyMs: 1.5, plainMs: 0.3 });
    const ways: string[] = [];
    for (let i = 0; i < 4; i++)
      adaptive.run(
        "f64(i32[])",
        MIN_BYTES * 4,
        () => ways.push("compiled"),
        () => ways.push("plain"),
      );
    expect(ways).toEqual(["compiled", "compiled", "compiled", "compiled"]);
  });

  it("a way that throws fails its call and leaves the timing off", () => {
    const adaptive = new Adaptive();
    expect(() =>
      adaptive.run(
        "f64(f64[])",
        MIN_BYTES,
        () => {
          throw new RangeError("boom");
        },
        () => 0,
      ),
    ).toThrow("boom");
    expect(adaptive.cost.timing).toBe(false);
  });
});

describe("jit adaptive: which functions may run their original", () => {
  const body = (src: string) => parseFunction(src).body;
  it("number code over number arrays: yes", () => {
    expect(
      mayRunPlain(
        ["f64[]", "f64[]"],
        "f64",
        body("function d(a, b) { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }"),
        {},
      ),
    ).toBe(true);
  });
  it("callees, bigint anywhere, bigint arrays: no; numbers alone: yes", () => {
    const src = "function d(a) { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; }";
    expect(mayRunPlain(["f64[]"], "f64", body(src), { "fn:g": "function g() {}" })).toBe(false);
    expect(
      mayRunPlain(
        ["f64[]"],
        "f64",
        body("function d(a) { let s = 0n; for (let i = 0; i < a.length; i++) s += BigInt(a[i]); return Number(s); }"),
        {},
      ),
    ).toBe(false);
    expect(mayRunPlain(["u64[]"], "void", body("function d(a) { a[0] = a[1]; }"), {})).toBe(false);
    expect(mayRunPlain(["f64"], "f64", body("function d(x) { return x; }"), {})).toBe(true);
    expect(mayRunPlain(["f64[]"], "u64", body(src), {})).toBe(false);
  });
});

describe("jit adaptive: end to end", () => {
  // A loop that does little per element: with the arrays copied, either way can be the faster one here.
  function axpy(out: Float64Array, x: Float64Array, y: Float64Array, a: number): number {
    let s = 0;
    for (let i = 0; i < x.length; i++) {
      out[i] = a * x[i] + y[i];
      s += out[i];
    }
    return s;
  }
  const n = MIN_BYTES / 8; // three arrays of MIN_BYTES (16 KiB): 48 KiB copied
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3);
  const y = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? -0 : Math.cos(i)));
  y[5] = NaN;
  y[9] = Infinity;

  it("every call gives the original's result and writes, whichever way ran", () => {
    const fast = jit(axpy);
    for (let call = 0; call < 70; call++) {
      const a = call % 3 === 0 ? -0.5 : 1.25 + call;
      const [outJ, outP] = [new Float64Array(n), new Float64Array(n)];
      expect(Object.is(fast(outJ, x, y, a), axpy(outP, x, y, a))).toBe(true);
      expect(Buffer.from(outJ.buffer).equals(Buffer.from(outP.buffer))).toBe(true);
    }
    expect(fast.stats.plainCalls).toBeGreaterThanOrEqual(0);
    expect(fast.stats.plainCalls).toBeLessThanOrEqual(70 - 2);
  });

  it("`adaptive: false` always runs the compiled function", () => {
    const fixed = jit(axpy, undefined, { adaptive: false });
    const out = new Float64Array(n);
    for (let call = 0; call < 10; call++) fixed(out, x, y, 2);
    expect(fixed.stats.plainCalls).toBe(0);
  });

  it("arrays from jit.array (nothing copied) are measured too: the original's trials write the same elements in place", () => {
    // Long enough calls to be timed on any machine (a call shorter than ten ticks of the clock is not).
    const big = 1 << 17;
    const [bx, by] = [Float64Array.from({ length: big }, (_, i) => x[i % n]), Float64Array.from({ length: big }, (_, i) => y[i % n])];
    const zero = jit(axpy);
    const [ox, xx, yx] = [jit.array(Float64Array, big), jit.array(Float64Array, bx), jit.array(Float64Array, by)];
    const expected = new Float64Array(big);
    for (let call = 0; call < 10; call++) {
      ox.fill(call);
      expect(Object.is(zero(ox, xx, yx, 0.5 + call), axpy(expected, bx, by, 0.5 + call))).toBe(true);
      expect(Buffer.from(ox.buffer, ox.byteOffset, ox.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);
    }
    // Four compiled calls (the first is not a sample), then two trials of the original at least.
    expect(zero.stats.plainCalls).toBeGreaterThanOrEqual(2);
    for (const a of [ox, xx, yx]) jit.free(a);
  });

  it("on jit.array arrays the original runs as a copy made from its source (a method, an arrow, a function): same answers", () => {
    const big = 1 << 17;
    const data = jit.array(
      Float64Array,
      Float64Array.from({ length: big }, (_, i) => x[i % n]),
    );
    const methods = {
      total(a: Float64Array) {
        let s = 0;
        for (let i = 0; i < a.length; i++) s += a[i] * 0.5;
        return s;
      },
    };
    const arrow = (a: Float64Array) => {
      let s = -0;
      for (let i = 0; i < a.length; i++) s -= a[i];
      return s;
    };
    for (const f of [methods.total, arrow]) {
      const fast = jit(f);
      for (let call = 0; call < 10; call++) expect(Object.is(fast(data), f(data))).toBe(true);
      expect(fast.stats.plainCalls).toBeGreaterThanOrEqual(2);
    }
    jit.free(data);
  });

  it("fastmath: the original may run (its sums are the exact order, a result fastmath allows); answers within the tolerance", () => {
    const dot = (a: Float64Array, b: Float64Array) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * b[i];
      return s;
    };
    const fast = jit(dot, undefined, { fastmath: true });
    const big = Float64Array.from({ length: 1 << 17 }, (_, i) => x[i % n]);
    const exact = dot(big, big);
    for (let call = 0; call < 10; call++) expect(Math.abs(fast(big, big) - exact)).toBeLessThanOrEqual(1e-9 * exact);
    expect(fast.stats.plainCalls).toBeGreaterThanOrEqual(2);
  });

  it("numbers alone, code calling Math.cbrt (a call into JavaScript from wasm): the original's results whichever way runs, short calls too", () => {
    const roots = jit((n: number, x: number) => {
      let s = 0;
      for (let i = 1; i < n; i++) s += Math.cbrt(i * x) - Math.tanh(x / i);
      return s;
    });
    const plain = roots.original as (n: number, x: number) => number;
    for (let call = 0; call < 12; call++) {
      const x = call % 2 ? 0.37 : -2;
      expect(Object.is(roots(200_000, x), plain(200_000, x))).toBe(true);
    }
    expect(roots.stats.plainCalls).toBeGreaterThanOrEqual(0);
    for (let call = 0; call < 600; call++) expect(Object.is(roots(3, call / 7), plain(3, call / 7))).toBe(true);
    // Without host calls too (a loop the engine may run faster in its own way): measured, the same answers.
    const sum = jit((n: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += i % 3 === 0 ? i * 0.5 : -i;
      return s;
    });
    const original = sum.original as (n: number) => number;
    for (let call = 0; call < 12; call++) expect(sum(1e6 + call)).toBe(original(1e6 + call));
    expect(sum.stats.plainCalls).toBeGreaterThanOrEqual(1);
  });

  it("calls on numbers alone: one trial of an original more than 8× slower decides (two otherwise)", () => {
    const clock = { t: 0 };
    const adaptive = new Adaptive(() => clock.t, 1e-4);
    const plainCallsAt = (plainMs: number) => {
      const at: number[] = [];
      for (let call = 1; call <= 40; call++)
        adaptive.runScalar(
          `f64(f64) ${plainMs}`,
          [1000],
          () => (clock.t += 1),
          () => ((clock.t += plainMs), at.push(call)),
        );
      return at;
    };
    // 20× slower: the trial at call 5 decides; the first decision's re-measure at call 32 (more than 3× apart).
    expect(plainCallsAt(20)).toEqual([5, 32]);
    // 2× slower: two trials, then the re-measure at call 8.
    expect(plainCallsAt(2)).toEqual([5, 6, 8]);
  });

  it("a bigint function copying large arrays is never run as its original (u64 wraps, bigints do not)", () => {
    const wrap = jit(function wrap(a: BigUint64Array, out: BigUint64Array) {
      for (let i = 0; i < a.length; i++) out[i] = a[i] * a[i] + 1n;
    });
    const a = new BigUint64Array(n).fill(2n ** 40n);
    const out = new BigUint64Array(n);
    for (let call = 0; call < 8; call++) wrap(a, out);
    expect(wrap.stats.plainCalls).toBe(0);
    expect(out[0]).toBe(BigInt.asUintN(64, 2n ** 80n + 1n));
  });

  it("the option is checked", () => {
    expect(() => jit(axpy, undefined, { adaptive: "yes" as unknown as boolean })).toThrow(/options\.adaptive/);
  });
});
