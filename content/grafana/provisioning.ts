import { ALERTMANAGER_DATASOURCE, ALERTMANAGER_SETTINGS, identity, JAEGER_DATASOURCE, LOKI_DATASOURCE, lokiTraceLinks, POSTGRES_DATASOURCE, PROMETHEUS_DATASOURCE, prometheusSettings } from './datasources';

export interface DatasourceTargets {
  readonly prometheusUrl: string;
  readonly lokiUrl?: string;
  /** Jaeger's query API. @default - no Jaeger datasource and no trace links on log lines (traces off) */
  readonly jaegerUrl?: string;
  readonly alertmanagerUrl: string;
  /** Prometheus' scrape interval: Grafana never steps queries finer than it. */
  readonly scrapeIntervalSeconds: number;
  /** `host:port`, database, user, and the file the password is read from. @default - no PostgreSQL datasource (no pipeline history, as on Kubernetes) */
  readonly postgres?: { readonly hostPort: string; readonly database: string; readonly user: string; readonly passwordFile: string };
}

/** provisioning/datasources/*.yml; the Postgres password is read by Grafana from its file ($__file). */
export function datasourcesProvisioning(t: DatasourceTargets): object {
  return {
    apiVersion: 1,
    prune: true,
    datasources: [
      { ...identity(PROMETHEUS_DATASOURCE), access: 'proxy', url: t.prometheusUrl, isDefault: true, editable: false,
        jsonData: prometheusSettings(t.scrapeIntervalSeconds) },
      ...(t.lokiUrl ? [{ ...identity(LOKI_DATASOURCE), access: 'proxy', url: t.lokiUrl, editable: false,
        ...(t.jaegerUrl ? { jsonData: lokiTraceLinks() } : {}) }] : []),
      ...(t.jaegerUrl ? [{ ...identity(JAEGER_DATASOURCE), access: 'proxy', url: t.jaegerUrl, editable: false }] : []),
      { ...identity(ALERTMANAGER_DATASOURCE), access: 'proxy', url: t.alertmanagerUrl, editable: false,
        jsonData: { ...ALERTMANAGER_SETTINGS } },
      ...(t.postgres ? [{ ...identity(POSTGRES_DATASOURCE), url: t.postgres.hostPort, user: t.postgres.user, editable: false,
        jsonData: { database: t.postgres.database, sslmode: 'disable', postgresVersion: 1500 },
        secureJsonData: { password: `$__file{${t.postgres.passwordFile}}` } }] : []),
    ],
  };
}

/** provisioning/dashboards/*.yml: one read-only folder loaded from files. */
export function dashboardsProvisioning(folder: string, path: string): object {
  return {
    apiVersion: 1,
    providers: [{ name: 'pipewatch', folder, type: 'file', disableDeletion: true, allowUiUpdates: false, updateIntervalSeconds: 30, options: { path } }],
  };
}
