// Re-export this from a filter's entry file: AssemblyScript turns only the entry file's exports
// into wasm exports, and these are the callbacks Envoy calls.
//   export * from "proxyscript/sdk/exports";   (or a relative path to sdk/exports)
export * from "./abi/exports";
