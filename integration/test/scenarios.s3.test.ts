import { s3Harness } from "../src/scenarios/s3-harness.js";
import { runScenarioSuite } from "../src/scenarios/suite.js";

runScenarioSuite(s3Harness());
