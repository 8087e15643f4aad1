/** `s3://bucket/key` destinations, as users type them. */
import { TargetError } from "@tartape/core";

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

const SCHEME = "s3://";
/** S3 allows up to 1024 bytes of UTF-8 in a key. */
const MAX_KEY_BYTES = 1024;
/**
 * Today's rule is 3-63 of [a-z0-9.-]; buckets made before 2018 in us-east-1
 * may also hold capitals and underscores and be up to 255 long, so accept those
 * and leave the final word to the service. What this catches is the typo: a
 * space, a slash, a missing name.
 */
const BUCKET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/;

function invalid(url: string, why: string): TargetError {
  return new TargetError("TARGET_URL_INVALID", `${JSON.stringify(url)} is not a valid S3 destination: ${why}. Write it as s3://bucket/path/to/object.tar.`);
}

/** Splits `s3://bucket/key` into its bucket and key; the key is taken as written (no percent-decoding: `%` is legal in keys). */
export function parseS3Url(url: string): S3Location {
  if (typeof url !== "string" || url.slice(0, SCHEME.length).toLowerCase() !== SCHEME) throw invalid(String(url), "it must start with s3://");
  const rest = url.slice(SCHEME.length);
  const slash = rest.indexOf("/");
  const location = slash === -1 ? { bucket: rest, key: "" } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
  checkS3Location(location, url);
  return location;
}

/** Refuses a bucket or key S3 cannot hold, naming the destination as the user wrote it. */
export function checkS3Location({ bucket, key }: S3Location, shownAs = `s3://${bucket}/${key}`): void {
  if (bucket === "") throw invalid(shownAs, "the bucket name is missing");
  if (!BUCKET_NAME.test(bucket)) throw invalid(shownAs, `'${bucket}' is not a bucket name (3 to 63 characters: lowercase letters, digits, dots and hyphens)`);
  if (key === "") throw invalid(shownAs, "the object key is missing");
  if (key.endsWith("/")) throw invalid(shownAs, `the key '${key}' ends with '/', which names a folder, not an object; add the object's name`);
  const keyBytes = Buffer.byteLength(key, "utf8");
  if (keyBytes > MAX_KEY_BYTES) throw invalid(shownAs, `the key is ${keyBytes} bytes long, more than the ${MAX_KEY_BYTES} S3 allows`);
}
