// Scenarios: requests and expectations that run against the embedded proxy or Envoy in Docker.
export type * from "./model.ts";
export { loadScenario, parseScenario, SCENARIO_SCHEMA_FILE } from "./load.ts";
export { mismatches, echoedHeaders, type ObservedResponse } from "./expect.ts";
export { runScenario, formatScenarioResult, send, type RunOptions, type Runtime, type ScenarioResult, type RequestResult } from "./run.ts";
