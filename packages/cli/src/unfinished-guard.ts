/**
 * A command whose work ends up awaiting something no event will ever settle
 * (a bug) lets Node end the process with exit code 0, as if it had
 * succeeded: a restore that failed on a full disk once ended that way (the
 * exit of its writer thread was awaited while nothing kept the process
 * alive). A backup tool must never report success for work it did not
 * finish, so such an end becomes a failure that says what happened.
 */

/** Exit code 1: an operational failure (exit-codes.ts; not imported, this runs before anything is loaded). */
const EXIT_FAILURE = 1;

export const UNFINISHED_MESSAGE =
  "tartape: the command stopped before it finished: nothing was left running to finish it. This is a bug in tartape; please report it with the output of --debug. Run the same command again: what was done is recorded and is not done twice.\n";

/** Watches for the event loop running dry before the returned function is called (when the command is done). */
export function failIfLeftUnfinished(): () => void {
  const onBeforeExit = (): void => {
    process.exitCode = EXIT_FAILURE;
    process.stderr.write(UNFINISHED_MESSAGE);
  };
  process.once("beforeExit", onBeforeExit);
  return () => process.off("beforeExit", onBeforeExit);
}
