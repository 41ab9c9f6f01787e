// The page's state (code, arguments, options) in the URL's fragment, so a link reproduces an
// experiment: `#s=` then base64url of the JSON. The fragment never reaches the server, so any static
// host serves every link, and a long function does not meet a server's URL limit.
import { AS_TEMPLATE, EXAMPLES } from "./examples.ts";

export type Combine = "auto" | "wrapAdd" | "add" | "min" | "max";
export type Preset = "quick" | "full";
export type Engine = "jit" | "as";

export interface PlaygroundState {
  /** The example it started from ("" when the code is the user's own). */
  example: string;
  /** The function in TypeScript or JavaScript: compiled by jit, and the plain side of every race. */
  code: string;
  /** The same function in AssemblyScript (the AssemblyScript tab). */
  as: string;
  /** The tab in front: the wasm side of a race is jit's or asc's. */
  engine: Engine;
  args: string;
  /** Arguments of the growth guard's smaller call ("": derived by compare() for ranges and arrays). */
  half: string;
  /** The pool runs on 1..workers workers (range functions only); 0: no pool. */
  workers: number;
  combine: Combine;
  preset: Preset;
}

const COMBINES: readonly Combine[] = ["auto", "wrapAdd", "add", "min", "max"];
const PRESETS: readonly Preset[] = ["quick", "full"];
const MAX_WORKERS = 64;

export function defaultState(cores: number, exampleId = EXAMPLES[0].id): PlaygroundState {
  const example = EXAMPLES.find((e) => e.id === exampleId) ?? EXAMPLES[0];
  return {
    example: example.id,
    code: example.code,
    as: example.as ?? AS_TEMPLATE,
    engine: "jit",
    args: example.args,
    half: example.half ?? "",
    workers: Math.min(Math.max(1, cores), MAX_WORKERS),
    combine: example.combine ?? "auto",
    preset: "quick",
  };
}

export function encodeState(state: PlaygroundState): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, ...state }));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `s=${btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}`;
}

/**
 * The state in a URL fragment (`#s=…`), checked field by field: a field missing or of the wrong kind
 * takes its default, so an old or hand-edited link still opens. Undefined when there is no state.
 */
export function decodeState(hash: string, cores: number): PlaygroundState | undefined {
  const m = /(?:^#?|&)s=([A-Za-z0-9_-]+)/.exec(hash);
  if (!m) return undefined;
  let raw: unknown;
  try {
    const binary = atob(m[1].replaceAll("-", "+").replaceAll("_", "/"));
    raw = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== "object") return undefined;
  const r = raw as Record<string, unknown>;
  const base = defaultState(cores, typeof r.example === "string" ? r.example : undefined);
  const text = (v: unknown, fallback: string) => (typeof v === "string" ? v : fallback);
  return {
    example: typeof r.example === "string" && EXAMPLES.some((e) => e.id === r.example) ? r.example : "",
    code: text(r.code, base.code),
    as: text(r.as, base.as),
    engine: r.engine === "as" ? "as" : "jit",
    args: text(r.args, base.args),
    half: text(r.half, base.half),
    workers: Number.isInteger(r.workers) && (r.workers as number) >= 0 ? Math.min(r.workers as number, MAX_WORKERS) : base.workers,
    combine: COMBINES.includes(r.combine as Combine) ? (r.combine as Combine) : base.combine,
    preset: PRESETS.includes(r.preset as Preset) ? (r.preset as Preset) : base.preset,
  };
}
