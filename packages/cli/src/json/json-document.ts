/**
 * `--json`: one JSON document on stdout when a command ends, for scripts.
 * Every document carries `command`, `version` (of this format, raised only
 * when a field changes meaning or goes away) and `ok`; the rest is the
 * command's own (docs/json-output.md has the schema of each).
 */
import { TartapeError } from "@tartape/core/tape";
import { cliMessage } from "../cli-words.js";

export const JSON_FORMAT_VERSION = 1;

export type JsonCommand = "upload" | "status" | "ls" | "verify" | "abort" | "cleanup";
const JSON_COMMANDS: readonly string[] = ["upload", "status", "ls", "verify", "abort", "cleanup"] satisfies JsonCommand[];

/** Bigints (none in today's documents, but entries carry them) become strings; errors keep name, code, message. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code !== undefined ? { code } : {}) };
  }
  return value;
}

/** The head every document starts with. */
export function documentHead(command: JsonCommand, ok: boolean): { command: JsonCommand; version: number; ok: boolean } {
  return { command, version: JSON_FORMAT_VERSION, ok };
}

export function writeJsonDocument(command: JsonCommand, ok: boolean, body: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ...documentHead(command, ok), ...body }, jsonReplacer, 2)}\n`);
}

/** The command a `--json` command line runs, or undefined when it asks for no JSON (or names no such command). */
export function jsonCommandOf(args: readonly string[]): JsonCommand | undefined {
  const end = args.indexOf("--");
  const options = end === -1 ? args : args.slice(0, end);
  if (!options.includes("--json")) return undefined;
  const first = options.find((arg) => !arg.startsWith("-"));
  return first !== undefined && JSON_COMMANDS.includes(first) ? (first as JsonCommand) : undefined;
}

/** The document a failed command writes: what went wrong, in the words stderr says it. */
export function errorDocument(err: unknown, exitCode: number): Record<string, unknown> {
  const code = err instanceof TartapeError ? err.code : "UNEXPECTED";
  const message = err instanceof TartapeError ? cliMessage(err) : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { error: { code, message, exitCode } };
}
