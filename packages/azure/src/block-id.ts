/**
 * Block ids: deterministic, fixed-length names for the staged blocks of one
 * tape. Azure requires every block id of a blob to have the same length, and
 * deterministic ids let a resumed run recognise its own blocks in the
 * uncommitted block list without any server-side upload object.
 *
 * Raw id (36 ASCII bytes, base64 → 48 chars, no padding):
 *   `<first 16 hex of the fingerprint>-<part size, 10 digits>-<part number, 8 digits>`
 * The first 27 characters are the upload id. The part size is part of it so
 * that blocks staged under another plan of the same tape (other part size)
 * can never pass for this plan's blocks: same number and same size would
 * otherwise be possible for different bytes.
 */
import { InvalidArgumentError } from "@tartape/core";

const FINGERPRINT_CHARS = 16;
const PART_SIZE_DIGITS = 10;
const PART_NUMBER_DIGITS = 8;
const UPLOAD_ID_PATTERN = /^[0-9a-f]{16}-\d{10}$/;
const RAW_BLOCK_ID_PATTERN = /^([0-9a-f]{16}-\d{10})-(\d{8})$/;

/** Length of every block id this package stages, before base64 encoding. */
export const RAW_BLOCK_ID_LENGTH = FINGERPRINT_CHARS + 1 + PART_SIZE_DIGITS + 1 + PART_NUMBER_DIGITS;

function fixedDigits(value: number, width: number, what: string): string {
  const digits = String(value);
  if (!Number.isSafeInteger(value) || value < 0 || digits.length > width) {
    throw new InvalidArgumentError(`${what} ${value} does not fit an Azure block id (a whole number of at most ${width} digits is required).`);
  }
  return digits.padStart(width, "0");
}

/** The upload id of a tape cut into parts of `partSize`: the shared prefix of its block ids. Holds nothing secret. */
export function uploadIdFor(fingerprint: string, partSize: number): string {
  const head = fingerprint.slice(0, FINGERPRINT_CHARS).toLowerCase();
  if (!/^[0-9a-f]{16}$/.test(head)) throw new InvalidArgumentError(`A tape fingerprint must start with 16 hex digits, got '${fingerprint}'.`);
  return `${head}-${fixedDigits(partSize, PART_SIZE_DIGITS, "Part size")}`;
}

export function isUploadId(value: string): boolean {
  return UPLOAD_ID_PATTERN.test(value);
}

/** The base64 block id of part `partNumber` (1-based) of an upload. */
export function blockIdFor(uploadId: string, partNumber: number): string {
  if (!isUploadId(uploadId)) throw new InvalidArgumentError(`'${uploadId}' is not an upload id of an Azure tape upload.`);
  if (partNumber < 1) throw new InvalidArgumentError(`Part numbers start at 1, got ${partNumber}.`);
  const raw = `${uploadId}-${fixedDigits(partNumber, PART_NUMBER_DIGITS, "Part number")}`;
  return Buffer.from(raw, "ascii").toString("base64");
}

/** The upload and part a block id names, or null for a block some other writer staged. */
export function parseBlockId(blockId: string): { uploadId: string; partNumber: number } | null {
  const raw = Buffer.from(blockId, "base64").toString("latin1");
  // Round-trip check: rejects ids that only decode to our shape by base64 leniency.
  if (Buffer.from(raw, "latin1").toString("base64") !== blockId) return null;
  const match = RAW_BLOCK_ID_PATTERN.exec(raw);
  if (!match) return null;
  const partNumber = Number(match[2]);
  return partNumber >= 1 ? { uploadId: match[1]!, partNumber } : null;
}
