// Configuration helpers: errors with field paths, durations, and a field-by-field JSON reader.
export * from "./errors";
export * from "./duration";
export * from "./reader";
