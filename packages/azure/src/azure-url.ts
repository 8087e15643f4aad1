/** `az://container/path/to/blob` destinations, and the names Azure accepts in them. */
import { TargetError } from "@tartape/core";

export interface AzureLocation {
  readonly container: string;
  readonly blob: string;
}

const SCHEME = "az://";
const MAX_BLOB_NAME_LENGTH = 1024;

/** Why `container` is not a valid Azure container name, or null when it is. */
export function containerNameProblem(container: string): string | null {
  if (container === "$root") return null;
  if (container.length < 3 || container.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9-]+$/.test(container)) return "may hold only lowercase letters, digits and hyphens";
  if (container.startsWith("-") || container.endsWith("-")) return "must start and end with a letter or digit";
  if (container.includes("--")) return "must not hold two hyphens in a row";
  return null;
}

/** Why `blob` is not a usable blob name, or null when it is. */
export function blobNameProblem(blob: string): string | null {
  if (blob.length === 0) return "is empty";
  if (blob.length > MAX_BLOB_NAME_LENGTH) return `is longer than ${MAX_BLOB_NAME_LENGTH} characters`;
  // Azure accepts these but portals and tools cannot address them reliably.
  if (blob.endsWith("/") || blob.endsWith(".")) return "must not end with '/' or '.'";
  return null;
}

function invalid(url: string, why: string): TargetError {
  return new TargetError("TARGET_URL_INVALID", `'${url}' is not a valid Azure destination: ${why}. Expected az://<container>/<blob>, e.g. az://backups/photos.tar.`);
}

/** Splits `az://container/blob` (the blob may contain `/`). Credentials never belong in the URL. */
export function parseAzureUrl(url: string): AzureLocation {
  if (!url.startsWith(SCHEME)) throw invalid(url, `it must start with ${SCHEME}`);
  const rest = url.slice(SCHEME.length);
  if (/[?#]/.test(rest)) {
    throw invalid(url, "it must not carry a query or fragment (pass a SAS token or key through AZURE_STORAGE_CONNECTION_STRING, never in the URL)");
  }
  const slash = rest.indexOf("/");
  if (slash < 0) throw invalid(url, "the blob name is missing");
  const container = rest.slice(0, slash);
  const blob = rest.slice(slash + 1);
  const containerProblem = containerNameProblem(container);
  if (containerProblem) throw invalid(url, `the container name '${container}' ${containerProblem}`);
  const blobProblem = blobNameProblem(blob);
  if (blobProblem) throw invalid(url, `the blob name ${blobProblem}`);
  return { container, blob };
}
