import { s3Harness } from "../src/scenarios/s3-harness.js";
import { runScenarioSuite } from "../src/scenarios/suite.js";

// The whole suite again with Content-MD5 instead of the default CRC32 trailers (a separate upload path in the S3 target).
runScenarioSuite(s3Harness({ checksum: "md5" }));
