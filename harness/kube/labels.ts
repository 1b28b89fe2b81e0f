// Labels on every generated object, so `kubectl get … -l` finds (and prunes) what we wrote.
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "proxyscript" } as const;

export interface ObjectMeta {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Record<string, unknown>;
}

export function meta(name: string, namespace: string, extra: Record<string, string> = {}): ObjectMeta {
  return { name, namespace, labels: { ...MANAGED_BY, ...extra } };
}
