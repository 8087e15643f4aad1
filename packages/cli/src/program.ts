/** The command line: one commander program, one subcommand per file under commands/. */
import fs from "node:fs";
import { Command } from "commander";

/**
 * Each subcommand's definition, loaded when needed: a command line names one
 * command, and loading the others (upload targets, the demo, their node:
 * modules) took a tenth of the start-up of a quick `tartape cat` or `ls`.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  record: async () => (await import("./commands/record.js")).recordCommand(),
  cat: async () => (await import("./commands/cat.js")).catCommand(),
  ls: async () => (await import("./commands/ls.js")).lsCommand(),
  get: async () => (await import("./commands/get.js")).getCommand(),
  restore: async () => (await import("./commands/restore.js")).restoreCommand(),
  download: async () => (await import("./commands/download.js")).downloadCommand(),
  verify: async () => (await import("./commands/verify.js")).verifyCommand(),
  upload: async () => (await import("./commands/upload.js")).uploadCommand(),
  status: async () => (await import("./commands/status.js")).statusCommand(),
  abort: async () => (await import("./commands/abort.js")).abortCommand(),
  cleanup: async () => (await import("./commands/cleanup.js")).cleanupCommand(),
  demo: async () => (await import("./commands/demo.js")).demoCommand(),
};

/**
 * The commands a command line needs: the one it names (its first word that is
 * not an option; the program's own options take no value), or all of them, for
 * the program's help or to suggest the name meant.
 */
export function commandsNeeded(args: readonly string[]): string[] {
  const first = args.find((arg) => !arg.startsWith("-"));
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
}

/** From the nearest package.json above this module: dist/ when built by tsc, dist/bundle/ in the executable. */
function packageVersion(): string {
  for (let dir = new URL("./", import.meta.url); dir.pathname !== "/"; dir = new URL("../", dir)) {
    let text: string;
    try {
      text = fs.readFileSync(new URL("package.json", dir), "utf8");
    } catch {
      continue;
    }
    return (JSON.parse(text) as { version?: string }).version ?? "unknown";
  }
  return "unknown";
}

const EXIT_CODES_HELP = `
Exit codes:
  0    success
  1    operational failure (destination error, changed file, verify found differences)
  2    bad input or usage (bad option, size, offset or URL; missing directory; no tape recorded)
  130  interrupted by Ctrl-C (143 by SIGTERM); run the same command again to resume

Environment:
  AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION   s3:// destinations
  AZURE_STORAGE_CONNECTION_STRING                                         az:// destinations
  AZURE_STORAGE_ACCOUNT                                                   az:// without a connection string: sign in with Microsoft Entra ID
  STORAGE_EMULATOR_HOST                                                   gs:// against an emulator
  TARTAPE_DEBUG=1                                                         print stack traces`;

/** The program for `args`: every command it may run is defined (see commandsNeeded); all of them when `args` is left out. */
export async function createProgram(args: readonly string[] = []): Promise<Command> {
  const program = new Command("tartape")
    .description("Deterministic TAR tapes of a directory, uploaded as resumable, concurrent multipart uploads.")
    .version(packageVersion())
    .option("--debug", "print stack traces with errors (or set TARTAPE_DEBUG=1)")
    .addHelpText("after", EXIT_CODES_HELP)
    .showHelpAfterError("(run with --help for usage)")
    // Usage errors read like every other error: `tartape: <message>`.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, "tartape: ")) })
    // runCli decides the exit code; commander only reports.
    .exitOverride();
  const commands = await Promise.all(commandsNeeded(args).map((name) => (COMMANDS[name] as () => Promise<Command>)()));
  for (const command of commands) program.addCommand(command.copyInheritedSettings(program));
  return program;
}
