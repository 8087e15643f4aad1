import { Transform } from "node:stream";
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ArmedRule, errorReply, pickFault, type DropResponseFault, type FaultKind, type FaultRule, type FlipFault, type ResetFault, type StallFault } from "./fault-rules.js";
import { LOOPBACK } from "./ports.js";
import { resetConnection, stallBody, swallowAnswer } from "./fault-silence.js";

export type { DownFault, DropResponseFault, FaultFilter, FaultKind, FaultRule, FlipFault, ResetFault, StallFault, StatusFault } from "./fault-rules.js";

export interface FaultProxyStats {
  /** Requests received (faulted or not). */
  requests: number;
  /** Requests passed on to the upstream. */
  forwarded: number;
  /** Faults injected, per kind. */
  faults: Record<FaultKind, number>;
  /** Forwarded requests that failed between proxy and upstream (answered 502 or dropped). */
  upstreamErrors: number;
  /** Response body bytes passed back to clients: what reading costs. */
  responseBytes: number;
}

export interface FaultProxy {
  /** http://127.0.0.1:<port>: point the SDK here instead of at the upstream. */
  endpoint: string;
  /** Replaces the active rules and restarts their counters. [] forwards everything. */
  setFaults(rules: readonly FaultRule[]): void;
  /** Same as setFaults([]). */
  clearFaults(): void;
  /** Live counters (read them any time). */
  readonly stats: Readonly<FaultProxyStats>;
  resetStats(): void;
  /** Closes the listener and every open connection. Idempotent. */
  stop(): Promise<void>;
}

function emptyStats(): FaultProxyStats {
  return { requests: 0, forwarded: 0, faults: { reset: 0, status: 0, down: 0, stall: 0, "drop-response": 0, flip: 0 }, upstreamErrors: 0, responseBytes: 0 };
}

/** Default reset point: mid-body, so the upload really is cut off halfway. */
function resetPoint(req: IncomingMessage, rule: ResetFault): number {
  if (rule.afterBytes !== undefined) return rule.afterBytes;
  const length = Number(req.headers["content-length"] ?? NaN);
  if (Number.isFinite(length)) return Math.floor(length / 2);
  return req.headers["transfer-encoding"] ? 1 : 0;
}

function injectReset(req: IncomingMessage, rule: ResetFault): void {
  const after = resetPoint(req, rule);
  if (after <= 0) return resetConnection(req);
  let seen = 0;
  req.on("data", (chunk: Buffer) => {
    seen += chunk.length;
    if (seen >= after) resetConnection(req);
  });
  // A body shorter than `after` is reset once fully read.
  req.once("end", () => resetConnection(req));
}

function injectStatus(req: IncomingMessage, res: ServerResponse, status: number, code?: string, message?: string): void {
  const reply = errorReply(req, status, code, message);
  const send = () => {
    res.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(reply.body) });
    res.end(reply.body);
  };
  // Read the whole body first: answering mid-upload would make the client see EPIPE rather than the status.
  if (req.complete) send();
  else {
    req.once("end", send);
    req.resume();
  }
}

/** Passes bytes through, the one at `at` inverted. */
function flipByte(at: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (at >= seen && at < seen + chunk.length) {
        chunk = Buffer.from(chunk);
        chunk[at - seen] = chunk[at - seen]! ^ 0xff;
      }
      seen += chunk.length;
      callback(null, chunk);
    },
  });
}

/**
 * Starts an HTTP proxy on loopback in front of `upstreamUrl` that injects faults deterministically
 * (by request count). Requests are forwarded byte-for-byte in their headers, Host included, so
 * signed requests (S3 SigV4, Azure SharedKey) stay valid; bodies stream both ways with backpressure.
 * Only the upstream's host and port are used: request paths go through unchanged, so for Azurite
 * point the client at `${proxy.endpoint}/devstoreaccount1`.
 */
export async function startFaultProxy(upstreamUrl: string): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl);
  if (upstream.protocol !== "http:") throw new Error(`fault proxy upstream must be http://, got ${upstreamUrl}`);
  // One upstream connection per request: a pooled connection the upstream closed while idle
  // would fail the next request with a spurious reset and make fault counts nondeterministic.
  const agent = new Agent({ keepAlive: false });
  let rules: ArmedRule[] = [];
  let stats = emptyStats();

  /**
   * Passes the request on. `fault`: a stall (the body is cut after `afterBytes` and nothing is
   * answered), a dropped response (the answer is read from the upstream and never passed on),
   * or a flip (one byte of the response body inverted).
   */
  const forward = (req: IncomingMessage, res: ServerResponse, fault?: StallFault | DropResponseFault | FlipFault) => {
    const flipAt = fault?.action === "flip" ? (fault.atByte ?? 0) : undefined;
    stats.forwarded++;
    const upstreamReq = request({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port || 80,
      method: req.method,
      path: req.url,
      // Raw header list: keeps Host, casing and order exactly as the client signed them.
      headers: req.rawHeaders,
      setHost: false,
      agent,
    });
    let failed = false;
    let clientGone = false;
    const upstreamFailed = () => {
      if (failed || clientGone) return;
      failed = true;
      stats.upstreamErrors++;
      req.unpipe(upstreamReq);
      if (res.headersSent) return void res.destroy();
      const reply = errorReply(req, 502, "BadGateway", `fault proxy could not reach upstream ${upstreamUrl}`);
      res.writeHead(reply.status, { ...reply.headers, connection: "close" });
      res.end(reply.body);
    };
    upstreamReq.on("error", upstreamFailed);
    upstreamReq.once("response", (upstreamRes) => {
      if (fault && fault.action !== "flip") return swallowAnswer(req, upstreamRes, fault);
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, upstreamRes.rawHeaders);
      upstreamRes.on("data", (chunk: Buffer) => (stats.responseBytes += chunk.length));
      // pipe() gives backpressure; a response cut off upstream must cut off the client too.
      if (flipAt === undefined) upstreamRes.pipe(res);
      else upstreamRes.pipe(flipByte(flipAt)).pipe(res);
      upstreamRes.on("error", () => res.destroy());
      upstreamRes.once("close", () => {
        if (!upstreamRes.complete) res.destroy();
      });
    });
    // pipe() rather than pipeline(): on an upstream error the client must still get a 502, not a torn socket.
    if (fault?.action === "stall" && fault.afterBytes !== undefined) stallBody(req, upstreamReq, fault.afterBytes);
    else req.pipe(upstreamReq);
    // The client gave up (or was reset): abandon the upstream exchange as well.
    res.on("error", () => upstreamReq.destroy());
    res.once("close", () => {
      if (res.writableFinished) return;
      clientGone = true;
      upstreamReq.destroy();
    });
  };

  const server = createServer(
    // Large multipart parts can take long through a slow test: no per-request deadline here.
    { requestTimeout: 0, keepAliveTimeout: 30_000 },
    (req, res) => {
      stats.requests++;
      const fault = pickFault(rules, req);
      if (!fault) return forward(req, res);
      stats.faults[fault.action]++;
      switch (fault.action) {
        case "down":
          return resetConnection(req);
        case "reset":
          return injectReset(req, fault);
        case "status":
          return injectStatus(req, res, fault.status ?? 503, fault.code, fault.message);
        case "stall":
        case "drop-response":
        case "flip":
          return forward(req, res, fault);
      }
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    setFaults(next) {
      rules = next.map((rule) => new ArmedRule(rule));
    },
    clearFaults() {
      rules = [];
    },
    get stats() {
      return stats;
    },
    resetStats() {
      stats = emptyStats();
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return stopping;
    },
  };
}
