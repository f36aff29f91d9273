import { requireHttpUrl, Where } from './validation';

/** Stable Grafana dashboard UIDs: alerts, panels and docs link to these, so they never change. */
export const DASHBOARD_UIDS = {
  pipelineOverview: 'pipewatch-pipeline-overview',
  pipelineDetail: 'pipewatch-pipeline-detail',
  slaFreshness: 'pipewatch-sla-freshness',
  dataQuality: 'pipewatch-data-quality',
  performance: 'pipewatch-performance',
  dataLakeWarehouse: 'pipewatch-datalake-warehouse',
  platformHealth: 'pipewatch-platform-health',
  logs: 'pipewatch-logs',
  alerts: 'pipewatch-alerts',
  dbt: 'pipewatch-dbt',
  streaming: 'pipewatch-streaming',
} as const;

export type DashboardKey = keyof typeof DASHBOARD_UIDS;

/** Where the runbook document is published; alerts link to one anchor per alert name. */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/pipewatch/pipewatch/blob/main/docs/runbooks.md';

/** Anchor GitHub generates for a `## AlertName` heading. */
export function runbookUrl(alertName: string, baseUrl: string = DEFAULT_RUNBOOK_BASE_URL): string {
  return `${baseUrl}#${alertName.toLowerCase()}`;
}

/** Link to a dashboard, optionally pre-filtered to one DAG through the `dag_id` variable. */
export function dashboardUrl(grafanaUrl: string, dashboard: DashboardKey, dagId?: string): string {
  const base = `${grafanaUrl.replace(/\/$/, '')}/d/${DASHBOARD_UIDS[dashboard]}`;
  return dagId === undefined ? base : `${base}?var-dag_id=${encodeURIComponent(dagId)}`;
}

/** The URL a published web UI is opened at: the one given (checked), else localhost on its host port. */
export function webExternalUrl(scope: Where, given: string | undefined, hostPort: number, property = 'externalUrl'): string {
  return given === undefined ? `http://localhost:${hostPort}` : requireHttpUrl(scope, property, given, '"https://monitoring.example.com"');
}
