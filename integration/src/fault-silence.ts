/**
 * The fault proxy's two silent faults (see StallFault and DropResponseFault):
 * a request body cut off mid-way with nothing answered, and an answer the
 * server gave that the client never gets.
 */
import type { ClientRequest, IncomingMessage } from "node:http";
import type { DropResponseFault, StallFault } from "./fault-rules.js";

/** RST instead of FIN, so the client sees ECONNRESET like a real network failure. */
export function resetConnection(req: IncomingMessage): void {
  if (!req.socket.destroyed) req.socket.resetAndDestroy();
}

/** Passes on the first `afterBytes` of the body, then stops reading: the rest stays with the client. */
export function stallBody(req: IncomingMessage, upstreamReq: ClientRequest, afterBytes: number): void {
  let passed = 0;
  const onData = (chunk: Buffer) => {
    const room = afterBytes - passed;
    if (room > 0) upstreamReq.write(room >= chunk.length ? chunk : chunk.subarray(0, room));
    passed += chunk.length;
    if (passed >= afterBytes) {
      req.off("data", onData);
      req.pause();
    }
  };
  if (afterBytes <= 0) return void req.pause();
  req.on("data", onData);
}

/** The upstream answered; the client is not told: reset, or silence on an open connection (a stall after the server acted). */
export function swallowAnswer(req: IncomingMessage, upstreamRes: IncomingMessage, fault: StallFault | DropResponseFault): void {
  upstreamRes.resume();
  const silent = fault.action === "stall" || fault.silent === true;
  upstreamRes.once("end", () => {
    if (!silent) resetConnection(req);
  });
}
