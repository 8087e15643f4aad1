/**
 * The flags that say what the stored object is besides its bytes: storage
 * class or access tier, encryption, metadata, tags, content type. One flag
 * each; target-from-url.ts refuses one given for a destination that has no
 * such thing, and each target checks the values.
 */
import fs from "node:fs";
import { InvalidArgumentError } from "@tartape/core/tape";
import type { Command } from "commander";
import type { ObjectOptions } from "../targets/connection-options.js";

export interface ObjectFlags {
  readonly storageClass?: string;
  readonly metadata?: string[];
  readonly tag?: string[];
  readonly contentType?: string;
  readonly sse?: string;
  readonly sseKmsKeyId?: string;
  readonly sseCustomerKey?: string;
  readonly accessTier?: string;
  readonly encryptionScope?: string;
  readonly kmsKeyName?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function addObjectFlags(command: Command): Command {
  return command
    .option("--storage-class <class>", "S3: STANDARD_IA, GLACIER_IR, DEEP_ARCHIVE, ... (as S3 names them); GCS: STANDARD, NEARLINE, COLDLINE, ARCHIVE")
    .option("--metadata <key=value>", "user metadata on the object (S3, GCS, Azure: names are C# identifiers); repeatable", collect)
    .option("--tag <key=value>", "a tag on the object (S3: at most 10; Azure blob index tags); repeatable", collect)
    .option("--content-type <type>", "the object's Content-Type (S3, Azure, GCS; default application/x-tar)")
    .option("--sse <kind>", "S3 server-side encryption: AES256 (SSE-S3) or aws:kms (SSE-KMS)")
    .option("--sse-kms-key-id <key>", "S3: the KMS key for --sse aws:kms (id, ARN or alias; default the account's S3 key)")
    .option("--sse-customer-key <file>", "S3 SSE-C, Azure customer-provided key: a file holding your 256-bit key (32 bytes, or their base64); read from a file so it stays out of `ps`")
    .option("--access-tier <tier>", "Azure: the blob's tier, Hot, Cool, Cold or Archive")
    .option("--encryption-scope <scope>", "Azure: the account's encryption scope for the blocks and the blob")
    .option("--kms-key-name <key>", "GCS: the Cloud KMS key (projects/.../cryptoKeys/...) that encrypts the composed object");
}

/** `KEY=VALUE` flags as a record; a key given twice is a mistake, not a last-one-wins. */
export function parsePairs(values: readonly string[] | undefined, flag: string): Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const record: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf("=");
    if (at <= 0) throw new InvalidArgumentError(`Invalid ${flag} '${value}': write it as KEY=VALUE, e.g. ${flag} owner=backups.`);
    const key = value.slice(0, at);
    if (Object.hasOwn(record, key)) throw new InvalidArgumentError(`${flag} gives ${JSON.stringify(key)} twice: give each key once.`);
    record[key] = value.slice(at + 1);
  }
  return record;
}

/** An SSE-C key from its file: 32 raw bytes, or their base64 on one line. */
export function readCustomerKey(file: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new InvalidArgumentError(`Cannot read the key file of --sse-customer-key ${file}: ${(err as Error).message}.`);
  }
  if (bytes.length === 32) return bytes;
  const decoded = Buffer.from(bytes.toString("utf8").trim(), "base64");
  if (decoded.length === 32) return decoded;
  throw new InvalidArgumentError(`The key file of --sse-customer-key ${file} holds ${bytes.length} bytes: it must hold a 256-bit key, as 32 bytes or their base64 (44 characters).`);
}

export function objectOptions(flags: ObjectFlags): ObjectOptions {
  const metadata = parsePairs(flags.metadata, "--metadata");
  const tags = parsePairs(flags.tag, "--tag");
  return {
    ...(flags.storageClass !== undefined ? { storageClass: flags.storageClass } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(tags !== undefined ? { tags } : {}),
    ...(flags.contentType !== undefined ? { contentType: flags.contentType } : {}),
    ...(flags.sse !== undefined ? { sse: flags.sse } : {}),
    ...(flags.sseKmsKeyId !== undefined ? { sseKmsKeyId: flags.sseKmsKeyId } : {}),
    ...(flags.sseCustomerKey !== undefined ? { sseCustomerKey: readCustomerKey(flags.sseCustomerKey) } : {}),
    ...(flags.accessTier !== undefined ? { accessTier: flags.accessTier } : {}),
    ...(flags.encryptionScope !== undefined ? { encryptionScope: flags.encryptionScope } : {}),
    ...(flags.kmsKeyName !== undefined ? { kmsKeyName: flags.kmsKeyName } : {}),
  };
}

/** The flags again, as the command that resumes the upload repeats them (the key file by its path, never its key). */
export function objectFlagArgs(flags: ObjectFlags): string[] {
  const args: string[] = [];
  const valued: Array<[string, string | undefined]> = [
    ["--storage-class", flags.storageClass],
    ["--content-type", flags.contentType],
    ["--sse", flags.sse],
    ["--sse-kms-key-id", flags.sseKmsKeyId],
    ["--sse-customer-key", flags.sseCustomerKey],
    ["--access-tier", flags.accessTier],
    ["--encryption-scope", flags.encryptionScope],
    ["--kms-key-name", flags.kmsKeyName],
  ];
  for (const [flag, value] of valued) if (value !== undefined) args.push(flag, value);
  for (const pair of flags.metadata ?? []) args.push("--metadata", pair);
  for (const pair of flags.tag ?? []) args.push("--tag", pair);
  return args;
}
