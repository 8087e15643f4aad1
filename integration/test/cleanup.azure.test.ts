/** `tartape cleanup` against a real Azurite (cleanup-scenario.ts), beside a blob of blocks another client staged. */
import { BlobServiceClient } from "@azure/storage-blob";
import { CONNECTION_STRING_ENV } from "@tartape/azure";
import { describe } from "vitest";
import { azureHarness } from "../src/scenarios/azure-harness.js";
import { useHarnesses } from "../src/scenarios/support/harness-hooks.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { cleanupScenario } from "./cleanup-scenario.js";

const harness = azureHarness();
const scratch = new Scratch();

useHarnesses(scratch, "cleanup-azure", harness);

function blobOf(key: string) {
  const { url, env } = harness.cli(key);
  const container = url.slice("az://".length).split("/")[0]!;
  return BlobServiceClient.fromConnectionString(env[CONNECTION_STRING_ENV]!).getContainerClient(container).getBlockBlobClient(key);
}

describe("tartape cleanup on Azure", () => {
  cleanupScenario(harness, scratch, () => ({
    async make(key) {
      const body = Buffer.from("someone else's block");
      await blobOf(key).stageBlock(Buffer.from("other-writer-block-000001").toString("base64"), body, body.length);
    },
    async present(key) {
      const list = await blobOf(key).getBlockList("uncommitted");
      return (list.uncommittedBlocks ?? []).length > 0;
    },
  }));
});
