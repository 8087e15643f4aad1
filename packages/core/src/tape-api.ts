/**
 * The tape half of the API: record, play, volumes, verify, and the errors of
 * both halves, without the upload driver. What the CLI's commands that read
 * tapes import (`@tartape/core/tape`): each start of the CLI then loads a
 * dozen modules fewer (5–10 ms of about 85 ms).
 */
export * from "./errors.js";
export { OPTION_WORDS, type OptionName } from "./option-words.js";
export { UploadOptionsChangedError, libraryOptionWords, type OptionDifference, type OptionWords } from "./upload-options-error.js";
export type { TapeEntry, TapeEvent, EntryKind } from "./types.js";
export { withTapeLock, acquireTapeLock, lockPathFor, TapeLock, type LockOptions } from "./lock/tape-lock.js";
export { record, defaultIndexPath, type RecordOptions, type RecordResult } from "./record.js";
export { DEFAULT_EXCLUDES, INDEX_DIR_NAME } from "./scan/exclude.js";
export type { SkippedEntry } from "./scan/scan.js";
export { Tape, openTape, type OpenTapeOptions, type RangeOptions, type ReadStreamOptions } from "./tape/tape.js";
export { Volume, VolumeStream, type VolumeManifestItem, type VolumeSlice, type VolumeOpenOptions } from "./tape/volume.js";
export type { VerifyOptions, VerifyReport, Difference } from "./tape/verify.js";
export { TapeIndex, type TapeMeta, type UploadRecord, type UploadIntent, type PartRecord } from "./index/tape-index.js";
export { FORMAT_VERSION } from "./index/schema.js";
export { encodeHeader, splitUstarPath, headerMode, PAX_HEADER_NAME, BLOCK_SIZE, FOOTER_SIZE, type HeaderFields } from "./tar/header.js";
export { formatBytes } from "./format-bytes.js";
export { seededRandom } from "./seeded-random.js";
