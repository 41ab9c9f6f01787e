// Measures cases in the current runtime: cold first call, warm-up, interleaved rounds at the full
// and half sizes, every answer checked, flat guard (a time below the floor of MAX_UNITS_PER_NS, or
// one that does not grow from n/2 to n), speedups over the fastest correct TS twin.
import { belowFloor, GROWTH_THRESHOLD, grows, growthRatio, majority, MAX_UNITS_PER_NS, summarize, unitsPerNs } from "./summary.ts";
import type { BenchCase, BenchProgress, CaseResult, Implementation, ImplementationResult, PresetSettings } from "./types.ts";

const now = () => performance.now();

/** The canonical text of a result: u64 bigints unsigned, integral numbers as integers, the rest by String. */
export function defaultNormalize(value: unknown): string {
  if (typeof value === "bigint") return BigInt.asUintN(64, value).toString();
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value).toString();
  return String(value);
}

interface Active {
  impl: Implementation;
  result: ImplementationResult;
  args: { full: unknown; half: unknown };
  async: boolean;
  rounds: number;
  samples: { full: number[]; half: number[] };
}

/** Runs `cases` one after the other and returns one result per case. */
export async function measureCases(
  cases: readonly BenchCase[],
  settings: PresetSettings,
  sizeOf: (c: BenchCase) => number,
  onProgress: (p: BenchProgress) => void = () => {},
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (let index = 0; index < cases.length; index++) {
    const c = cases[index];
    const progress = (phase: string, impl?: string) => onProgress({ caseIndex: index, caseCount: cases.length, caseId: c.id, phase, impl });
    results.push(await measureCase(c, settings, sizeOf(c), progress));
    progress("done");
  }
  return results;
}

