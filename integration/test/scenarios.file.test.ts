import { fileHarness } from "../src/scenarios/file-harness.js";
import { runScenarioSuite } from "../src/scenarios/suite.js";

runScenarioSuite(fileHarness());
