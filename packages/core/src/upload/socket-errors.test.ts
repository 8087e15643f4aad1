import { describe, expect, it } from "vitest";
import { FileChangedError, TargetError } from "../errors.js";
import { isRetryable } from "./retry.js";
import { classifySocketError } from "./socket-errors.js";

/** A socket error as Node's net and http modules raise it. */
function socketError(code: string, message = `connect ${code} 127.0.0.1:9000`): Error {
  return Object.assign(new Error(message), { code });
}

describe("classifySocketError", () => {
  it.each(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"])(
    "%s: the endpoint cannot be reached",
    (code) => {
      expect(classifySocketError(socketError(code))).toEqual({ kind: "unreachable", code });
    },
  );

  it.each([
    "ECONNRESET",
    "ECONNABORTED",
    "EPIPE",
    "ETIMEDOUT",
    "ESOCKETTIMEDOUT",
    "ERR_STREAM_PREMATURE_CLOSE",
    "UND_ERR_SOCKET",
    "UND_ERR_CLOSED",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
  ])("%s: a connection broke mid-request", (code) => {
    expect(classifySocketError(socketError(code))).toEqual({ kind: "transient", code });
  });

  it("finds the socket's code under the errors that wrap it (fetch, SDKs)", () => {
    const wrapped = new TypeError("fetch failed", { cause: new Error("request failed", { cause: socketError("ECONNREFUSED") }) });
    expect(classifySocketError(wrapped)).toEqual({ kind: "unreachable", code: "ECONNREFUSED" });
    // A wrapper's own code that says nothing about sockets does not hide the one beneath.
    const sdk = Object.assign(new Error("send failed", { cause: socketError("ECONNRESET") }), { code: "REQUEST_SEND_ERROR" });
    expect(classifySocketError(sdk)).toEqual({ kind: "transient", code: "ECONNRESET" });
  });

  it("reads a hang-up from the message when no code says it", () => {
    expect(classifySocketError(new Error("socket hang up"))).toEqual({ kind: "transient", code: undefined });
    expect(classifySocketError(new Error("outer", { cause: new Error("other side closed") }))).toEqual({ kind: "transient", code: undefined });
  });

  it("is null for anything that is not a network failure, and survives a cause loop", () => {
    expect(classifySocketError(undefined)).toBeNull();
    expect(classifySocketError("ECONNRESET")).toBeNull();
    expect(classifySocketError(Object.assign(new Error("HTTP 503"), { code: 503 }))).toBeNull();
    expect(classifySocketError(socketError("ENOENT", "no such file"))).toBeNull();
    const loop = new Error("loop") as Error & { cause?: unknown };
    loop.cause = loop;
    expect(classifySocketError(loop)).toBeNull();
  });
});

describe("isRetryable", () => {
  it("retries every network failure, unreachable or broken", () => {
    expect(isRetryable(socketError("ECONNREFUSED"))).toBe(true);
    expect(isRetryable(socketError("UND_ERR_CONNECT_TIMEOUT"))).toBe(true);
    expect(isRetryable(new Error("wrapped", { cause: socketError("ECONNRESET") }))).toBe(true);
    expect(isRetryable(new Error("socket hang up"))).toBe(true);
    expect(isRetryable(new Error("something else"))).toBe(false);
  });

  it("lets tartape's own errors decide, wherever they sit on the chain", () => {
    expect(isRetryable(new TargetError("TARGET_AUTH", "denied", { retryable: false, cause: socketError("ECONNRESET") }))).toBe(false);
    expect(isRetryable(new TargetError("TARGET_ERROR", "busy", { retryable: true }))).toBe(true);
    const changed = new FileChangedError("/data/a.bin", "size", "10 → 11 bytes");
    expect(isRetryable(Object.assign(new Error("stream broke", { cause: changed }), { code: "ECONNRESET" }))).toBe(false);
  });
});
