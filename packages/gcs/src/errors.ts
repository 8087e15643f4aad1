/**
 * GCS failures as tartape errors: the driver retries a TargetError only when it
 * says `retryable`, and the CLI prints messages as they are, so each message
 * says what happened and what to do about it.
 */
import { OPTION_WORDS, TargetError, TartapeError, classifySocketError } from "@tartape/core";
import { GOOGLE_SERVICE_NAME } from "./client.js";

/** What a request was doing, for messages that name it. */
export interface GcsRequestContext {
  /** What was being done, e.g. "uploading part 3" or "listing the upload's parts". */
  readonly operation: string;
  readonly bucket: string;
  readonly key: string;
  /** Where requests go, as users know it: the endpoint URL, or "Google Cloud Storage". */
  readonly endpoint: string;
}

/**
 * The fields this mapping reads. ApiError (JSON API answers) has a numeric
 * `code`; socket and fetch errors have a string `code`, sometimes on `cause`.
 */
interface ErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly errors?: readonly { readonly reason?: unknown; readonly message?: unknown }[];
}

/** JSON API reasons that another attempt can fix, whatever the status says. */
const TRANSIENT_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "backendError", "internalError"]);
/** What google-auth-library says when it finds no credentials or cannot use them. */
const CREDENTIAL_TROUBLE = /Could not load the default credentials|Could not refresh access token|invalid_grant|invalid_client|unauthorized_client|Unable to detect a Project Id/i;
/** The service's answer to a body whose checksum does not match the one sent: the bytes were damaged on the way. */
const CHECKSUM_MISMATCH = /(MD5|CRC32C)[^.]*(doesn't|does not|did not) match/i;

function shapeOf(err: unknown): ErrorShape {
  return err !== null && typeof err === "object" ? (err as ErrorShape) : {};
}

/** The HTTP status of a JSON API error answer. */
export function statusOf(err: unknown): number | undefined {
  const code = shapeOf(err).code;
  return typeof code === "number" ? code : undefined;
}

/** The first errno-style code along the cause chain (fetch wraps the socket error), for messages. */
function networkCode(err: unknown, depth = 0): string | undefined {
  const shape = shapeOf(err);
  if (typeof shape.code === "string" && /^[A-Z_]+$/.test(shape.code)) return shape.code;
  if (shape.cause !== undefined && shape.cause !== err && depth < 5) return networkCode(shape.cause, depth + 1);
  return undefined;
}

function reasonOf(err: unknown): string | undefined {
  const reason = shapeOf(err).errors?.[0]?.reason;
  return typeof reason === "string" ? reason : undefined;
}

function messageOf(err: unknown): string {
  const message = shapeOf(err).message;
  return typeof message === "string" && message.trim() !== "" ? message.trim().split("\n")[0]! : "no details";
}

function describe(err: unknown): string {
  const status = statusOf(err);
  if (status !== undefined) return `HTTP ${status}${reasonOf(err) ? ` ${reasonOf(err)}` : ""}: ${messageOf(err)}`;
  const code = networkCode(err);
  return code ? `${code}: ${messageOf(err)}` : messageOf(err);
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/** 412: an `ifGenerationMatch` precondition did not hold. */
export function isPreconditionFailed(err: unknown): boolean {
  return statusOf(err) === 412;
}

/** An abort through the signal, by any of the layers that report one. */
export function isAbort(err: unknown): boolean {
  const name = shapeOf(err).name;
  return name === "AbortError" && networkCode(err) !== "ETIMEDOUT";
}

/**
 * Maps any failure of a GCS call to the error tartape throws. Our own errors
 * (a changed source file) and aborts pass through unchanged. A 404 is read as
 * "the bucket does not exist": callers that expect an object to be missing
 * handle that 404 themselves before coming here.
 */
export function toTargetError(err: unknown, ctx: GcsRequestContext): Error {
  if (err instanceof TartapeError || isAbort(err)) return err as Error;
  const status = statusOf(err);
  const socket = classifySocketError(err);
  const reason = reasonOf(err);
  const message = messageOf(err);
  const object = `gs://${ctx.bucket}/${ctx.key}`;
  const options = (retryable: boolean) => ({ retryable, cause: err });

  if (status === 404) {
    return new TargetError(
      "TARGET_NOT_FOUND",
      `Bucket '${ctx.bucket}' does not exist at ${ctx.endpoint} (${describe(err)}, while ${ctx.operation}): create it first, or check the bucket name.`,
      options(false),
    );
  }
  if (status === 401 || status === 403 || CREDENTIAL_TROUBLE.test(message)) {
    return new TargetError(
      "TARGET_AUTH",
      `${ctx.endpoint} refused ${ctx.operation} for ${object} (${describe(err)}). Check the credentials (GOOGLE_APPLICATION_CREDENTIALS, or \`gcloud auth application-default login\`): ` +
        `they need storage.objects.create, get, list and delete on bucket '${ctx.bucket}'.`,
      options(false),
    );
  }
  if (socket?.kind === "unreachable") {
    return new TargetError(
      "TARGET_UNREACHABLE",
      `Cannot reach ${ctx.endpoint} (${socket.code}) while ${ctx.operation} for ${object}: ` +
        // No endpoint was given: there is no URL to check, but the network (or an emulator not named).
        (ctx.endpoint === GOOGLE_SERVICE_NAME
          ? `check this machine's internet connection and DNS; for an emulator, give its URL (${OPTION_WORDS.gcsEndpoint}, or STORAGE_EMULATOR_HOST).`
          : "check the endpoint URL, and that the server is running and reachable from here."),
      options(true),
    );
  }
  const transient =
    (status !== undefined && (status >= 500 || status === 429 || status === 408)) ||
    (reason !== undefined && TRANSIENT_REASONS.has(reason)) ||
    (status === 400 && CHECKSUM_MISMATCH.test(message)) ||
    socket?.kind === "transient";
  if (transient) {
    return new TargetError(
      "TARGET_ERROR",
      `${ctx.endpoint} failed while ${ctx.operation} for ${object} with a temporary error (${describe(err)}). If it keeps failing, run again later: the upload resumes.`,
      options(true),
    );
  }
  return new TargetError("TARGET_ERROR", `${ctx.endpoint} failed while ${ctx.operation} for ${object} (${describe(err)}).`, options(false));
}
