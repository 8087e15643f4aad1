export * from "./tape-api.js";
export type {
  Target,
  TargetLimits,
  PartSpec,
  PartBody,
  PartBodyOpenOptions,
  PartReceipt,
  ServerPart,
  UploadContext,
  CompletedObject,
  UnrecordedCreation,
  TargetObject,
  CreationProof,
} from "./upload/target.js";
export type { ReplacedUpload } from "./upload/upload-options.js";
export { uploadTape, type UploadOptions, type UploadResult, type UploadEvent } from "./upload/upload-tape.js";
export { dryRunUpload, type UploadDryRun } from "./upload/dry-run.js";
export { uploadStatus, abortUpload, interruptedCreations, type UploadStatus, type AbortResult, type InterruptedCreation, type OtherOptionsUpload } from "./upload/manage.js";
export { planParts, partSpec, DEFAULT_PART_SIZE, type PartPlan } from "./upload/plan.js";
export { withRetry, isRetryable, type RetryPolicy } from "./upload/retry.js";
export { withIdleTimeout, IdleTimeoutError, type Progress } from "./upload/idle-timeout.js";
export { classifySocketError, type SocketErrorClass, type SocketErrorKind } from "./upload/socket-errors.js";
export type { UploadProgress } from "./upload/progress.js";
export { fileTarget, FileTarget, FILE_TARGET_LIMITS, type FileTargetOptions } from "./upload/file-target.js";
export type { Source, ObjectVersion, RemoteObjects } from "./remote/source.js";
export { CATALOG_SUFFIX, readRange } from "./remote/source.js";
export { FileSource, fileRemoteObjects } from "./remote/file-source.js";
export { ObjectChangedError, ShortReadError, RemoteObjectNotFoundError, CatalogInvalidError, RemoteEntryNotFoundError, NotAFileError, RemoteFileCorruptError } from "./remote/errors.js";
export { RemoteTape, listRemote, getRemoteFile, type RemoteEntry, type RemoteFile, type RemoteTapeLocation, type RemoteReadOptions } from "./remote/remote-tape.js";
export { crc32, crc32Combine, crc32Hex } from "./remote/crc32.js";
export { RememberingCrc32, chunkCrc32, rememberChunkCrc32, forgetChunkCrc32 } from "./remote/chunk-crc32.js";
export { ChunkRecycler } from "./tape/chunk-recycler.js";
export { DEFAULT_CHUNK_SIZE } from "./tape/reader.js";
export { crcCombiner } from "./remote/crc-combine.js";
export type { CatalogEntry, CatalogIndex } from "./catalog/format.js";
export type { CatalogOutcome } from "./catalog/publish.js";
export { restoreTape, DEFAULT_RESTORE_CONCURRENCY, DEFAULT_RANGE_SIZE, type RestoreOptions, type RestoreProgress, type RestoreResult } from "./restore/restore-tape.js";
export { DestinationNotEmptyError, DestinationWriteError, EntriesRefusedError, type RefusedEntry } from "./restore/errors.js";
export { downloadTape, PartCorruptError, DEFAULT_DOWNLOAD_CONCURRENCY, type DownloadOptions, type DownloadResult } from "./download/download-tape.js";
export { cleanupLeftovers, type CleanupOptions, type CleanupResult } from "./cleanup/cleanup-leftovers.js";
export type { Leftover, LeftoverListing, LeftoverStore } from "./cleanup/leftovers.js";
