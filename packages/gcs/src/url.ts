/** `gs://bucket/key` destinations, as users type them, and the names GCS accepts. */
import { TargetError } from "@tartape/core";
import { TEMPORARY_NAME_OVERHEAD } from "./temporary-names.js";

export interface GcsLocation {
  readonly bucket: string;
  readonly key: string;
}

const SCHEME = "gs://";
/** GCS object names are at most 1024 bytes of UTF-8. */
const MAX_OBJECT_NAME_BYTES = 1024;
/** The key must leave room for the temporary names derived from it. */
export const MAX_KEY_BYTES = MAX_OBJECT_NAME_BYTES - TEMPORARY_NAME_OVERHEAD;
/**
 * Lowercase letters, digits, `-`, `_` and `.`, starting and ending with a
 * letter or digit; 3 to 63 characters, or up to 222 with dots when every
 * dot-separated component has at most 63. The rest (no "goog" prefix, no IP
 * addresses) is left to the service.
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

function invalid(url: string, why: string): TargetError {
  return new TargetError("TARGET_URL_INVALID", `${JSON.stringify(url)} is not a valid GCS destination: ${why}. Write it as gs://bucket/path/to/object.tar.`);
}

function bucketProblem(bucket: string): string | null {
  if (bucket === "") return "the bucket name is missing";
  const rule = "3 to 63 characters: lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  if (!BUCKET_NAME.test(bucket)) return `'${bucket}' is not a bucket name (${rule})`;
  if (!bucket.includes(".") && bucket.length > 63) return `'${bucket}' is ${bucket.length} characters long; a bucket name without dots has at most 63`;
  if (bucket.split(".").some((component) => component.length > 63 || component === "")) return `'${bucket}' is not a bucket name (each dot-separated part has 1 to 63 characters)`;
  return null;
}

function keyProblem(key: string): string | null {
  if (key === "") return "the object key is missing";
  if (key.endsWith("/")) return `the key '${key}' ends with '/', which names a folder, not an object; add the object's name`;
  if (/[\r\n]/.test(key)) return "the key contains a line break, which GCS does not allow in object names";
  if (key === "." || key === "..") return `'${key}' cannot be an object name`;
  if (key.startsWith(".well-known/acme-challenge/")) return "GCS reserves object names under .well-known/acme-challenge/";
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes > MAX_KEY_BYTES) {
    return `the key is ${bytes} bytes long; GCS names are at most ${MAX_OBJECT_NAME_BYTES} bytes and tartape needs ${TEMPORARY_NAME_OVERHEAD} of them for the temporary parts, so use at most ${MAX_KEY_BYTES}`;
  }
  return null;
}

/** Splits `gs://bucket/key` into its bucket and key; the key is taken as written (no percent-decoding). */
export function parseGcsUrl(url: string): GcsLocation {
  if (typeof url !== "string" || url.slice(0, SCHEME.length).toLowerCase() !== SCHEME) throw invalid(String(url), "it must start with gs://");
  const rest = url.slice(SCHEME.length);
  const slash = rest.indexOf("/");
  const location = slash === -1 ? { bucket: rest, key: "" } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
  checkGcsLocation(location, url);
  return location;
}

/** Refuses a bucket or key GCS cannot hold, naming the destination as the user wrote it. */
export function checkGcsLocation({ bucket, key }: GcsLocation, shownAs = `gs://${bucket}/${key}`): void {
  const problem = bucketProblem(bucket) ?? keyProblem(key);
  if (problem !== null) throw invalid(shownAs, problem);
}
