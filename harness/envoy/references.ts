// Checks Envoy performs across a bootstrap that no single message's schema can: route targets
// exist, names are unique, the router is the last HTTP filter, per-route filter configs name a
// filter of the chain, and no domain is served by two virtual hosts.
import type { EnvoyConfigIssue } from "./validate.ts";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const HCM_TYPE = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const ROUTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

function duplicates(names: string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

export function bootstrapReferenceIssues(bootstrap: Json): EnvoyConfigIssue[] {
  const issues: EnvoyConfigIssue[] = [];
  const clusters: Json[] = bootstrap?.static_resources?.clusters ?? [];
  const clusterNames = clusters.map((c) => String(c.name));
  for (const name of duplicates(clusterNames)) issues.push({ path: "static_resources.clusters", message: `cluster name "${name}" is used twice` });
  const listeners: Json[] = bootstrap?.static_resources?.listeners ?? [];
  for (const name of duplicates(listeners.map((l) => String(l.name)))) issues.push({ path: "static_resources.listeners", message: `listener name "${name}" is used twice` });

  listeners.forEach((listener, li) => {
    (listener.filter_chains ?? []).forEach((chain: Json, ci: number) => {
      (chain.filters ?? []).forEach((netFilter: Json, fi: number) => {
        const hcm = netFilter.typed_config;
        if (hcm?.["@type"] !== HCM_TYPE) return;
        const at = `static_resources.listeners[${li}].filter_chains[${ci}].filters[${fi}].typed_config`;
        const httpFilters: Json[] = hcm.http_filters ?? [];
        const filterNames = httpFilters.map((f) => String(f.name));
        for (const name of duplicates(filterNames)) issues.push({ path: `${at}.http_filters`, message: `HTTP filter name "${name}" is used twice` });
        const last = httpFilters[httpFilters.length - 1];
        if (last?.typed_config?.["@type"] !== ROUTER_TYPE) issues.push({ path: `${at}.http_filters`, message: "the last HTTP filter must be envoy.filters.http.router" });
        httpFilters.slice(0, -1).forEach((f, i) => {
          if (f.typed_config?.["@type"] === ROUTER_TYPE) issues.push({ path: `${at}.http_filters[${i}]`, message: "the router must be the last HTTP filter" });
        });
        const hostNames = (hcm.route_config?.virtual_hosts ?? []).map((vh: Json) => String(vh.name));
        for (const name of duplicates(hostNames)) issues.push({ path: `${at}.route_config.virtual_hosts`, message: `virtual host name "${name}" is used twice` });
        const domains = new Map<string, number>();
        (hcm.route_config?.virtual_hosts ?? []).forEach((vh: Json, vi: number) => {
          const vhAt = `${at}.route_config.virtual_hosts[${vi}]`;
          for (const domain of vh.domains ?? []) {
            if (domains.has(domain)) issues.push({ path: `${vhAt}.domains`, message: `domain "${domain}" is also served by virtual_hosts[${domains.get(domain)}]` });
            else domains.set(domain, vi);
          }
          (vh.routes ?? []).forEach((route: Json, ri: number) => {
            const cluster = route.route?.cluster;
            if (cluster !== undefined && !clusterNames.includes(cluster)) issues.push({ path: `${vhAt}.routes[${ri}].route.cluster`, message: `unknown cluster "${cluster}"` });
            for (const key of Object.keys(route.typed_per_filter_config ?? {})) {
              if (!filterNames.includes(key)) issues.push({ path: `${vhAt}.routes[${ri}].typed_per_filter_config.${key}`, message: `no HTTP filter named "${key}" in the chain` });
            }
          });
        });
      });
    });
  });
  return issues;
}
