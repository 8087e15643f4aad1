export { azureTarget, AzureTarget, FINGERPRINT_METADATA, ABORT_MARKER_METADATA, type AzureTargetOptions } from "./azure-target.js";
export { AZURE_LIMITS } from "./limits.js";
export { checkAzureObjectOptions, type AzureObjectOptions, type AzureAccessTier } from "./object-options.js";
export { parseAzureUrl, type AzureLocation } from "./azure-url.js";
export { CONNECTION_STRING_ENV, type AzureConnectionOptions, type AzureCredential, type TokenCredentialLike } from "./azure-client.js";
export { mapAzureError, type AzureCallContext } from "./azure-errors.js";
export { blockIdFor, parseBlockId, uploadIdFor } from "./block-id.js";
export { AzureSource, azureRemoteObjects, type AzureSourceOptions } from "./azure-source.js";
export { AzureLeftoverStore, azureLeftoverStore, type AzureLeftoverStoreOptions } from "./leftover-store.js";
