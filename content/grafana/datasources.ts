/** A datasource pipewatch provisions: panels refer to it by uid and type, people see its name. */
export interface PipewatchDatasource {
  readonly uid: string;
  readonly type: string;
  /** Display name in Grafana; unique per organisation. */
  readonly name: string;
}

/**
 * Fixed UIDs, so the rendered dashboards work unchanged in every Grafana whose
 * datasources are provisioned from these constants (file provisioning and the Grafana stack).
 */
export const PROMETHEUS_DATASOURCE: PipewatchDatasource = { type: 'prometheus', uid: 'pipewatch-prometheus', name: 'pipewatch Prometheus' };
export const LOKI_DATASOURCE: PipewatchDatasource = { type: 'loki', uid: 'pipewatch-loki', name: 'pipewatch Loki' };
export const ALERTMANAGER_DATASOURCE: PipewatchDatasource = { type: 'alertmanager', uid: 'pipewatch-alertmanager', name: 'pipewatch Alertmanager' };
export const JAEGER_DATASOURCE: PipewatchDatasource = { type: 'jaeger', uid: 'pipewatch-jaeger', name: 'pipewatch Jaeger' };
export const POSTGRES_DATASOURCE: PipewatchDatasource = { type: 'grafana-postgresql-datasource', uid: 'pipewatch-postgres', name: 'pipewatch PostgreSQL' };

/** Name, uid and type exactly as the dashboards refer to them, so panels never lose their source. */
export const identity = (d: PipewatchDatasource) => ({ name: d.name, uid: d.uid, type: d.type });

/**
 * Prometheus plugin settings: POST for long PromQL; `timeInterval` (Grafana's
 * smallest `$__interval`) is the scrape interval when pipewatch knows it.
 */
export function prometheusSettings(scrapeIntervalSeconds?: number): Record<string, unknown> {
  return { ...(scrapeIntervalSeconds === undefined ? {} : { timeInterval: `${scrapeIntervalSeconds}s` }), httpMethod: 'POST' };
}

/** Alertmanager plugin settings: Prometheus' Alertmanager API, not Grafana-managed alerts. */
export const ALERTMANAGER_SETTINGS = { implementation: 'prometheus', handleGrafanaManagedAlerts: false } as const;

/**
 * A log line's trace id, as `trace_id=<32 hex>` in text or `"trace_id": "<32 hex>"` in JSON
 * (the ETL steps log it: airflow/dags/pipewatch/tracing.py).
 */
export const TRACE_ID_PATTERN = 'trace_id"?[=:]\\s*"?([0-9a-f]{32})';

/**
 * Loki plugin settings with traces on: a "Trace" link on every log line that carries a
 * trace id, opening it in the Jaeger datasource. `$$` because Grafana expands `$…` in
 * provisioning files; it reads `${__value.raw}`, the matched id.
 */
export function lokiTraceLinks(): Record<string, unknown> {
  return { derivedFields: [{ name: 'TraceID', matcherRegex: TRACE_ID_PATTERN, datasourceUid: JAEGER_DATASOURCE.uid, url: '$${__value.raw}', urlDisplayLabel: 'Trace' }] };
}
