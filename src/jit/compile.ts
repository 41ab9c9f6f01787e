// The code generator: one function's ESTree body → wasm instructions, inferring every local's type
// from its initial value as it goes (a local keeps the type it was declared with: `let i = 0n` is a
// bigint for good). Anything outside the subset is a JitError pointing at the construct.
//
// Types flow forward only, so a function's result type is found by a first pass over the body that
// collects the types of its `return`s (skipped when a signature declares it), then a second pass emits.
import type { ModuleBuilder, JitTarget } from "./module.ts";
import { round, toInt32 } from "./numeric.ts";
import type { Node, ParsedFunction, SourceText } from "./parse.ts";
import {
  ELEMENTS,
  elementOf,
  isArray,
  isBigint,
  isClass,
  isNumber,
  typeName,
  wasmTypes,
  type ArrayType,
  type ClassType,
  type ResultType,
  type ValueType,
} from "./types.ts";
import type { Instr, ValType, WasmFunction } from "./wasm.ts";

export interface FunctionPlan {
  name: string;
  parsed: ParsedFunction | undefined;
  params: readonly ValueType[];
  /** Declared result type; undefined: inferred from the `return`s. */
  result: ResultType | undefined;
  exported: boolean;
  /** The jit function being compiled (a call to its own name is a recursive call). */
  target?: JitTarget;
  /** Compiling this class's constructor: `this.field = …` sets the fields, which are the results. */
  constructing?: ClassType;
}

export function compileFunction(builder: ModuleBuilder, plan: FunctionPlan): { fn: WasmFunction; result: ResultType } {
  let result = plan.result;
  if (result === undefined) {
    const probe = new FunctionCompiler(builder, plan, undefined);
    probe.compileBody();
    result = probe.joinedReturns();
  }
  const compiler = new FunctionCompiler(builder, plan, result);
  compiler.compileBody();
  return { fn: compiler.finish(), result };
}

interface Var {
  type: ValueType;
  locals: number[];
  constant: boolean;
}

interface Loop {
  label: string | undefined;
  breakDepth: number;
  continueDepth: number;
}

/** Something that can be read and written: a local (or a struct's locals), an array element, a field in a constructor. */
interface Place {
  type: ValueType;
  get: Instr[];
  /** Stores the value on the stack (of type `from`), converting it as JavaScript's assignment would. */
  set(from: ResultType, at: Node): Instr[];
}

interface Typed {
  type: ResultType;
  code: Instr[];
}

const MATH_CONSTANTS: Record<string, number> = {
  PI: Math.PI,
  E: Math.E,
  LN2: Math.LN2,
  LN10: Math.LN10,
  LOG2E: Math.LOG2E,
  LOG10E: Math.LOG10E,
  SQRT2: Math.SQRT2,
  SQRT1_2: Math.SQRT1_2,
};
const NUMBER_CONSTANTS: Record<string, number> = {
  MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER,
  MIN_SAFE_INTEGER: Number.MIN_SAFE_INTEGER,
  MAX_VALUE: Number.MAX_VALUE,
  MIN_VALUE: Number.MIN_VALUE,
  EPSILON: Number.EPSILON,
  POSITIVE_INFINITY: Infinity,
  NEGATIVE_INFINITY: -Infinity,
  NaN: NaN,
};
const MATH_UNARY: Record<string, string> = { sqrt: "f64.sqrt", abs: "f64.abs", floor: "f64.floor", ceil: "f64.ceil", trunc: "f64.trunc" };

/** What a construct is called in an error message. */
const CONSTRUCTS: Record<string, string> = {
  ObjectExpression: "an object literal",
  ArrayExpression: "an array literal",
  TemplateLiteral: "a template string",
  TaggedTemplateExpression: "a tagged template",
  FunctionExpression: "a nested function (closure)",
  ArrowFunctionExpression: "a nested function (closure)",
  FunctionDeclaration: "a nested function declaration",
  ClassDeclaration: "a class declaration",
  ClassExpression: "a class expression",
  TryStatement: "try/catch (exceptions)",
  ThrowStatement: "throw (exceptions)",
  SwitchStatement: "switch",
  ForInStatement: "for…in",
  ForOfStatement: "for…of",
  WithStatement: "with",
  AwaitExpression: "await",
  YieldExpression: "yield",
  SpreadElement: "spread (…)",
  ChainExpression: "optional chaining (?.)",
  ThisExpression: "`this` outside a jitClass constructor",
  Super: "super",
  ImportExpression: "import()",
  MetaProperty: "new.target / import.meta",
  ArrayPattern: "destructuring",
  ObjectPattern: "destructuring",
};

class FunctionCompiler {
  code: Instr[] = [];
  readonly #locals: ValType[] = [];
  readonly #paramCount: number;
  readonly #scopes: Map<string, Var>[] = [new Map()];
  readonly #fields = new Map<string, Var>();
  readonly #loops: Loop[] = [];
  readonly #returns: { type: ResultType; node: Node }[] = [];
  readonly #src: SourceText;
  readonly #bigint: "u64" | "i64";
  #depth = 0;
  #label: string | undefined;

  constructor(
    readonly builder: ModuleBuilder,
    readonly plan: FunctionPlan,
    /** undefined in the first pass, which only collects the `return` types. */
    readonly result: ResultType | undefined,
  ) {
    const parsed = plan.parsed;
    this.#src = parsed!.source;
    // bigint literals take the function's flavour: i64 as soon as the signature mentions i64.
    this.#bigint = [...plan.params, result ?? "void"].includes("i64") ? "i64" : "u64";
    let index = 0;
    parsed!.params.forEach((node, i) => {
      if (node.type !== "Identifier") throw this.#err(`a ${describeNode(node)} parameter (defaults, rest and destructuring)`, node);
      const type = plan.params[i];
      if (type === undefined) throw this.#err(`parameter \`${node.name}\` has no type (the signature has ${plan.params.length})`, node);
      const locals = wasmTypes(type).map(() => index++);
      this.#scopes[0].set(node.name, { type, locals, constant: false });
    });
    if (plan.params.length > parsed!.params.length)
      throw this.#err(`the signature has ${plan.params.length} parameters, the function ${parsed!.params.length}`, parsed!.node);
    this.#paramCount = index;
    if (plan.constructing)
      for (const [name, type] of plan.constructing.fields)
        this.#fields.set(name, { type, locals: wasmTypes(type).map((t) => this.#local(t)), constant: false });
  }

