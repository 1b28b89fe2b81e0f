// The README's gateway file example must stay a valid gateway file.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "../../harness/build/compile.ts";
import { parseGateway } from "../../harness/gateway/load.ts";

describe("README.md", () => {
  it("shows a gateway file that loads and validates", () => {
    const readme = readFileSync(path.join(PACKAGE_ROOT, "README.md"), "utf8");
    const block = /```yaml\n(listener:[\s\S]*?)```/.exec(readme);
    expect(block, "README has a ```yaml block starting with listener:").not.toBeNull();
    const gateway = parseGateway(block![1], PACKAGE_ROOT, "README.md");
    expect(gateway.filters.map((f) => f.name)).toEqual(["limits"]);
    expect(gateway.routes[0].timeoutMs).toBe(5000);
    expect(gateway.kubernetes.gatewayName).toBe("eg");
  });
});
