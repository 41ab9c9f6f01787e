// The JSON report (what `--json` prints): the whole model, as measured. Pure.
import type { BenchReport, RuntimeResult } from "../types.ts";
import { asReport } from "./table.ts";

/** The JSON report (what `--json` prints). */
export function toJson(input: BenchReport | RuntimeResult): string {
  const report = asReport(input);
  return JSON.stringify(report, null, 2) + "\n";
}
