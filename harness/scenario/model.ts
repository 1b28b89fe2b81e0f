// A scenario: a gateway file, requests, and what each response must look like.
export interface HeaderExpectations {
  present?: string[];
  absent?: string[];
  equal?: Record<string, string>;
}

export interface Expectation {
  status?: number;
  headers?: HeaderExpectations;
  /** Substrings the response body must contain. */
  bodyContains?: string[];
  /** Headers the echo upstream saw (only for requests routed to an `echo` cluster). */
  upstreamHeaders?: HeaderExpectations;
}

export interface ScenarioRequest {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  expect: Expectation;
}

export interface Scenario {
  name: string;
  /** The scenario file, or "" when built in code. */
  file: string;
  /** Absolute path of the gateway file. */
  gateway: string;
  /** Clusters served by the built-in echo upstream instead of their endpoints. */
  echo: string[];
  requests: ScenarioRequest[];
}
