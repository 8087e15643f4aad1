import { gcsHarness } from "../src/scenarios/gcs-harness.js";
import { runScenarioSuite } from "../src/scenarios/suite.js";

runScenarioSuite(gcsHarness());
