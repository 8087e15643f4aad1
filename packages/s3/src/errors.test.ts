import { S3ServiceException } from "@aws-sdk/client-s3";
import { FileChangedError, PartSizeError, TargetError } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { isNotFound, isS3Error, toTargetError, type S3RequestContext } from "./errors.js";

const ctx: S3RequestContext = { operation: "UploadPart 3", bucket: "backups", key: "home.tar", endpoint: "http://127.0.0.1:9000", uploadId: "up-1" };

/** An error shaped exactly as the SDK throws it for an S3 error response. */
function serviceError(name: string, status: number, message = `${name} happened`): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, message });
}

/** A socket error as Node's http module raises it. */
function networkError(code: string, message = `connect ${code} 127.0.0.1:9000`): Error {
  return Object.assign(new Error(message), { code });
}

function mapped(err: unknown): TargetError {
  const result = toTargetError(err, ctx);
  expect(result).toBeInstanceOf(TargetError);
  expect((result as TargetError).cause).toBe(err);
  return result as TargetError;
}

describe("toTargetError", () => {
  it("NoSuchBucket → TARGET_NOT_FOUND naming the bucket and the endpoint", () => {
    const err = mapped(serviceError("NoSuchBucket", 404, "The specified bucket does not exist"));
    expect(err.code).toBe("TARGET_NOT_FOUND");
    expect(err.retryable).toBe(false);
    expect(err.message).toBe("Bucket 'backups' does not exist at http://127.0.0.1:9000: create it, or check the name.");
  });

  it.each([
    ["InvalidAccessKeyId", 403, "access key id"],
    ["SignatureDoesNotMatch", 403, "secret access key is wrong"],
    ["AccessDenied", 403, "s3:PutObject"],
    ["ExpiredToken", 400, "session token"],
    // HEAD responses have no body, so the SDK knows only the status.
    ["Forbidden", 403, "denied access"],
  ])("%s → TARGET_AUTH, not retried, saying what to check", (name, status, hint) => {
    const err = mapped(serviceError(name, status));
    expect(err.code).toBe("TARGET_AUTH");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(hint);
    expect(err.message).toContain("http://127.0.0.1:9000");
  });

  it("missing credentials → TARGET_AUTH telling where credentials come from", () => {
    const missing = Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
    const err = mapped(missing);
    expect(err.code).toBe("TARGET_AUTH");
    expect(err.message).toContain("AWS_ACCESS_KEY_ID");
  });

  it.each(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT"])("%s → TARGET_UNREACHABLE, retryable", (code) => {
    const err = mapped(networkError(code));
    expect(err.code).toBe("TARGET_UNREACHABLE");
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(`Cannot reach http://127.0.0.1:9000 (${code})`);
  });

  it("finds a socket error the SDK wrapped in another error", () => {
    const wrapped = new Error("request failed", { cause: networkError("ECONNREFUSED") });
    expect(mapped(wrapped).code).toBe("TARGET_UNREACHABLE");
  });

  it.each([
    ["503 SlowDown", serviceError("SlowDown", 503)],
    ["503 ServiceUnavailable", serviceError("ServiceUnavailable", 503)],
    ["500 InternalError", serviceError("InternalError", 500)],
    ["a 502 without an S3 error code", serviceError("UnknownError", 502)],
    ["429", serviceError("TooManyRequests", 429)],
    ["400 RequestTimeout", serviceError("RequestTimeout", 400)],
    ["400 BadDigest (the part arrived damaged)", serviceError("BadDigest", 400)],
    ["ECONNRESET", networkError("ECONNRESET", "read ECONNRESET")],
    ["socket hang up", networkError("ECONNRESET", "socket hang up")],
    ["EPIPE", networkError("EPIPE", "write EPIPE")],
    ["the SDK's TimeoutError", Object.assign(new Error("socket timed out after 120000 ms of inactivity"), { name: "TimeoutError" })],
  ])("%s → TARGET_ERROR, retryable", (_title, error) => {
    const err = mapped(error);
    expect(err.code).toBe("TARGET_ERROR");
    expect(err.retryable).toBe(true);
    expect(err.message).toContain("UploadPart 3 on s3://backups/home.tar");
  });

  it("RequestTimeTooSkewed is retried (the SDK corrects its clock offset from the response) and says so", () => {
    const err = mapped(serviceError("RequestTimeTooSkewed", 403));
    expect(err.code).toBe("TARGET_ERROR");
    expect(err.retryable).toBe(true);
    expect(err.message).toContain("clock");
  });

  it("EntityTooSmall → PART_SIZE_INVALID explaining the 5 MiB rule", () => {
    const err = toTargetError(serviceError("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size."), ctx);
    expect(err).toBeInstanceOf(PartSizeError);
    expect((err as PartSizeError).code).toBe("PART_SIZE_INVALID");
    expect(err.message).toContain("at least 5 MiB");
  });

  it("NoSuchUpload → TARGET_ERROR, not retried, telling to run again", () => {
    const err = mapped(serviceError("NoSuchUpload", 404));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("up-1");
    expect(err.message).toContain("Run the upload again");
  });

  it("a wrong region → TARGET_ERROR naming the fix", () => {
    const err = mapped(serviceError("PermanentRedirect", 301, "The bucket you are attempting to access must be addressed using the specified endpoint."));
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("region");
  });

  it("any other 4xx → TARGET_ERROR, not retried, with the service's own message", () => {
    const err = mapped(serviceError("InvalidArgument", 400, "Part number must be an integer between 1 and 10000"));
    expect(err.code).toBe("TARGET_ERROR");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("InvalidArgument, HTTP 400: Part number must be an integer between 1 and 10000");
  });

  it("501 NotImplemented (a server without KMS asked for SSE-KMS) → not retried, with the service's message", () => {
    const err = mapped(serviceError("NotImplemented", 501, "Server side encryption specified but KMS is not configured"));
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain("temporary");
    expect(err.message).toContain("KMS is not configured");
    expect(mapped(serviceError("ServiceUnavailable", 503)).retryable).toBe(true);
  });

  it("passes tartape's own errors and aborts through unchanged", () => {
    const changed = new FileChangedError("/data/a.bin", "size", "10 → 11 bytes");
    expect(toTargetError(changed, ctx)).toBe(changed);
    const abort = Object.assign(new Error("Request aborted"), { name: "AbortError" });
    expect(toTargetError(abort, ctx)).toBe(abort);
  });
});

describe("error predicates", () => {
  it("isS3Error matches the S3 error code", () => {
    expect(isS3Error(serviceError("NoSuchUpload", 404), "NoSuchUpload")).toBe(true);
    expect(isS3Error(serviceError("NoSuchBucket", 404), "NoSuchUpload")).toBe(false);
    expect(isS3Error(networkError("ECONNRESET"), "NoSuchUpload")).toBe(false);
  });

  it("isNotFound is a missing object, never a missing bucket or upload", () => {
    expect(isNotFound(serviceError("NotFound", 404))).toBe(true);
    expect(isNotFound(serviceError("NoSuchKey", 404))).toBe(true);
    expect(isNotFound(serviceError("NoSuchBucket", 404))).toBe(false);
    expect(isNotFound(serviceError("NoSuchUpload", 404))).toBe(false);
    expect(isNotFound(serviceError("AccessDenied", 403))).toBe(false);
  });
});
