import { ApiError } from "@google-cloud/storage";
import { FileChangedError, TargetError } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { isAbort, isPreconditionFailed, toTargetError, type GcsRequestContext } from "./errors.js";
import { JsonApiError } from "./part-upload.js";

const ctx: GcsRequestContext = { operation: "uploading part 3", bucket: "backups", key: "data.tar", endpoint: "http://127.0.0.1:4443" };

/** An error answer as the library reports it (JSON API body: code, message, errors[].reason). */
function apiError(code: number, message: string, reason?: string): ApiError {
  return new ApiError({ code, message, errors: reason ? [{ reason, message }] : [], response: undefined as never });
}

/** What the library's HTTP layer (node-fetch) throws when a connection fails. */
function fetchError(code: string): Error {
  return Object.assign(new Error(`request to http://127.0.0.1:4443/storage/v1/b/backups/o failed, reason: connect ${code} 127.0.0.1:4443`), {
    name: "FetchError",
    type: "system",
    code,
    errno: code,
  });
}

function mapped(err: unknown): TargetError {
  const result = toTargetError(err, ctx);
  expect(result).toBeInstanceOf(TargetError);
  return result as TargetError;
}

describe("toTargetError", () => {
  it("404 → TARGET_NOT_FOUND naming the bucket and the endpoint, not retried", () => {
    const err = mapped(apiError(404, "The specified bucket does not exist.", "notFound"));
    expect(err).toMatchObject({ code: "TARGET_NOT_FOUND", retryable: false });
    expect(err.message).toContain("Bucket 'backups' does not exist at http://127.0.0.1:4443");
    expect(err.message).toContain("create it first");
  });

  it.each([
    [401, "Anonymous caller does not have storage.objects.create access", "required"],
    [403, "caller does not have storage.objects.create access to the Google Cloud Storage object.", "forbidden"],
  ])("%i → TARGET_AUTH with what to check, not retried", (status, message, reason) => {
    const err = mapped(apiError(status, message, reason));
    expect(err).toMatchObject({ code: "TARGET_AUTH", retryable: false });
    expect(err.message).toContain("GOOGLE_APPLICATION_CREDENTIALS");
    expect(err.message).toContain(message);
  });

  it("no credentials found by google-auth-library → TARGET_AUTH", () => {
    const err = mapped(new Error("Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information."));
    expect(err.code).toBe("TARGET_AUTH");
  });

  it.each(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"])("%s → TARGET_UNREACHABLE, retryable", (code) => {
    const err = mapped(fetchError(code));
    expect(err).toMatchObject({ code: "TARGET_UNREACHABLE", retryable: true });
    expect(err.message).toContain(`Cannot reach http://127.0.0.1:4443 (${code})`);
  });

  it("unreachable with no endpoint given: the remedy is the network, or naming an emulator, not an endpoint URL", () => {
    const err = toTargetError(fetchError("ENOTFOUND"), { ...ctx, endpoint: "Google Cloud Storage" });
    expect(err.message).toContain("Cannot reach Google Cloud Storage (ENOTFOUND)");
    expect(err.message).toContain("check this machine's internet connection and DNS; for an emulator, give its URL (the apiEndpoint option, or STORAGE_EMULATOR_HOST).");
    expect(err.message).not.toContain("endpoint URL");
    expect(mapped(fetchError("ENOTFOUND")).message).toContain("check the endpoint URL");
  });

  it("a socket error wrapped as the cause (fetch's TypeError) is found", () => {
    const err = mapped(new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) }));
    expect(err.code).toBe("TARGET_UNREACHABLE");
  });

  it.each([
    ["503", apiError(503, "Service Unavailable", "backendError")],
    ["500", apiError(500, "Error running compose")],
    ["429", apiError(429, "The rate of change requests to the object is too high", "rateLimitExceeded")],
    ["408", apiError(408, "Request Timeout")],
    ["a damaged body (MD5 mismatch)", apiError(400, 'Provided MD5 hash "x" doesn\'t match calculated MD5 hash "y".', "invalid")],
    ["a damaged body (CRC32C mismatch)", new JsonApiError(400, 'provided CRC32C "AAAAAA==" doesn\'t match calculated CRC32C "yZRlqg=="')],
    ["ECONNRESET", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })],
    ["EPIPE", Object.assign(new Error("write EPIPE"), { code: "EPIPE" })],
    ["an idle timeout", Object.assign(new Error("no data sent or received for 120 s"), { name: "IdleTimeoutError", code: "ETIMEDOUT" })],
    ["the library's request timeout", Object.assign(new Error("network timeout at: http://x"), { name: "AbortError", type: "request-timeout", code: "ETIMEDOUT" })],
  ])("%s → retryable TARGET_ERROR that says it is temporary (whether it was retried is the driver's to say)", (_what, error) => {
    const err = mapped(error);
    expect(err).toMatchObject({ code: "TARGET_ERROR", retryable: true });
    expect(err.message).toContain("temporary error");
    expect(err.message).not.toContain("retried");
    expect(err.message).toContain("gs://backups/data.tar");
  });

  it("other client errors → TARGET_ERROR, not retried, with the service's message", () => {
    const err = mapped(apiError(400, "Invalid argument.", "invalid"));
    expect(err).toMatchObject({ code: "TARGET_ERROR", retryable: false });
    expect(err.message).toContain("HTTP 400 invalid: Invalid argument.");
    expect(err.cause).toBeInstanceOf(ApiError);
  });

  it("passes tartape's own errors and aborts through unchanged", () => {
    const changed = new FileChangedError("/data/a.bin", "size", "grew");
    expect(toTargetError(changed, ctx)).toBe(changed);
    const abort = new DOMException("The operation was aborted", "AbortError");
    expect(toTargetError(abort, ctx)).toBe(abort);
    expect(isAbort(abort)).toBe(true);
  });

  it("tells a 412 (precondition failed) apart", () => {
    expect(isPreconditionFailed(apiError(412, "Precondition failed", "conditionNotMet"))).toBe(true);
    expect(isPreconditionFailed(new JsonApiError(412, "Precondition failed"))).toBe(true);
    expect(isPreconditionFailed(apiError(404, "Not Found"))).toBe(false);
  });
});

describe("JsonApiError.fromAnswer", () => {
  it("reads the JSON API error body", () => {
    const err = JsonApiError.fromAnswer(412, JSON.stringify({ error: { code: 412, message: "Precondition failed", errors: [{ reason: "conditionNotMet", message: "Precondition failed" }] } }));
    expect(err).toMatchObject({ code: 412, message: "Precondition failed", errors: [{ reason: "conditionNotMet" }] });
  });

  it("keeps the start of a body that is not JSON (a proxy's answer)", () => {
    expect(JsonApiError.fromAnswer(502, "<html>Bad Gateway</html>")).toMatchObject({ code: 502, message: "<html>Bad Gateway</html>" });
    expect(JsonApiError.fromAnswer(503, "")).toMatchObject({ code: 503, message: "HTTP 503" });
  });
});
