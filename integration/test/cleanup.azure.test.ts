/** `tartape cleanup` against a real Azurite (cleanup-scenario.ts), beside a blob of blocks another client staged. */
import { BlobServiceClient } from "@azure/storage-blob";
import { CONNECTION_STRING_ENV } from "@tartape/azure";
import { afterAll, beforeAll, describe } from "vitest";
import { azureHarness } from "../src/scenarios/azure-harness.js";
import { CliProcess } from "../src/scenarios/support/cli-process.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { cleanupScenario } from "./cleanup-scenario.js";

const harness = azureHarness();
const scratch = new Scratch();

beforeAll(async () => {
  scratch.open("cleanup-azure");
  await harness.setup();
});

afterAll(async () => {
  CliProcess.killAll();
  try {
    await harness.teardown();
  } finally {
    scratch.close();
  }
});

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
