/**
 * The images container mode runs, pinned by tag. Each can be replaced (a mirror, a digest pin
 * `name@sha256:…`) through its environment variable.
 *
 * - MinIO: quay.io, not Docker Hub. MinIO stopped publishing community images in October 2025
 *   and deleted `minio/minio` from Docker Hub in September 2026; quay.io keeps the archived
 *   images, and RELEASE.2025-09-07T16-13-09Z is the last server release pushed there
 *   (testcontainers-node #1463 made the same move).
 * - Azurite: the version of the `azurite` npm package process mode runs.
 * - fake-gcs-server: the version process mode builds with `go install`.
 */
import { envVar } from "../env.js";

export const PINNED_IMAGES = {
  minio: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
  azurite: "mcr.microsoft.com/azure-storage/azurite:3.37.0",
  fakeGcs: "fsouza/fake-gcs-server:1.56.1",
} as const;

export type ServerImage = keyof typeof PINNED_IMAGES;

const OVERRIDES: Record<ServerImage, string> = {
  minio: "TARTAPE_MINIO_IMAGE",
  azurite: "TARTAPE_AZURITE_IMAGE",
  fakeGcs: "TARTAPE_FAKE_GCS_IMAGE",
};

/** The image to run for `server`: its override variable, else the pin. */
export function imageFor(server: ServerImage): string {
  return envVar(OVERRIDES[server]) ?? PINNED_IMAGES[server];
}
