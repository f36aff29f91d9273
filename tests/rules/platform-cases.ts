import { RuleGroup } from '../../content/rules/types';
import { at, expectAlert, findAlert, InputSeries, PromtoolTestCase, segments, seriesOf } from './promtool-model';

interface Scenario {
  readonly alert: string;
  readonly when: string;
  readonly firing: readonly InputSeries[];
  /** Labels of the result series (before the rule's own labels are added). */
  readonly resultLabels?: Readonly<Record<string, string>>;
  readonly value: number;
  readonly whenNot?: string;
  /** Omitted for the always-firing Watchdog. */
  readonly silent?: readonly InputSeries[];
  readonly evalMinutes: number;
}

const flat = (value: number, samples = 30) => segments(value, [[0, samples]]);
const target = (job: string, port: number) => ({ instance: `${job}:${port}`, job });
const STATSD = target('statsd-exporter', 9102);
const CADVISOR = { ...target('cadvisor', 8080), name: 'dev-airflow-worker' };

function cases(groups: readonly RuleGroup[], scenarios: readonly Scenario[], interval: string): PromtoolTestCase[] {
  return scenarios.flatMap((s) => {
    const rule = findAlert(groups, s.alert);
    const evalTime = at(s.evalMinutes * 60);
    const firing: PromtoolTestCase = {
      name: `GIVEN the platform WHEN ${s.when} THEN ${s.alert} fires`,
      interval,
      input_series: s.firing,
      alert_rule_test: [{ eval_time: evalTime, alertname: s.alert, exp_alerts: [expectAlert(rule, s.resultLabels ?? {}, s.value)] }],
    };
    if (!s.silent) return [firing];
    const silent: PromtoolTestCase = {
      name: `GIVEN the platform WHEN ${s.whenNot} THEN ${s.alert} stays silent`,
      interval,
      input_series: s.silent,
      alert_rule_test: [{ eval_time: evalTime, alertname: s.alert, exp_alerts: [] }],
    };
    return [firing, silent];
  });
}

