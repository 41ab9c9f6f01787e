// Renders a finished race: the verdict (speedups and whether every answer equals the plain
// function's), the bar chart and the table with every implementation, its answer and its status.
import type { CaseResult, ImplementationResult } from "hotpath/bench";
import "./results.css";
import { formatMs, raceChart } from "./chart.ts";
import type { RaceOutcome } from "./race.ts";
import { implLabel, type Engine } from "./race-protocol.ts";

const $ = (id: string) => document.getElementById(id)!;
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const times = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;

/** Whether every implementation that ran gave the plain function's answers (at both sizes). */
export function answersEqual(c: CaseResult): boolean {
  const ran = c.implementations.filter((r) => r.status !== "skipped");
  return c.truth !== undefined && ran.every((r) => r.status === "ok" || r.status === "flat");
}

export function showRace({ result, signature, range }: RaceOutcome, engine: Engine = "jit"): void {
  const c = result.cases[0];
  const jit = c.implementations.find((r) => r.id === "wasm");
  const pools = c.implementations.filter((r) => r.kind.startsWith("pool") && r.status === "ok" && r.speedup !== undefined);
  const bestPool = pools.sort((a, b) => b.speedup! - a.speedup!)[0];
  const equal = answersEqual(c);
  const verdict = $("verdict");
  verdict.hidden = false;
  verdict.innerHTML = `
    <div class="headline">
      <div class="big" id="speedup">${jit?.speedup !== undefined ? times(jit.speedup) : "–"}</div>
      <div>${engine === "as" ? "AssemblyScript" : "jit"} against plain JavaScript<br /><small>${jit?.full ? `${formatMs(jit.full.medianMs)} against ${formatMs(c.implementations.find((r) => r.id === "ts")?.full?.medianMs ?? NaN)} a call` : escape(jit?.note ?? "")}</small></div>
    </div>
    ${
      bestPool
        ? `<div class="headline"><div class="big pool" id="pool-speedup">${times(bestPool.speedup!)}</div><div>${escape(implLabel(bestPool.id, engine))}<br /><small>${formatMs(bestPool.full!.medianMs)} a call</small></div></div>`
        : ""
    }
    <div class="answers ${equal ? "equal" : "differ"}" id="answers">${equal ? "✓ answers equal" : "✗ answers differ"} <small>${escape(answerLine(c, engine))}</small></div>`;
  $("race-empty").hidden = true;
  $("chart").innerHTML = raceChart(c.implementations, engine);
  const table = $("race-table") as HTMLTableElement;
  const notes: string[] = []; // why a row is flat, wrong or skipped: numbered in the status column
  table.hidden = false;
  table.innerHTML =
    `<thead><tr><th>implementation</th><th>median</th><th>first call</th><th>×</th><th>answer</th><th>status</th></tr></thead><tbody>` +
    c.implementations.map((r) => row(r, notes, engine)).join("") +
    "</tbody>";
  $("race-notes").innerHTML = notes.map((n) => `<li>${escape(n)}</li>`).join("");
  const rt = result.runtime;
  $("race-meta").textContent =
    `${signature}${range ? " · a range function: the pool ran it" : ""} · ${rt.version} · ${rt.cores} cores · ` +
    `${rt.sharedMemory ? "shared memory available" : "no shared memory (message passing)"} · preset ${result.preset.name} · ` +
    `${formatMs(result.durationMs)} in all · answers checked against the plain function (${c.truthSource})`;
}

function answerLine(c: CaseResult, engine: Engine): string {
  if (c.truth === undefined) return "no answer to compare";
  const wrong = c.implementations.filter((r) => r.status === "wrong" || r.status === "error");
  if (!wrong.length) return `${c.truth} from every implementation`;
  return wrong.map((r) => `${implLabel(r.id, engine)}: ${r.note ?? r.status}`).join("; ");
}

function row(r: ImplementationResult, notes: string[], engine: Engine): string {
  const cells = [
    implLabel(r.id, engine),
    r.full ? formatMs(r.full.medianMs) : "–",
    r.coldMs !== undefined ? formatMs(r.coldMs) : "–",
    r.speedup !== undefined ? times(r.speedup) : "–",
    r.value ?? "–",
  ];
  const mark = r.note ? ` [${notes.push(`${implLabel(r.id, engine)}: ${r.note}`)}]` : "";
  return `<tr class="${r.status}" data-impl="${escape(r.id)}">${cells.map((c) => `<td>${escape(c)}</td>`).join("")}<td class="status">${escape(r.status + mark)}</td></tr>`;
}

/** Empties the race panel (a new race, or the code changed). */
export function clearRace(): void {
  $("verdict").hidden = true;
  $("chart").innerHTML = "";
  $("race-table").hidden = true;
  $("race-meta").textContent = "";
  $("race-notes").innerHTML = "";
  $("race-empty").hidden = false;
}
