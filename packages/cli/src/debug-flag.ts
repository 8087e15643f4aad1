/** Read before anything else is loaded (see main.ts), hence a module with no imports. */

/** Whether the user asked for stack traces: `--debug` anywhere on the command line, or TARTAPE_DEBUG=1. */
export function debugRequested(args: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const flag = env.TARTAPE_DEBUG;
  return args.includes("--debug") || (flag !== undefined && flag !== "" && flag !== "0" && flag.toLowerCase() !== "false");
}
