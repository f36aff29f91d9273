import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PipelineSpec } from '../content/pipeline/spec';
import { DashboardOptions, pipewatchDashboard, promQuery, statPanel, tablePanel, thresholds, timeseriesPanel, UNIT, UP_DOWN_MAPPINGS } from './common';
import { layoutSections, PlaceablePanel, section } from './layout';
import { series } from './queries';

const CONTAINERS = 'name!=""';
/** Monitoring jobs by name fragment: scrape job names vary by deployment, the component names do not. */
const MONITORING_JOBS = 'job=~".*(prometheus|alertmanager|loki).*"';

function upStat(title: string, expr: string): PlaceablePanel {
  return statPanel({ title, unit: UNIT.state, queries: [promQuery(expr, { instant: true })], thresholds: thresholds.upIsGood() })
    .mappings(UP_DOWN_MAPPINGS)
    .noValue('no data');
}

function headlinePanels(): PlaceablePanel[] {
  return [
    statPanel({
      title: 'Scrape targets down',
      unit: UNIT.count,
      queries: [promQuery('count(up == 0) or vector(0)', { instant: true })],
      thresholds: thresholds.anyIsBad(),
    }),
    upStat('PostgreSQL', 'min(pg_up)'),
    upStat('Redis', 'min(redis_up)'),
    statPanel({
      title: 'Scheduler heartbeats per minute',
      unit: UNIT.count,
      queries: [promQuery('sum(rate(airflow_scheduler_heartbeat[$__rate_interval])) * 60', { instant: true })],
      thresholds: thresholds.lowerIsWorse(1, 6),
    }),
    statPanel({
      title: 'Triggerer heartbeats per minute',
      unit: UNIT.count,
      queries: [promQuery('sum(rate(airflow_triggerer_heartbeat[$__rate_interval])) * 60', { instant: true })],
      thresholds: thresholds.lowerIsWorse(1, 6),
    }),
    statPanel({
      title: 'DAG import errors',
      unit: UNIT.count,
      queries: [promQuery('sum(airflow_dag_processing_import_errors)', { instant: true })],
      thresholds: thresholds.anyIsBad(),
    }),
  ];
}

function airflowPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Component heartbeats per minute',
      unit: UNIT.count,
      queries: [
        promQuery('sum(rate(airflow_scheduler_heartbeat[$__rate_interval])) * 60', { legend: 'scheduler' }),
        promQuery('sum(rate(airflow_triggerer_heartbeat[$__rate_interval])) * 60', { legend: 'triggerer' }),
      ],
      thresholds: thresholds.lowerIsWorse(1, 6),
    }),
    timeseriesPanel({
      title: 'DAG files: time since last processed',
      description: 'The dag-processor re-parses every file regularly; a growing age means it has stalled.',
      unit: UNIT.seconds,
      queries: [promQuery('max by (dag_file) (airflow_dag_processing_last_run_seconds_ago)', { legend: '{{dag_file}}' })],
      thresholds: thresholds.higherIsWorse(300, 900),
    }),
    timeseriesPanel({
      title: 'Triggers running',
      unit: UNIT.count,
      queries: [promQuery('sum(airflow_triggers_running)', { legend: 'triggers' })],
    }),
    timeseriesPanel({
      title: 'Task instance outcomes per minute',
      unit: UNIT.count,
      queries: [
        promQuery('sum(rate(airflow_ti_successes[$__rate_interval])) * 60', { legend: 'succeeded' }),
        promQuery('sum(rate(airflow_ti_failures[$__rate_interval])) * 60', { legend: 'failed' }),
      ],
    }),
  ];
}

function databasePanels(): PlaceablePanel[] {
  return [
    statPanel({
      title: 'PostgreSQL connections used',
      description: 'Backends connected as a share of max_connections.',
      unit: UNIT.ratio,
      queries: [promQuery('sum(pg_stat_database_numbackends) / max(pg_settings_max_connections)', { instant: true })],
      thresholds: thresholds.higherIsWorse(0.7, 0.9),
      width: 6,
    }),
    timeseriesPanel({
      title: 'PostgreSQL connections by database',
      unit: UNIT.count,
      queries: [promQuery('sum by (datname) (pg_stat_database_numbackends)', { legend: '{{datname}}' })],
      width: 6,
    }),
    statPanel({
      title: 'Redis memory against maxmemory',
      description: 'Empty when Redis runs without a maxmemory limit.',
      unit: UNIT.ratio,
      queries: [promQuery('max(redis_memory_used_bytes) / (max(redis_memory_max_bytes) > 0)', { instant: true })],
      thresholds: thresholds.higherIsWorse(0.8, 0.95),
      width: 6,
    }).noValue('no limit'),
    timeseriesPanel({
      title: 'Redis memory and clients',
      unit: UNIT.bytes,
      queries: [promQuery('max(redis_memory_used_bytes)', { legend: 'memory used' }), promQuery('max(redis_connected_clients)', { legend: 'clients' })],
      width: 6,
    }).overrideByName('clients', [{ id: 'unit', value: UNIT.count }, { id: 'custom.axisPlacement', value: 'right' }]),
  ];
}

