// Adds `x-hello: world` to every response.
import { Action, HttpContext, RootContext, registerHttpContext } from "../../sdk";
export * from "../../sdk/exports";

class AddHelloHeader extends HttpContext {
  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    this.response.headers.set("x-hello", "world");
    return Action.Continue;
  }
}

registerHttpContext((id: u32, root: RootContext) => new AddHelloHeader(id, root));
