/** Datasource UIDs dashboards refer to; provisioned with exactly these UIDs so panels never lose their source. */
export const DATASOURCE_UIDS = {
  prometheus: 'pipewatch-prometheus',
  loki: 'pipewatch-loki',
  alertmanager: 'pipewatch-alertmanager',
  postgres: 'pipewatch-postgres',
} as const;

export interface DatasourceTargets {
  readonly prometheusUrl: string;
  readonly lokiUrl: string;
  readonly alertmanagerUrl: string;
  /** `host:port`, database, user, and the file the password is read from. */
  readonly postgres: { readonly hostPort: string; readonly database: string; readonly user: string; readonly passwordFile: string };
}

/** provisioning/datasources/*.yml; the Postgres password is read by Grafana from its file ($__file). */
export function datasourcesProvisioning(t: DatasourceTargets): object {
  return {
    apiVersion: 1,
    prune: true,
    datasources: [
      { name: 'Prometheus', uid: DATASOURCE_UIDS.prometheus, type: 'prometheus', access: 'proxy', url: t.prometheusUrl, isDefault: true, editable: false,
        jsonData: { timeInterval: '15s', httpMethod: 'POST' } },
      { name: 'Loki', uid: DATASOURCE_UIDS.loki, type: 'loki', access: 'proxy', url: t.lokiUrl, editable: false },
      { name: 'Alertmanager', uid: DATASOURCE_UIDS.alertmanager, type: 'alertmanager', access: 'proxy', url: t.alertmanagerUrl, editable: false,
        jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false } },
      { name: 'Run history', uid: DATASOURCE_UIDS.postgres, type: 'grafana-postgresql-datasource', url: t.postgres.hostPort, user: t.postgres.user, editable: false,
        jsonData: { database: t.postgres.database, sslmode: 'disable', postgresVersion: 1500 },
        secureJsonData: { password: `$__file{${t.postgres.passwordFile}}` } },
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
