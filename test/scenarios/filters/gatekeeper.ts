// @ts-nocheck: AssemblyScript source (compiled by asc, not tsc); the TypeScript project includes test/.
// Scenario fixture: answers requests carrying `x-deny` with a local 403, and tags every request it
// lets through with `x-gatekeeper: passed` (visible to the upstream).
import { Action, HttpContext, RootContext, registerHttpContext } from "../../../sdk";
export * from "../../../sdk/exports";

class Gatekeeper extends HttpContext {
  onRequestHeaders(numHeaders: u32, endOfStream: bool): Action {
    if (this.request.headers.has("x-deny")) {
      this.sendLocalResponse(403, "gatekeeper_denied", "denied by gatekeeper\n");
      return Action.Pause;
    }
    this.request.headers.set("x-gatekeeper", "passed");
    return Action.Continue;
  }
}

registerHttpContext((id: u32, root: RootContext) => new Gatekeeper(id, root));