function containerPanels(): PlaceablePanel[] {
  return [
    statPanel({
      title: 'Containers running',
      unit: UNIT.count,
      queries: [promQuery(`count(${series('container_start_time_seconds', CONTAINERS)})`, { instant: true })],
      width: 6,
    }),
    tablePanel({
      title: 'Container restarts in the time range',
      description: 'A container’s start time changes each time it restarts.',
      unit: UNIT.count,
      queries: [promQuery(`sum by (name) (changes(${series('container_start_time_seconds', CONTAINERS)}[$__range])) > 0`, { instant: true, table: true })],
      thresholds: thresholds.anyIsBad(),
      width: 18,
    }).transformations([{ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'Restarts' } } }]),
  ];
}

function monitoringPanels(): PlaceablePanel[] {
  return [
    tablePanel({
      title: 'Scrape targets',
      unit: UNIT.state,
      queries: [promQuery('max by (job, instance) (up)', { instant: true, table: true })],
      thresholds: thresholds.upIsGood(),
      width: 12,
    })
      .mappings(UP_DOWN_MAPPINGS)
      .transformations([{ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'State' } } }]),
    timeseriesPanel({
      title: 'Monitoring components up',
      unit: UNIT.state,
      queries: [promQuery(`max by (job) (${series('up', MONITORING_JOBS)})`, { legend: '{{job}}' })],
      width: 12,
    }).mappings(UP_DOWN_MAPPINGS),
    timeseriesPanel({
      title: 'Rule evaluation failures',
      unit: UNIT.perSecond,
      queries: [promQuery('sum by (rule_group) (rate(prometheus_rule_evaluation_failures_total[$__rate_interval]))', { legend: '{{rule_group}}' })],
      thresholds: thresholds.anyIsBad(),
    }),
    timeseriesPanel({
      title: 'Alert delivery errors',
      description: 'Prometheus failing to reach Alertmanager, and Alertmanager failing to notify receivers.',
      unit: UNIT.perSecond,
      queries: [
        promQuery('sum(rate(prometheus_notifications_errors_total[$__rate_interval]))', { legend: 'Prometheus → Alertmanager' }),
        promQuery('sum by (integration) (rate(alertmanager_notifications_failed_total[$__rate_interval]))', { legend: 'Alertmanager → {{integration}}' }),
      ],
      thresholds: thresholds.anyIsBad(),
    }),
    timeseriesPanel({
      title: 'Log lines received by Loki',
      unit: UNIT.perSecond,
      queries: [promQuery('sum by (tenant) (rate(loki_distributor_lines_received_total[$__rate_interval]))', { legend: '{{tenant}}' })],
    }),
    timeseriesPanel({
      title: 'Run-history buffer (simulator)',
      description: 'Run-history rows the simulator keeps for PostgreSQL: buffered, failed writes and dropped rows.',
      unit: UNIT.count,
      queries: [
        promQuery('sum(pipewatch_simulator_history_buffered_rows)', { legend: 'buffered rows' }),
        promQuery('sum(increase(pipewatch_simulator_history_write_errors_total[$__rate_interval]))', { legend: 'write errors' }),
        promQuery('sum(increase(pipewatch_simulator_history_dropped_rows_total[$__rate_interval]))', { legend: 'dropped rows' }),
      ],
    }),
  ];
}

/** Platform-wide; the pipeline specs do not change it, but it keeps the dashboard-function shape. */
export function platformHealthDashboard(_specs: readonly PipelineSpec[], _options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard(
    'platformHealth',
    'Platform Health',
    'Is the platform itself healthy? Airflow components, PostgreSQL, Redis, containers, and Prometheus, Loki and Alertmanager themselves.',
    ['platform'],
  );
  return layoutSections(builder, [
    { panels: headlinePanels() },
    section('Airflow', airflowPanels()),
    section('PostgreSQL and Redis', databasePanels()),
    section('Containers', containerPanels()),
    section('Monitoring stack', monitoringPanels()),
  ]);
}
