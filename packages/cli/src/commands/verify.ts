/** `tartape verify <dir>`: does the disk still match the recorded tape? */
import path from "node:path";
import { Command } from "commander";
import { openTape, type Difference, type VerifyReport } from "@tartape/core/tape";
import { EXIT_FAILURE } from "../exit-codes.js";
import { verifyDocument } from "../json/documents.js";
import { writeJsonDocument } from "../json/json-document.js";
import { addIndexOption, indexLocation, type IndexOption } from "./shared-options.js";

interface VerifyFlags extends IndexOption {
  readonly deep?: boolean;
  readonly json?: boolean;
}

export function describeDifference(d: Difference): string {
  return `  ${d.change.padEnd(11)} ${d.path}: recorded ${d.expected}, now ${d.actual}`;
}

export function describeReport(dir: string, report: VerifyReport): string {
  const scope = report.deep ? "every entry, contents read back" : "a random sample, size/mtime/kind only; --deep reads every file";
  if (report.ok) return `${dir} matches its tape: ${report.checked} entries checked (${scope}).\n`;
  const lines = [`${dir} differs from its tape in ${report.differences.length} of ${report.checked} entries checked (${scope}):`];
  for (const d of report.differences) lines.push(describeDifference(d));
  lines.push("Record it again with `tartape record --force` before uploading a new tape.");
  return lines.join("\n") + "\n";
}

export function verifyCommand(): Command {
  const command = new Command("verify")
    .description("compare <dir> with its recorded tape; exits 1 when anything differs")
    .argument("<dir>", "a recorded directory")
    .option("--deep", "check every entry and read every file back (default: stat a random sample)")
    .option("--json", "print one JSON document on stdout (docs/json-output.md); ok is false when anything differs");
  addIndexOption(command);
  return command.action(async (dir: string, flags: VerifyFlags) => {
    const tape = openTape(dir, indexLocation(flags));
    try {
      const report = await tape.verify({ deep: flags.deep ?? false });
      if (flags.json) writeJsonDocument("verify", report.ok, verifyDocument(path.resolve(dir), report));
      else process.stdout.write(describeReport(path.resolve(dir), report));
      if (!report.ok) process.exitCode = EXIT_FAILURE;
    } finally {
      tape.close();
    }
  });
}
