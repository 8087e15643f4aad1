/**
 * Azure's customer-provided key (CPK): a 256-bit AES key sent with every
 * request that writes or reads the blob's bytes, beside its SHA-256, which
 * Azure keeps to check later requests. Azure accepts it over HTTPS only.
 * The key itself is never kept: the upload's identity names its SHA-256,
 * as Azure itself does.
 */
import { createHash } from "node:crypto";
import type { CpkInfo } from "@azure/storage-blob";
import { InvalidArgumentError, OPTION_WORDS } from "@tartape/core";

/** The key as 32 bytes; given as bytes or as their base64. */
export function customerKeyBytes(key: Uint8Array | string): Buffer {
  const bytes = typeof key === "string" ? Buffer.from(key.trim(), "base64") : Buffer.from(key);
  if (bytes.length !== 32) {
    throw new InvalidArgumentError(`${OPTION_WORDS.s3SseCustomerKey} must be a 256-bit key: 32 bytes, or their base64 (44 characters); this one is ${bytes.length} bytes.`);
  }
  return bytes;
}

/** The headers' values: the key and its SHA-256, both base64, and the only algorithm Azure has. */
export function cpkInfo(key: Uint8Array | string): CpkInfo {
  const bytes = customerKeyBytes(key);
  return { encryptionKey: bytes.toString("base64"), encryptionKeySha256: createHash("sha256").update(bytes).digest("base64"), encryptionAlgorithm: "AES256" };
}

/** How the upload's identity (and so the index) names the key: its SHA-256, never the key. */
export function customerKeyFingerprint(key: Uint8Array | string): string {
  return `SHA256 ${cpkInfo(key).encryptionKeySha256}`;
}
