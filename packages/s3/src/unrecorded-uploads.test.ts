import { createHash } from "node:crypto";
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, S3ServiceException, type S3Client } from "@aws-sdk/client-s3";
import { MARKER_PART_NUMBER } from "./ownership-marker.js";
import { describe, expect, it } from "vitest";
import { INITIATED_TOLERANCE_MS, abortUnrecordedUploads, unrecordedUploads, type UploadScope } from "./unrecorded-uploads.js";

const KEY = "backups/home.tar";
const started = new Date("2025-03-01T12:00:00.000Z");
const lastAttempt = new Date("2025-03-01T12:00:05.000Z");
const at = (ms: number) => new Date(started.getTime() + ms);

interface Listed {
  readonly Key: string;
  readonly UploadId: string;
  readonly Initiated: Date;
}

const NONCE = "0123456789abcdef0123456789abcdef";
const md5 = (text: string) => createHash("md5").update(text).digest("hex");
/** The marker part each upload holds (none when absent): ours is `tartape-owner:${NONCE}`. */
type Markers = Readonly<Record<string, string>>;

/** A client that answers ListMultipartUploads from `uploads`, `pageSize` at a time, ListParts from `markers`, and logs every abort. */
function fakeClient(uploads: Listed[], pageSize = 1000, abortError?: unknown, markers: Markers = Object.fromEntries(uploads.map((u) => [u.UploadId, `tartape-owner:${NONCE}`]))) {
  const aborted: string[] = [];
  const client = {
    async send(command: unknown) {
      if (command instanceof ListMultipartUploadsCommand) {
        const { KeyMarker, UploadIdMarker } = command.input;
        const from = KeyMarker === undefined ? 0 : uploads.findIndex((u) => u.Key === KeyMarker && u.UploadId === UploadIdMarker) + 1;
        const page = uploads.slice(from, from + pageSize);
        const last = page[page.length - 1];
        const truncated = from + pageSize < uploads.length;
        return { Uploads: page, IsTruncated: truncated, ...(truncated && last ? { NextKeyMarker: last.Key, NextUploadIdMarker: last.UploadId } : {}) };
      }
      if (command instanceof ListPartsCommand) {
        const body = markers[command.input.UploadId!];
        return { Parts: body === undefined ? [] : [{ PartNumber: MARKER_PART_NUMBER, Size: body.length, ETag: `"${md5(body)}"` }] };
      }
      if (command instanceof AbortMultipartUploadCommand) {
        if (abortError) throw abortError;
        aborted.push(command.input.UploadId!);
        return {};
      }
      throw new Error("unexpected command");
    },
  };
  const scope: UploadScope = {
    client: client as unknown as S3Client,
    bucket: "bucket",
    key: KEY,
    checksum: "md5",
    signal: new AbortController().signal,
    failure: (err) => err as Error,
  };
  return { scope, aborted };
}

describe("unrecordedUploads", () => {
  it("finds the key's uploads initiated while the driver was creating one, allowing for clock skew", async () => {
    const { scope } = fakeClient([
      { Key: KEY, UploadId: "just-before-skew", Initiated: at(-INITIATED_TOLERANCE_MS - 1) },
      { Key: KEY, UploadId: "skewed-early", Initiated: at(-INITIATED_TOLERANCE_MS) },
      { Key: KEY, UploadId: "during", Initiated: at(2000) },
      { Key: KEY, UploadId: "recorded", Initiated: at(3000) },
      { Key: `${KEY}.other`, UploadId: "longer-key", Initiated: at(3000) },
      { Key: KEY, UploadId: "skewed-late", Initiated: new Date(lastAttempt.getTime() + INITIATED_TOLERANCE_MS) },
      { Key: KEY, UploadId: "much-later", Initiated: new Date(lastAttempt.getTime() + INITIATED_TOLERANCE_MS + 1) },
    ]);
    const found = await unrecordedUploads(scope, { startedAt: started, lastAttemptAt: lastAttempt, keep: ["recorded"], nonce: NONCE });
    expect(found).toEqual(["skewed-early", "during", "skewed-late"]);
  });

  it("reads every page of the listing", async () => {
    const uploads = Array.from({ length: 5 }, (_, i) => ({ Key: KEY, UploadId: `u${i}`, Initiated: at(i) }));
    const { scope } = fakeClient(uploads, 2);
    expect(await unrecordedUploads(scope, { startedAt: started, lastAttemptAt: lastAttempt, keep: [], nonce: NONCE })).toEqual(["u0", "u1", "u2", "u3", "u4"]);
  });
});

describe("abortUnrecordedUploads", () => {
  it("aborts what it finds and returns the ids", async () => {
    const { scope, aborted } = fakeClient([
      { Key: KEY, UploadId: "orphan", Initiated: at(10) },
      { Key: KEY, UploadId: "recorded", Initiated: at(20) },
    ]);
    expect(await abortUnrecordedUploads(scope, { startedAt: started, lastAttemptAt: lastAttempt, keep: ["recorded"], nonce: NONCE })).toEqual(["orphan"]);
    expect(aborted).toEqual(["orphan"]);
  });

  it("aborts only the uploads holding its own marker: another writer's upload of the key in the window is left alone", async () => {
    const uploads = [
      { Key: KEY, UploadId: "ours", Initiated: at(10) },
      { Key: KEY, UploadId: "no-marker", Initiated: at(20) },
      { Key: KEY, UploadId: "other-nonce", Initiated: at(30) },
    ];
    const { scope, aborted } = fakeClient(uploads, 1000, undefined, { ours: `tartape-owner:${NONCE}`, "other-nonce": `tartape-owner:${"f".repeat(32)}` });
    expect(await abortUnrecordedUploads(scope, { startedAt: started, lastAttemptAt: lastAttempt, keep: [], nonce: NONCE })).toEqual(["ours"]);
    expect(aborted).toEqual(["ours"]);
  });

  it("takes an upload that vanished meanwhile (NoSuchUpload) as aborted", async () => {
    const gone = new S3ServiceException({ name: "NoSuchUpload", $fault: "client", $metadata: { httpStatusCode: 404 }, message: "gone" });
    const { scope } = fakeClient([{ Key: KEY, UploadId: "orphan", Initiated: at(10) }], 1000, gone);
    expect(await abortUnrecordedUploads(scope, { startedAt: started, lastAttemptAt: lastAttempt, keep: [], nonce: NONCE })).toEqual(["orphan"]);
  });
});
