export { s3Target, S3Target, S3_LIMITS, type S3TargetOptions } from "./target.js";
export type { S3ConnectionOptions, S3Credentials } from "./client.js";
export { parseS3Url, type S3Location } from "./url.js";
export { multipartEtag } from "./etag.js";
export { toTargetError, type S3RequestContext } from "./errors.js";
export { RESERVED_METADATA_PREFIX, type S3ObjectOptions, type S3ServerSideEncryption } from "./object-options.js";
export { parseS3Checksum, compositeCrc32, S3_CHECKSUMS, DEFAULT_S3_CHECKSUM, type S3Checksum } from "./checksum.js";
export { S3Source, s3RemoteObjects, type S3SourceOptions } from "./source.js";
export { S3LeftoverStore, s3LeftoverStore, type S3LeftoverStoreOptions } from "./leftover-store.js";
