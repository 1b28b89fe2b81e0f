// @ipMatch networks: IPv4 addresses and CIDR blocks; IPv6 entries compare as lower-cased literals.
import { Operator } from "../seclang/model";
import { asciiLower } from "./bytes";

/** Parses dotted IPv4; returns -1 when `s` is not one. */
export function parseIpv4(s: string): i64 {
  const parts = s.split(".");
  if (parts.length != 4) return -1;
  let v: i64 = 0;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length == 0 || p.length > 3) return -1;
    let n = 0;
    for (let k = 0; k < p.length; k++) {
      const c = p.charCodeAt(k);
      if (c < 48 || c > 57) return -1;
      n = n * 10 + c - 48;
    }
    if (n > 255) return -1;
    v = (v << 8) | <i64>n;
  }
  return v;
}

/** Fills op's network lists from space-separated entries; returns an error text or "". */
export function parseIpNetworks(text: string, op: Operator): string {
  const entries = text.split(" ");
  for (let i = 0; i < entries.length; i++) {
    let e = entries[i].trim();
    if (e.length == 0 || e.startsWith("#")) continue;
    if (e.indexOf(":") >= 0) { op.ipv6Literals.push(asciiLower(e)); continue; }
    let bits = 32;
    const slash = e.indexOf("/");
    if (slash >= 0) {
      bits = I32.parseInt(e.substring(slash + 1));
      e = e.substring(0, slash);
      if (bits < 0 || bits > 32) return "bad prefix length in '" + entries[i] + "'";
    }
    const addr = parseIpv4(e);
    if (addr < 0) return "'" + entries[i] + "' is not an IPv4 address or network";
    const mask: u32 = bits == 0 ? 0 : <u32>(0xffffffff << (32 - bits));
    op.ipv4Networks.push(<u32>addr & mask);
    op.ipv4Masks.push(mask);
  }
  return "";
}

export function ipMatches(address: string, op: Operator): bool {
  const v4 = parseIpv4(address);
  if (v4 >= 0) {
    for (let i = 0; i < op.ipv4Networks.length; i++) if ((<u32>v4 & op.ipv4Masks[i]) == op.ipv4Networks[i]) return true;
    return false;
  }
  const lower = asciiLower(address);
  for (let i = 0; i < op.ipv6Literals.length; i++) {
    const lit = op.ipv6Literals[i];
    const slash = lit.indexOf("/");
    if (slash < 0 ? lit == lower : lower.startsWith(lit.substring(0, slash).replaceAll("::", ":"))) return true;
  }
  return false;
}
