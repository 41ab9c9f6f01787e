// hotpath's own AssemblyScript classes (assembly/classes.ts: Accumulator, Point2D), bound as TypeScript
// classes with the machinery of classes.ts. Apart from it so that a bundle using only that machinery
// (a generated module binding its own classes) does not name build/classes.wasm.
import { WasmLoadError } from "../errors.ts";
import { classesWasmUrl } from "./assets.ts";
import { type GcRuntime, WasmObject, gcRuntime, type GcExports } from "./classes.ts";
import { assemblyScriptImports, compileWasm, type WasmSource } from "../load.ts";
import { checkOptions, toU64, type U64Like } from "../validate.ts";

interface ClassesExports extends GcExports {
  accumulatorNew(): number;
  accumulatorAdd(self: number, increment: bigint): void;
  accumulatorTotal(self: number): bigint;
  point2DNew(x: bigint, y: bigint): number;
  point2DX(self: number): bigint;
  point2DY(self: number): bigint;
  addPoints(a: number, b: number): number;
}

/** Accumulator: a u64 running total (wrapping modulo 2^64). */
export interface Accumulator extends WasmObject {
  /** Adds `increment` to the total. */
  add(increment: U64Like): void;
  readonly total: bigint;
}

/** A point with u64 coordinates. */
export interface Point2D extends WasmObject {
  readonly x: bigint;
  readonly y: bigint;
}

/** The classes of one module instance; `extends` works on them like on any class. */
export interface ClassesModule {
  Accumulator: new () => Accumulator;
  Point2D: new (x: U64Like, y: U64Like) => Point2D;
  /** add_points: a new Point2D, coordinates added modulo 2^64. */
  addPoints(a: Point2D, b: Point2D): Point2D;
  /** The instance's collector: memory size, pinned objects, collect(). */
  runtime: GcRuntime;
}

const OPTION_KEYS = ["source"] as const;

/** Instantiates build/classes.wasm (or `options.source`) and returns its classes. Node, Deno, Bun and browsers. */
export async function loadClasses(options?: { source?: WasmSource }): Promise<ClassesModule> {
  const opts = checkOptions(options, "options", OPTION_KEYS) as { source?: WasmSource };
  const module = await compileWasm(opts.source ?? classesWasmUrl(), "options.source");
  let raw: ClassesExports;
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(
      module,
      assemblyScriptImports(() => raw.memory),
    );
  } catch (cause) {
    throw new WasmLoadError(`Could not instantiate the classes module: ${(cause as Error).message}`, { cause });
  }
  const rt = gcRuntime(instance);
  raw = instance.exports as unknown as ClassesExports;
  const missing = ["accumulatorNew", "accumulatorAdd", "accumulatorTotal", "point2DNew", "point2DX", "point2DY", "addPoints"].filter(
    (n) => typeof instance.exports[n] !== "function",
  );
  if (missing.length) throw new WasmLoadError(`The classes module lacks ${missing.join(", ")}; is \`options.source\` build/classes.wasm?`);
  const u64 = (x: bigint) => BigInt.asUintN(64, x);

  class AccumulatorImpl extends WasmObject implements Accumulator {
    constructor() {
      super(rt, raw.accumulatorNew());
    }
    add(increment: U64Like): void {
      raw.accumulatorAdd(WasmObject.ptrOf(this, AccumulatorImpl), toU64(increment, "increment"));
    }
    get total(): bigint {
      return u64(raw.accumulatorTotal(WasmObject.ptrOf(this, AccumulatorImpl)));
    }
    override toString(): string {
      return this.disposed ? "Accumulator (disposed)" : `Accumulator(total = ${this.total})`;
    }
  }

  class Point2DImpl extends WasmObject implements Point2D {
    constructor(x: U64Like, y: U64Like) {
      const xx = toU64(x, "x");
      const yy = toU64(y, "y");
      super(rt, raw.point2DNew(xx, yy));
    }
    get x(): bigint {
      return u64(raw.point2DX(WasmObject.ptrOf(this, Point2DImpl)));
    }
    get y(): bigint {
      return u64(raw.point2DY(WasmObject.ptrOf(this, Point2DImpl)));
    }
    override toString(): string {
      return this.disposed ? "Point2D (disposed)" : `Point2D(${this.x}, ${this.y})`;
    }
  }
  Object.defineProperty(AccumulatorImpl, "name", { value: "Accumulator" });
  Object.defineProperty(Point2DImpl, "name", { value: "Point2D" });

  return {
    Accumulator: AccumulatorImpl,
    Point2D: Point2DImpl,
    addPoints(a, b) {
      const pa = WasmObject.addressOf(a, Point2DImpl, rt, "a");
      const pb = WasmObject.addressOf(b, Point2DImpl, rt, "b");
      return rt.adopt(raw.addPoints(pa, pb), Point2DImpl);
    },
    runtime: rt,
  };
}
