// config.schema.json and the filter agree: every README example is valid under the schema and
// accepted by the filter; invalid configs are refused by both.
import { describeConfigContract } from "../../../test/support/config-contract.ts";

describeConfigContract("header-rewrite", [
  { request: { set: { "bad name": "1" } } },
  { request: { set: { "x-a": "a\nb" } } },
  { request: { remove: [":path"] } },
  { request: { remove: ["HOST"] } },
  { request: { rename: { "x-a": "host" } } },
  { rules: [{ match: { prefix: "api" } }] },
  { rules: [{ match: { headers: [{ name: "x", exact: "a", present: true }] } }] },
  { unknown: true },
]);
