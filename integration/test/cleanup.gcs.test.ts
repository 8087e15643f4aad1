/** `tartape cleanup` against a real fake-gcs-server (cleanup-scenario.ts), beside objects named like temporaries that tartape did not write. */
import { Storage } from "@google-cloud/storage";
import { describe } from "vitest";
import { gcsHarness } from "../src/scenarios/gcs-harness.js";
import { useHarnesses } from "../src/scenarios/support/harness-hooks.js";
import { Scratch } from "../src/scenarios/support/scratch.js";
import { cleanupScenario } from "./cleanup-scenario.js";

const harness = gcsHarness();
const scratch = new Scratch();

useHarnesses(scratch, "cleanup-gcs", harness);

function bucketOf(key: string) {
  const { url, args } = harness.cli(key);
  const apiEndpoint = args[args.indexOf("--endpoint") + 1]!;
  return new Storage({ apiEndpoint, projectId: "test" }).bucket(url.slice("gs://".length).split("/")[0]!);
}

/** Named as tartape names a part, without its metadata; and one whose metadata names another upload. */
const lookAlikes = (key: string) => [`${key}.tartape/0123456789abcdef/part-000001`, `${key}.tartape/fedcba9876543210/part-000001`];

describe("tartape cleanup on GCS", () => {
  cleanupScenario(harness, scratch, () => ({
    async make(key) {
      const [bare, misnamed] = lookAlikes(key);
      await bucketOf(key).file(bare!).save(Buffer.from("someone else's object"), { resumable: false });
      await bucketOf(key).file(misnamed!).save(Buffer.from("another"), { resumable: false, metadata: { metadata: { "tartape-temporary": `${key}.tartape/0123456789abcdef/` } } });
    },
    async present(key) {
      const found = await Promise.all(lookAlikes(key).map(async (name) => (await bucketOf(key).file(name).exists())[0]));
      return found.every(Boolean);
    },
  }));
});
