/**
 * S3 failures as tartape errors: the driver retries a TargetError only when it
 * says `retryable`, and the CLI prints messages as they are, so each message
 * says what happened and what to do about it.
 */
import { OPTION_WORDS, PartSizeError, TargetError, TartapeError, classifySocketError } from "@tartape/core";

/** What a request was doing, for messages that name it. */
export interface S3RequestContext {
  /** The S3 operation, e.g. "UploadPart". */
  readonly operation: string;
  readonly bucket: string;
  readonly key: string;
  /** Where requests go, as users know it: the endpoint URL, or "AWS S3 (eu-west-1)". */
  readonly endpoint: string;
  readonly uploadId?: string;
}

/** The fields this mapping reads; both S3ServiceException and Node's network errors fit it. */
interface ErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Service errors that another attempt can fix, whatever their HTTP status. */
const TRANSIENT_SERVICE_ERRORS = new Set([
  "SlowDown",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalError",
  "ServiceUnavailable",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestThrottled",
  "TimeoutError",
  // The body arrived damaged or short (or a source file was rewritten between the
  // Content-MD5 read and the send): another attempt reads the part afresh.
  "BadDigest",
  "IncompleteBody",
  "XAmzContentChecksumMismatch",
]);
const AUTH_ERRORS = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "AccessDenied",
  "InvalidToken",
  "ExpiredToken",
  "TokenRefreshRequired",
  "InvalidSecurity",
  "AccountProblem",
  "AllAccessDisabled",
  "CredentialsProviderError",
]);
const WRONG_REGION_ERRORS = new Set(["PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"]);

function shapeOf(err: unknown): ErrorShape {
  return err !== null && typeof err === "object" ? (err as ErrorShape) : {};
}

function errorName(err: unknown): string {
  const name = shapeOf(err).name;
  return typeof name === "string" ? name : "";
}

/** The HTTP status of a service error; undefined for network errors. */
export function statusOf(err: unknown): number | undefined {
  return shapeOf(err).$metadata?.httpStatusCode;
}

/** The first errno-style code along the cause chain (the SDK sometimes wraps the socket error), for messages. */
function networkCode(err: unknown, depth = 0): string | undefined {
  const shape = shapeOf(err);
  if (typeof shape.code === "string" && /^[A-Z_]+$/.test(shape.code)) return shape.code;
  if (shape.cause !== undefined && shape.cause !== err && depth < 5) return networkCode(shape.cause, depth + 1);
  return undefined;
}

function serviceMessage(err: unknown): string {
  const message = shapeOf(err).message;
  return typeof message === "string" && message !== "" && message !== "UnknownError" ? message : "no details";
}

/** Whether the error is the S3 error `name` (e.g. "NoSuchUpload"). */
export function isS3Error(err: unknown, name: string): boolean {
  return errorName(err) === name;
}

/** A 404 without a more specific code: what HEAD on a missing object returns. */
export function isNotFound(err: unknown): boolean {
  const name = errorName(err);
  return name === "NotFound" || name === "NoSuchKey" || (statusOf(err) === 404 && name !== "NoSuchBucket" && name !== "NoSuchUpload");
}

function describe(err: unknown): string {
  const status = statusOf(err);
  const name = errorName(err) || networkCode(err) || "Error";
  return `${name}${status ? `, HTTP ${status}` : ""}: ${serviceMessage(err)}`;
}

function authMessage(name: string, err: unknown, ctx: S3RequestContext): string {
  const where = `${ctx.endpoint} (${ctx.operation} on s3://${ctx.bucket}/${ctx.key})`;
  switch (name) {
    case "InvalidAccessKeyId":
      return `${where} does not know this access key id (InvalidAccessKeyId). Check the access key id in the credentials (AWS_ACCESS_KEY_ID, or ${OPTION_WORDS.s3Credentials}).`;
    case "SignatureDoesNotMatch":
      return `${where} rejected the request signature (SignatureDoesNotMatch): the secret access key is wrong. Check AWS_SECRET_ACCESS_KEY, or ${OPTION_WORDS.s3Credentials}.`;
    case "ExpiredToken":
    case "InvalidToken":
    case "TokenRefreshRequired":
      return `${where} refused the session token (${name}): it expired or is invalid. Refresh the credentials and run again; the upload resumes.`;
    case "CredentialsProviderError":
      return `No S3 credentials were found (${serviceMessage(err)}). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)${OPTION_WORDS.s3CredentialsClause}.`;
    default:
      return (
        `${where} denied access (${describe(err)}). The credentials need s3:PutObject, s3:GetObject, s3:ListMultipartUploadParts and s3:AbortMultipartUpload ` +
        `on this bucket and key, and s3:ListBucketMultipartUploads on the bucket to find uploads a killed run left behind.`
      );
  }
}

