// JSON for filters: parse (strict, with byte offsets in errors) and serialize.
export * from "./value";
export * from "./parse";
export * from "./stringify";
