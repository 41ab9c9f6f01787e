// The playground page: the editors (the function in TypeScript, and optionally in AssemblyScript), the
// example menu, the arguments and options (all kept in the URL), Compile (jit on this thread: it parses
// and compiles, it runs nothing; or asc in its worker) and Race (in a worker, see race.ts), with Stop.
// hotpath/jit is loaded after the page is interactive, so the editor comes first; asc on first use.
import { ArgsError, parseArgs } from "./args.ts";
import { AscError, compileAssemblyScript, type AscResult } from "./as-compiler.ts";
import { specText } from "./as-signature.ts";
import { createEditor, type CodeEditor } from "./editor.ts";
import { AS_TEMPLATE, EXAMPLES } from "./examples.ts";
import { formatMs } from "./chart.ts";
import { RaceError, runRace } from "./race.ts";
import { implLabel } from "./race-protocol.ts";
import { clearRace, showRace } from "./results.ts";
import { decodeState, defaultState, encodeState, type Combine, type Engine, type PlaygroundState, type Preset } from "./state.ts";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const cores = Math.max(1, navigator.hardwareConcurrency || 1);
let state: PlaygroundState = decodeState(location.hash, cores) ?? defaultState(cores);

// Header: whether the pool can share memory here.
const isolation = $("isolation");
isolation.textContent = crossOriginIsolated
  ? "cross-origin isolated: the pool shares memory"
  : "not cross-origin isolated: the pool passes messages";
isolation.className = `badge ${crossOriginIsolated ? "good" : "warn"}`;
isolation.title = crossOriginIsolated
  ? "Served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp"
  : "Serve the page with COOP: same-origin and COEP: require-corp for shared memory; the pool falls back to message passing";
$("cores").textContent = `${cores} core${cores === 1 ? "" : "s"}`;

// The controls, filled from the state.
const select = $<HTMLSelectElement>("example");
select.innerHTML =
  EXAMPLES.map((e) => `<option value="${e.id}">${e.title}</option>`).join("") + `<option value="" disabled>your own code</option>`;
const argsInput = $<HTMLInputElement>("args");
const halfInput = $<HTMLInputElement>("half");
const workersInput = $<HTMLInputElement>("workers");
const combineSelect = $<HTMLSelectElement>("combine");
const presetSelect = $<HTMLSelectElement>("preset");
const editor = createEditor($("editor"), state.code, "the function in TypeScript or JavaScript", (code) => update({ code }));
const asEditor = createEditor($("editor-as"), state.as, "the function in AssemblyScript", (as) => update({ as }));

/** Puts the TypeScript (jit) or the AssemblyScript (asc) editor in front. */
function showTab(engine: Engine) {
  $("editor").hidden = engine !== "jit";
  $("editor-as").hidden = engine !== "as";
  $("tab-jit").setAttribute("aria-selected", String(engine === "jit"));
  $("tab-as").setAttribute("aria-selected", String(engine === "as"));
  $("tab-note").textContent = engine === "as" ? "raced against the TypeScript tab's function" : "";
  $("compile-sub").textContent =
    engine === "as"
      ? "asc -O3 in the page: the function's boundary and the WebAssembly text"
      : "the signature jit chose and the WebAssembly text (inspect())";
  $("race-sub").textContent = `plain JavaScript against ${engine === "as" ? "AssemblyScript" : "jit"}, warm, interleaved rounds, medians`;
}
showTab(state.engine);
for (const engine of ["jit", "as"] as const)
  $(`tab-${engine}`).addEventListener("click", () => {
    if (state.engine === engine) return;
    update({ engine });
    showTab(engine);
    clearRace();
    void compile();
  });

function fillControls() {
  select.value = state.example;
  argsInput.value = state.args;
  halfInput.value = state.half;
  workersInput.value = String(state.workers);
  combineSelect.value = state.combine;
  presetSelect.value = state.preset;
}
fillControls();

/** Changes the state and writes it into the URL (replaceState: typing does not fill the history). */
function update(change: Partial<PlaygroundState>) {
  state = { ...state, ...change };
  const example = EXAMPLES.find((e) => e.id === state.example);
  if (example && (example.code !== state.code || (example.as ?? AS_TEMPLATE) !== state.as)) state.example = "";
  select.value = state.example;
  history.replaceState(null, "", `#${encodeState(state)}`);
}

