// The benchmark's bucket on the local MinIO: created at the start, objects
// checked (size, SHA-256) and deleted after each run, emptied and removed at the end.
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { createHash } from "node:crypto";

export class BenchBucket {
  constructor(server, name) {
    this.name = name;
    this.client = new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
    });
  }

  async create() {
    await this.client.send(new CreateBucketCommand({ Bucket: this.name }));
  }

  async size(key) {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.name, Key: key }));
    return head.ContentLength;
  }

  async sha256(key) {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.name, Key: key }));
    const hash = createHash("sha256");
    for await (const chunk of out.Body) hash.update(chunk);
    return hash.digest("hex");
  }

  async delete(key) {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.name, Key: key }));
  }

  /** Deletes every object and unfinished multipart upload, then the bucket. */
  async remove() {
    let token;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.name, ContinuationToken: token }));
      for (const o of page.Contents ?? []) await this.delete(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const uploads = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.name }));
    for (const u of uploads.Uploads ?? []) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.name, Key: u.Key, UploadId: u.UploadId }));
    }
    await this.client.send(new DeleteBucketCommand({ Bucket: this.name }));
    this.client.destroy();
  }
}