  compileBody(): void {
    const body = this.plan.parsed!.body;
    if (body.type === "BlockStatement") for (const s of body.body) this.#stmt(s);
    else this.#return(body, body);
    if (this.plan.constructing) for (const field of this.#fields.values()) for (const l of field.locals) this.#emit(["local.get", l]);
    else if (this.result !== undefined && this.result !== "void") this.#emit(["unreachable"]); // fell off the end without a value
  }

  joinedReturns(): ResultType {
    let joined: ResultType | undefined;
    for (const { type, node } of this.#returns) {
      const next = joined === undefined ? type : join(joined, type);
      if (next === undefined) throw this.#err(`this returns ${typeName(type)} where another return gives ${typeName(joined!)}`, node);
      joined = next;
    }
    return joined ?? "void";
  }

  finish(): WasmFunction {
    const params = this.plan.params.flatMap(wasmTypes);
    return {
      name: this.plan.name,
      params,
      results: wasmTypes(this.result!),
      locals: this.#locals,
      body: this.code,
      exported: this.plan.exported,
    };
  }

  // ---- helpers ----

  #err(what: string, node: Node) {
    return this.#src.error(`${what} is not supported by jit`, node);
  }

  #fail(message: string, node: Node) {
    return this.#src.error(message, node);
  }

  #emit(...instrs: Instr[]) {
    this.code.push(...instrs);
  }

  #local(type: ValType): number {
    return this.#paramCount + this.#locals.push(type) - 1;
  }

  #open(op: "block" | "loop" | "if", type?: ValType) {
    this.#emit(type ? [op, type] : [op]);
    return ++this.#depth;
  }

  #close() {
    this.#emit(["end"]);
    this.#depth--;
  }

  /** Compiles into a separate list, so operands' types are known before they are placed and converted. */
  #detached(node: Node): Typed {
    const saved = this.code;
    this.code = [];
    try {
      const type = this.#expr(node);
      return { type, code: this.code };
    } finally {
      this.code = saved;
    }
  }

  #lookup(name: string): Var | undefined {
    for (let i = this.#scopes.length - 1; i >= 0; i--) {
      const v = this.#scopes[i].get(name);
      if (v) return v;
    }
    return undefined;
  }

  #scoped(fn: () => void) {
    this.#scopes.push(new Map());
    try {
      fn();
    } finally {
      this.#scopes.pop();
    }
  }

  /** Converts a value of type `from` to `to` where JavaScript would see the same value (or fails). */
  #convert(from: ResultType, to: ResultType, node: Node, what: string): Instr[] {
    if (from === to || (isBigint(from) && isBigint(to))) return [];
    if (to === "f64" && from === "i32") return [["f64.convert_i32_s"]];
    if (to === "f64" && from === "u32") return [["f64.convert_i32_u"]];
    if (isNumber(from) && isNumber(to))
      throw this.#fail(`${what}: a ${from} number where ${to} is required (\`| 0\` makes an i32, \`>>> 0\` a u32)`, node);
    throw this.#fail(`${what}: a ${describeType(from)} where a ${describeType(to)} is required`, node);
  }

  /** The int32 (ToInt32) of a number on the stack. */
  #int32(from: ResultType, node: Node): Instr[] {
    if (from === "i32" || from === "u32") return [];
    if (from === "f64") return toInt32(this.#local("f64"));
    throw this.#fail(`a bitwise operator on a ${describeType(from)} mixed with numbers`, node);
  }

  /** Leaves i32 (non-zero = true) for JavaScript's truthiness of the value on the stack. */
  #truthy(type: ResultType, node: Node): Instr[] {
    if (type === "bool" || type === "i32" || type === "u32") return [];
    if (isBigint(type)) return [["i64.eqz"], ["i32.eqz"]];
    if (type === "f64") return [["f64.abs"], ["f64.const", 0], ["f64.gt"]]; // false for 0, -0 and NaN
    throw this.#fail(`a ${describeType(type)} used as a condition`, node);
  }

  #cond(node: Node) {
    const type = this.#expr(node);
    this.#emit(...this.#truthy(type, node));
  }

  #drop(type: ResultType) {
    for (const _ of wasmTypes(type)) this.#emit(["drop"]);
  }

  // ---- statements ----

  #stmt(node: Node): void {
    switch (node.type) {
      case "BlockStatement":
        return this.#scoped(() => node.body.forEach((s: Node) => this.#stmt(s)));
      case "EmptyStatement":
        return;
      case "VariableDeclaration":
        return this.#declare(node);
      case "ExpressionStatement":
        return this.#effect(node.expression);
      case "IfStatement":
        this.#cond(node.test);
        this.#open("if");
        this.#scoped(() => this.#stmt(node.consequent));
        if (node.alternate) {
          this.#emit(["else"]);
          this.#scoped(() => this.#stmt(node.alternate));
        }
        return this.#close();
      case "WhileStatement":
      case "ForStatement":
        return this.#scoped(() => {
          if (node.init) {
            if (node.init.type === "VariableDeclaration") this.#declare(node.init);
            else this.#effect(node.init);
          }
          const label = this.#takeLabel();
          const breakDepth = this.#open("block");
          const top = this.#open("loop");
          if (node.test) {
            this.#cond(node.test);
            this.#emit(["i32.eqz"], ["br_if", this.#depth - breakDepth]);
          }
          const continueDepth = this.#open("block");
          this.#loop({ label, breakDepth, continueDepth }, node.body);
          this.#close();
          if (node.update) this.#effect(node.update);
          this.#emit(["br", this.#depth - top]);
          this.#close();
          this.#close();
        });
      case "DoWhileStatement": {
        const label = this.#takeLabel();
        const breakDepth = this.#open("block");
        const top = this.#open("loop");
        const continueDepth = this.#open("block");
        this.#loop({ label, breakDepth, continueDepth }, node.body);
        this.#close();
        this.#cond(node.test);
        this.#emit(["br_if", this.#depth - top]);
        this.#close();
        return this.#close();
      }
      case "LabeledStatement":
        if (!["ForStatement", "WhileStatement", "DoWhileStatement"].includes(node.body.type))
          throw this.#err("a label on something other than a loop", node);
        this.#label = node.label.name;
        return this.#stmt(node.body);
      case "BreakStatement":
      case "ContinueStatement": {
        const name = node.label?.name as string | undefined;
        const loop = [...this.#loops].reverse().find((l) => name === undefined || l.label === name);
        if (!loop) throw this.#fail(`\`${node.type === "BreakStatement" ? "break" : "continue"}\` outside a loop`, node);
        const target = node.type === "BreakStatement" ? loop.breakDepth : loop.continueDepth;
        return this.#emit(["br", this.#depth - target]);
      }
      case "ReturnStatement":
        return this.#return(node.argument, node);
      default:
        throw this.#err(CONSTRUCTS[node.type] ?? `a ${node.type}`, node);
    }
  }

  #takeLabel() {
    const label = this.#label;
    this.#label = undefined;
    return label;
  }

  #loop(loop: Loop, body: Node) {
    this.#loops.push(loop);
    this.#scoped(() => this.#stmt(body));
    this.#loops.pop();
  }

  #return(argument: Node | null, node: Node) {
    if (this.plan.constructing) throw this.#err("`return` in a jitClass constructor", node);
    const type = argument ? this.#expr(argument) : "void";
    if (this.result === undefined) this.#returns.push({ type, node: argument ?? node });
    else this.#emit(...this.#convert(type, this.result, argument ?? node, "the return value"));
    this.#emit(["return"]);
  }

  #declare(node: Node) {
    if (node.kind === "var") throw this.#err("`var` (use let or const)", node);
    for (const d of node.declarations) {
      if (d.id.type !== "Identifier") throw this.#err("destructuring", d.id);
      if (!d.init) throw this.#fail(`\`${d.id.name}\` needs an initial value: jit infers a local's type from it`, d);
      let type = this.#expr(d.init);
      if (type === "void") throw this.#fail(`\`${d.id.name}\` is initialised with a call that returns nothing`, d.init);
      // A `let` number may later hold any number: widen int32 values to f64 (a `const` keeps them).
      if ((type === "i32" || type === "u32") && node.kind === "let") {
        this.#emit(...this.#convert(type, "f64", d.init, "the initial value"));
        type = "f64";
      }
      const scope = this.#scopes[this.#scopes.length - 1];
      if (scope.has(d.id.name)) throw this.#fail(`\`${d.id.name}\` is declared twice`, d.id);
      const locals = wasmTypes(type).map((t) => this.#local(t));
      for (const l of [...locals].reverse()) this.#emit(["local.set", l]);
      scope.set(d.id.name, { type: type as ValueType, locals, constant: node.kind === "const" });
    }
  }

  /** An expression whose value is not used. */
  #effect(node: Node) {
    if (node.type === "AssignmentExpression") this.#assign(node, false);
    else if (node.type === "UpdateExpression") this.#update(node, false);
    else this.#drop(this.#expr(node));
  }

  // ---- expressions ----

  #expr(node: Node): ResultType {
    switch (node.type) {
      case "Literal":
        return this.#literal(node);
      case "Identifier":
        return this.#identifier(node);
      case "BinaryExpression":
        if (node.operator === "**") return this.#power(node);
        return this.#binary(node.operator, this.#detached(node.left), this.#detached(node.right), node);
      case "LogicalExpression":
        return this.#logical(node);
      case "UnaryExpression":
        return this.#unary(node);
      case "UpdateExpression":
        return this.#update(node, true)!;
      case "AssignmentExpression":
        return this.#assign(node, true)!;
      case "ConditionalExpression":
        return this.#conditional(node);
      case "CallExpression":
        return this.#call(node);
      case "MemberExpression":
        return this.#member(node);
      case "NewExpression":
        return this.#new(node);
      case "SequenceExpression":
        node.expressions.slice(0, -1).forEach((e: Node) => this.#effect(e));
        return this.#expr(node.expressions[node.expressions.length - 1]);
      case "ThisExpression":
        if (this.plan.constructing) throw this.#err("`this` other than `this.field`", node);
        throw this.#err(CONSTRUCTS[node.type], node);
      default:
        throw this.#err(CONSTRUCTS[node.type] ?? `a ${node.type}`, node);
    }
  }

  #literal(node: Node): ResultType {
    const value = node.value;
    if (typeof node.bigint === "string") {
      this.#emit(["i64.const", BigInt.asIntN(64, BigInt(node.bigint))]);
      return this.#bigint;
    }
    if (typeof value === "number") return this.#number(value);
    if (typeof value === "boolean") {
      this.#emit(["i32.const", value ? 1 : 0]);
      return "bool";
    }
    if (typeof value === "string") throw this.#err("a string", node);
    if (value === null) throw this.#err("null", node);
    throw this.#err("a regular expression", node);
  }

  #number(value: number): ResultType {
    if ((value | 0) === value && !Object.is(value, -0)) {
      this.#emit(["i32.const", value]);
      return "i32";
    }
    this.#emit(["f64.const", value]);
    return "f64";
  }

  #identifier(node: Node): ResultType {
    const v = this.#lookup(node.name);
    if (v) {
      for (const l of v.locals) this.#emit(["local.get", l]);
      return v.type;
    }
    if (node.name === "NaN") return this.#number(NaN);
    if (node.name === "Infinity") return this.#number(Infinity);
    if (node.name === "undefined") throw this.#err("undefined", node);
    throw this.#fail(
      `\`${node.name}\` is not a parameter or local of the function: closures over outer variables are not supported by jit (pass it as a parameter)`,
      node,
    );
  }

  #binary(op: string, left: Typed, right: Typed, node: Node): ResultType {
    const [lt, rt] = [left.type, right.type];
    const place = (lc: Instr[] = [], rc: Instr[] = []) => this.#emit(...left.code, ...lc, ...right.code, ...rc);
    const operand = (t: ResultType) => (t === "void" ? "nothing (a void call)" : describeType(t));
    if (isBigint(lt) && isBigint(rt)) {
      const flavour = lt === "i64" || rt === "i64" ? "i64" : "u64";
      const s = flavour === "i64" ? "s" : "u";
      const arith: Record<string, string> = {
        "+": "add",
        "-": "sub",
        "*": "mul",
        "/": `div_${s}`,
        "%": `rem_${s}`,
        "&": "and",
        "|": "or",
        "^": "xor",
      };
      const compare: Record<string, string> = {
        "<": `lt_${s}`,
        ">": `gt_${s}`,
        "<=": `le_${s}`,
        ">=": `ge_${s}`,
        "===": "eq",
        "==": "eq",
        "!==": "ne",
        "!=": "ne",
      };
      place();
      if (arith[op]) return (this.#emit([`i64.${arith[op]}`]), flavour);
      if (compare[op]) return (this.#emit([`i64.${compare[op]}`]), "bool");
      if (op === "<<" || op === ">>") {
        // A constant amount below 64 (xorshift's 13n, 7n, 17n) is the plain instruction.
        const [[name, amount] = []] = right.code.length === 1 ? right.code : [];
        if (name === "i64.const" && (amount as bigint) >= 0n && (amount as bigint) < 64n)
          return (this.#emit([op === "<<" ? "i64.shl" : flavour === "i64" ? "i64.shr_s" : "i64.shr_u"]), flavour);
        return (this.#emit(...this.#shift64(op, flavour)), flavour);
      }
      throw this.#err(`\`${op}\` on bigints`, node);
    }
    // bigint against an array length (u32): both exact integers, compared as bigints, as JavaScript does.
    const relational = ["<", ">", "<=", ">="].includes(op);
    if (relational && isBigint(lt) && rt === "u32")
      return this.#binary(op, left, { type: lt, code: [...right.code, ["i64.extend_i32_u"]] }, node);
    if (relational && isBigint(rt) && lt === "u32")
      return this.#binary(op, { type: rt, code: [...left.code, ["i64.extend_i32_u"]] }, right, node);
    if (isBigint(lt) || isBigint(rt))
      throw this.#fail(
        `mixing bigint and ${operand(isBigint(lt) ? rt : lt)} in \`${op}\` is not supported by jit (convert with Number() or BigInt())`,
        node,
      );
    if (lt === "bool" && rt === "bool") {
      const ops: Record<string, string> = { "===": "eq", "==": "eq", "!==": "ne", "!=": "ne", "&": "and", "|": "or", "^": "xor" };
      if (!ops[op]) throw this.#err(`\`${op}\` on booleans`, node);
      place();
      this.#emit([`i32.${ops[op]}`]);
      return op.includes("=") ? "bool" : "i32";
    }
    if (!isNumber(lt) || !isNumber(rt)) throw this.#err(`\`${op}\` on ${operand(isNumber(lt) ? rt : lt)}`, node);
    const bitwise: Record<string, string> = { "&": "and", "|": "or", "^": "xor", "<<": "shl", ">>": "shr_s", ">>>": "shr_u" };
    if (bitwise[op]) {
      place(this.#int32(lt, node), this.#int32(rt, node));
      this.#emit([`i32.${bitwise[op]}`]);
      return op === ">>>" ? "u32" : "i32";
    }
    const compare: Record<string, string> = {
      "<": "lt",
      ">": "gt",
      "<=": "le",
      ">=": "ge",
      "===": "eq",
      "==": "eq",
      "!==": "ne",
      "!=": "ne",
    };
    if (compare[op]) {
      if (lt === rt && lt !== "f64") {
        const c = compare[op];
        place();
        this.#emit([`i32.${c}${c === "eq" || c === "ne" ? "" : lt === "i32" ? "_s" : "_u"}`]);
      } else {
        place(this.#convert(lt, "f64", node, "comparison"), this.#convert(rt, "f64", node, "comparison"));
        this.#emit([`f64.${compare[op]}`]);
      }
      return "bool";
    }
    const arith: Record<string, string> = { "+": "f64.add", "-": "f64.sub", "*": "f64.mul", "/": "f64.div" };
    if (arith[op] || op === "%") {
      place(this.#convert(lt, "f64", node, "arithmetic"), this.#convert(rt, "f64", node, "arithmetic"));
      this.#emit(op === "%" ? ["call", this.builder.helper("fmod")] : [arith[op]]);
      return "f64";
    }
    throw this.#err(`\`${op}\``, node);
  }

  /** `**` between constants (`2 ** 53`, `10n ** 9n`) is folded; WebAssembly has no power instruction for the rest. */
  #power(node: Node): ResultType {
    const [l, r] = [constant(node.left), constant(node.right)];
    if (typeof l === "number" && typeof r === "number") return this.#number(l ** r);
    if (typeof l === "bigint" && typeof r === "bigint" && r >= 0n) {
      this.#emit(["i64.const", BigInt.asIntN(64, l ** r)]);
      return this.#bigint;
    }
    throw this.#err("`**` between values that are not constants (WebAssembly has no power instruction: write the product or a loop)", node);
  }

  /**
   * bigint `<<` / `>>` reduced mod 2^64: a shift by 64 or more gives 0 (or the sign for i64 `>>`), where
   * wasm would shift by the amount mod 64. A negative i64 amount (a shift the other way) traps.
   */
  #shift64(op: "<<" | ">>", flavour: "u64" | "i64"): Instr[] {
    const x = this.#local("i64");
    const y = this.#local("i64");
    const out: Instr[] = [
      ["local.set", y],
      ["local.set", x],
    ];
    if (flavour === "i64") out.push(["local.get", y], ["i64.const", 0n], ["i64.lt_s"], ["if"], ["unreachable"], ["end"]);
    const inRange: Instr[] = [["local.get", y], ["i64.const", 64n], ["i64.lt_u"]];
    if (op === ">>" && flavour === "i64")
      return [...out, ["local.get", x], ["local.get", y], ["i64.const", 63n], ...inRange, ["select"], ["i64.shr_s"]];
    return [...out, ["local.get", x], ["local.get", y], [op === "<<" ? "i64.shl" : "i64.shr_u"], ["i64.const", 0n], ...inRange, ["select"]];
  }

  #logical(node: Node): ResultType {
    if (node.operator === "??") throw this.#err("`??`", node);
    const left = this.#detached(node.left);
    const right = this.#detached(node.right);
    const type = join(left.type, right.type);
    if (type === undefined || isClass(type) || isArray(type) || type === "void")
      throw this.#fail(`\`${node.operator}\` between a ${describeType(left.type)} and a ${describeType(right.type)}`, node);
    const vt = wasmTypes(type)[0];
    const saved = this.#local(vt);
    this.#emit(...left.code, ...this.#convert(left.type, type, node, node.operator), ["local.tee", saved], ...this.#truthy(type, node));
    const rightCode = [...right.code, ...this.#convert(right.type, type, node, node.operator)];
    this.#open("if", vt);
    if (node.operator === "&&") this.#emit(...rightCode, ["else"], ["local.get", saved]);
    else this.#emit(["local.get", saved], ["else"], ...rightCode);
    this.#close();
    return type;
  }

  #unary(node: Node): ResultType {
    const op = node.operator;
    const arg = node.argument;
    if (op === "-" && arg.type === "Literal" && typeof arg.value === "number") return this.#number(-arg.value);
    if (op === "typeof" || op === "void" || op === "delete") throw this.#err(`\`${op}\``, node);
    const { type, code } = this.#detached(arg);
    if (op === "-" && isBigint(type)) return (this.#emit(["i64.const", 0n], ...code, ["i64.sub"]), type);
    this.#emit(...code);
    switch (op) {
      case "!":
        this.#emit(...this.#truthy(type, arg), ["i32.eqz"]);
        return "bool";
      case "-":
      case "+":
        if (!isNumber(type)) throw this.#err(`unary \`${op}\` on a ${describeType(type)}`, node);
        this.#emit(...this.#convert(type, "f64", node, op));
        if (op === "-") this.#emit(["f64.neg"]);
        return "f64";
      case "~":
        if (isBigint(type)) return (this.#emit(["i64.const", -1n], ["i64.xor"]), type);
        this.#emit(...this.#int32(type, node), ["i32.const", -1], ["i32.xor"]);
        return "i32";
    }
    throw this.#err(`\`${op}\``, node);
  }

  #conditional(node: Node): ResultType {
    const yes = this.#detached(node.consequent);
    const no = this.#detached(node.alternate);
    const type = join(yes.type, no.type);
    if (type === undefined)
      throw this.#fail(`the branches of \`?:\` give a ${describeType(yes.type)} and a ${describeType(no.type)}`, node);
    const vts = wasmTypes(type);
    if (vts.length > 1) throw this.#err(`\`?:\` choosing between ${describeType(type)} values`, node);
    this.#cond(node.test);
    this.#open("if", vts[0]);
    this.#emit(
      ...yes.code,
      ...this.#convert(yes.type, type, node, "?:"),
      ["else"],
      ...no.code,
      ...this.#convert(no.type, type, node, "?:"),
    );
    this.#close();
    return type;
  }

  /** The thing an assignment or `++` writes to. */
  #place(node: Node): Place {
    if (node.type === "Identifier") {
      const v = this.#lookup(node.name);
      if (!v) this.#identifier(node); // throws the right error
      if (v!.constant) throw this.#fail(`\`${node.name}\` is a const`, node);
      return this.#localPlace(v!);
    }
    if (node.type === "MemberExpression") {
      if (node.object.type === "ThisExpression" && this.plan.constructing && !node.computed) {
        const field = this.#fields.get(node.property.name);
        if (!field)
          throw this.#fail(
            `\`this.${node.property.name}\` is not a field of ${this.plan.constructing.name} (fields: ${[...this.#fields.keys()].join(", ")})`,
            node.property,
          );
        return this.#localPlace(field);
      }
      const object = this.#detached(node.object);
      if (isArray(object.type) && node.computed) {
        this.#emit(...object.code);
        const addr = this.#local("i32");
        this.#emit(...this.#address(object.type, node.property), ["local.set", addr]);
        return this.#elementPlace(object.type, addr);
      }
      if (isClass(object.type))
        throw this.#err("assigning to a field of a jitClass value outside its constructor (values are passed by value)", node);
      if (isArray(object.type)) throw this.#err("assigning to `length`", node);
    }
    throw this.#err(`assigning to ${CONSTRUCTS[node.type] ?? `a ${node.type}`}`, node);
  }

  #localPlace(v: Var): Place {
    return {
      type: v.type,
      get: v.locals.map((l) => ["local.get", l] as Instr),
      set: (from, at) => [
        ...this.#convert(from, v.type, at, "assignment"),
        ...[...v.locals].reverse().map((l) => ["local.set", l] as Instr),
      ],
    };
  }

  #elementPlace(type: ArrayType, addr: number): Place {
    const e = ELEMENTS[elementOf(type)];
    const f32 = elementOf(type) === "f32";
    return {
      type: e.value,
      get: [["local.get", addr], [e.load], ...(f32 ? [["f64.promote_f32"] as Instr] : [])],
      set: (from, at) => {
        // JavaScript converts what is stored: ToInt32 (and wrap) for integer arrays, rounding for Float32Array.
        const convert =
          e.value === "f64"
            ? this.#convert(from, "f64", at, "an element")
            : isBigint(e.value)
              ? this.#convert(from, e.value, at, "an element")
              : this.#int32(from, at);
        this.builder.writesMemory = true;
        const value = this.#local(f32 ? "f32" : wasmTypes(e.value)[0]);
        return [
          ...convert,
          ...(f32 ? [["f32.demote_f64"] as Instr] : []),
          ["local.set", value],
          ["local.get", addr],
          ["local.get", value],
          [e.store],
        ];
      },
    };
  }

  #assign(node: Node, valueNeeded: boolean): ResultType | undefined {
    const op: string = node.operator;
    if (op === "&&=" || op === "||=" || op === "??=") throw this.#err(`\`${op}\``, node);
    const place = this.#place(node.left);
    let value: Typed = this.#detached(node.right);
    if (op !== "=") {
      const saved = this.code;
      this.code = [];
      const type = this.#binary(op.slice(0, -1), { type: place.type, code: place.get }, value, node);
      value = { type, code: this.code };
      this.code = saved;
    }
    if (value.type === "void") throw this.#fail("assigning the result of a call that returns nothing", node.right);
    this.#emit(...value.code);
    if (!valueNeeded) {
      this.#emit(...place.set(value.type, node));
      return undefined;
    }
    if (wasmTypes(value.type).length !== 1) throw this.#err("using the value of an assignment of a jitClass value", node);
    const keep = this.#local(wasmTypes(value.type)[0]);
    this.#emit(["local.tee", keep], ...place.set(value.type, node), ["local.get", keep]);
    return value.type;
  }

  #update(node: Node, valueNeeded: boolean): ResultType | undefined {
    const place = this.#place(node.argument);
    const type = place.type;
    let step: Instr[];
    let next: ResultType;
    if (isBigint(type)) [step, next] = [[["i64.const", 1n], [node.operator === "++" ? "i64.add" : "i64.sub"]], type];
    else if (isNumber(type))
      [step, next] = [
        [...this.#convert(type, "f64", node, node.operator), ["f64.const", 1], [node.operator === "++" ? "f64.add" : "f64.sub"]],
        "f64",
      ];
    else throw this.#err(`\`${node.operator}\` on a ${describeType(type)}`, node);
    if (!valueNeeded) {
      this.#emit(...place.get, ...step, ...place.set(next, node));
      return undefined;
    }
    const keepType = node.prefix ? next : type;
    const keep = this.#local(wasmTypes(keepType)[0]);
    if (node.prefix) this.#emit(...place.get, ...step, ["local.tee", keep], ...place.set(next, node), ["local.get", keep]);
    else this.#emit(...place.get, ["local.tee", keep], ...step, ...place.set(next, node), ["local.get", keep]);
    return keepType;
  }

  /** With an array's (pointer, length) on the stack, leaves the checked byte address of element `index`. */
  #address(type: ArrayType, index: Node): Instr[] {
    this.builder.usesMemory = true;
    const ptr = this.#local("i32");
    const len = this.#local("i32");
    const idx = this.#local("i32");
    const out: Instr[] = [
      ["local.set", len],
      ["local.set", ptr],
    ];
    const { type: it, code } = this.#detached(index);
    out.push(...code);
    // An index that is not an integer in [0, length) traps (JavaScript would read undefined / ignore the write).
    if (it === "f64") {
      const f = this.#local("f64");
      out.push(
        ["local.tee", f],
        ["i32.trunc_sat_f64_u"],
        ["local.tee", idx],
        ["f64.convert_i32_u"],
        ["local.get", f],
        ["f64.ne"],
        ["if"],
        ["unreachable"],
        ["end"],
      );
    } else if (isBigint(it)) {
      const b = this.#local("i64");
      out.push(
        ["local.tee", b],
        ["local.get", len],
        ["i64.extend_i32_u"],
        ["i64.ge_u"],
        ["if"],
        ["unreachable"],
        ["end"],
        ["local.get", b],
        ["i32.wrap_i64"],
        ["local.set", idx],
      );
    } else if (it === "i32" || it === "u32") out.push(["local.set", idx]);
    else throw this.#fail(`an array index must be a number or a bigint, got a ${describeType(it)}`, index);
    const shift = Math.log2(ELEMENTS[elementOf(type)].bytes);
    out.push(["local.get", idx], ["local.get", len], ["i32.ge_u"], ["if"], ["unreachable"], ["end"]);
    out.push(["local.get", ptr], ["local.get", idx], ["i32.const", shift], ["i32.shl"], ["i32.add"]);
    return out;
  }

  #member(node: Node): ResultType {
    const { object, property } = node;
    if (!node.computed && object.type === "Identifier" && !this.#lookup(object.name)) {
      const table = object.name === "Math" ? MATH_CONSTANTS : object.name === "Number" ? NUMBER_CONSTANTS : undefined;
      if (table && property.name in table) return this.#number(table[property.name]);
    }
    if (object.type === "ThisExpression" && this.plan.constructing && !node.computed) {
      const field = this.#fields.get(property.name);
      if (!field) throw this.#fail(`\`this.${property.name}\` is read before it is a field`, node);
      for (const l of field.locals) this.#emit(["local.get", l]);
      return field.type;
    }
    const type = this.#expr(object);
    if (isArray(type)) {
      if (node.computed) {
        const addr = this.#local("i32");
        this.#emit(...this.#address(type, property), ["local.set", addr]);
        const place = this.#elementPlace(type, addr);
        this.#emit(...place.get);
        return place.type;
      }
      if (property.name === "length") {
        const len = this.#local("i32");
        this.#emit(["local.set", len], ["drop"], ["local.get", len]);
        return "u32";
      }
      throw this.#err(`\`.${property.name}\` of a typed array (only indexing and .length)`, property);
    }
    if (isClass(type) && !node.computed) {
      const at = type.fields.findIndex(([name]) => name === property.name);
      if (at < 0)
        throw this.#fail(
          `\`${property.name}\` is not a field of ${type.name} (fields: ${type.fields.map(([n]) => n).join(", ")})`,
          property,
        );
      // The fields are on the stack, last on top: keep the one asked for.
      const temps = type.fields.map(([, t]) => this.#local(wasmTypes(t)[0]));
      for (const t of [...temps].reverse()) this.#emit(["local.set", t]);
      this.#emit(["local.get", temps[at]]);
      return type.fields[at][1];
    }
    throw this.#err(
      node.computed
        ? "dynamic property access (`x[k]` on something other than a typed array)"
        : `property \`.${property.name}\` of a ${describeType(type)}`,
      node,
    );
  }

  #call(node: Node): ResultType {
    const callee = node.callee;
    const args: Node[] = node.arguments;
    if (args.some((a) => a.type === "SpreadElement")) throw this.#err("spread arguments", node);
    if (
      callee.type === "MemberExpression" &&
      !callee.computed &&
      callee.object.type === "Identifier" &&
      !this.#lookup(callee.object.name)
    ) {
      const name = `${callee.object.name}.${callee.property.name}`;
      if (callee.object.name === "Math") return this.#math(callee.property.name, args, node);
      if (name === "BigInt.asUintN" || name === "BigInt.asIntN") return this.#asN(name === "BigInt.asUintN", args, node);
      throw this.#err(`calling \`${name}\``, callee);
    }
    if (callee.type !== "Identifier") throw this.#err("calling a method or a computed function", callee);
    if (this.#lookup(callee.name)) throw this.#err(`calling \`${callee.name}\`, a local value`, callee);
    if (callee.name === "Number" || callee.name === "BigInt") {
      if (args.length !== 1) throw this.#fail(`${callee.name}() takes one argument here`, node);
      return callee.name === "Number" ? this.#toNumber(args[0]) : this.#toBigint(args[0]);
    }
    const target = callee.name === this.plan.target?.name ? this.plan.target : this.builder.fn(callee.name);
    if (!target)
      throw this.#fail(
        `calling \`${callee.name}\`, which is not a jit function, is not supported by jit (jit() it first: calls resolve jit functions by name)`,
        callee,
      );
    const typed = args.map((a) => this.#detached(a));
    let params: ResultType[] = typed.map((t) => (t.type === "i32" || t.type === "u32" ? "f64" : t.type));
    let declared: ResultType | undefined;
    const sig = target.signatures.find((s) => s.params.length === typed.length && s.params.every((p, i) => compatible(typed[i].type, p)));
    if (target.signatures.length && !sig)
      throw this.#fail(`no signature of \`${callee.name}\` takes (${typed.map((t) => typeName(t.type)).join(", ")})`, node);
    if (sig) [params, declared] = [[...sig.params], sig.result];
    typed.forEach((t, i) => {
      if (t.type === "void") throw this.#fail("passing the result of a call that returns nothing", args[i]);
      this.#emit(...t.code, ...this.#convert(t.type, params[i], args[i], `argument ${i + 1} of ${callee.name}`));
    });
    const spec = this.builder.specialize(target, params as ValueType[], declared, false);
    if (spec.result === undefined)
      throw this.#fail(`the recursive call of \`${callee.name}\` needs a signature that declares its result type`, node);
    this.#emit(["call", spec.index]);
    return spec.result;
  }

  /** One f64 argument per name, converted from any number. */
  #numbers(args: Node[], count: number | "some", node: Node, name: string) {
    if (count === "some" ? args.length === 0 : args.length !== count)
      throw this.#fail(`Math.${name}() with ${args.length} arguments is not supported by jit`, node);
    for (const a of args) {
      const t = this.#expr(a);
      if (!isNumber(t)) throw this.#fail(`Math.${name}() of a ${describeType(t)}`, a);
      this.#emit(...this.#convert(t, "f64", a, `Math.${name}`));
    }
  }

  #math(name: string, args: Node[], node: Node): ResultType {
    if (MATH_UNARY[name]) return (this.#numbers(args, 1, node, name), this.#emit([MATH_UNARY[name]]), "f64");
    switch (name) {
      case "min":
      case "max":
        this.#numbers(args, "some", node, name);
        for (let i = 1; i < args.length; i++) this.#emit([`f64.${name}`]);
        return "f64";
      case "round":
        this.#numbers(args, 1, node, name);
        this.#emit(...round(this.#local("f64"), this.#local("f64")));
        return "f64";
      case "sign": {
        this.#numbers(args, 1, node, name);
        const x = this.#local("f64");
        this.#emit(["local.set", x], ["f64.const", 1], ["f64.const", -1], ["local.get", x], ["f64.const", 0], ["f64.gt"], ["select"]);
        this.#emit(["local.get", x], ["local.get", x], ["f64.abs"], ["f64.const", 0], ["f64.gt"], ["select"]);
        return "f64";
      }
      case "fround":
        this.#numbers(args, 1, node, name);
        this.#emit(["f32.demote_f64"], ["f64.promote_f32"]);
        return "f64";
      case "imul":
      case "clz32":
        if (args.length !== (name === "imul" ? 2 : 1))
          throw this.#fail(`Math.${name}() with ${args.length} arguments is not supported by jit`, node);
        for (const a of args) {
          const t = this.#expr(a);
          this.#emit(...this.#int32(t, a));
        }
        this.#emit([name === "imul" ? "i32.mul" : "i32.clz"]);
        return "i32";
    }
    throw this.#err(`Math.${name} (it has no WebAssembly instruction)`, node.callee);
  }

  #asN(unsigned: boolean, args: Node[], node: Node): ResultType {
    const bits = args[0];
    if (
      args.length !== 2 ||
      bits.type !== "Literal" ||
      typeof bits.value !== "number" ||
      !(bits.value >= 1 && bits.value <= 64 && Number.isInteger(bits.value))
    )
      throw this.#fail(`BigInt.${unsigned ? "asUintN" : "asIntN"} needs a literal bit count from 1 to 64 here`, bits ?? node);
    const t = this.#expr(args[1]);
    if (!isBigint(t)) throw this.#fail(`BigInt.${unsigned ? "asUintN" : "asIntN"} of a ${describeType(t)}`, args[1]);
    const b = bits.value as number;
    if (b < 64) {
      if (unsigned) this.#emit(["i64.const", (1n << BigInt(b)) - 1n], ["i64.and"]);
      else this.#emit(["i64.const", BigInt(64 - b)], ["i64.shl"], ["i64.const", BigInt(64 - b)], ["i64.shr_s"]);
    }
    return unsigned ? "u64" : "i64";
  }

  #toNumber(arg: Node): ResultType {
    const t = this.#expr(arg);
    if (isBigint(t)) this.#emit([t === "u64" ? "f64.convert_i64_u" : "f64.convert_i64_s"]);
    else if (t === "bool") this.#emit(["f64.convert_i32_u"]);
    else if (isNumber(t)) this.#emit(...this.#convert(t, "f64", arg, "Number()"));
    else throw this.#fail(`Number() of a ${describeType(t)}`, arg);
    return "f64";
  }

  /** BigInt(x): a number must be an integer (else JavaScript throws a RangeError; here the call traps). */
  #toBigint(arg: Node): ResultType {
    const t = this.#expr(arg);
    if (isBigint(t)) return t;
    if (t === "i32") this.#emit(["i64.extend_i32_s"]);
    else if (t === "u32" || t === "bool") this.#emit(["i64.extend_i32_u"]);
    else if (t === "f64") {
      const x = this.#local("f64");
      this.#emit(["local.tee", x], ["f64.trunc"], ["local.get", x], ["f64.ne"], ["if"], ["unreachable"], ["end"]);
      this.#emit(["local.get", x], ["f64.const", 0], ["f64.lt"], ["if", "i64"], ["local.get", x], ["i64.trunc_f64_s"]);
      this.#emit(["else"], ["local.get", x], [this.#bigint === "u64" ? "i64.trunc_f64_u" : "i64.trunc_f64_s"], ["end"]);
    } else throw this.#fail(`BigInt() of a ${describeType(t)}`, arg);
    return this.#bigint;
  }

  #new(node: Node): ResultType {
    const callee = node.callee;
    const cls = callee.type === "Identifier" && !this.#lookup(callee.name) ? this.builder.cls(callee.name) : undefined;
    if (!cls) throw this.#err(`\`new ${callee.name ?? "…"}\` (only jitClass classes can be constructed)`, node);
    const typed = (node.arguments as Node[]).map((a) => this.#detached(a));
    const params = typed.map((t, i) => {
      if (t.type === "void") throw this.#fail("passing the result of a call that returns nothing", node.arguments[i]);
      return t.type === "i32" || t.type === "u32" ? "f64" : t.type;
    });
    typed.forEach((t, i) =>
      this.#emit(...t.code, ...this.#convert(t.type, params[i], node.arguments[i], `argument ${i + 1} of ${cls.name}`)),
    );
    this.#emit(["call", this.builder.construct(cls, params as ValueType[])]);
    return cls;
  }
}

