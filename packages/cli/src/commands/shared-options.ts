/** Options several commands share, declared once so they read the same everywhere. */
import type { Command } from "commander";
import { DEFAULT_EXCLUDES } from "@tartape/core/tape";

export interface IndexOption {
  readonly index?: string;
}

export function addIndexOption(command: Command): Command {
  return command.option("--index <path>", "where the tape's index is, when it was recorded outside <dir> (default <dir>/.tartape/index.db)");
}

/** `{ indexPath }` when `--index` was given, for core's open/record options. */
export function indexLocation(flags: IndexOption): { indexPath?: string } {
  return flags.index !== undefined ? { indexPath: flags.index } : {};
}

export interface ExcludeFlags {
  readonly exclude?: string[];
  /** False with `--no-default-excludes`. */
  readonly defaultExcludes: boolean;
}

/** `--exclude` collects every occurrence. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function addExcludeOptions(command: Command): Command {
  return command
    .option("--exclude <pattern>", "leave out entries whose name matches (shell wildcards: *, ?, [a-z]); repeatable", collect)
    .option("--no-default-excludes", `do not leave out ${DEFAULT_EXCLUDES.join(", ")} by default`);
}

/** `--exclude` adds to the default list; `--no-default-excludes` starts from an empty one. */
export function excludeList(flags: ExcludeFlags): string[] {
  return [...(flags.defaultExcludes ? DEFAULT_EXCLUDES : []), ...(flags.exclude ?? [])];
}

/** The list the user asked for, or undefined when no exclude flag was given (recording then uses the defaults). */
export function requestedExcludes(flags: ExcludeFlags): string[] | undefined {
  return flags.exclude !== undefined || !flags.defaultExcludes ? excludeList(flags) : undefined;
}

