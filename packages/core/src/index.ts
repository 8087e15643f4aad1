export * from "./errors.js";
export type { TapeEntry, TapeEvent, EntryKind } from "./types.js";
export { record, defaultIndexPath, type RecordOptions, type RecordResult } from "./record.js";
export { DEFAULT_EXCLUDES, INDEX_DIR_NAME } from "./scan/exclude.js";
export type { SkippedEntry } from "./scan/scan.js";
export { Tape, openTape, type OpenTapeOptions, type RangeOptions, type ReadStreamOptions } from "./tape/tape.js";
export { Volume, VolumeStream, type VolumeManifestItem, type VolumeSlice, type VolumeOpenOptions } from "./tape/volume.js";
export type { VerifyOptions, VerifyReport, Difference } from "./tape/verify.js";
export { TapeIndex, type TapeMeta, type UploadRecord, type UploadIntent, type PartRecord } from "./index/tape-index.js";
export { FORMAT_VERSION } from "./index/schema.js";
export { encodeHeader, splitUstarPath, headerMode, PAX_HEADER_NAME, BLOCK_SIZE, FOOTER_SIZE, type HeaderFields } from "./tar/header.js";
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
} from "./upload/target.js";
export { uploadTape, type UploadOptions, type UploadResult, type UploadEvent } from "./upload/upload-tape.js";
export { uploadStatus, abortUpload, interruptedCreations, type UploadStatus, type AbortResult, type InterruptedCreation } from "./upload/manage.js";
export { planParts, partSpec, formatBytes, DEFAULT_PART_SIZE, type PartPlan } from "./upload/plan.js";
export { withRetry, isRetryable, type RetryPolicy } from "./upload/retry.js";
export { classifySocketError, type SocketErrorClass, type SocketErrorKind } from "./upload/socket-errors.js";
export type { UploadProgress } from "./upload/progress.js";
export { fileTarget, FileTarget, FILE_TARGET_LIMITS, type FileTargetOptions } from "./upload/file-target.js";
