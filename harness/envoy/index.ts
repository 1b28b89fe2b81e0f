// The Envoy target: envoy.yaml generation and validation, and the Docker runner.
export { envoyBootstrap, httpFilterName, WASM_RUNTIME, type BootstrapOptions, type EnvoyBootstrap } from "./bootstrap.ts";
export { renderEnvoyYaml, writeEnvoyYaml, validBootstrap, checkBootstrap } from "./envoy-yaml.ts";
export { validateEnvoyConfig, assertValidEnvoyConfig, EnvoyConfigError, BOOTSTRAP_TYPE, type EnvoyConfigIssue, type EnvoyValidation } from "./validate.ts";
export { composeProject, containerWasmPath, missingModules, type ComposeOptions, type ComposeProject } from "./compose.ts";
export { dockerStatus, requireDocker, type DockerStatus } from "./docker.ts";
export { envoyUp, envoyDown, envoyLogs, envoyStatus, writeEnvoyProject, readEnvoyProject, waitForReady, defaultOutDir, projectName, type EnvoyProjectState, type EnvoyStatus } from "./runner.ts";
export { ENVOY_IMAGE, ECHO_IMAGE } from "./versions.ts";
export { checkEnvoyFile } from "./check-file.ts";
