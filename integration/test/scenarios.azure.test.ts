import { azureHarness } from "../src/scenarios/azure-harness.js";
import { runScenarioSuite } from "../src/scenarios/suite.js";

runScenarioSuite(azureHarness());
