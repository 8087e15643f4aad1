import type { IncomingMessage } from "node:http";

export interface FaultFilter {
  /** Fire on the Nth, 2Nth, 3Nth… request matching this rule (each rule counts on its own). Default 1. */
  everyNth?: number;
  /** Stop firing after this many faults. Default: no limit. */
  limit?: number;
  /** Only requests with this method (case-insensitive string, or a RegExp). */
  method?: string | RegExp;
  /** Only requests whose path+query (the request-target, e.g. "/bucket/key?partNumber=2") matches. */
  pathPattern?: RegExp;
}

/** Read part of the request body, then reset the client's TCP connection (RST): a connection dropped mid-upload. */
export interface ResetFault extends FaultFilter {
  action: "reset";
  /** Body bytes to read before the reset. Default: half the Content-Length (1 byte for a chunked body, 0 without a body). */
  afterBytes?: number;
}

/** Answer with an error status and a cloud-style error body, without forwarding. */
export interface StatusFault extends FaultFilter {
  action: "status";
  /** Default 503. */
  status?: number;
  /** Error code in the body (and x-ms-error-code). Default derived from the status, e.g. 503 → ServiceUnavailable. */
  code?: string;
  message?: string;
}

/** Drop the connection as soon as a request arrives, without answering: the service is unreachable. */
export interface DownFault extends FaultFilter {
  action: "down";
}

/**
 * Forward the request, then go silent: the server gets the headers and the
 * first `afterBytes` of the body, the proxy stops reading the rest, and the
 * client never hears back on a connection that stays open (a server that
 * accepted a request and hung). Only the client's idle timeout ends it.
 */
export interface StallFault extends FaultFilter {
  action: "stall";
  /** Body bytes passed on before the silence. Default: the whole body (the server then waits for nothing, the client for an answer). */
  afterBytes?: number;
}

/**
 * Let the request reach the server and drop its answer: the server acts on
 * it (stores the part, completes the upload, commits the block list) and the
 * client never learns. With `silent`, the connection then stays open with
 * nothing said; otherwise it is reset.
 */
export interface DropResponseFault extends FaultFilter {
  action: "drop-response";
  silent?: boolean;
}

/** Forward the request, but flip one byte of the response body: stored data damaged while its object's identity stays. */
export interface FlipFault extends FaultFilter {
  action: "flip";
  /** Which byte of the response body to flip (XOR 0xff). Default 0. */
  atByte?: number;
}

export type FaultRule = ResetFault | StatusFault | DownFault | StallFault | DropResponseFault | FlipFault;
export type FaultKind = FaultRule["action"];

/** A rule with its counters; replaced wholesale by setFaults() so counting restarts. */
export class ArmedRule {
  private matched = 0;
  private fired = 0;

  constructor(readonly rule: FaultRule) {
    const n = rule.everyNth ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`everyNth must be a positive integer, got ${n}`);
  }

  private matches(req: IncomingMessage): boolean {
    const { method, pathPattern } = this.rule;
    if (method !== undefined) {
      const actual = req.method ?? "";
      const ok = typeof method === "string" ? actual.toUpperCase() === method.toUpperCase() : method.test(actual);
      if (!ok) return false;
    }
    return pathPattern === undefined || pathPattern.test(req.url ?? "");
  }

  /** Counts `req` if it matches; true when this rule fires for it. */
  observe(req: IncomingMessage): boolean {
    if (!this.matches(req)) return false;
    this.matched++;
    if (this.rule.limit !== undefined && this.fired >= this.rule.limit) return false;
    if (this.matched % (this.rule.everyNth ?? 1) !== 0) return false;
    this.fired++;
    return true;
  }
}

/** Every rule sees every request (deterministic per-rule counts); the first rule that fires wins. */
export function pickFault(rules: readonly ArmedRule[], req: IncomingMessage): FaultRule | undefined {
  let chosen: FaultRule | undefined;
  for (const armed of rules) if (armed.observe(req) && !chosen) chosen = armed.rule;
  return chosen;
}

const DEFAULT_CODES: Record<number, string> = {
  408: "RequestTimeout",
  429: "TooManyRequests",
  500: "InternalError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const GCS_JSON_API = /^\/(upload\/|download\/|batch\/)?storage\/v1\//;

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The error a cloud service would send: JSON for the GCS JSON API, else the XML `<Error>` shape
 * that both S3 and Azure Blob use (Azure SDKs also read the code from x-ms-error-code).
 */
export function errorReply(req: IncomingMessage, status: number, code?: string, message?: string): ErrorReply {
  const errorCode = code ?? DEFAULT_CODES[status] ?? "InjectedFault";
  const text = message ?? `fault injected by tartape fault proxy (${status} ${errorCode})`;
  const requestId = `tartape-fault-${Date.now().toString(36)}`;
  if (GCS_JSON_API.test(req.url ?? "")) {
    const body = JSON.stringify({ error: { code: status, message: text, errors: [{ reason: errorCode, message: text }] } });
    return { status, headers: { "content-type": "application/json; charset=UTF-8" }, body };
  }
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(errorCode)}</Code>` +
    `<Message>${xmlEscape(text)}</Message><RequestId>${requestId}</RequestId></Error>`;
  return {
    status,
    headers: {
      "content-type": "application/xml",
      "x-amz-request-id": requestId,
      "x-ms-request-id": requestId,
      "x-ms-error-code": errorCode,
    },
    body,
  };
}
