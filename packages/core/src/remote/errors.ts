/** Errors of reading a tape back from where it was uploaded (ls, get). */
import { IntegrityMismatchError, TargetError, TartapeError } from "../errors.js";
import { OPTION_WORDS } from "../option-words.js";

/** The object became another version between two reads: its bytes are never mixed. */
export class ObjectChangedError extends TartapeError {
  constructor(readonly objectId: string) {
    super("OBJECT_CHANGED", `${objectId} was replaced while it was being read (another upload wrote it). Nothing was mixed; run the command again.`);
  }
}

/** The service returned fewer bytes than the range asked for. */
export class ShortReadError extends TargetError {
  constructor(objectId: string, start: number, end: number, got: number) {
    super("TARGET_ERROR", `${objectId} returned ${got} bytes for bytes ${start}-${end - 1} (${end - start} expected). Run the command again.`, { retryable: true });
  }
}

/** No object at the URL. */
export class RemoteObjectNotFoundError extends TargetError {
  constructor(readonly objectId: string) {
    super("TARGET_NOT_FOUND", `There is no object at ${objectId}. Check the URL (the key of an uploaded tape, e.g. s3://bucket/data.tar).`);
  }
}

/** A catalog that is damaged, of another format, or of another tape than the object next to it. */
export class CatalogInvalidError extends TartapeError {
  constructor(readonly catalogId: string, why: string) {
    super(
      "CATALOG_INVALID",
      `The catalog ${catalogId} cannot be used: ${why} To read the tape without it, pass ${OPTION_WORDS.noCatalog}: its tar headers are read instead, and contents are not verified.`,
    );
  }
}

export class RemoteEntryNotFoundError extends TartapeError {
  constructor(readonly path: string, readonly objectId: string) {
    super("ENTRY_NOT_FOUND", `${objectId} holds no entry '${path}'. List its entries with \`tartape ls ${objectId}\` (paths start with the recorded folder's name).`);
  }
}

export class NotAFileError extends TartapeError {
  constructor(readonly path: string, readonly kind: string, readonly objectId: string) {
    super(
      "NOT_A_FILE",
      `'${path}' is a ${kind === "dir" ? "directory" : kind} on the tape ${objectId}; get fetches one file or symbolic link. ` +
        `List what it holds with \`tartape ls ${objectId} --prefix ${path}/\` and get the files one by one.`,
    );
  }
}

/** The bytes read for a file do not have the digest its catalog recorded when they were sent. */
export class RemoteFileCorruptError extends IntegrityMismatchError {
  constructor(readonly path: string, readonly objectId: string, expected: string, actual: string) {
    super(
      `${path} in ${objectId} is damaged: its bytes have CRC-32 ${actual}, but the bytes uploaded had ${expected}. ` +
        "The stored object differs from what was sent; upload the tape again.",
    );
  }
}
