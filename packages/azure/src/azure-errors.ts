/**
 * Maps what @azure/storage-blob throws onto tartape's typed errors, so the
 * driver can tell what to retry and the user reads what to do. The service's
 * error code comes from the response body, or for HEAD requests (no body) from
 * the x-ms-error-code header, which the SDK puts in `details.errorCode`.
 */
import { IntegrityMismatchError, TargetError, TartapeError, classifySocketError } from "@tartape/core";
import { credentialsUnavailable } from "./entra-id.js";

/** Where a failing call went and what it was for, for messages. Never holds a secret. */
export interface AzureCallContext {
  /** What was being done, e.g. "staging block 3". */
  readonly action: string;
  /** `az://account/container/blob`. */
  readonly targetId: string;
  readonly account: string;
  readonly container: string;
  /** The account's blob endpoint without query string (a SAS token must not reach a message). */
  readonly endpoint: string;
}

/** The SDK's own code for a request it could not send; the socket's code, when it kept one, sits on `cause`. */
const REQUEST_SEND_ERROR = "REQUEST_SEND_ERROR";

/** Service error codes that mean "busy or broken right now", whatever the HTTP status says. */
const TRANSIENT_SERVICE_CODES = new Set(["ServerBusy", "OperationTimedOut", "InternalError"]);

const AUTH_CODES = new Set([
  "AuthenticationFailed",
  "AuthorizationFailure",
  "AuthorizationPermissionMismatch",
  "AuthorizationResourceTypeMismatch",
  "AuthorizationServiceMismatch",
  "AuthorizationProtocolMismatch",
  "AuthorizationSourceIPMismatch",
  "InsufficientAccountPermissions",
  "InvalidAuthenticationInfo",
  "NoAuthenticationInformation",
  "KeyBasedAuthenticationNotPermitted",
]);

interface AzureErrorFacts {
  readonly status: number | undefined;
  /** Service error code (ContainerNotFound, ServerBusy, ...) or Node network code (ECONNREFUSED, ...). */
  readonly code: string | undefined;
  /** First line of the service's message, without the RequestId/Time lines. */
  readonly message: string;
}

function factsOf(err: unknown): AzureErrorFacts {
  const e = (err ?? {}) as { statusCode?: unknown; code?: unknown; details?: { errorCode?: unknown }; message?: unknown; cause?: { code?: unknown } };
  const serviceCode = typeof e.details?.errorCode === "string" ? e.details.errorCode : undefined;
  const ownCode = typeof e.code === "string" ? e.code : undefined;
  const causeCode = typeof e.cause?.code === "string" ? e.cause.code : undefined;
  // A generic send error wraps the socket's own code, which says more.
  const code = serviceCode ?? (ownCode === REQUEST_SEND_ERROR && causeCode ? causeCode : (ownCode ?? causeCode));
  const text = typeof e.message === "string" ? e.message : String(err);
  return { status: typeof e.statusCode === "number" ? e.statusCode : undefined, code, message: text.split("\n")[0]!.trim() };
}

/** The tartape error a failed Azure call amounts to; errors that are already tartape's, and aborts, pass through. */
export function mapAzureError(err: unknown, where: AzureCallContext): unknown {
  if (err instanceof TartapeError) return err;
  if (err instanceof Error && err.name === "AbortError") return err;
  const wrapped = (err as { cause?: unknown } | null)?.cause;
  if (wrapped instanceof TartapeError) return wrapped;
  const unavailable = credentialsUnavailable(err, where.account) ?? credentialsUnavailable(wrapped, where.account);
  if (unavailable) return unavailable;

  const { status, code, message } = factsOf(err);
  const socket = classifySocketError(err);
  const label = [code, status ? `HTTP ${status}` : undefined].filter(Boolean).join(", ") || "no error code";
  const options = (retryable: boolean) => ({ retryable, cause: err });

  if (code === "ContainerNotFound") {
    return new TargetError(
      "TARGET_NOT_FOUND",
      `Container '${where.container}' does not exist in storage account '${where.account}' at ${where.endpoint}: create it first (e.g. az storage container create --name ${where.container}), or check the container name.`,
      options(false),
    );
  }
  if (code === "Md5Mismatch" || code === "Crc64Mismatch") {
    return new IntegrityMismatchError(
      `Azure Storage received other bytes than tartape sent while ${where.action} for ${where.targetId} (${code}): the data changed in transit or the source changed while it was read. ` +
        "Nothing wrong was stored; run the upload again to send that block anew.",
    );
  }
  if (status === 401 || status === 403 || (code !== undefined && AUTH_CODES.has(code))) {
    return new TargetError(
      "TARGET_AUTH",
      `Azure Storage refused the credentials for account '${where.account}' at ${where.endpoint} while ${where.action} (${label}). ` +
        `Check the account key, SAS token or connection string (AZURE_STORAGE_CONNECTION_STRING), and that it may read, write and list blobs in container '${where.container}'.`,
      options(false),
    );
  }
  if (socket?.kind === "unreachable") {
    return new TargetError(
      "TARGET_UNREACHABLE",
      `Cannot reach Azure Storage at ${where.endpoint} (${socket.code}) while ${where.action}. Check the endpoint (BlobEndpoint in the connection string) and the network; tartape retries this.`,
      options(true),
    );
  }
  const transient =
    (status !== undefined && (status >= 500 || status === 408 || status === 429)) ||
    (code !== undefined && TRANSIENT_SERVICE_CODES.has(code)) ||
    socket?.kind === "transient" ||
    // The SDK could not send the request and kept no socket code: a broken connection all the same.
    code === REQUEST_SEND_ERROR;
  if (transient) {
    return new TargetError("TARGET_ERROR", `Azure Storage failed while ${where.action} for ${where.targetId} (${label}: ${message || "no message"}); tartape retries this.`, options(true));
  }
  if (code === "InvalidBlobOrBlock") {
    return new TargetError(
      "TARGET_ERROR",
      `Azure Storage rejected a block while ${where.action} for ${where.targetId} (InvalidBlobOrBlock). The blob most likely holds uncommitted blocks another tool staged with ids of another length; ` +
        "delete the blob (or wait for Azure to discard uncommitted blocks after 7 days) and run again.",
      options(false),
    );
  }
  if (code === "InvalidBlockList") {
    return new TargetError(
      "TARGET_ERROR",
      `Azure Storage could not commit ${where.targetId} (InvalidBlockList): some staged blocks are gone, either discarded after 7 days uncommitted or by another writer committing this blob. ` +
        "Run the upload again: it finds which blocks are missing and sends only those.",
      options(false),
    );
  }
  return new TargetError("TARGET_ERROR", `Azure Storage rejected ${where.action} for ${where.targetId} (${label}): ${message || "no message"}.`, options(false));
}

/** The service's error code of a failed request (BlobNotFound, ConditionNotMet, ...), if it gave one. */
export function errorCodeOf(err: unknown): string | undefined {
  const e = err as { details?: { errorCode?: unknown }; code?: unknown } | null;
  const code = e?.details?.errorCode ?? e?.code;
  return typeof code === "string" ? code : undefined;
}
