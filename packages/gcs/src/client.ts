/**
 * The Storage client tartape builds when the caller does not bring one, and
 * how messages and target ids name the service it talks to.
 */
import { Storage } from "@google-cloud/storage";
import { TargetError } from "@tartape/core";

export interface GcsConnectionOptions {
  /** Billing/quota project. Object calls do not need one; default: the client's own detection (GOOGLE_CLOUD_PROJECT, credentials). */
  readonly projectId?: string;
  /**
   * A JSON API endpoint other than Google's: an emulator such as fake-gcs-server
   * (`http://127.0.0.1:4443`) or a private endpoint. Without a scheme, https is
   * assumed, as @google-cloud/storage does. Default: STORAGE_EMULATOR_HOST if set
   * (the library reads it anyway), else Google's.
   */
  readonly apiEndpoint?: string;
  /**
   * Whether requests to `apiEndpoint` carry Google credentials. Default: only
   * when the endpoint is a googleapis.com host (e.g. a Private Service Connect
   * endpoint); emulators get none, so no credential lookup happens at all.
   */
  readonly useAuthWithCustomEndpoint?: boolean;
}

export const GOOGLE_ENDPOINT = "https://storage.googleapis.com";
/** The variable emulators and Google's client libraries use for a local endpoint. */
export const EMULATOR_HOST_ENV = "STORAGE_EMULATOR_HOST";

/** The endpoint as a URL, with the scheme the client library would assume. */
export function parseEndpoint(apiEndpoint: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(apiEndpoint) ? apiEndpoint : `https://${apiEndpoint}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TargetError("TARGET_URL_INVALID", `The GCS endpoint ${JSON.stringify(apiEndpoint)} is not a URL. Write it as http://host:port or https://host.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TargetError("TARGET_URL_INVALID", `The GCS endpoint ${JSON.stringify(apiEndpoint)} must be an http:// or https:// URL.`);
  }
  return url;
}

function isGoogleHost(url: URL): boolean {
  return url.hostname === "googleapis.com" || url.hostname.endsWith(".googleapis.com");
}

export function createStorage(options: GcsConnectionOptions): Storage {
  const requested = options.apiEndpoint ?? (process.env[EMULATOR_HOST_ENV] || undefined);
  const endpoint = requested === undefined ? undefined : parseEndpoint(requested).href.replace(/\/+$/, "");
  const storage = new Storage({
    ...(options.projectId !== undefined ? { projectId: options.projectId } : {}),
    ...(endpoint ? { apiEndpoint: endpoint, useAuthWithCustomEndpoint: options.useAuthWithCustomEndpoint ?? isGoogleHost(new URL(endpoint)) } : {}),
    // The driver retries every call with its own backoff, and a part with a fresh stream; client retries would stack on top.
    retryOptions: { autoRetry: false },
  });
  // With STORAGE_EMULATOR_HOST set, the library sends JSON API calls to that host without the
  // /storage/v1 path (fake-gcs-server answers 404) and ignores apiEndpoint for them; the endpoint
  // in force must hold for every call.
  if (endpoint) storage.baseUrl = `${endpoint}/storage/v1`;
  return storage;
}

/** How messages name Google's own endpoint. */
export const GOOGLE_SERVICE_NAME = "Google Cloud Storage";

/** Where requests go, as messages name it: the endpoint URL, or "Google Cloud Storage". */
export function describeEndpoint(apiEndpoint: string): string {
  return apiEndpoint.replace(/\/+$/, "") === GOOGLE_ENDPOINT ? GOOGLE_SERVICE_NAME : apiEndpoint;
}

/** The part of a target id that tells two services apart: empty for Google's own endpoint. */
export function endpointQualifier(apiEndpoint: string): string {
  if (apiEndpoint.replace(/\/+$/, "") === GOOGLE_ENDPOINT) return "";
  const url = parseEndpoint(apiEndpoint);
  return `?endpoint=${url.host}${url.pathname === "/" ? "" : url.pathname.replace(/\/+$/, "")}`;
}
