/**
 * Uploads one part as one object with a single JSON API multipart request
 * (`uploadType=multipart`): the same request @google-cloud/storage sends for
 * `createWriteStream({ resumable: false })`, authorized by the library (its
 * endpoint, credentials, emulator settings), but sent here, because the
 * library's upload cannot be cancelled: destroying its stream leaves the
 * request open with a half-sent body, holding a socket (and the process) until
 * the server gives up. Sent here, it has a Content-Length, an inactivity
 * timeout, and stops at once when the signal aborts.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { pipeline } from "node:stream/promises";
import type { FileMetadata, Storage } from "@google-cloud/storage";
import type { PartBody } from "@tartape/core";
import { crc32c } from "./crc32c.js";
import { storedObject, type StoredObject } from "./stored-object.js";

export interface ObjectUpload {
  readonly storage: Storage;
  readonly bucket: string;
  readonly name: string;
  readonly body: PartBody;
  /** The body's MD5, sent in the object resource: the service refuses the upload if the bytes it received differ. */
  readonly md5: Buffer;
  /** Custom metadata of the object. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Only create the object if no object has this name (`ifGenerationMatch=0`). */
  readonly ifAbsent: boolean;
  readonly signal: AbortSignal;
  /** A connection silent this long (nothing sent, no answer) is given up as dead. */
  readonly idleTimeoutMs: number;
}

export interface UploadedObject {
  readonly object: StoredObject;
  /** Bytes of the body actually sent, and their CRC32C, computed on the way out. */
  readonly sentBytes: number;
  readonly sentCrc32c: number;
}

/** What `makeAuthenticatedRequest` takes and hands back when only asked to authorize (`onAuthenticated`). */
interface RequestOptions {
  uri: string;
  method?: string;
  qs?: Record<string, string>;
  headers?: Record<string, string> | Headers;
}
type Authorize = (request: RequestOptions, options: { onAuthenticated: (err: Error | null, authorized?: RequestOptions) => void }) => void;

/** The library's credentials and project handling, applied to a request it will not send itself. */
function authorize(storage: Storage, request: RequestOptions): Promise<RequestOptions> {
  return new Promise((resolve, reject) => {
    (storage.makeAuthenticatedRequest as unknown as Authorize)(request, {
      onAuthenticated: (err, authorized) => (err || !authorized ? reject(err ?? new Error("the request was not authorized")) : resolve(authorized)),
    });
  });
}

/** google-auth-library hands back a Headers object, the no-auth path the plain object it was given. */
function plainHeaders(headers: RequestOptions["headers"]): Record<string, string> {
  if (headers === undefined) return {};
  return headers instanceof Headers ? Object.fromEntries(headers.entries()) : { ...headers };
}

class IdleTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(ms: number) {
    super(`no data sent or received for ${ms / 1000} s; the connection is taken as dead`);
    this.name = "IdleTimeoutError";
  }
}

interface ErrorDetail {
  readonly reason?: string;
  readonly message?: string;
}

/** An error answer of the JSON API, shaped like the library's ApiError (numeric `code`, `errors`) so one mapping reads both. */
export class JsonApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly errors: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = "JsonApiError";
  }

  static fromAnswer(status: number, text: string): JsonApiError {
    try {
      const { error } = JSON.parse(text) as { error?: { message?: string; errors?: ErrorDetail[] } };
      if (error) return new JsonApiError(status, error.message ?? `HTTP ${status}`, error.errors ?? []);
    } catch {
      // Not JSON: a proxy or load balancer answered.
    }
    return new JsonApiError(status, text.trim().slice(0, 300) || `HTTP ${status}`);
  }
}

export async function uploadObject(upload: ObjectUpload): Promise<UploadedObject> {
  const { storage, body } = upload;
  const authorized = await authorize(storage, {
    uri: `${storage.apiEndpoint}/upload/storage/v1/b/${encodeURIComponent(upload.bucket)}/o`,
    method: "POST",
    qs: { uploadType: "multipart", name: upload.name, ...(upload.ifAbsent ? { ifGenerationMatch: "0" } : {}) },
    headers: {},
  });
  upload.signal.throwIfAborted();
  const url = new URL(authorized.uri);
  for (const [name, value] of Object.entries(authorized.qs ?? {})) url.searchParams.set(name, String(value));

  const boundary = `tartape-${randomUUID()}`;
  const resource = { name: upload.name, contentType: "application/octet-stream", md5Hash: upload.md5.toString("base64"), ...(upload.metadata ? { metadata: upload.metadata } : {}) };
  const head = Buffer.from(
    `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(resource)}\r\n` +
      `--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);

  const request = (url.protocol === "https:" ? https : http).request(url, {
    method: "POST",
    headers: {
      ...plainHeaders(authorized.headers),
      "content-type": `multipart/related; boundary=${boundary}`,
      "content-length": String(head.length + body.size + tail.length),
    },
    signal: upload.signal,
  });
  request.setTimeout(upload.idleTimeoutMs, () => request.destroy(new IdleTimeoutError(upload.idleTimeoutMs)));
  // Failures surface through the answer and the send below; this keeps a late second one from going unhandled.
  request.on("error", () => {});

  let sentBytes = 0;
  let sentCrc32c = 0;
  /** Why the body stopped, if it did (a changed source file): that, not the torn request, is the failure to report. */
  let bodyError: { error: unknown } | null = null;
  async function* multipartBody(): AsyncGenerator<Buffer> {
    yield head;
    try {
      for await (const chunk of body.open()) {
        const bytes = chunk as Buffer;
        sentBytes += bytes.length;
        sentCrc32c = crc32c(bytes, sentCrc32c);
        yield bytes;
      }
    } catch (error) {
      bodyError = { error };
      throw error;
    }
    yield tail;
  }

  const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once("response", resolve);
    request.once("error", reject);
  });
  const sent = pipeline(multipartBody, request);
  // The answer decides: a refusal (412, 400) can come before the body is fully sent, and then the send fails too.
  sent.catch(() => {});
  let response: http.IncomingMessage;
  try {
    response = await answered;
  } catch (err) {
    // pipeline() aborts a request whose body failed, which surfaces as "socket hang up".
    throw bodyError ? (bodyError as { error: unknown }).error : err;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    // Refused before the whole body went out: stop sending the rest of a part nobody will keep.
    if (!request.writableFinished) request.destroy();
    throw JsonApiError.fromAnswer(status, text);
  }
  await sent;
  return { object: storedObject(JSON.parse(text) as FileMetadata), sentBytes, sentCrc32c };
}
