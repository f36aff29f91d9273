import { readFileSync } from 'fs';
import { join } from 'path';
import { DashboardKey, dashboardUrl, runbookUrl } from '../../../content/links';
import { PipelineSpec } from '../../../content/pipeline/spec';
import { LIVE_LINKS, LIVE_PIPELINES, teamReceiverName } from './live-configs';
import { REPO_ROOT } from './tools';
import { AlertPredicate, alertMatching } from './webhook-receiver';

export function pipeline(dagId: string): PipelineSpec {
  const spec = LIVE_PIPELINES.find((p) => p.dagId === dagId);
  if (!spec) throw new Error(`no pipeline ${dagId} in LIVE_PIPELINES`);
  return spec;
}

/** The receiver a pipeline's alerts must reach: its owner team's. */
export function ownerReceiver(dagId: string): string {
  return teamReceiverName(pipeline(dagId).ownerTeam);
}

/** A pipeline alert of the given name and status at its owner team's receiver. */
export function pipelineAlert(alertname: string, dagId: string, status: 'firing' | 'resolved' = 'firing'): AlertPredicate {
  return alertMatching({ receiver: ownerReceiver(dagId), status, labels: { alertname, dag_id: dagId } });
}

/** The links an alert must carry: its runbook section and its dashboard, filtered to the pipeline. */
export function expectedLinks(alertname: string, dashboard: DashboardKey, dagId?: string): { runbook_url: string; dashboard_url: string } {
  return { runbook_url: runbookUrl(alertname), dashboard_url: dashboardUrl(LIVE_LINKS.grafanaUrl!, dashboard, dagId) };
}

/** Whether docs/runbooks.md has the `## <alertname>` section a runbook link points at. */
export function runbookHasSection(alertname: string): boolean {
  return readFileSync(join(REPO_ROOT, 'docs/runbooks.md'), 'utf8').split('\n').includes(`## ${alertname}`);
}
