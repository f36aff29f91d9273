import { Endpoints, SERVICE_NAMES } from '../endpoints';
import { KubeObject, metadata, namePart, objectName, ObjectScope } from './objects';

/**
 * Where one of the stack's exporters runs in the cluster: the Service
 * (ServiceMonitor) or the pods (PodMonitor) carrying `matchLabels`, and the
 * name of the port serving /metrics.
 */
export interface ExporterTarget {
  readonly exporter: keyof Endpoints;
  readonly kind: 'ServiceMonitor' | 'PodMonitor';
  readonly namespace: string;
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
}

/**
 * The exporters the rules and dashboards read, as the Airflow chart and the
 * usual charts deploy them; override any of them in KubernetesTargetProps.
 * The Airflow chart's statsd-exporter Service has no ServiceMonitor of its
 * own: its labels (tier, component, release) and port `statsd-scrape` are the
 * chart's.
 */
export function defaultExporterTargets(airflow: { readonly namespace: string; readonly release: string }): ExporterTarget[] {
  return [
    { exporter: 'statsdExporter', kind: 'ServiceMonitor', namespace: airflow.namespace, matchLabels: { tier: 'airflow', component: 'statsd', release: airflow.release }, port: 'statsd-scrape' },
    { exporter: 'airflowExporter', kind: 'PodMonitor', namespace: airflow.namespace, matchLabels: { 'app.kubernetes.io/name': 'pipewatch-airflow-exporter' }, port: 'metrics' },
    { exporter: 'postgresExporter', kind: 'ServiceMonitor', namespace: airflow.namespace, matchLabels: { 'app.kubernetes.io/name': 'prometheus-postgres-exporter' }, port: 'http' },
    { exporter: 'redisExporter', kind: 'ServiceMonitor', namespace: airflow.namespace, matchLabels: { 'app.kubernetes.io/name': 'prometheus-redis-exporter' }, port: 'redis-exporter' },
  ];
}

/**
 * A ServiceMonitor or PodMonitor for one exporter. Its `job` label is the
 * Docker stack's job name for that exporter (statsd-exporter, ...), so the
 * same rules and dashboard queries select it on both targets.
 */
export function exporterMonitor(scope: ObjectScope, target: ExporterTarget, scrapeIntervalSeconds: number): KubeObject {
  const job = SERVICE_NAMES[target.exporter];
  const endpoint = {
    port: target.port,
    path: target.path ?? '/metrics',
    interval: `${scrapeIntervalSeconds}s`,
    relabelings: [{ action: 'replace', targetLabel: 'job', replacement: job }],
  };
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: target.kind,
    metadata: metadata(scope, objectName(target.kind, scope, namePart(job))),
    spec: {
      selector: { matchLabels: { ...target.matchLabels } },
      namespaceSelector: { matchNames: [target.namespace] },
      ...(target.kind === 'ServiceMonitor' ? { endpoints: [endpoint] } : { podMetricsEndpoints: [endpoint] }),
    },
  };
}
