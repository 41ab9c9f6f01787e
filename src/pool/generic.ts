// The generic calls for users' functions: map, reduceRange and forRows. Arguments are checked here,
// before anything is sent (with the kernel's spec when the function carries a KernelRef, so a bad `lo`
// throws the same named error as on one thread); the work is cut with split.ts and run by the scheduler.
import { expected } from "../errors.ts";
import { NAMED_COMBINES, checkCombine } from "../kernels/combine.ts";
import { BUFFER_ARRAYS, checkScalar, isBufferType, type FunctionSpec, type ScalarType } from "../kernels/contract.ts";
import { checkOptions, toInteger } from "../validate.ts";
import { CALL_KEYS } from "./config.ts";
import type { FunctionCache } from "./functions.ts";
import type { ArrayArg, Job } from "./protocol.ts";
import { splitCount, splitRange } from "./split.ts";
import type { CallOptions, Pool, PoolCore, PoolFunction, ReduceOptions, RowsOptions } from "./types.ts";

export type GenericCalls = Pick<Pool, "map" | "reduceRange" | "forRows">;

/** The generic calls over a pool core and its function cache. */
export function genericCalls(core: PoolCore, functions: FunctionCache): GenericCalls {
  return {
    async map<T, R>(fn: PoolFunction, items: readonly T[], options?: CallOptions): Promise<R[]> {
      core.check();
      if (!Array.isArray(items)) throw new TypeError(expected("items", "an array", items));
      const count = Math.min(core.chunkCount(options, "options"), items.length);
      const { ref, spec, bound } = await functions.resolve(fn, items.length ? [items[0], 0] : []);
      if (bound && bound.params.length !== 1 && bound.params.length !== 2)
        throw new TypeError(`\`${bound.name}\` takes ${bound.params.length} parameters; map calls it with (item) or (item, index)`);
      const param = spec && scalarParams(spec, 1, "map")[0];
      const values = param ? items.map((item, i) => checkScalar(item, param.type, `items[${i}]`)) : items;
      const specs = splitCount(0, values.length, count).map(([a, b]) => ({
        kernel: ref.export,
        label: `items [${a}, ${b})`,
        make: () => ({ job: { kind: "map", fn: ref, items: values.slice(a, b), first: a } as Job }),
      }));
      return core.submit(`map(${ref.export})`, specs, options, (results) => (results as R[][]).flat() as R[]);
    },

    async reduceRange<R>(fn: PoolFunction, lo: number | bigint, hi: number | bigint, options: ReduceOptions<R>): Promise<R> {
      core.check();
      const opts = checkOptions(options, "options", [...CALL_KEYS, "combine", "initial", "args"]) as unknown as ReduceOptions<R>;
      const named = typeof opts.combine === "string" ? checkCombine(opts.combine) : undefined;
      if (!named && typeof opts.combine !== "function")
        throw new TypeError(expected("options.combine", 'a function (a, b) => a ⊕ b, or "wrapAdd", "add", "min" or "max"', opts.combine));
      if (!named && !("initial" in opts)) throw new TypeError("Expected `options.initial` to be the result of an empty range, got nothing");
      const count = core.chunkCount({ signal: opts.signal, chunks: opts.chunks }, "options");
      if (opts.args !== undefined && !Array.isArray(opts.args)) throw new TypeError(expected("options.args", "an array", opts.args));
      // The arrays are held from now: one disposed (or freed) before the call places them stays the call's.
      const release = core.hold(opts.args ?? []);
      try {
        return await reduce(fn, lo, hi, opts, count, named);
      } finally {
        release();
      }
    },

    async forRows(fn: PoolFunction, start: number, end: number, options?: RowsOptions): Promise<void> {
      core.check();
      const opts = checkOptions(options, "options", [...CALL_KEYS, "args"]) as RowsOptions;
      toInteger(start, "start", 0, Number.MAX_SAFE_INTEGER);
      toInteger(end, "end", 0, Number.MAX_SAFE_INTEGER);
      if (opts.args !== undefined && !Array.isArray(opts.args)) throw new TypeError(expected("options.args", "an array", opts.args));
      const count = core.chunkCount({ signal: opts.signal, chunks: opts.chunks }, "options");
      const release = core.hold(opts.args ?? []);
      try {
        return await rows(fn, start, end, opts, count);
      } finally {
        release();
      }
    },
  };

  async function reduce<R>(
    fn: PoolFunction,
    lo: number | bigint,
    hi: number | bigint,
    opts: ReduceOptions<R>,
    count: number,
    named: ReturnType<typeof checkCombine> | undefined,
  ): Promise<R> {
    const { ref, spec, bound } = await functions.resolve(fn, [lo, hi, ...(opts.args ?? [])]);
    if (bound) throw refused(bound.name, "reduceRange");
    let l: number | bigint;
    let h: number | bigint;
    let extra: ExtraArgs = { flat: opts.args ?? [], copyBack: () => undefined, release: () => undefined };
    if (spec) {
      const [pl, ph] = rangeParams(spec, "reduceRange");
      l = checkScalar(lo, pl.type, pl.name);
      h = checkScalar(hi, ph.type, ph.name);
      if (typeof l !== typeof h) throw new TypeError(expected(ph.name, `of the same type as \`${pl.name}\``, hi));
      if (typeof l === "number" && (!Number.isSafeInteger(l) || !Number.isSafeInteger(h)))
        throw new TypeError(
          expected(Number.isSafeInteger(l) ? ph.name : pl.name, "an integer (a range bound)", Number.isSafeInteger(l) ? hi : lo),
        );
      extra = placeArgs(core, spec, opts.args ?? [], true);
    } else {
      const bigintRange = typeof lo === "bigint";
      if (bigintRange ? typeof hi !== "bigint" : typeof lo !== "number" || !Number.isSafeInteger(lo))
        throw new TypeError(expected("lo", "a safe integer or a bigint (with `hi` of the same type)", lo));
      if (!bigintRange && (typeof hi !== "number" || !Number.isSafeInteger(hi)))
        throw new TypeError(expected("hi", `${typeof lo === "bigint" ? "a bigint, like `lo`" : "a safe integer, like `lo`"}`, hi));
      [l, h] = [lo, hi];
    }
    const resultIsBig = spec ? spec.result === "u64" || spec.result === "i64" : typeof l === "bigint";
    const combine = (named ? NAMED_COMBINES[named] : opts.combine) as (a: R, b: R) => R;
    const hasInitial = "initial" in opts;
    const initial = hasInitial ? opts.initial : named === "wrapAdd" ? 0n : named === "add" ? (resultIsBig ? 0n : 0) : undefined;
    if (!hasInitial && (named === "min" || named === "max") && !(h > l))
      throw new RangeError(
        expected("options.initial", `the result of an empty range (combine "${named}" has no neutral value)`, undefined),
      );
    const ranges: [number | bigint, number | bigint][] =
      typeof l === "bigint" ? splitRange(l, h as bigint, count) : splitCount(l, h as number, count);
    const specs = ranges.map(([a, b]) => ({
      kernel: ref.export,
      label: `range [${a}, ${b})`,
      make: () => ({ job: { kind: "call", fn: ref, args: [a, b, ...extra.flat] } as Job }),
    }));
    const finish = (results: unknown[]) => {
      extra.copyBack();
      return initial === undefined && !hasInitial ? (results as R[]).reduce(combine) : (results as R[]).reduce(combine, initial as R);
    };
    return core.submit(`reduceRange(${ref.export})`, specs, opts, finish, extra.release);
  }

  async function rows(fn: PoolFunction, start: number, end: number, opts: RowsOptions, count: number): Promise<void> {
    const { ref, spec, bound } = await functions.resolve(fn, [start, end, ...(opts.args ?? [])]);
    if (bound) throw refused(bound.name, "forRows");
    let extra: ExtraArgs = { flat: opts.args ?? [], copyBack: () => undefined, release: () => undefined };
    if (spec) {
      const params = rangeParams(spec, "forRows");
      checkScalar(start, params[0].type, params[0].name);
      checkScalar(end, params[1].type, params[1].name);
      extra = placeArgs(core, spec, opts.args ?? [], true);
    }
    const specs = splitCount(start, end, count).map(([a, b]) => ({
      kernel: ref.export,
      label: `rows [${a}, ${b})`,
      make: () => ({ job: { kind: "call", fn: ref, args: [a, b, ...extra.flat] } as Job }),
    }));
    return core.submit(`forRows(${ref.export})`, specs, opts, extra.copyBack, extra.release);
  }
}

