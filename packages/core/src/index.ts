export * from "./tape-api.js";
export type {
  Target,
  TargetLimits,
  PartSpec,
  PartBody,
  PartReceipt,
  ServerPart,
  UploadContext,
  CompletedObject,
  UnrecordedCreation,
  TargetObject,
} from "./upload/target.js";
export type { ReplacedUpload } from "./upload/upload-options.js";
export { uploadTape, type UploadOptions, type UploadResult, type UploadEvent } from "./upload/upload-tape.js";
export { dryRunUpload, type UploadDryRun } from "./upload/dry-run.js";
export { uploadStatus, abortUpload, interruptedCreations, type UploadStatus, type AbortResult, type InterruptedCreation, type OtherOptionsUpload } from "./upload/manage.js";
export { planParts, partSpec, DEFAULT_PART_SIZE, type PartPlan } from "./upload/plan.js";
export { withRetry, isRetryable, type RetryPolicy } from "./upload/retry.js";
export { classifySocketError, type SocketErrorClass, type SocketErrorKind } from "./upload/socket-errors.js";
export type { UploadProgress } from "./upload/progress.js";
export { fileTarget, FileTarget, FILE_TARGET_LIMITS, type FileTargetOptions } from "./upload/file-target.js";
