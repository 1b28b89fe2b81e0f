// {{filterName}}: adds a configured header to every response.
//
// Configuration (checked against config.schema.json when proxyscript.yaml loads, and again here,
// because Envoy hands the filter whatever JSON it was given):
//   { "header_name": "x-hello", "header_value": "world" }
import {
  Action, ConfigErrors, ConfigObject, Configuration, HttpContext, RootContext, registerRootContext,
} from "proxyscript/sdk";
// Required: the entry file's exports become the module's proxy-wasm ABI.
export * from "proxyscript/sdk/exports";

class Settings {
  constructor(readonly headerName: string, readonly headerValue: string) {}
}

/** One per worker VM: reads the configuration once, then creates a context per request. */
class AddHeaderRoot extends RootContext {
  settings: Settings | null = null;

  onConfigure(configuration: Configuration): bool {
    const errors = new ConfigErrors();
    const parsed = configuration.json();
    if (!parsed.ok) {
      errors.add("", configuration.size == 0 ? "a configuration is required" : parsed.error);
      return errors.report("{{filterName}}: invalid configuration");
    }
    const config = new ConfigObject(parsed.value!, "", errors);
    const name = config.optionalString("header_name", "x-hello");
    const value = config.optionalString("header_value", "world");
    config.rejectUnknown(["header_name", "header_value"]);
    if (name.length == 0) errors.add("header_name", "must not be empty");
    if (!errors.ok) return errors.report("{{filterName}}: invalid configuration");
    this.settings = new Settings(name.toLowerCase(), value);
    return true;
  }

  createHttpContext(contextId: u32): HttpContext | null {
    const settings = this.settings;
    if (settings === null) return null;
    return new AddHeader(contextId, this, settings);
  }
}

/** One per request: override only the callbacks you need. */
class AddHeader extends HttpContext {
  constructor(id: u32, root: RootContext, private readonly settings: Settings) {
    super(id, root);
  }

  onResponseHeaders(numHeaders: u32, endOfStream: bool): Action {
    this.response.headers.set(this.settings.headerName, this.settings.headerValue);
    return Action.Continue;
  }
}

registerRootContext((id: u32): RootContext => new AddHeaderRoot(id));
