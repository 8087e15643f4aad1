/** MinIO's static KMS key, shared by the process and the container: tests can ask for SSE-S3 and SSE-KMS; only requests that ask are encrypted. */

/** The name of MinIO's static KMS key, for `--sse aws:kms --sse-kms-key-id`. */
export const MINIO_KMS_KEY_NAME = "tartape-test-key";
/** 32 bytes, base64: a throwaway key for a throwaway server. */
const TEST_KMS_KEY = Buffer.alloc(32, 0x2a).toString("base64");

/** The value of MINIO_KMS_SECRET_KEY. */
export const MINIO_KMS_SECRET_KEY = `${MINIO_KMS_KEY_NAME}:${TEST_KMS_KEY}`;