/** The shape of forRows' and reduceRange's functions: two scalars first (the range), then scalars or arrays. */
function rangeParams(spec: FunctionSpec, call: string): [{ name: string; type: ScalarType }, { name: string; type: ScalarType }] {
  if (spec.params.length < 2)
    throw new TypeError(`\`${spec.name}\` takes ${spec.params.length} parameter(s); ${call} calls it with at least 2`);
  const first = spec.params.slice(0, 2).find((p) => isBufferType(p.type));
  if (first) throw new TypeError(`\`${spec.name}\`'s parameter \`${first.name}\` is an array; ${call} passes the range (start, end) there`);
  return spec.params as never;
}

/** The arguments after the range, as the worker takes them (arrays as pointer and length), and what to do when the call ends. */
interface ExtraArgs {
  readonly flat: readonly unknown[];
  /** Copies the arrays the function writes back into the caller's (run before the call resolves). */
  readonly copyBack: () => void;
  /** Gives back the shared memory the arrays took (run however the call ends). */
  readonly release: () => void;
}

/**
 * Checks the arguments after the range against the spec and places arrays in the shared memory: an
 * array from pool.alloc where it lies, any other copied in once (and back, if the function writes it).
 * Everything is checked before anything is placed, so a refused call leaves nothing in the shared memory.
 */
