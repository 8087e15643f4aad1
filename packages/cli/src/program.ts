/** The command line: one commander program, one subcommand per file under commands/. */
import fs from "node:fs";
import { Command } from "commander";
import { abortCommand } from "./commands/abort.js";
import { catCommand } from "./commands/cat.js";
import { demoCommand } from "./commands/demo.js";
import { lsCommand } from "./commands/ls.js";
import { recordCommand } from "./commands/record.js";
import { statusCommand } from "./commands/status.js";
import { uploadCommand } from "./commands/upload.js";
import { verifyCommand } from "./commands/verify.js";

function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
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
  STORAGE_EMULATOR_HOST                                                   gs:// against an emulator
  TARTAPE_DEBUG=1                                                         print stack traces`;

export function createProgram(): Command {
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
  for (const command of [recordCommand(), catCommand(), lsCommand(), verifyCommand(), uploadCommand(), statusCommand(), abortCommand(), demoCommand()]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}
