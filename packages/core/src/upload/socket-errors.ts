/**
 * One reading of network failures for the driver and every target: whether a
 * socket error means the endpoint cannot be reached at all, or a connection
 * broke mid-request. Both are worth another attempt; they differ in what the
 * user should check when the attempts run out.
 */

/** What kind of network failure an error is. */
export type SocketErrorKind = "unreachable" | "transient";

export interface SocketErrorClass {
  readonly kind: SocketErrorKind;
  /** The errno-style code that decided it; undefined when only the message did ("socket hang up"). */
  readonly code: string | undefined;
}

/**
 * No connection could be made: the name does not resolve, nothing listens,
 * no route, no usable local address. Nothing reached the service.
 *
 * UND_ERR_CONNECT_TIMEOUT is here, not with the timeouts below: undici raises
 * it when the TCP (or TLS) handshake gets no answer, so no request was sent,
 * and its usual causes (a wrong host, a firewall dropping packets, a server
 * down) are what "cannot reach" tells the user to check. It is retried all
 * the same, so a passing blip costs nothing.
 */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * A connection that existed broke or went silent mid-request. ETIMEDOUT stays
 * here although a connect can raise it too: Node uses it for reads that time
 * out as well, and both are worth another attempt.
 */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
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
]);

/** What Node and undici say, sometimes without a code, when the peer closed mid-request. */
const HANG_UP_MESSAGE = /socket hang up|premature close|other side closed/i;

/** SDKs wrap the socket error a few layers deep; deeper than this is a loop in all but name. */
const MAX_DEPTH = 8;

function fieldsOf(err: unknown): { code?: unknown; message?: unknown; cause?: unknown } {
  return err !== null && typeof err === "object" ? (err as { code?: unknown; message?: unknown; cause?: unknown }) : {};
}

/**
 * Classifies a network failure by the first known socket code along the
 * `cause` chain (SDKs and fetch wrap the socket's error); failing that, by a
 * hang-up message anywhere on the chain. Null for anything else, HTTP answers
 * included: those are each service's to read.
 */
export function classifySocketError(err: unknown): SocketErrorClass | null {
  let hungUp = false;
  const seen = new Set<unknown>();
  for (let e = err, depth = 0; e !== undefined && e !== null && !seen.has(e) && depth < MAX_DEPTH; depth++) {
    seen.add(e);
    const { code, message, cause } = fieldsOf(e);
    if (typeof code === "string") {
      if (UNREACHABLE_CODES.has(code)) return { kind: "unreachable", code };
      if (TRANSIENT_CODES.has(code)) return { kind: "transient", code };
    }
    if (typeof message === "string" && HANG_UP_MESSAGE.test(message)) hungUp = true;
    e = cause;
  }
  return hungUp ? { kind: "transient", code: undefined } : null;
}
