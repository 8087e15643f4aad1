/**
 * Where `tartape cleanup` looks: `s3://bucket/prefix`, `az://container/prefix`
 * or `gs://bucket/prefix`. Unlike an upload's destination, the prefix may be
 * empty (the whole bucket) or end with `/`; it is taken as written, a plain
 * string prefix of object names.
 */
import { TargetError } from "@tartape/core/tape";
import type { CloudScheme } from "../targets/destination.js";

export interface PrefixLocation {
  readonly scheme: CloudScheme;
  /** The S3 or GCS bucket, or the Azure container. */
  readonly bucket: string;
  readonly prefix: string;
}

const PREFIX_URL = /^(s3|az|gs):\/\/([^/]+)(?:\/(.*))?$/s;
export const PREFIX_FORMS = "s3://bucket/prefix, az://container/prefix or gs://bucket/prefix";

export function parsePrefixUrl(url: string): PrefixLocation {
  const match = PREFIX_URL.exec(url);
  if (!match) throw new TargetError("TARGET_URL_INVALID", `'${url}' is not a place cleanup can look: write ${PREFIX_FORMS} (the prefix may be empty).`);
  return { scheme: match[1] as CloudScheme, bucket: match[2]!, prefix: match[3] ?? "" };
}
