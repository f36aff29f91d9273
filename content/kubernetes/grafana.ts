import { DatasourceTargets, datasourcesProvisioning } from '../grafana/provisioning';
import { toYaml } from '../yaml';
import { invalid } from '../validation';
import { KubeObject, metadata, namePart, OBJECT_BUDGET_BYTES, objectBytes, objectName, ObjectScope } from './objects';

/** A rendered dashboard: its key (names the ConfigMap), uid (names the file) and JSON. */
export interface DashboardInput {
  readonly key: string;
  readonly uid: string;
  readonly json: unknown;
}

/** kube-prometheus-stack's Grafana sidecar defaults: the label it watches and the annotation naming the folder. */
export const DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;
export const DATASOURCE_LABEL = { grafana_datasource: '1' } as const;
export const FOLDER_ANNOTATION = 'grafana_folder';

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * One ConfigMap per dashboard. A dashboard cannot be split, so one over the
 * object budget is an error: its fix is the grafana-<env> stack, which
 * delivers dashboards through Grafana's API, where no such limit applies.
 */
export function dashboardConfigMaps(scope: ObjectScope, dashboards: readonly DashboardInput[], folder: string): KubeObject[] {
  return dashboards.map((d) => {
    const name = objectName(`dashboard ${d.key}`, scope, 'dashboard', namePart(kebab(d.key)));
    const map: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(scope, name, { labels: { ...DASHBOARD_LABEL }, annotations: { [FOLDER_ANNOTATION]: folder } }),
      data: { [`${d.uid}.json`]: JSON.stringify(d.json) },
    };
    const bytes = objectBytes(map);
    if (bytes > OBJECT_BUDGET_BYTES) {
      invalid(`ConfigMap ${name}`, 'size in bytes', bytes, `The dashboard is over the ${OBJECT_BUDGET_BYTES}-byte object budget; deliver the dashboards with the grafana-<env> stack (Grafana's API) and set dashboards: false on the k8s target.`);
    }
    return map;
  });
}

/**
 * pipewatch's datasources (the uids its dashboards name) for the sidecar, not
 * marked default: the cluster's Grafana already has its own default Prometheus.
 */
export function datasourceConfigMap(scope: ObjectScope, targets: Omit<DatasourceTargets, 'postgres'>): KubeObject {
  const provisioning = datasourcesProvisioning(targets) as { datasources: Record<string, unknown>[] };
  const datasources = provisioning.datasources.map((d) => ({ ...d, isDefault: false }));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(scope, objectName('datasources', scope, 'datasources'), { labels: { ...DATASOURCE_LABEL } }),
    data: { 'pipewatch-datasources.yaml': toYaml({ ...provisioning, prune: false, datasources }) },
  };
}