/**
 * Maps any failure of an S3 call to the error tartape throws. Our own errors
 * (a changed source file) and aborts pass through unchanged.
 */
export function toTargetError(err: unknown, ctx: S3RequestContext): Error {
  if (err instanceof TartapeError) return err;
  const name = errorName(err);
  if (name === "AbortError") return err as Error;
  const status = statusOf(err);
  const socket = classifySocketError(err);
  const object = `s3://${ctx.bucket}/${ctx.key}`;
  const options = (retryable: boolean) => ({ retryable, cause: err });

  if (name === "NoSuchBucket") {
    return new TargetError("TARGET_NOT_FOUND", `Bucket '${ctx.bucket}' does not exist at ${ctx.endpoint}: create it, or check the name.`, options(false));
  }
  if (AUTH_ERRORS.has(name) || (status === 403 && name !== "RequestTimeTooSkewed")) {
    return new TargetError("TARGET_AUTH", authMessage(AUTH_ERRORS.has(name) ? name : "AccessDenied", err, ctx), options(false));
  }
  if (name === "RequestTimeTooSkewed") {
    // The SDK learns the clock offset from this very response, so the next attempt is signed with the corrected time.
    return new TargetError(
      "TARGET_ERROR",
      `${ctx.endpoint} says this machine's clock is off by more than 15 minutes (RequestTimeTooSkewed). Fix the system time (NTP) if this repeats.`,
      options(true),
    );
  }
  if (socket?.kind === "unreachable") {
    return new TargetError(
      "TARGET_UNREACHABLE",
      `Cannot reach ${ctx.endpoint} (${socket.code}) for ${ctx.operation} on ${object}: check the endpoint URL, and that the server is running and reachable from here.`,
      options(true),
    );
  }
  if (name === "EntityTooSmall") {
    return new PartSizeError(
      `${ctx.endpoint} refused to assemble ${object}: every part but the last must be at least 5 MiB (EntityTooSmall). ` +
        `Start the upload over with a part size of at least 5 MiB (${OPTION_WORDS.restart}).`,
    );
  }
  if (name === "EntityTooLarge") {
    return new PartSizeError(`${ctx.endpoint} refused a part of ${object} as too large (EntityTooLarge: ${serviceMessage(err)}). Start over with a smaller part size (at most 5 GiB).`);
  }
  if (name === "NoSuchUpload") {
    return new TargetError(
      "TARGET_ERROR",
      `The multipart upload ${ctx.uploadId ?? ""} of ${object} no longer exists at ${ctx.endpoint} (aborted, expired, or completed elsewhere). ` +
        "Run the upload again: it checks for a finished object and otherwise starts a new upload.",
      options(false),
    );
  }
  if (WRONG_REGION_ERRORS.has(name) || status === 301) {
    return new TargetError(
      "TARGET_ERROR",
      `Bucket '${ctx.bucket}' is not in the region this client signs for (${describe(err)}). Pass the bucket's region (region option, or AWS_REGION).`,
      options(false),
    );
  }
  // 501 Not Implemented: the server lacks what was asked for (an SSE kind, a header); asking again changes nothing.
  const notImplemented = status === 501 || name === "NotImplemented";
  const transient =
    !notImplemented &&
    (TRANSIENT_SERVICE_ERRORS.has(name) || (status !== undefined && (status >= 500 || status === 429)) || socket?.kind === "transient");
  if (transient) {
    return new TargetError(
      "TARGET_ERROR",
      `${ctx.operation} on ${object} at ${ctx.endpoint} failed with a temporary error (${describe(err)}). If it keeps failing, run again later: the upload resumes.`,
      options(true),
    );
  }
  return new TargetError("TARGET_ERROR", `${ctx.operation} on ${object} at ${ctx.endpoint} failed (${describe(err)}).`, options(false));
}
