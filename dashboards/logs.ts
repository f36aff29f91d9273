import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { CONTAINER_LABEL, TASK_LOGS_MATCHER } from '../content/logs/streams';
import { PipelineSpec } from '../content/pipeline/spec';
import { DashboardOptions, dagIdVariable, dashboardLink, logsPanel, lokiLabelVariable, lokiQuery, pipewatchDashboard, promQuery, timeseriesPanel, thresholds, UNIT } from './common';
import { layoutSections, PlaceablePanel, section } from './layout';

/** Streams as Loki labels what the log shipper sends: container logs and Airflow task logs. */
const CONTAINER_LOGS = `{${CONTAINER_LABEL}=~"$container"}`;
const TASK_LOGS = `{${TASK_LOGS_MATCHER}, dag_id=~"$dag_id"}`;
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
      queries: [lokiQuery(countByOverTime(CONTAINER_LABEL, CONTAINER_LOGS), `{{${CONTAINER_LABEL}}}`)],
    }),
    timeseriesPanel({
      title: 'Error lines by container',
      unit: UNIT.count,
      queries: [lokiQuery(countByOverTime(CONTAINER_LABEL, CONTAINER_LOGS, ERROR_LINES), `{{${CONTAINER_LABEL}}}`)],
      thresholds: thresholds.anyIsBad(),
    }),
    timeseriesPanel({
      title: 'Error rate by container',
      description: 'Error lines as a share of all lines each container wrote.',
      unit: UNIT.ratio,
      queries: [lokiQuery(`${countByOverTime(CONTAINER_LABEL, CONTAINER_LOGS, ERROR_LINES)} / ${countByOverTime(CONTAINER_LABEL, CONTAINER_LOGS)}`, `{{${CONTAINER_LABEL}}}`)],
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

/** The OpenTelemetry Collector's own telemetry: what it read, shipped, failed to ship and holds in its queue. */
function shipperPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Log lines read and shipped',
      description: 'Lines the collector read from container and task log files, and lines Loki accepted.',
      unit: UNIT.perSecond,
      queries: [
        promQuery('sum by (receiver) (rate(otelcol_receiver_accepted_log_records_total[$__rate_interval]))', { legend: 'read by {{receiver}}' }),
        promQuery('sum(rate(otelcol_exporter_sent_log_records_total[$__rate_interval]))', { legend: 'shipped to Loki' }),
      ],
    }),
    timeseriesPanel({
      title: 'Log lines failed or dropped',
      description: 'Lines Loki rejected for good, lines the full export queue refused, and lines the pipeline refused to read.',
      unit: UNIT.perSecond,
      queries: [
        promQuery('sum(rate(otelcol_exporter_send_failed_log_records_total[$__rate_interval]))', { legend: 'rejected by Loki' }),
        promQuery('sum(rate(otelcol_exporter_enqueue_failed_log_records_total[$__rate_interval]))', { legend: 'queue full' }),
        promQuery('sum(rate(otelcol_receiver_refused_log_records_total[$__rate_interval]))', { legend: 'refused' }),
      ],
      thresholds: thresholds.anyIsBad(),
    }),
    timeseriesPanel({
      title: 'Export queue',
      description: 'Lines waiting on disk for Loki; it grows while Loki is down or slow.',
      unit: UNIT.ratio,
      queries: [promQuery('max(otelcol_exporter_queue_size{data_type="logs"} / otelcol_exporter_queue_capacity{data_type="logs"})', { legend: 'queue used' })],
      thresholds: thresholds.higherIsWorse(0.1, 0.5),
      width: 24,
    }),
  ];
}

export function logsDashboard(specs: readonly PipelineSpec[], _options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard('logs', 'Logs', 'Container and Airflow task logs from Loki: volume, errors and the lines themselves, and the collector that ships them.', ['logs'])
    .withVariable(lokiLabelVariable('container', CONTAINER_LABEL, `{${CONTAINER_LABEL}=~".+"}`).allValue('.+'))
    .withVariable(dagIdVariable(specs, { multi: true }))
    .withVariable(new dashboard.TextBoxVariableBuilder('search').label('Line contains').defaultValue(''))
    .link(dashboardLink('pipelineDetail', 'Pipeline Detail'));
  return layoutSections(builder, [section('Containers', containerPanels()), section('Airflow tasks', taskPanels()), section('Log shipper', shipperPanels())]);
}
