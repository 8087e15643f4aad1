import { TartapeError } from "@tartape/core/tape";

/** The user stopped the command with a signal; the message says how to carry on. */
export class InterruptedError extends TartapeError {
  constructor(
    readonly signal: NodeJS.Signals,
    message: string,
  ) {
    super("UPLOAD_ABORTED", message);
  }
}