/** The value of a literal, a negated literal, or `**` of those; undefined for anything else. */
function constant(node: Node): number | bigint | undefined {
  if (node.type === "Literal")
    return typeof node.bigint === "string" ? BigInt(node.bigint) : typeof node.value === "number" ? node.value : undefined;
  if (node.type === "UnaryExpression" && node.operator === "-") {
    const v = constant(node.argument);
    return v === undefined ? undefined : -v;
  }
  if (node.type === "BinaryExpression" && node.operator === "**") {
    const [l, r] = [constant(node.left), constant(node.right)];
    if (typeof l === "number" && typeof r === "number") return l ** r;
    if (typeof l === "bigint" && typeof r === "bigint" && r >= 0n) return l ** r;
  }
  return undefined;
}

/** The type both values can take, if any: numbers join to f64, bigints to i64 when either is i64. */
function join(a: ResultType, b: ResultType): ResultType | undefined {
  if (a === b) return a;
  if (isBigint(a) && isBigint(b)) return a === "i64" || b === "i64" ? "i64" : "u64";
  if (isNumber(a) && isNumber(b)) return "f64";
  return undefined;
}

/** Can a value of type `from` be passed where `to` is declared? */
function compatible(from: ResultType, to: ValueType): boolean {
  if (from === to) return true;
  if (isBigint(from) && isBigint(to)) return true;
  return to === "f64" && (from === "i32" || from === "u32");
}

function describeType(t: ResultType): string {
  if (t === "bool") return "boolean";
  if (isBigint(t)) return `bigint (${t})`;
  if (isNumber(t)) return `number (${t})`;
  if (isArray(t)) return `${ELEMENTS[elementOf(t)].array.name}`;
  if (isClass(t)) return `${t.name} value`;
  return "void";
}

function describeNode(node: Node): string {
  return node.type === "AssignmentPattern" ? "default-valued" : node.type === "RestElement" ? "rest" : "destructured";
}
