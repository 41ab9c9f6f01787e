// The `hotpath` command. Each subcommand lives in its own module and is imported when asked for.
import pkg from "../../package.json" with { type: "json" };

const COMMANDS: Record<string, { summary: string; run: (argv: string[]) => Promise<number> }> = {
  demo: {
    summary: "add the first n integers in TS (number, bigint) and in wasm; print times and speedups",
    run: async (argv) => (await import("./demo.ts")).main(argv),
  },
  inspect: {
    summary: "print a kernel's WAT with its inner loop marked (--twin: its TS twin's V8 bytecode too)",
    run: async (argv) => (await import("./inspect.ts")).main(argv),
  },
  compile: {
    summary: "compile AssemblyScript kernel files into wasm (single-thread and threads) and a typed ES module (--watch)",
    run: async (argv) => (await import("./compile.ts")).main(argv),
  },
  bench: {
    summary: "measure every kernel against its TS twins (and C) in node, deno, bun and chromium; table, JSON, Markdown, HTML",
    // --module: a kernel of yours (hotpath compile) against your plain function, through compare().
    run: async (argv) =>
      argv.includes("--module") ? (await import("./bench-module.ts")).main(argv) : (await import("./bench.ts")).main(argv),
  },
  worker: {
    summary: "take chunks of cluster calls (hotpath/cluster) from a BullMQ queue in Redis and run them on a local pool",
    run: async (argv) => (await import("./worker.ts")).main(argv),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "Usage: hotpath <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `hotpath <command> --help` for a command's options.",
  ].join("\n");
}

const [command, ...rest] = process.argv.slice(2);
if (command === "--version" || command === "-v") {
  console.log(pkg.version);
} else if (!command || command === "--help" || command === "-h") {
  console.log(usage());
  process.exitCode = command ? 0 : 1;
} else if (!(command in COMMANDS)) {
  console.error(`hotpath: unknown command \`${command}\`\n\n${usage()}`);
  process.exitCode = 2;
} else {
  COMMANDS[command].run(rest).then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      console.error(`hotpath ${command}: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
