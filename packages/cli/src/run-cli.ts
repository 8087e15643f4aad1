/** Runs one command line and turns its outcome into an exit code; never throws. */
import { CommanderError } from "commander";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, exitCodeFor } from "./exit-codes.js";
import { createProgram } from "./program.js";
import { debugRequested } from "./debug-flag.js";
import { formatError } from "./report-error.js";
import { errorDocument, jsonCommandOf, writeJsonDocument } from "./json/json-document.js";

/** Commander's own exits that are not failures. */
const COMMANDER_SUCCESS = new Set(["commander.helpDisplayed", "commander.version", "commander.help"]);

export async function runCli(args: readonly string[]): Promise<number> {
  const program = await createProgram(args);
  try {
    await program.parseAsync([...args], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the message or the help.
      if (COMMANDER_SUCCESS.has(err.code)) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      failedAsJson(args, { error: { code: "USAGE", message: err.message.replace(/^error: /, ""), exitCode: EXIT_USAGE } });
      return EXIT_USAGE;
    }
    process.stderr.write(`${formatError(err, debugRequested(args))}\n`);
    const code = exitCodeFor(err) || EXIT_FAILURE;
    failedAsJson(args, errorDocument(err, code));
    return code;
  }
}

/** With --json, a failure is a document too (ok: false), so a script reading stdout always gets one. */
function failedAsJson(args: readonly string[], body: Record<string, unknown>): void {
  const command = jsonCommandOf(args);
  if (command !== undefined) writeJsonDocument(command, false, body);
}
