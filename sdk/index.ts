// The ProxyScript SDK: everything a filter imports. A filter's entry file also re-exports the
// ABI callbacks: `export * from "<sdk>/exports"` (see sdk/README.md).
import "./abi/runtime"; // the abort/seed/Date hooks asconfig.json's --use flags name

export { Action, BufferType, GrpcStatus, LogLevel, MapType, MetricType, PeerType, Status, StreamType, statusName } from "./abi/enums";
export { HeaderPair } from "./abi/memory";
export { lastStatus, getStatus, HostStatus, setEffectiveContext, done } from "./abi/hostcalls";

export { BaseContext } from "./context/base";
export { RootContext } from "./context/root";
export { HttpContext, HttpMessage } from "./context/http";
export { StreamContext } from "./context/stream";
export { Configuration } from "./context/configuration";
export { registerRootContext, registerHttpContext, RootFactory, HttpFactory, liveContextCount } from "./context/registry";
export { currentContextId } from "./context/current";

export { HeaderMap, findHeader } from "./headers";
export { Body } from "./body";
export * from "./properties";
export * from "./log";
export * from "./time";
export * from "./shared-data";
export * from "./shared-queue";
export * from "./metrics";
export { HttpCallResponse, HttpCallHandler, httpCall, pendingHttpCalls } from "./http-call";
export { GrpcHandler, GrpcStream, grpcCall, grpcStream, grpcCancel, pendingGrpcCalls } from "./grpc";
export * from "./foreign";
export { hold, release, collectionPoint } from "./abi/collector";

export * from "./json/index";
export { TextBuilder } from "./json/text-builder";
export * from "./config/index";
export * from "./encoding/index";
export * from "./regex";
export { RequestMatch, RequestFacts, HeaderCondition, HeaderTest, parseMatch, withoutQuery } from "./match";
