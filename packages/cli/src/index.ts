/** The reusable pieces of the command line, for scripts and other tools. */
export { targetFromUrl } from "./targets/target-from-url.js";
export { classifyDestination, type Destination, type CloudScheme } from "./targets/destination.js";
export type { ConnectionOptions, Environment } from "./targets/connection-options.js";
export { parseSize } from "./parse/size.js";
export { parseOffset, parsePositiveInteger } from "./parse/integer.js";
export { createProgressReporter, type ProgressReporter, type ReporterOptions } from "./progress/progress-reporter.js";
export { eventLogWriter, eventLogLine, type EventSink } from "./upload/event-log.js";
export { runUpload, type UploadRun } from "./upload/run-upload.js";
export { createSampleTree, type SampleStats } from "./demo/sample-tree.js";
export { createProgram } from "./program.js";
export { runCli } from "./run-cli.js";
export { EXIT_OK, EXIT_FAILURE, EXIT_USAGE, exitCodeFor } from "./exit-codes.js";
export { InterruptedError } from "./interrupted-error.js";
