import { DashboardKey, dashboardUrl, DEFAULT_RUNBOOK_BASE_URL, runbookUrl } from '../links';
import { AlertingRule, AlertLabels } from './types';

/** Where alert links point. */
export interface AlertLinkOptions {
  /** Grafana base URL the dashboard links use. @default 'http://localhost:3000' */
  readonly grafanaUrl?: string;
  /** Published runbook document; each alert links to its `## AlertName` section. @default DEFAULT_RUNBOOK_BASE_URL */
  readonly runbookBaseUrl?: string;
}

export const DEFAULT_GRAFANA_URL = 'http://localhost:3000';

/** An alert as the rule builders write it: everything but the links. */
export interface AlertDraft {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  /** Static labels; absent where the expression brings severity, team and dag_id (the pipeline alerts). */
  readonly labels?: AlertLabels;
  readonly summary: string;
  readonly description: string;
  /** Dashboard the alert links to, filtered to the alert's `dag_id` (static, or from the expression) when it has one. */
  readonly dashboard: DashboardKey;
}

/** The one place runbook and dashboard links are added to alerts. */
export function withLinks(draft: AlertDraft, options: AlertLinkOptions = {}): AlertingRule {
  const grafanaUrl = options.grafanaUrl ?? DEFAULT_GRAFANA_URL;
  return {
    alert: draft.alert,
    expr: draft.expr,
    ...(draft.for !== undefined ? { for: draft.for } : {}),
    ...(draft.labels !== undefined ? { labels: draft.labels } : {}),
    annotations: {
      summary: draft.summary,
      description: draft.description,
      runbook_url: runbookUrl(draft.alert, options.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL),
      dashboard_url: draft.labels === undefined ? `${dashboardUrl(grafanaUrl, draft.dashboard)}?var-dag_id={{ $labels.dag_id }}` : dashboardUrl(grafanaUrl, draft.dashboard, draft.labels.dag_id),
    },
  };
}
