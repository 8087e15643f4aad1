/**
 * How a failed command reads on stderr: `tartape: <message>` for the errors
 * tartape raises on purpose (their messages already say what to do), a short
 * line plus the error for anything else, and stacks only when asked for.
 */
import { inspect } from "node:util";
import { TartapeError } from "@tartape/core/tape";
import { cliMessage } from "./cli-words.js";

function causeChain(err: unknown): string {
  const lines: string[] = [];
  let cause = (err as { cause?: unknown } | null)?.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    lines.push(`caused by: ${inspect(cause, { depth: 2 })}`);
    cause = (cause as { cause?: unknown } | null)?.cause;
  }
  return lines.join("\n");
}

export function formatError(err: unknown, debug: boolean): string {
  if (err instanceof TartapeError) {
    const message = cliMessage(err);
    if (!debug) return `tartape: ${message}`;
    return [`tartape: ${message}`, `[${err.code}] ${err.stack ?? ""}`, causeChain(err)].filter(Boolean).join("\n");
  }
  if (debug) return `tartape: unexpected error\n${inspect(err, { depth: 4 })}`;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return `tartape: unexpected error: ${what}\n(run again with --debug or TARTAPE_DEBUG=1 for the stack trace)`;
}
