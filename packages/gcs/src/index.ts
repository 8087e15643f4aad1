export { gcsTarget, GcsTarget, FINGERPRINT_METADATA, CRC32C_METADATA, type GcsTargetOptions } from "./target.js";
export { GCS_LIMITS } from "./limits.js";
export { checkGcsObjectOptions, type GcsObjectOptions } from "./object-options.js";
export { parseGcsUrl, checkGcsLocation, MAX_KEY_BYTES, type GcsLocation } from "./url.js";
export { createStorage, EMULATOR_HOST_ENV, type GcsConnectionOptions } from "./client.js";
export { toTargetError, type GcsRequestContext } from "./errors.js";
export { crc32c, crc32cCombine, crc32cToBase64 } from "./crc32c.js";
export { planComposeTree, MAX_COMPOSE_SOURCES, type ComposePlan, type ComposeStep, type ComposeNode } from "./compose-plan.js";
export { temporaryRoot, uploadPrefix } from "./temporary-names.js";