function placeArgs(core: PoolCore, spec: FunctionSpec, args: readonly unknown[], held = false): ExtraArgs {
  const params = spec.params.slice(2);
  if (args.length !== params.length)
    throw new TypeError(
      expected("options.args", `${params.length} argument(s) after the range (${params.map((p) => p.name).join(", ") || "none"})`, args),
    );
  args.forEach((arg, i) => {
    const p = params[i];
    if (!isBufferType(p.type)) return checkScalar(arg, p.type, p.name);
    const ctor = BUFFER_ARRAYS[p.type];
    if (!(arg instanceof ctor)) throw new TypeError(expected(p.name, `a ${ctor.name}`, arg));
    if (core.mode !== "shared" && p.inout)
      throw new TypeError(
        `\`${spec.name}\` writes its array \`${p.name}\`: on the pool, a function that writes an array needs shared memory, and this pool passes messages (pool.modeReason says why)`,
      );
  });
  // Message mode: arrays that are only read travel with each chunk's job, and the worker copies them into its instance.
  if (core.mode !== "shared")
    return {
      flat: args.map((arg, i) => (isBufferType(params[i].type) ? ({ hotpathArray: arg as ArrayBufferView } satisfies ArrayArg) : arg)),
      copyBack: () => undefined,
      release: () => undefined,
    };
  const placed: { view: ArrayBufferView; ptr: number; back: boolean }[] = [];
  const flat: unknown[] = [];
  args.forEach((arg, i) => {
    const p = params[i];
    if (!isBufferType(p.type)) return flat.push(checkScalar(arg, p.type, p.name));
    const view = arg as ArrayBufferView & { length: number };
    const ptr = core.place(view, p.name, held);
    placed.push({ view, ptr, back: p.inout === true && !core.isResident(view) });
    flat.push(ptr, view.length);
  });
  return {
    flat,
    copyBack: () => {
      for (const { view, ptr, back } of placed)
        if (back)
          new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(new Uint8Array(core.memory!.buffer, ptr, view.byteLength));
    },
    release: () => placed.forEach(({ view, ptr }) => core.unplace(view, ptr)),
  };
}

/** A function of strings, arrays or objects on a call that passes raw numbers (ranges, rows, pointers) to wasm. */
function refused(name: string, call: string): TypeError {
  return new TypeError(
    `\`${name}\` is bound by its module's shape (strings, arrays, objects, small integers or optional parameters): ` +
      `${call} passes numbers straight to wasm, so it cannot run it; ` +
      "use pool.map (each item is copied into the worker's own instance), or a kernel of numbers and buffer pairs",
  );
}

/** The spec's parameters, all scalars, at least `least` of them (the shape `call` passes). */
function scalarParams(spec: FunctionSpec, least: number, call: string): { name: string; type: ScalarType }[] {
  if (spec.params.length < least)
    throw new TypeError(`\`${spec.name}\` takes ${spec.params.length} parameter(s); ${call} calls it with at least ${least}`);
  const buffer = spec.params.find((p) => isBufferType(p.type));
  if (buffer)
    throw new TypeError(
      `\`${spec.name}\` takes a buffer (\`${buffer.name}\`); on the pool, pass buffers as pointers into its shared memory (forRows args)`,
    );
  return spec.params as { name: string; type: ScalarType }[];
}
