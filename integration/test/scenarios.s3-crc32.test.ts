import { s3Harness } from "../src/scenarios/s3-harness.js";
import { runScenarioSuite } from "../src/scenarios/suite.js";

// The whole suite again with CRC32 trailers instead of Content-MD5 (a separate upload path in the S3 target).
runScenarioSuite(s3Harness({ checksum: "crc32" }));
