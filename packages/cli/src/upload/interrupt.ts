/**
 * Ctrl-C (SIGINT) and SIGTERM abort the upload through an AbortSignal: parts
 * in flight stop, every part already acknowledged stays recorded, and the
 * next run resumes. A second signal quits at once.
 */
import { UploadAbortedError } from "@tartape/core/tape";
import { exitCodeForSignal } from "../exit-codes.js";

export interface Interrupt {
  readonly signal: AbortSignal;
  /** The signal that stopped the run, if one did. */
  readonly received: NodeJS.Signals | undefined;
  /** Removes the handlers; the process's default behaviour comes back. */
  dispose(): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

export function abortOnInterrupt(onFirstSignal: (signal: NodeJS.Signals) => void): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received !== undefined) process.exit(exitCodeForSignal(signal));
    received = signal;
    onFirstSignal(signal);
    controller.abort(new UploadAbortedError(signal));
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose() {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}
