// The embedded proxy-wasm host: load plugins, chain them, drive streams through them.
export * from "./api.ts";
export { loadPlugin, type HostPluginOptions } from "./plugin.ts";
export { createFilterChain, type FilterChainOptions } from "./filter-chain.ts";
export { createManualClock, systemClock, type ManualClock } from "./clock.ts";
export { SharedState, globalSharedState } from "./shared-state.ts";
export { ENVOY_IMPORTS, HOST_ACCEPTED_IMPORTS, disallowedImports } from "./envoy-imports.ts";
export { serializePairs, deserializePairs } from "./pairs.ts";