/** Platform and data-platform alerts over minutes to hours, evaluated every minute. */
export function platformCases(groups: readonly RuleGroup[]): PromtoolTestCase[] {
  const parseTimes = Array.from({ length: 31 }, (_, i) => (i % 2 === 0 ? 2.5 : 2.6)).join(' ');
  const bucket = (le: string) => seriesOf('pipewatch_warehouse_response_time_seconds_bucket', { instance: 'metrics-app:8000', job: 'metrics-app', le, warehouse: 'main' });
  const buckets = (slowest: string) =>
    ['1', '2.5', '5', '+Inf'].map((le) => ({ series: bucket(le), values: segments(0, [[Number(le) >= Number(slowest) || le === '+Inf' ? 10 : 0, 30]]) }));
  const accesses = (spikePerMinute: number) => [
    {
      series: seriesOf('pipewatch_datalake_accesses_total', { instance: 'metrics-app:8000', job: 'metrics-app', operation: 'read', zone: 'raw' }),
      values: segments(0, [[60, 360], [spikePerMinute, 30]]),
    },
  ];
  return cases(
    groups,
    [
      {
        alert: 'AirflowSchedulerHeartbeatMissing',
        when: 'the scheduler heartbeat counter stops',
        firing: [{ series: seriesOf('airflow_scheduler_heartbeat', { ...STATSD, type: 'counter' }), values: flat(100) }],
        value: 0,
        whenNot: 'the scheduler beats every few seconds',
        silent: [{ series: seriesOf('airflow_scheduler_heartbeat', { ...STATSD, type: 'counter' }), values: segments(0, [[12, 30]]) }],
        evalMinutes: 15,
      },
      {
        alert: 'AirflowTriggererHeartbeatMissing',
        when: 'the triggerer never sent a heartbeat',
        firing: [{ series: seriesOf('airflow_scheduler_heartbeat', { ...STATSD, type: 'counter' }), values: segments(0, [[12, 30]]) }],
        value: 0,
        whenNot: 'the triggerer beats',
        silent: [{ series: seriesOf('airflow_triggerer_heartbeat', STATSD), values: segments(0, [[12, 30]]) }],
        evalMinutes: 15,
      },
      {
        alert: 'AirflowDagProcessorStalled',
        when: 'the total parse time has not been reported anew for 15 minutes',
        firing: [{ series: seriesOf('airflow_dag_processing_total_parse_time', STATSD), values: flat(2.5) }],
        value: 0,
        whenNot: 'each parse loop reports a new parse time',
        silent: [{ series: seriesOf('airflow_dag_processing_total_parse_time', STATSD), values: parseTimes }],
        evalMinutes: 20,
      },
      {
        alert: 'AirflowDagImportErrors',
        when: 'two DAG files fail to import',
        firing: [{ series: seriesOf('airflow_dag_processing_import_errors', STATSD), values: flat(2) }],
        value: 2,
        whenNot: 'every DAG file imports',
        silent: [{ series: seriesOf('airflow_dag_processing_import_errors', STATSD), values: flat(0) }],
        evalMinutes: 15,
      },
      {
        alert: 'AirflowPoolStarving',
        when: 'three tasks wait on a pool without open slots',
        firing: [
          { series: seriesOf('airflow_pool_starving_tasks', { ...STATSD, pool: 'default_pool' }), values: flat(3) },
          { series: seriesOf('airflow_pool_open_slots', { ...STATSD, pool: 'default_pool' }), values: flat(0) },
        ],
        resultLabels: { pool: 'default_pool' },
        value: 3,
        whenNot: 'the pool still has open slots',
        silent: [
          { series: seriesOf('airflow_pool_starving_tasks', { ...STATSD, pool: 'default_pool' }), values: flat(3) },
          { series: seriesOf('airflow_pool_open_slots', { ...STATSD, pool: 'default_pool' }), values: flat(2) },
        ],
        evalMinutes: 25,
      },
      {
        alert: 'AirflowExecutorSlotsExhausted',
        when: 'tasks are queued on an executor without open slots',
        firing: [
          { series: seriesOf('airflow_executor_queued_tasks', STATSD), values: flat(4) },
          { series: seriesOf('airflow_executor_open_slots', STATSD), values: flat(0) },
        ],
        value: 4,
        whenNot: 'the executor has open slots',
        silent: [
          { series: seriesOf('airflow_executor_queued_tasks', STATSD), values: flat(4) },
          { series: seriesOf('airflow_executor_open_slots', STATSD), values: flat(8) },
        ],
        evalMinutes: 25,
      },
      {
        alert: 'PostgresDown',
        when: 'postgres-exporter reports pg_up 0',
        firing: [{ series: seriesOf('pg_up', target('postgres-exporter', 9187)), values: flat(0) }],
        value: 0,
        whenNot: 'PostgreSQL answers',
        silent: [{ series: seriesOf('pg_up', target('postgres-exporter', 9187)), values: flat(1) }],
        evalMinutes: 5,
      },
      {
        alert: 'PostgresConnectionsNearLimit',
        when: '90 of 100 connections are in use',
        firing: [
          { series: seriesOf('pg_stat_database_numbackends', { ...target('postgres-exporter', 9187), datname: 'airflow' }), values: flat(90) },
          { series: seriesOf('pg_settings_max_connections', target('postgres-exporter', 9187)), values: flat(100) },
        ],
        value: 0.9,
        whenNot: '10 of 100 connections are in use',
        silent: [
          { series: seriesOf('pg_stat_database_numbackends', { ...target('postgres-exporter', 9187), datname: 'airflow' }), values: flat(10) },
          { series: seriesOf('pg_settings_max_connections', target('postgres-exporter', 9187)), values: flat(100) },
        ],
        evalMinutes: 10,
      },
      {
        alert: 'RedisDown',
        when: 'redis-exporter reports redis_up 0',
        firing: [{ series: seriesOf('redis_up', target('redis-exporter', 9121)), values: flat(0) }],
        value: 0,
        whenNot: 'Redis answers',
        silent: [{ series: seriesOf('redis_up', target('redis-exporter', 9121)), values: flat(1) }],
        evalMinutes: 5,
      },
      {
        alert: 'RedisMemoryHigh',
        when: 'Redis uses 95% of maxmemory',
        firing: [
          { series: seriesOf('redis_memory_used_bytes', target('redis-exporter', 9121)), values: flat(95) },
          { series: seriesOf('redis_memory_max_bytes', target('redis-exporter', 9121)), values: flat(100) },
        ],
        value: 0.95,
        whenNot: 'Redis has no maxmemory (0 = unlimited)',
        silent: [
          { series: seriesOf('redis_memory_used_bytes', target('redis-exporter', 9121)), values: flat(95) },
          { series: seriesOf('redis_memory_max_bytes', target('redis-exporter', 9121)), values: flat(0) },
        ],
        evalMinutes: 10,
      },
      {
        alert: 'ContainerRestarting',
        when: 'a container started three more times in 15 minutes',
        firing: [{ series: seriesOf('container_start_time_seconds', CADVISOR), values: '1000 1000 1000 1000 1200 1200 1200 1200 1400 1400 1400 1400 1600 1600 1600 1600' }],
        resultLabels: { name: 'dev-airflow-worker' },
        value: 3,
        whenNot: 'the container keeps running',
        silent: [{ series: seriesOf('container_start_time_seconds', CADVISOR), values: flat(1000, 15) }],
        evalMinutes: 15,
      },
      {
        alert: 'ContainerMemoryNearLimit',
        when: 'a container uses 95% of its memory limit',
        firing: [
          { series: seriesOf('container_memory_working_set_bytes', CADVISOR), values: flat(950) },
          { series: seriesOf('container_spec_memory_limit_bytes', CADVISOR), values: flat(1000) },
        ],
        resultLabels: { name: 'dev-airflow-worker' },
        value: 0.95,
        whenNot: 'the container has no memory limit',
        silent: [
          { series: seriesOf('container_memory_working_set_bytes', CADVISOR), values: flat(950) },
          { series: seriesOf('container_spec_memory_limit_bytes', CADVISOR), values: flat(0) },
        ],
        evalMinutes: 10,
      },
      {
        alert: 'ContainerCpuHigh',
        when: 'a container keeps one core busy for 25 minutes',
        firing: [{ series: seriesOf('container_cpu_usage_seconds_total', { ...CADVISOR, cpu: 'total' }), values: segments(0, [[60, 40]]) }],
        resultLabels: { name: 'dev-airflow-worker' },
        value: 1,
        whenNot: 'a container uses a tenth of a core',
        silent: [{ series: seriesOf('container_cpu_usage_seconds_total', { ...CADVISOR, cpu: 'total' }), values: segments(0, [[6, 40]]) }],
        evalMinutes: 30,
      },
      {
        alert: 'ContainerDiskNearFull',
        when: 'a container filesystem is 90% full',
        firing: [
          { series: seriesOf('container_fs_usage_bytes', { ...CADVISOR, device: '/dev/sda1' }), values: flat(90) },
          { series: seriesOf('container_fs_limit_bytes', { ...CADVISOR, device: '/dev/sda1' }), values: flat(100) },
        ],
        resultLabels: { name: 'dev-airflow-worker', device: '/dev/sda1' },
        value: 0.9,
        whenNot: 'a container filesystem is 10% full',
        silent: [
          { series: seriesOf('container_fs_usage_bytes', { ...CADVISOR, device: '/dev/sda1' }), values: flat(10) },
          { series: seriesOf('container_fs_limit_bytes', { ...CADVISOR, device: '/dev/sda1' }), values: flat(100) },
        ],
        evalMinutes: 15,
      },
      {
        alert: 'TargetDown',
        when: 'redis-exporter and Loki stop answering scrapes (Loki has its own alert)',
        firing: [
          { series: seriesOf('up', target('redis-exporter', 9121)), values: flat(0) },
          { series: seriesOf('up', target('loki', 3100)), values: flat(0) },
        ],
        resultLabels: target('redis-exporter', 9121),
        value: 0,
        whenNot: 'every target answers',
        silent: [{ series: seriesOf('up', target('redis-exporter', 9121)), values: flat(1) }],
        evalMinutes: 5,
      },
      {
        alert: 'LokiDown',
        when: 'Loki stops answering scrapes',
        firing: [{ series: seriesOf('up', target('loki', 3100)), values: flat(0) }],
        resultLabels: target('loki', 3100),
        value: 0,
        whenNot: 'Loki answers',
        silent: [{ series: seriesOf('up', target('loki', 3100)), values: flat(1) }],
        evalMinutes: 5,
      },
      {
        alert: 'PrometheusRuleEvaluationFailures',
        when: 'a rule group failed to evaluate once in the last 5 minutes',
        firing: [{ series: seriesOf('prometheus_rule_evaluation_failures_total', { ...target('prometheus', 9090), rule_group: 'pipelines.yml;pipewatch-pipeline-records' }), values: segments(0, [[0, 10], [1, 1], [0, 4]]) }],
        resultLabels: { rule_group: 'pipelines.yml;pipewatch-pipeline-records' },
        value: 1,
        whenNot: 'no evaluation failed',
        silent: [{ series: seriesOf('prometheus_rule_evaluation_failures_total', { ...target('prometheus', 9090), rule_group: 'pipelines.yml;pipewatch-pipeline-records' }), values: flat(0, 15) }],
        evalMinutes: 15,
      },
      {
        alert: 'PrometheusNotificationsFailing',
        when: 'every alert batch to Alertmanager fails for 15 minutes',
        firing: [{ series: seriesOf('prometheus_notifications_errors_total', { ...target('prometheus', 9090), alertmanager: 'http://alertmanager:9093/api/v2/alerts' }), values: segments(0, [[1, 20]]) }],
        resultLabels: { alertmanager: 'http://alertmanager:9093/api/v2/alerts' },
        value: 5,
        whenNot: 'alert batches are delivered',
        silent: [{ series: seriesOf('prometheus_notifications_errors_total', { ...target('prometheus', 9090), alertmanager: 'http://alertmanager:9093/api/v2/alerts' }), values: flat(0, 20) }],
        evalMinutes: 15,
      },
      {
        alert: 'AlertmanagerNotificationsFailing',
        when: 'one Slack notification fails every minute',
        firing: [{ series: seriesOf('alertmanager_notifications_failed_total', { ...target('alertmanager', 9093), integration: 'slack' }), values: segments(0, [[1, 30]]) }],
        resultLabels: { integration: 'slack' },
        value: 15,
        whenNot: 'notifications are delivered',
        silent: [{ series: seriesOf('alertmanager_notifications_failed_total', { ...target('alertmanager', 9093), integration: 'slack' }), values: flat(0) }],
        evalMinutes: 25,
      },
      { alert: 'Watchdog', when: 'Prometheus evaluates its rules', firing: [], value: 1, evalMinutes: 1 },
      {
        alert: 'DataLakeSpaceHigh',
        when: 'a zone stores 1 TB of its 1 TiB',
        firing: [{ series: seriesOf('pipewatch_datalake_space_used_bytes', { instance: 'metrics-app:8000', job: 'metrics-app', zone: 'raw' }), values: flat(1e12) }],
        resultLabels: { zone: 'raw' },
        value: 1e12,
        whenNot: 'a zone stores 100 GB',
        silent: [{ series: seriesOf('pipewatch_datalake_space_used_bytes', { instance: 'metrics-app:8000', job: 'metrics-app', zone: 'raw' }), values: flat(1e11) }],
        evalMinutes: 20,
      },
      {
        alert: 'DataLakeAccessSpike',
        when: 'reads jump from 1/s to 10/s for half an hour',
        firing: accesses(600),
        resultLabels: { zone: 'raw' },
        value: 10,
        whenNot: 'reads stay at 1/s',
        silent: accesses(60),
        evalMinutes: 390,
      },
      {
        alert: 'WarehouseResponseTimeHigh',
        when: 'every query takes between 2.5s and 5s',
        firing: buckets('5'),
        resultLabels: { warehouse: 'main' },
        value: 4.875,
        whenNot: 'every query takes under a second',
        silent: buckets('1'),
        evalMinutes: 25,
      },
    ],
    '1m',
  );
}

