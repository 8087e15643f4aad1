export { startAzuriteContainer } from "./azurite.js";
export { startFakeGcsContainer } from "./fake-gcs.js";
export { startMinioContainer } from "./minio.js";
