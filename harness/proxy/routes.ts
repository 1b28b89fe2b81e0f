// Route selection as Envoy's route table does it: the virtual host by Host, then the first route
// whose match holds.
import type { HeaderList } from "../host/api.ts";
import { routesForHost } from "../gateway/hostnames.ts";
import type { Route } from "../gateway/model.ts";

function pathOnly(path: string): string {
  const q = path.search(/[?#]/);
  return q < 0 ? path : path.slice(0, q);
}

export function routeMatches(route: Route, path: string, headers: HeaderList): boolean {
  const p = pathOnly(path);
  const { match } = route;
  if (match.path !== undefined && p !== match.path) return false;
  if (match.prefix !== undefined && !p.startsWith(match.prefix)) return false;
  for (const h of match.headers ?? []) {
    const values = headers.filter(([n]) => n === h.name.toLowerCase()).map(([, v]) => v);
    if (h.present === true && values.length === 0) return false;
    if (h.present === false && values.length > 0) return false;
    // Envoy matches a repeated header against its values joined with ",".
    if (h.exact !== undefined && values.join(",") !== h.exact) return false;
  }
  return true;
}

export function selectRoute(routes: readonly Route[], path: string, headers: HeaderList): Route | undefined {
  const authority = headers.find(([n]) => n === ":authority")?.[1] ?? "";
  return routesForHost(routes, authority).find((r) => routeMatches(r, path, headers));
}
