// The `proxyscript` package's Node API: everything the CLI does, as functions.
// Filter tests use `proxyscript/testing`; filters themselves use the AssemblyScript SDK (`proxyscript/sdk`).
export * from "./host/index.ts";
export * from "./gateway/index.ts";
export { startProxy, startEchoServer, type ProxyOptions, type RunningProxy } from "./proxy/index.ts";
export { compileFilter, CompileError, PACKAGE_ROOT, type BuildTarget, type CompileOptions } from "./build/compile.ts";
export * as oci from "./oci/index.ts";
export * as kube from "./kube/index.ts";
export * as envoy from "./envoy/index.ts";
export * as scenario from "./scenario/index.ts";
export { UserError } from "./cli/errors.ts";
