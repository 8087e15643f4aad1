import { RestError } from "@azure/storage-blob";
import { IntegrityMismatchError, TargetError, TartapeError } from "@tartape/core";
import { describe, expect, it } from "vitest";
import { mapAzureError, type AzureCallContext } from "./azure-errors.js";

const where: AzureCallContext = {
  action: "staging block 3",
  targetId: "az://acct/backups/photos.tar",
  account: "acct",
  container: "backups",
  endpoint: "https://acct.blob.core.windows.net",
};

/** A RestError as the SDK hands it over: the service's code in details (HEAD answers have no body, so no `code`). */
function serviceError(statusCode: number, errorCode: string | undefined, options: { withBody?: boolean } = {}): RestError {
  const withBody = options.withBody ?? true;
  const err = new RestError(withBody ? `Message for ${errorCode}.\nRequestId:abc\nTime:2024-01-01T00:00:00Z` : "", {
    statusCode,
    ...(withBody && errorCode ? { code: errorCode } : {}),
  });
  err.details = { errorCode };
  return err;
}

function networkError(code: string): RestError {
  return new RestError(`connect ${code} 127.0.0.1:1`, { code });
}

function mapped(err: unknown): TargetError {
  const result = mapAzureError(err, where);
  expect(result).toBeInstanceOf(TargetError);
  return result as TargetError;
}

describe("mapAzureError", () => {
  it.each([true, false])("maps ContainerNotFound to TARGET_NOT_FOUND naming the container (body: %s)", (withBody) => {
    const err = mapped(serviceError(404, "ContainerNotFound", { withBody }));
    expect(err.code).toBe("TARGET_NOT_FOUND");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("Container 'backups' does not exist");
    expect(err.message).toContain("https://acct.blob.core.windows.net");
  });

  it.each(["AuthenticationFailed", "AuthorizationFailure", "AuthorizationPermissionMismatch"])("maps %s to TARGET_AUTH", (code) => {
    const err = mapped(serviceError(403, code, { withBody: false }));
    expect(err.code).toBe("TARGET_AUTH");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(code);
    expect(err.message).toContain("AZURE_STORAGE_CONNECTION_STRING");
  });

  it("maps a bare 401 or 403 to TARGET_AUTH", () => {
    expect(mapped(serviceError(401, undefined, { withBody: false })).code).toBe("TARGET_AUTH");
    expect(mapped(serviceError(403, undefined, { withBody: false })).code).toBe("TARGET_AUTH");
  });

  it.each(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"])("maps %s to a retryable TARGET_UNREACHABLE", (code) => {
    const err = mapped(networkError(code));
    expect(err.code).toBe("TARGET_UNREACHABLE");
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(code);
    expect(err.message).toContain(where.endpoint);
  });

  it.each([
    ["ServerBusy", 503],
    ["OperationTimedOut", 500],
    ["InternalError", 500],
    [undefined, 502],
    [undefined, 429],
    [undefined, 408],
  ])("maps %s (HTTP %s) to a retryable TARGET_ERROR", (code, status) => {
    const err = mapped(serviceError(status, code));
    expect(err.code).toBe("TARGET_ERROR");
    expect(err.retryable).toBe(true);
  });

  it("maps broken connections to a retryable TARGET_ERROR, looking through a generic send error", () => {
    expect(mapped(networkError("ECONNRESET"))).toMatchObject({ code: "TARGET_ERROR", retryable: true });
    const wrapped = new RestError("socket hang up", { code: "REQUEST_SEND_ERROR" });
    (wrapped as { cause?: unknown }).cause = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const err = mapped(wrapped);
    expect(err).toMatchObject({ code: "TARGET_ERROR", retryable: true });
    expect(err.message).toContain("ECONNRESET");
  });

  it("maps Md5Mismatch to IntegrityMismatchError", () => {
    const err = mapAzureError(serviceError(400, "Md5Mismatch"), where);
    expect(err).toBeInstanceOf(IntegrityMismatchError);
    expect((err as IntegrityMismatchError).code).toBe("INTEGRITY_MISMATCH");
    expect((err as Error).message).toContain("staging block 3");
  });

  it("explains block lists that cannot be committed and foreign block ids", () => {
    expect(mapped(serviceError(400, "InvalidBlockList")).message).toMatch(/Run the upload again/);
    expect(mapped(serviceError(400, "InvalidBlobOrBlock")).message).toMatch(/another length/);
  });

  it("maps other client errors to a permanent TARGET_ERROR with the service's first message line", () => {
    const err = mapped(serviceError(400, "InvalidMetadata"));
    expect(err).toMatchObject({ code: "TARGET_ERROR", retryable: false });
    expect(err.message).toContain("Message for InvalidMetadata.");
    expect(err.message).not.toContain("RequestId");
    expect(err.cause).toBeInstanceOf(RestError);
  });

  it("passes tartape's own errors and aborts through unchanged", () => {
    const own = new TartapeError("FILE_CHANGED", "changed");
    expect(mapAzureError(own, where)).toBe(own);
    const abort = Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    expect(mapAzureError(abort, where)).toBe(abort);
    const inside = new RestError("stream failed", { code: "REQUEST_SEND_ERROR" });
    (inside as { cause?: unknown }).cause = own;
    expect(mapAzureError(inside, where)).toBe(own);
  });
});
