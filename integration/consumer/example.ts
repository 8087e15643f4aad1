// A stranger's program: the README's library example, compiled with tsc (strict, NodeNext)
// against the packed packages installed from their tarballs. Arguments: <dir> <file|s3> <out>.
// For s3, the endpoint, bucket and credentials come from S3_ENDPOINT, S3_BUCKET,
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
import { fileTarget, openTape, uploadTape, type Target, type UploadResult } from "@tartape/core";
import { type VerifyReport } from "@tartape/core/tape";
import { s3Target } from "@tartape/s3";
import { azureTarget } from "@tartape/azure";
import { gcsTarget } from "@tartape/gcs";

const [dir, kind, out] = process.argv.slice(2);
if (!dir || !kind || !out) throw new Error("usage: example <dir> <file|s3> <out>");

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const target: Target =
  kind === "s3"
    ? s3Target({
        bucket: env("S3_BUCKET"),
        key: out,
        partSize: 5 * 1024 * 1024,
        endpoint: env("S3_ENDPOINT"),
        credentials: { accessKeyId: env("AWS_ACCESS_KEY_ID"), secretAccessKey: env("AWS_SECRET_ACCESS_KEY") },
      })
    : fileTarget(out, { partSize: 1024 * 1024 });

// The other targets only have to type-check here: they need their services.
const others: Target[] = [
  azureTarget({ container: "backups", blob: "data.tar", connectionString: "UseDevelopmentStorage=true" }),
  gcsTarget({ bucket: "backups", key: "data.tar", apiEndpoint: "http://127.0.0.1:1" }),
];

const result: UploadResult = await uploadTape(dir, target);
const again: UploadResult = await uploadTape(dir, target);
const tape = openTape(dir);
const report: VerifyReport = await tape.verify({ deep: true });
process.stdout.write(
  JSON.stringify({
    status: result.status,
    again: again.status,
    totalSize: result.totalSize,
    tapeSize: tape.totalSize,
    partCount: result.partCount,
    fingerprint: tape.fingerprint,
    verified: report.ok,
    otherTargets: others.length,
  }) + "\n",
);
tape.close();