/** Day-over-day alerts: a day of history, evaluated every 5 minutes. */
export function platformDailyCases(groups: readonly RuleGroup[]): PromtoolTestCase[] {
  const records = (after: number) => [
    {
      series: seriesOf('pipewatch_warehouse_records_processed_total', { instance: 'metrics-app:8000', job: 'metrics-app', table: 'orders', warehouse: 'main' }),
      values: segments(0, [[30000, 300], [after, 24]]),
    },
  ];
  const kpi = (after: number) => [{ series: seriesOf('pipewatch_business_kpi_value', { instance: 'metrics-app:8000', job: 'metrics-app', kpi: 'orders_per_hour' }), values: `${segments(1000, [[0, 300]])} ${segments(after, [[0, 23]])}` }];
  return cases(
    groups,
    [
      {
        alert: 'WarehouseRecordsProcessedDrop',
        when: 'loads fall from 100 to 10 records/s against the same hour yesterday',
        firing: records(3000),
        resultLabels: { warehouse: 'main' },
        value: 10,
        whenNot: 'loads keep 100 records/s',
        silent: records(30000),
        evalMinutes: 27 * 60,
      },
      {
        alert: 'BusinessKpiDrop',
        when: 'orders per hour halve against the same time yesterday',
        firing: kpi(500),
        resultLabels: { kpi: 'orders_per_hour' },
        value: 500,
        whenNot: 'orders per hour hold',
        silent: kpi(1000),
        evalMinutes: 27 * 60,
      },
    ],
    '5m',
  );
}
