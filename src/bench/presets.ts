// The two presets. `quick` proves the machinery in seconds per runtime (CI runs it in all four
// runtimes in under a minute on 2 cores); `full` is for numbers worth publishing.
import { expected } from "../errors.ts";
import { checkOptions } from "../validate.ts";
import type { PresetName, PresetSettings } from "./types.ts";

export const PRESETS: Record<PresetName, PresetSettings> = {
  quick: { name: "quick", rounds: 5, minRounds: 3, minSampleMs: 2, budgetMs: 150, warmupMs: 20, workers: [1, 2], firstCallProcesses: 1 },
  full: { name: "full", rounds: 11, minRounds: 3, minSampleMs: 25, budgetMs: 6000, warmupMs: 300, firstCallProcesses: 9 },
};

const KEYS = ["name", "rounds", "minRounds", "minSampleMs", "budgetMs", "warmupMs", "workers", "firstCallProcesses"] as const;

/** The settings for a preset name, or a partial set of settings on top of `quick`. */
export function resolvePreset(preset: unknown, name = "options.preset"): PresetSettings {
  if (preset === undefined) return { ...PRESETS.quick };
  if (typeof preset === "string") {
    if (preset in PRESETS) return { ...PRESETS[preset as PresetName] };
    throw new RangeError(
      expected(
        name,
        `one of ${Object.keys(PRESETS)
          .map((p) => `"${p}"`)
          .join(", ")}`,
        preset,
      ),
    );
  }
  const given = checkOptions(preset, name, KEYS) as Partial<PresetSettings>;
  const base = given.name === "full" ? PRESETS.full : PRESETS.quick;
  const out: PresetSettings = { ...base, ...given, name: given.name ?? "custom" };
  for (const key of ["rounds", "minRounds", "firstCallProcesses"] as const)
    if (!Number.isInteger(out[key]) || out[key] < 1) throw new RangeError(expected(`${name}.${key}`, "a positive integer", out[key]));
  for (const key of ["minSampleMs", "budgetMs", "warmupMs"] as const)
    if (typeof out[key] !== "number" || !(out[key] >= 0))
      throw new RangeError(expected(`${name}.${key}`, "a non-negative number of milliseconds", out[key]));
  if (out.workers !== undefined && (!Array.isArray(out.workers) || !out.workers.every((w) => Number.isInteger(w) && w >= 1)))
    throw new RangeError(expected(`${name}.workers`, "a list of positive integers", out.workers));
  out.minRounds = Math.min(out.minRounds, out.rounds);
  return out;
}
