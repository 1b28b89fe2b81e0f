// Entry of the jwt_authn filter: Envoy's JWT verification (JwtAuthentication config) as a
// proxy-wasm filter, with the crypto in AssemblyScript. See README.md.
import { registerRootContext } from "../../sdk/index";
import { JwtRoot } from "./filter";

export * from "../../sdk/exports";

registerRootContext((id: u32) => new JwtRoot(id));
