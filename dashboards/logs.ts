import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PipelineSpec } from '../content/pipeline/spec';
import { DashboardOptions, dagIdVariable, dashboardLink, logsPanel, lokiLabelVariable, lokiQuery, pipewatchDashboard, timeseriesPanel, thresholds, UNIT } from './common';
import { layoutSections, PlaceablePanel, section } from './layout';

/** Streams as the log shipper labels them: container logs and Airflow task logs. */
const CONTAINER_LOGS = '{job="containers", container=~"$container"}';
const TASK_LOGS = '{job="airflow-tasks", dag_id=~"$dag_id"}';
/** What counts as an error line in logs that carry no level label. */
const ERROR_LINES = '|~ "(?i)(error|exception|traceback|fatal|panic)"';
const SEARCH = '|= "$search"';

function countByOverTime(by: string, stream: string, filter = ''): string {
  return `sum by (${by}) (count_over_time(${stream}${filter ? ` ${filter}` : ''} [$__interval]))`;
}

function containerPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Log lines by container',
      unit: UNIT.count,
      queries: [lokiQuery(countByOverTime('container', CONTAINER_LOGS), '{{container}}')],
    }),
    timeseriesPanel({
      title: 'Error lines by container',
      unit: UNIT.count,
      queries: [lokiQuery(countByOverTime('container', CONTAINER_LOGS, ERROR_LINES), '{{container}}')],
      thresholds: thresholds.anyIsBad(),
    }),
    timeseriesPanel({
      title: 'Error rate by container',
      description: 'Error lines as a share of all lines each container wrote.',
      unit: UNIT.ratio,
      queries: [lokiQuery(`${countByOverTime('container', CONTAINER_LOGS, ERROR_LINES)} / ${countByOverTime('container', CONTAINER_LOGS)}`, '{{container}}')],
      thresholds: thresholds.higherIsWorse(0.01, 0.05),
      width: 24,
    }),
    logsPanel({ title: 'Container logs', queries: [lokiQuery(`${CONTAINER_LOGS} ${SEARCH}`)] }),
  ];
}

function taskPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Task log lines by DAG',
      unit: UNIT.count,
      queries: [lokiQuery(countByOverTime('dag_id', TASK_LOGS), '{{dag_id}}')],
    }),
    timeseriesPanel({
      title: 'Task error lines by DAG and task',
      unit: UNIT.count,
      queries: [lokiQuery(countByOverTime('dag_id, task_id', TASK_LOGS, ERROR_LINES), '{{dag_id}}.{{task_id}}')],
      thresholds: thresholds.anyIsBad(),
    }),
    logsPanel({ title: 'Task errors', queries: [lokiQuery(`${TASK_LOGS} ${ERROR_LINES}`)], height: 8 }),
    logsPanel({ title: 'Task logs', queries: [lokiQuery(`${TASK_LOGS} ${SEARCH}`)] }),
  ];
}

export function logsDashboard(specs: readonly PipelineSpec[], _options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard('logs', 'Logs', 'Container and Airflow task logs from Loki: volume, errors and the lines themselves.', ['logs'])
    .withVariable(lokiLabelVariable('container', 'container', '{job="containers"}'))
    .withVariable(dagIdVariable(specs, { multi: true }))
    .withVariable(new dashboard.TextBoxVariableBuilder('search').label('Line contains').defaultValue(''))
    .link(dashboardLink('pipelineDetail', 'Pipeline Detail'));
  return layoutSections(builder, [section('Containers', containerPanels()), section('Airflow tasks', taskPanels())]);
}