select.addEventListener("change", () => {
  const example = EXAMPLES.find((e) => e.id === select.value);
  if (!example) return;
  state = {
    ...state,
    example: example.id,
    args: example.args,
    half: example.half ?? "",
    combine: example.combine ?? "auto",
    code: example.code,
    as: example.as ?? AS_TEMPLATE,
  };
  editor.setCode(example.code);
  asEditor.setCode(state.as);
  fillControls();
  update({});
  clearRace();
  void compile();
});
argsInput.addEventListener("input", () => update({ args: argsInput.value }));
halfInput.addEventListener("input", () => update({ half: halfInput.value }));
workersInput.addEventListener("input", () => {
  const n = Number(workersInput.value);
  if (Number.isInteger(n) && n >= 0 && n <= 64) update({ workers: n });
});
combineSelect.addEventListener("change", () => update({ combine: combineSelect.value as Combine }));
presetSelect.addEventListener("change", () => update({ preset: presetSelect.value as Preset }));
// A link pasted into this tab's address bar.
addEventListener("hashchange", () => {
  const next = decodeState(location.hash, cores);
  if (!next || encodeState(next) === encodeState(state)) return;
  state = next;
  editor.setCode(state.code);
  asEditor.setCode(state.as);
  showTab(state.engine);
  fillControls();
  clearRace();
  void compile();
});
$("share").addEventListener("click", () => {
  void (async () => {
    update({});
    const button = $("share");
    try {
      await navigator.clipboard.writeText(location.href);
      button.textContent = "Link copied";
    } catch {
      button.textContent = "Copy the address bar";
    }
    setTimeout(() => (button.textContent = "Copy link"), 1500);
  })();
});

// Errors: one box under the buttons, and the editor's underline when the code is at fault (the
// AssemblyScript editor's for asc's errors, the TypeScript one's for everything else).
function showError(title: string, message: string, line?: number, column?: number, where: CodeEditor = editor) {
  const box = $("error");
  box.hidden = false;
  box.innerHTML = "";
  const head = document.createElement("b");
  head.textContent = line !== undefined ? `${title} at line ${line}, column ${column}` : title;
  const body = document.createElement("pre");
  body.textContent = message;
  box.append(head, body);
  if (line !== undefined && column !== undefined) where.showError(line, column, message.split("\n")[0]);
}
function clearError() {
  $("error").hidden = true;
  editor.clearError();
  asEditor.clearError();
}

/** What the compile panel shows now (code and arguments), so Race does not compile the same code again. */
let shown = "";

/** Compiles the function in front: with jit on this thread, or with asc in its worker. */
async function compile(): Promise<boolean> {
  clearError();
  shown = "";
  if (state.engine === "as") return (await compileAs()) !== undefined;
  const { jit, JitError } = await import("hotpath/jit");
  const code = editor.getCode();
  try {
    const started = performance.now();
    const fn = jit(code);
    // Without annotations jit compiles lazily, for the types of the arguments: ask for those types now.
    const signature = fn.signatures[0] ?? fn.compile(parseArgs(state.args).map((a) => a.type)).signature;
    const ms = performance.now() - started;
    $("signature").textContent = signature;
    const time = $("compile-time");
    time.textContent = fn.stats.compiled ? formatMs(ms) : `${formatMs(ms)} (cached)`;
    time.title = fn.stats.compiled
      ? "parse, type inference, code generation and WebAssembly compile"
      : "jit's in-memory cache: this code was compiled before";
    $("wat").textContent = fn.inspect();
    shown = `${code}\0${state.args}`;
    compiled();
    return true;
  } catch (e) {
    $("signature").textContent = "–";
    $("compile-time").textContent = "–";
    $("wat").textContent = "";
    if (e instanceof JitError) showError("JitError", e.message, e.line, e.column);
    else if (e instanceof ArgsError) showError("Arguments", e.message);
    else showError((e as Error).name ?? "Error", (e as Error).message ?? String(e));
    return false;
  }
}

