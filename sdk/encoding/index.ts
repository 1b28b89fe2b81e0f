export * from "./base64";
export * from "./utf8";
