/**
 * What the shared scenario suite needs from one kind of target. Each target
 * (file, S3, Azure, GCS) provides one harness; the suite runs the same
 * scenarios against all of them.
 */
import type { ErrorCode, Target, TargetLimits } from "@tartape/core";

export interface MakeTargetOptions {
  readonly partSize?: number;
  /** Route requests through a fault-injecting proxy (see fault-proxy.ts); the harness owns the proxy. */
  readonly viaProxy?: boolean;
  /** Override limits (e.g. a small maxParts to test "tape too large"). */
  readonly limits?: Partial<TargetLimits>;
  /** The target's idle timeout per request (see each target's idleTimeoutMs); the target's default when absent. */
  readonly idleTimeoutMs?: number;
}

export interface CliDestination {
  /** The URL given to `tartape upload <dir> <url>`. */
  readonly url: string;
  /** Extra CLI arguments (e.g. `--endpoint`, `--path-style`). */
  readonly args: readonly string[];
  /** Environment for the child process (credentials, connection strings). */
  readonly env: Readonly<Record<string, string>>;
}

export interface TargetHarness {
  /** "file", "s3", "azure", "gcs". */
  readonly name: string;
  /** Smallest part size the service accepts for parts other than the last. */
  readonly minPartSize: number;
  /** Starts the servers this target needs (and its fault proxy). Called once per test file. */
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A fresh, empty destination name (bucket/container exists; key is unique). */
  freshKey(label: string): string;
  makeTarget(key: string, options?: MakeTargetOptions): Target;
  /** Stores `bytes` as the object `key` with the harness's own client (e.g. a tar made by GNU tar, as aws-cli would). */
  putObject(key: string, bytes: Buffer): Promise<void>;
  /**
   * Targets without a network (no fault proxy): inverts the stored object's byte at `offset`
   * in place and puts its mtime back, so its identity stays. Networked targets flip bytes
   * of responses through the fault proxy instead.
   */
  corruptStoredByte?(key: string, offset: number): Promise<void>;
  /** The final object's bytes, or null when no final object exists. */
  readObject(key: string): Promise<Buffer | null>;
  /** Deletes the final object, as a user would behind tartape's back (no error when there is none). */
  deleteObject(key: string): Promise<void>;
  /** Temporary objects, uncommitted blocks or partial files still present for this key (should be none after completion). */
  leftovers(key: string): Promise<string[]>;
  /** How the CLI reaches the same destination, for child-process tests (kill and rerun). */
  cli(key: string, options?: { viaProxy?: boolean }): CliDestination;
  /**
   * Fault control for the proxy in front of this target's server; null for targets without a network.
   * Must be known from construction on (not only after setup): the suite decides at collection time whether to skip.
   */
  readonly faults: FaultControl | null;
  /**
   * Targets whose destination container is missing / credentials are wrong / server is down, for bad-input tests.
   * Called after setup. Return a plain Target to get the default expectation (TARGET_NOT_FOUND, TARGET_AUTH,
   * TARGET_UNREACHABLE), or an ExpectedFailure to name another code or a text the message must contain.
   */
  badTargets(): { missingContainer: BadTarget; wrongCredentials: BadTarget | null; serverDown: BadTarget };
}

/** A target that must fail, with what its failure must look like. */
export interface ExpectedFailure {
  readonly target: Target;
  /** The error code the upload must reject with (default: the one for its case, see badTargets). */
  readonly code?: ErrorCode;
  /** Text the message must contain (e.g. the bucket name), on top of the suite's own checks. */
  readonly messageIncludes?: string;
}

export type BadTarget = Target | ExpectedFailure;

export interface FaultRule {
  readonly everyNth: number;
  /** "flip": forward, but invert one byte of the response body (`atByte`). */
  readonly action: "reset" | "status" | "stall" | "drop-response" | "flip";
  readonly atByte?: number;
  readonly status?: number;
  /** Stop firing after this many faults. */
  readonly limit?: number;
  /** stall: body bytes passed on before the silence (default: all). */
  readonly afterBytes?: number;
  /** drop-response: keep the connection open and silent instead of resetting it. */
  readonly silent?: boolean;
  readonly method?: string;
  readonly pathPattern?: RegExp;
}

export interface FaultControl {
  setFaults(rules: readonly FaultRule[]): void;
  clearFaults(): void;
  /** Faults injected so far, by kind. */
  injected(): { reset: number; status: number; stall: number; "drop-response": number; flip: number };
  /** Response body bytes the proxy has passed back so far: what reading through it cost. */
  responseBytes(): number;
  /**
   * Which requests upload a part, so the suite can aim faults at them. Default: method "PUT", any path.
   * (S3 UploadPart and Azure Put Block are PUTs; a target that sends parts otherwise says so here.)
   */
  readonly partUploads?: Pick<FaultRule, "method" | "pathPattern">;
  /** The request that completes an upload (S3 CompleteMultipartUpload, Azure Put Block List, GCS compose), when known. */
  readonly finalStep?: Pick<FaultRule, "method" | "pathPattern">;
  /** Which requests read the content of the object `key` (not its metadata, not its catalog), for faults aimed at them. */
  objectReads(key: string): Pick<FaultRule, "method" | "pathPattern">;
}
