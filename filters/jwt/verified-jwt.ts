// A token whose signature verified for one provider, with what a successful request forwards for
// it computed once: the forward_payload_header value and the claim_to_headers values. The token
// cache keeps these, so a repeated token re-encodes and re-reads nothing, and a hit forwards
// exactly what the first (verifying) request forwarded.
import { HeaderPair } from "../../sdk/index";
import { Provider } from "./config";
import { claimValue, Jwt } from "./jwt";

/** A claim as Envoy copies it to a header: strings as is, integers without ".0", booleans as words. */
function claimText(jwt: Jwt, name: string): string | null {
  const v = claimValue(jwt, name);
  if (v === null) return null;
  if (v.isString) return v.asString();
  if (v.isBool) return v.asBool() ? "true" : "false";
  if (v.isNumber) {
    const n = v.asNumber();
    if (n >= 0 && n < 18446744073709551615.0 && Math.floor(n) == n) return (<u64>n).toString();
    return n.toString();
  }
  return null;
}

function payloadHeaderValue(jwt: Jwt, provider: Provider): string {
  if (provider.forwardPayloadHeader == "") return "";
  let payload = jwt.payloadBase64Url;
  if (provider.padForwardPayloadHeader) while (payload.length % 4 != 0) payload += "=";
  return payload;
}

export class VerifiedJwt {
  /** forward_payload_header's value ("" when the provider forwards no payload). */
  readonly payloadHeader: string;
  /** claim_to_headers entries whose claim is present, in configuration order. */
  readonly claimHeaders: HeaderPair[] = [];

  /** `jwt` must have passed its signature check: its signing input is released here. */
  constructor(readonly jwt: Jwt, provider: Provider) {
    jwt.releaseSignatureInput();
    this.payloadHeader = payloadHeaderValue(jwt, provider);
    for (let i = 0; i < provider.claimToHeaders.length; i++) {
      const c = provider.claimToHeaders[i];
      const text = claimText(jwt, c.claimName);
      if (text !== null && text.length > 0) this.claimHeaders.push(new HeaderPair(c.headerName, text));
    }
  }
}