async function measureCase(
  c: BenchCase,
  settings: PresetSettings,
  size: number,
  progress: (phase: string, impl?: string) => void,
): Promise<CaseResult> {
  const halfSize = c.half ? c.half(size) : Math.floor(size / 2);
  const normalize = c.normalize ?? defaultNormalize;
  const equal = c.equal ?? ((a: string, b: string) => a === b);
  const listed = await c.implementations();
  const results: ImplementationResult[] = [];
  const active: Active[] = [];
  const inputFull = c.input ? await c.input(size) : size;
  const inputHalf = c.input ? await c.input(halfSize) : halfSize;

  for (const entry of listed) {
    const base = { id: entry.id, label: entry.label, kind: entry.kind, ...(entry.workers !== undefined ? { workers: entry.workers } : {}) };
    if ("skipped" in entry) {
      results.push({ ...base, status: "skipped", note: entry.skipped });
      continue;
    }
    const impl = entry;
    if (impl.maxSize !== undefined && size > impl.maxSize) {
      results.push({ ...base, status: "skipped", note: `not run above n = ${impl.maxSize} (too slow); the others check each other` });
      continue;
    }
    const result: ImplementationResult = { ...base, status: "ok", ...(impl.knownInexact ? { knownInexact: true } : {}) };
    results.push(result);
    try {
      const full = impl.prepare ? await impl.prepare(inputFull, size) : inputFull;
      const half = impl.prepare ? await impl.prepare(inputHalf, halfSize) : inputHalf;
      active.push({ impl, result, args: { full, half }, async: false, rounds: 0, samples: { full: [], half: [] } });
    } catch (error) {
      fail(result, error);
    }
  }

  // Cold: each implementation's very first call, at the full size, before anything warmed it up.
  for (const a of [...active]) {
    progress("cold", a.impl.id);
    try {
      collectGarbage();
      const t0 = now();
      const out = a.impl.run(a.args.full, 1);
      a.async = isThenable(out);
      const settled = a.async ? await out : out;
      const elapsed = now() - t0;
      a.result.coldMs = a.impl.selfTimed ? (settled as SelfTimed).ms : elapsed;
      a.result.value = normalize(a.impl.selfTimed ? (settled as SelfTimed).value : settled);
    } catch (error) {
      fail(a.result, error);
      active.splice(active.indexOf(a), 1);
    }
  }

  // Warm-up on the half size until warmupMs has passed (at least one call), which also estimates
  // the warm time of one full-size call, from which the repetitions and rounds follow.
  for (const a of [...active]) {
    progress("warm-up", a.impl.id);
    try {
      let spent = 0;
      let calls = 0;
      let last: unknown;
      while (calls === 0 || spent < settings.warmupMs) {
        const t0 = now();
        const out = await call(a, a.args.half, 1);
        spent += now() - t0;
        calls++;
        last = out.value;
        if (calls >= 10_000) break;
      }
      a.result.halfValue = normalize(last);
      // Calibrate at the full size: double the calls per sample until one sample lasts minSampleMs,
      // so that timer resolution (5 µs in isolated pages, coarser elsewhere) stays far below it.
      let reps = 1;
      let estimateFull = 0;
      for (;;) {
        const sample = await call(a, a.args.full, reps);
        estimateFull = Math.max(sample.ms, 1e-6);
        if (sample.ms * reps >= settings.minSampleMs || reps >= 1 << 24) break;
        reps = Math.min(
          1 << 24,
          Math.max(reps * 2, Math.ceil((settings.minSampleMs / Math.max(sample.ms * reps, settings.minSampleMs / 64)) * reps)),
        );
      }
      a.result.reps = reps;
      const perRound = estimateFull * reps * 1.5;
      a.rounds = Math.max(settings.minRounds, Math.min(settings.rounds, Math.floor(settings.budgetMs / perRound)));
    } catch (error) {
      fail(a.result, error);
      active.splice(active.indexOf(a), 1);
    }
  }

  // Interleaved rounds: the order rotates every round, and full and half sizes alternate, so that
  // drift (other processes, GC, thermal) falls on every implementation alike.
  const maxRounds = Math.max(0, ...active.map((a) => a.rounds));
  for (let round = 0; round < maxRounds; round++) {
    for (let j = 0; j < active.length; j++) {
      const a = active[(j + round) % active.length];
      if (round >= a.rounds || a.result.status === "error") continue;
      progress(`round ${round + 1}/${maxRounds}`, a.impl.id);
      try {
        const order = round % 2 ? (["half", "full"] as const) : (["full", "half"] as const);
        for (const which of order) {
          collectGarbage();
          const sample = await call(a, a.args[which], a.result.reps ?? 1);
          a.samples[which].push(sample.ms);
          const text = normalize(sample.value);
          const seen = which === "full" ? a.result.value : a.result.halfValue;
          if (seen !== undefined && !equal(text, seen)) a.result.note = `answers differ between calls: ${seen} then ${text}`;
        }
      } catch (error) {
        fail(a.result, error);
      }
    }
  }

  for (const a of active) {
    const remark = a.impl.remark?.();
    if (remark) a.result.remark = remark;
  }
  for (const entry of listed) if (!("skipped" in entry)) await entry.dispose?.();
  const growthOfMinima = new Map<ImplementationResult, number>();
  for (const a of active) {
    if (a.result.status === "error") continue;
    a.result.full = summarize(a.samples.full);
    a.result.half = summarize(a.samples.half);
    a.result.growth = growthRatio(a.result.full.medianMs, a.result.half.medianMs);
    // Noise only ever adds time, so the fastest samples give a second, steadier view of the growth.
    growthOfMinima.set(a.result, growthRatio(a.result.full.minMs, a.result.half.minMs));
  }

  // The truth: a closed form if the case has one, else its exact reference, else a strict majority.
  const measured = results.filter((r) => r.value !== undefined && r.status !== "error");
  let truth: { full?: string; half?: string; source: CaseResult["truthSource"] } = { source: "none" };
  if (c.expected) truth = { full: c.expected(size, inputFull), half: c.expected(halfSize, inputHalf), source: "expected" };
  else {
    const ref = c.reference ? measured.find((r) => r.id === c.reference) : undefined;
    if (ref) truth = { full: ref.value, half: ref.halfValue, source: "reference" };
    else {
      const full = majority(
        measured.map((r) => r.value!),
        equal,
      );
      const half = majority(
        measured.map((r) => r.halfValue ?? ""),
        equal,
      );
      if (full !== undefined) truth = { full, half, source: "majority" };
    }
  }

  for (const r of measured) {
    if (truth.full === undefined) {
      r.status = "unverified";
      r.note ??= "no known answer, no reference and no majority to check against";
    } else if (!equal(r.value!, truth.full)) {
      r.status = "wrong";
      r.note = `answered ${r.value} at n = ${size}, expected ${truth.full}`;
    } else if (truth.half !== undefined && r.halfValue !== undefined && !equal(r.halfValue, truth.half)) {
      r.status = "wrong";
      r.note = `answered ${r.halfValue} at n = ${halfSize}, expected ${truth.half}`;
    } else if (r.note?.startsWith("answers differ")) {
      r.status = "wrong";
    } else if (r.full && belowFloor(size, r.full.medianMs)) {
      // Its median call covers more of the input per ns than any machine can. Noise only adds time, so
      // to hide this it would have to slow most samples down by the margin (25× and more in the presets).
      r.status = "flat";
      r.note = `${formatRate(unitsPerNs(size, r.full.medianMs))} ${c.unit ?? "units"} per ns at n = ${size} (more than ${MAX_UNITS_PER_NS}, which no machine does): the work was optimised away`;
    } else if (r.growth !== undefined && !grows(r.growth) && !grows(growthOfMinima.get(r) ?? r.growth)) {
      r.status = "flat";
      r.note = `time does not grow with the input: t(n)/t(n/2) = ${r.growth.toFixed(2)} (< ${GROWTH_THRESHOLD}); the work was optimised away or overhead dominates`;
    }
  }

  // "vs TS": the fastest TS twin whose answers were right (a flat twin is still right: flat is a timing warning).
  const tsOk = results.filter(
    (r) => (r.kind === "ts-number" || r.kind === "ts-bigint" || r.kind === "ts") && (r.status === "ok" || r.status === "flat") && r.full,
  );
  const baseline = tsOk.sort((a, b) => a.full!.medianMs - b.full!.medianMs)[0];
  if (baseline)
    // No speedup for a flat implementation: its time does not measure the work, so no claim is made.
    for (const r of results) if ((r.status === "ok" || r === baseline) && r.full) r.speedup = baseline.full!.medianMs / r.full.medianMs;

  // Pool against bare threads with as many workers: bare time ÷ pool time (only where both answered right).
  for (const r of results) {
    if ((r.kind !== "pool-shared" && r.kind !== "pool-message") || r.status !== "ok" || !r.full) continue;
    const bare = results.find((b) => b.kind === "bare-threads" && b.workers === r.workers && b.status === "ok" && b.full);
    if (bare) r.vsBare = bare.full!.medianMs / r.full.medianMs;
  }

  return {
    id: c.id,
    title: c.title,
    unit: c.unit ?? "n",
    size,
    halfSize,
    ...(truth.full !== undefined ? { truth: truth.full } : {}),
    truthSource: truth.source,
    ...(baseline ? { baseline: baseline.id } : {}),
    implementations: results,
  };
}

