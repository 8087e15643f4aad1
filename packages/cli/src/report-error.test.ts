import { describe, expect, it } from "vitest";
import { SourceNotFoundError, TargetError } from "@tartape/core";
import { EXIT_FAILURE, EXIT_USAGE, exitCodeFor } from "./exit-codes.js";
import { InterruptedError } from "./interrupted-error.js";
import { debugRequested } from "./debug-flag.js";
import { formatError } from "./report-error.js";

describe("formatError", () => {
  it("prints a tartape error as `tartape: <message>`, without a stack", () => {
    expect(formatError(new SourceNotFoundError("/nope"), false)).toBe("tartape: /nope does not exist. Check the path and try again.");
  });

  it("adds the code, the stack and the causes when debugging", () => {
    const err = new TargetError("TARGET_UNREACHABLE", "Cannot reach the server.", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
    const text = formatError(err, true);
    expect(text).toMatch(/^tartape: Cannot reach the server\.\n\[TARGET_UNREACHABLE\] TargetError: Cannot reach the server\.\n\s+at /);
    expect(text).toContain("caused by: Error: connect ECONNREFUSED");
  });

  it("names an unexpected error and points at --debug", () => {
    const text = formatError(new TypeError("x is not a function"), false);
    expect(text).toBe("tartape: unexpected error: TypeError: x is not a function\n(run again with --debug or TARTAPE_DEBUG=1 for the stack trace)");
    expect(formatError(new TypeError("x is not a function"), true)).toMatch(/unexpected error\nTypeError: x is not a function\n\s+at /);
  });
});

describe("debugRequested", () => {
  it("is on with --debug or a truthy TARTAPE_DEBUG", () => {
    expect(debugRequested(["cat", "dir", "--debug"], {})).toBe(true);
    expect(debugRequested(["cat"], { TARTAPE_DEBUG: "1" })).toBe(true);
    expect(debugRequested(["cat"], { TARTAPE_DEBUG: "0" })).toBe(false);
    expect(debugRequested(["cat"], { TARTAPE_DEBUG: "" })).toBe(false);
    expect(debugRequested(["cat"], {})).toBe(false);
  });
});

describe("exitCodeFor", () => {
  it("is 2 for input the user must fix, 1 for failures, 128+n for signals", () => {
    expect(exitCodeFor(new SourceNotFoundError("/x"))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new TargetError("TARGET_URL_INVALID", "bad"))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new TargetError("TARGET_UNREACHABLE", "down"))).toBe(EXIT_FAILURE);
    expect(exitCodeFor(new Error("bug"))).toBe(EXIT_FAILURE);
    expect(exitCodeFor(new InterruptedError("SIGINT", "stopped"))).toBe(130);
    expect(exitCodeFor(new InterruptedError("SIGTERM", "stopped"))).toBe(143);
  });
});
