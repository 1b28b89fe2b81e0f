// Container images the Docker runner uses, pinned. Override with `--image` / `--echo-image`.
/** Envoy release targeted by `proxyscript envoy up` (v1.36 line). */
export const ENVOY_IMAGE = "envoyproxy/envoy:v1.36.2";
/** Built-in echo upstream: replies with compact JSON describing the request (its headers included). */
export const ECHO_IMAGE = "ealen/echo-server:0.9.2";
/** Port the echo image listens on inside its container. */
export const ECHO_PORT = 80;
