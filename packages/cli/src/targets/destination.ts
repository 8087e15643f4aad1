/**
 * Tells what kind of destination the user typed, without loading any cloud
 * SDK: `s3://`, `az://`, `gs://`, a `file://` URL, or a local path.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TargetError } from "@tartape/core/tape";

export type CloudScheme = "s3" | "az" | "gs";

export type Destination =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: CloudScheme; readonly url: string };

const CLOUD_SCHEMES: readonly CloudScheme[] = ["s3", "az", "gs"];
const URL_PREFIX = /^([a-z][a-z0-9+.-]*):\/\//i;
/** `s3:bucket/key`, `gs:/bucket/key`: a known scheme with its slashes missing. */
const MISSING_SLASHES = /^(s3|az|gs|file):(?!\/\/)/i;

export const DESTINATION_FORMS = "s3://bucket/key, az://container/blob, gs://bucket/key, a local path, or a file:// URL";

function invalid(url: string, why: string, showForms = true): TargetError {
  return new TargetError("TARGET_URL_INVALID", `'${url}' is not a destination tartape can write to: ${why}.${showForms ? ` Use ${DESTINATION_FORMS}.` : ""}`);
}

function localFile(url: string, filePath: string): Destination {
  const resolved = path.resolve(filePath);
  let isDirectory = false;
  try {
    isDirectory = fs.statSync(resolved).isDirectory();
  } catch {
    // Not there yet: the usual case, the upload creates it.
  }
  if (isDirectory) throw invalid(url, `${resolved} is a directory; name the file to write, e.g. ${path.join(resolved, "tape.tar")}`, false);
  return { kind: "file", path: resolved };
}

export function classifyDestination(url: string): Destination {
  if (url.trim() === "") throw invalid(url, "it is empty");
  const missing = MISSING_SLASHES.exec(url);
  if (missing) throw invalid(url, `write ${missing[1]!.toLowerCase()}:// with both slashes`);

  const scheme = URL_PREFIX.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return localFile(url, url);
  if (scheme === "file") {
    let filePath: string;
    try {
      filePath = fileURLToPath(url);
    } catch (err) {
      throw invalid(url, `${(err as Error).message.replace(/\.$/, "")} (write file:///absolute/path/to/file.tar)`);
    }
    return localFile(url, filePath);
  }
  if ((CLOUD_SCHEMES as readonly string[]).includes(scheme)) return { kind: scheme as CloudScheme, url };
  throw invalid(url, `the scheme '${scheme}://' is not supported`);
}
