// config.schema.json and the filter agree: every README example is valid under the schema and
// accepted by the filter; invalid configs are refused by both.
import { describeConfigContract } from "../../../test/support/config-contract.ts";

describeConfigContract("rate-limit", [
  {},
  { stat_prefix: "edge", mode: "dry" },
  { stat_prefix: "edge", token_bucket: { max_tokens: 0, fill_interval: "1s" } },
  { stat_prefix: "edge", token_bucket: { max_tokens: 1, fill_interval: "soon" } },
  { stat_prefix: "edge", key: ["cookie:x"], token_bucket: { max_tokens: 1, fill_interval: "1s" } },
  { stat_prefix: "edge", status: 200 },
  { stat_prefix: "edge", global: { domain: "edge" } },
  { stat_prefix: "edge", rules: [{ token_bucket: { max_tokens: 1, fill_interval: "1s" } }] },
]);