function compiled() {
  if (!document.documentElement.dataset.compiled) performance.mark("playground-compiled");
  document.documentElement.dataset.compiled = String(Number(document.documentElement.dataset.compiled ?? 0) + 1);
}

/** The last AssemblyScript build shown, and the source it came from (Race reuses it). */
let asBuild: { source: string; result: AscResult } | undefined;

/** Compiles the AssemblyScript tab with asc (loaded on first use): the boundary, the time, the WAT. */
async function compileAs(): Promise<AscResult | undefined> {
  const source = asEditor.getCode();
  if (asBuild?.source === source) return asBuild.result;
  $("signature").textContent = "…";
  $("compile-time").textContent = asBuild ? "compiling" : "loading asc (≈2.9 MB gzipped, once)";
  $("wat").textContent = "";
  try {
    const result = await compileAssemblyScript(source, /function\s+(\w+)/.exec(state.code)?.[1]);
    asBuild = { source, result };
    $("signature").textContent = `${result.spec.name}: ${specText(result.spec)}`;
    $("compile-time").textContent = formatMs(result.compileMs) + (result.loadMs ? ` (+ ${formatMs(result.loadMs)} to load asc, once)` : "");
    $("compile-time").title = "asc -O3 --runtime stub, the flags of hotpath compile's release build";
    $("wat").textContent = result.wat;
    compiled();
    return result;
  } catch (e) {
    $("signature").textContent = "–";
    $("compile-time").textContent = "–";
    if (e instanceof AscError) showError(e.errorName === "asc" ? "AssemblyScript" : e.errorName, e.message, e.line, e.column, asEditor);
    else showError("Error", String(e));
    return undefined;
  }
}

let controller: AbortController | undefined;
function setRunning(running: boolean) {
  $<HTMLButtonElement>("compile").disabled = running;
  $<HTMLButtonElement>("race").disabled = running;
  $<HTMLButtonElement>("stop").disabled = !running;
  $("progress").hidden = !running;
  document.documentElement.dataset.racing = running ? "1" : "";
}

async function race() {
  // jit: the race worker compiles again in its own realm; here only to show errors before it starts.
  // asc: the race worker runs the binary compiled here.
  const engine = state.engine;
  let kernel: AscResult | undefined;
  clearError();
  if (engine === "as") {
    if (!(kernel = await compileAs())) return;
  } else if (shown !== `${editor.getCode()}\0${state.args}` && !(await compile())) return;
  clearRace();
  controller = new AbortController();
  setRunning(true);
  const fill = $("progress-fill");
  const text = $("progress-text");
  fill.style.width = "0%";
  text.textContent = "starting";
  try {
    const outcome = await runRace(
      {
        code: state.code,
        args: state.args,
        half: state.half,
        workers: state.workers,
        combine: state.combine,
        preset: state.preset,
        ...(kernel ? { kernel: { binary: kernel.binary, spec: kernel.spec } } : {}),
      },
      controller.signal,
      (fraction, phase, impl) => {
        fill.style.width = `${(fraction * 100).toFixed(1)}%`;
        text.textContent = `${phase === "cold" ? "first call" : phase}${impl ? ` · ${implLabel(impl, engine)}` : ""}`;
      },
    );
    showRace(outcome, engine);
    document.documentElement.dataset.raced = String(Number(document.documentElement.dataset.raced ?? 0) + 1);
  } catch (e) {
    if ((e as Error)?.name === "AbortError")
      showError("Stopped", "The race was stopped: its worker and the pool's workers were terminated.");
    else if (e instanceof RaceError) showError(e.errorName, e.message, e.line, e.column);
    else showError("Error", String(e));
  } finally {
    setRunning(false);
    controller = undefined;
  }
}

$("compile").addEventListener("click", () => void compile());
$("race").addEventListener("click", () => void race());
$("stop").addEventListener("click", () => controller?.abort(new DOMException("The race was stopped", "AbortError")));
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    event.preventDefault();
    if (!controller) void race();
  }
});

// Interactive from here: the editor and every control work. Then jit loads and compiles the code.
update({});
performance.mark("playground-interactive");
document.documentElement.dataset.ready = String(performance.now());
void compile();
