// Local replies as Envoy's Utility::prepareLocalReply builds them (source/common/http/utility.cc):
// the filter's own content-type wins over text/plain, a bodiless reply carries no content-length
// or content-type, and a gRPC request gets one grpc-status. Hand-written modules send exactly the
// reply under test.
import { afterEach, describe, expect, it } from "vitest";
import type { HeaderList } from "../../harness/host/api.ts";
import { serializePairs } from "../../harness/host/index.ts";
import { loadFilter, type LoadedFilter } from "../../harness/testing.ts";
import { wat } from "./support/wat.ts";

const loaded: LoadedFilter[] = [];
afterEach(async () => { for (const f of loaded.splice(0)) await f.close(); });

function watBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => `\\${b.toString(16).padStart(2, "0")}`).join("");
}

/** A module whose on_request_headers sends `status` with `body` and `headers` (gRPC status -1). */
async function replying(status: number, body: string, headers: HeaderList, grpcStatus = -1): Promise<LoadedFilter> {
  const details = new TextEncoder().encode("test_reply");
  const bodyBytes = new TextEncoder().encode(body);
  const pairs = headers.length === 0 ? new Uint8Array(0) : serializePairs(headers);
  const f = await loadFilter(await wat(`(module
    (import "env" "proxy_send_local_response" (func $reply (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 64) "${watBytes(details)}")
    (data (i32.const 256) "${watBytes(bodyBytes)}")
    (data (i32.const 1024) "${watBytes(pairs)}")
    (func (export "malloc") (param i32) (result i32) (i32.const 8192))
    (func (export "proxy_abi_version_0_2_1"))
    (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32)
      (drop (call $reply (i32.const ${status}) (i32.const 64) (i32.const ${details.length}) (i32.const 256) (i32.const ${bodyBytes.length})
        (i32.const 1024) (i32.const ${pairs.length}) (i32.const ${grpcStatus})))
      (i32.const 1))
  )`));
  loaded.push(f);
  return f;
}

const named = (list: HeaderList, name: string) => list.filter(([k]) => k === name).map(([, v]) => v);

describe("local replies", () => {
  it("keep the filter's content-type instead of adding a second, text/plain one", async () => {
    const f = await replying(401, '{"error":"no"}', [["content-type", "application/json"], ["www-authenticate", "Bearer"]]);
    const r = await f.request({ path: "/" });
    expect(r.status).toBe(401);
    expect(named(r.headerList, "content-type")).toEqual(["application/json"]);
    expect(named(r.headerList, "content-length")).toEqual(["14"]);
    expect(r.headers["www-authenticate"]).toBe("Bearer");
    expect(r.body).toBe('{"error":"no"}');
  });

  it("add content-type text/plain and content-length for a body when the filter gave no content-type", async () => {
    const f = await replying(403, "denied", [["x-why", "policy"]]);
    const r = await f.request({ path: "/" });
    expect(r.headerList.filter(([k]) => k !== "x-request-id")).toEqual([
      [":status", "403"], ["x-why", "policy"], ["content-length", "6"], ["content-type", "text/plain"],
    ]);
  });

  it("set content-length from the body even when the filter sent its own", async () => {
    const f = await replying(400, "bad", [["content-length", "999"]]);
    const r = await f.request({ path: "/" });
    expect(named(r.headerList, "content-length")).toEqual(["3"]);
    expect(r.body).toBe("bad");
  });

  it("without a body carry no content-length or content-type, not even the filter's (Envoy removes both)", async () => {
    const f = await replying(302, "", [["location", "/login"], ["content-type", "text/html"], ["content-length", "10"]]);
    const r = await f.request({ path: "/" });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe("/login");
    expect(named(r.headerList, "content-type")).toEqual([]);
    expect(named(r.headerList, "content-length")).toEqual([]);
    expect(r.body).toBe("");
  });

  it("to a gRPC request keep the filter's grpc-status and have exactly one content-type", async () => {
    const f = await replying(429, "slow down", [["grpc-status", "8"], ["content-type", "text/plain"]]);
    const r = await f.request({ method: "POST", path: "/pkg.Svc/Call", headers: { "content-type": "application/grpc" } });
    expect(r.status).toBe(200);
    expect(named(r.headerList, "grpc-status")).toEqual(["8"]);
    expect(named(r.headerList, "content-type")).toEqual(["application/grpc"]);
    expect(r.headers["grpc-message"]).toBe("slow down");
    expect(r.body).toBe("");
  });

  it("to a gRPC request without a grpc-status header use the filter's gRPC code, else the HTTP status mapped", async () => {
    const given = await replying(403, "", [], 16);
    expect((await given.request({ method: "POST", path: "/s/m", headers: { "content-type": "application/grpc+proto" } })).headers["grpc-status"]).toBe("16");
    const mapped = await replying(403, "", []);
    const r = await mapped.request({ method: "POST", path: "/s/m", headers: { "content-type": "application/grpc" } });
    expect(named(r.headerList, "grpc-status")).toEqual(["7"]);
    expect(r.headers["grpc-message"]).toBeUndefined();
  });

  it("to HEAD keep content-length for the body they would have had, and send no body", async () => {
    const f = await replying(403, "denied", [["content-type", "application/problem+json"]]);
    const r = await f.request({ method: "HEAD", path: "/" });
    expect(r.headers["content-length"]).toBe("6");
    expect(named(r.headerList, "content-type")).toEqual(["application/problem+json"]);
    expect(r.body).toBe("");
  });
});