interface SelfTimed {
  value: unknown;
  ms: number;
}

/**
 * A full collection before each sample, where the runtime offers one (Node and Deno started with
 * --expose-gc by `hotpath bench`, Bun always; a page has none): the garbage one implementation leaves
 * (a 128 MiB output array) is then not collected in the next one's time. Each sample still pays for
 * the collections its own allocations cause.
 */
function collectGarbage(): void {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (g.Bun) g.Bun.gc(true);
  else g.gc?.();
}

/** One timed sample: `reps` calls in a row (or the implementation's own timing), as ms per call. */
async function call(a: Active, arg: unknown, reps: number): Promise<SelfTimed> {
  const { impl } = a;
  if (impl.selfTimed) return (await impl.run(arg, reps)) as SelfTimed;
  let value: unknown;
  if (a.async) {
    const t0 = now();
    for (let i = 0; i < reps; i++) value = await impl.run(arg, 1);
    return { value, ms: (now() - t0) / reps };
  }
  const t0 = now();
  for (let i = 0; i < reps; i++) value = impl.run(arg, 1);
  return { value, ms: (now() - t0) / reps };
}

function formatRate(x: number): string {
  return x >= 1e6 ? x.toExponential(1) : String(Math.round(x));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

function fail(result: ImplementationResult, error: unknown): void {
  result.status = "error";
  result.note = `${(error as Error)?.name ?? "Error"}: ${(error as Error)?.message ?? String(error)}`;
}
