import { RuleGroup } from '../../content/rules/types';
import { at, Expected, expectedAlert, findAlert, InputSeries, PromtoolTestCase, segments, seriesOf } from './promtool-model';

interface Scenario {
  readonly alert: string;
  readonly when: string;
  readonly firing: readonly InputSeries[];
  /** The alert the firing series produce, every label and annotation written out. */
  readonly expected: Expected;
  readonly whenNot?: string;
  /** Omitted for the always-firing Watchdog. */
  readonly silent?: readonly InputSeries[];
  readonly evalMinutes: number;
}

const flat = (value: number, samples = 30) => segments(value, [[0, samples]]);
const target = (job: string, port: number) => ({ instance: `${job}:${port}`, job });
const STATSD = target('statsd-exporter', 9102);
const SHIPPER = target('otel-collector', 8888);
const CADVISOR = { ...target('cadvisor', 8080), name: 'dev-airflow-worker' };

function cases(groups: readonly RuleGroup[], scenarios: readonly Scenario[], interval: string): PromtoolTestCase[] {
  return scenarios.flatMap((s) => {
    // Throws, naming the alert, when the rules no longer have it: its cases must not vanish with it.
    findAlert(groups, s.alert);
    const evalTime = at(s.evalMinutes * 60);
    const firing: PromtoolTestCase = {
      name: `GIVEN the platform WHEN ${s.when} THEN ${s.alert} fires`,
      interval,
      input_series: s.firing,
      alert_rule_test: [{ eval_time: evalTime, alertname: s.alert, exp_alerts: [expectedAlert(s.alert, s.expected)] }],
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
        expected: { labels: { severity: 'critical', team: 'platform' }, summary: 'The Airflow scheduler sends no heartbeat', description: 'No scheduler heartbeat reached Prometheus for the last 5 minutes (rate 0): no DAG run or task is being scheduled.', dashboard: 'pipewatch-platform-health' },
        when: 'the scheduler heartbeat counter stops',
        firing: [{ series: seriesOf('airflow_scheduler_heartbeat', { ...STATSD, type: 'counter' }), values: flat(100) }],
        whenNot: 'the scheduler beats every few seconds',
        silent: [{ series: seriesOf('airflow_scheduler_heartbeat', { ...STATSD, type: 'counter' }), values: segments(0, [[12, 30]]) }],
        evalMinutes: 15,
      },
      {
        alert: 'AirflowTriggererHeartbeatMissing',
        expected: { labels: { severity: 'warning', team: 'platform' }, summary: 'The Airflow triggerer sends no heartbeat', description: 'No triggerer heartbeat reached Prometheus for the last 5 minutes (rate 0): deferred tasks and sensors do not resume.', dashboard: 'pipewatch-platform-health' },
        when: 'the triggerer never sent a heartbeat',
        firing: [{ series: seriesOf('airflow_scheduler_heartbeat', { ...STATSD, type: 'counter' }), values: segments(0, [[12, 30]]) }],
        whenNot: 'the triggerer beats',
        silent: [{ series: seriesOf('airflow_triggerer_heartbeat', STATSD), values: segments(0, [[12, 30]]) }],
        evalMinutes: 15,
      },
      {
        alert: 'AirflowDagProcessorStalled',
        expected: { labels: { severity: 'critical', team: 'platform' }, summary: 'The Airflow dag-processor stopped parsing DAG files', description: 'The total DAG parse time has not been reported anew for 15 minutes (0 changes): DAG file changes are not picked up and DAGs may disappear.', dashboard: 'pipewatch-platform-health' },
        when: 'the total parse time has not been reported anew for 15 minutes',
        firing: [{ series: seriesOf('airflow_dag_processing_total_parse_time', STATSD), values: flat(2.5) }],
        whenNot: 'each parse loop reports a new parse time',
        silent: [{ series: seriesOf('airflow_dag_processing_total_parse_time', STATSD), values: parseTimes }],
        evalMinutes: 20,
      },
      {
        alert: 'AirflowMetadataUnreadable',
        expected: { labels: { instance: 'airflow-exporter:9112', severity: 'critical', team: 'platform' }, summary: "The exporter cannot read Airflow's metadata database", description: 'airflow-exporter:9112 has failed to query the metadata database for 5 minutes: run state, deadlines and freshness of every pipeline are unknown, so their alerts cannot fire.', dashboard: 'pipewatch-platform-health' },
        when: 'the metadata-database exporter has failed its queries for 15 minutes',
        firing: [{ series: seriesOf('pipewatch_airflow_db_up', target('airflow-exporter', 9112)), values: flat(0) }],
        whenNot: 'its queries succeed',
        silent: [{ series: seriesOf('pipewatch_airflow_db_up', target('airflow-exporter', 9112)), values: flat(1) }],
        evalMinutes: 15,
      },
      {
        alert: 'AirflowRunStateMissing',
        expected: { labels: { severity: 'critical', team: 'platform' }, summary: 'No exporter publishes Airflow run state', description: 'Prometheus has had no pipewatch_airflow_db_up for 15 minutes (absent = 1): no Airflow metadata exporter is scraped, so no pipeline can raise PipelineRunFailed, PipelineDeadlineMissed or PipelineDataStale.', dashboard: 'pipewatch-platform-health' },
        when: 'Prometheus scrapes only the statsd-exporter, with no metadata exporter, for 20 minutes',
        firing: [{ series: seriesOf('up', target('statsd-exporter', 9102)), values: flat(1) }],
        whenNot: 'the metadata exporter is scraped',
        silent: [{ series: seriesOf('pipewatch_airflow_db_up', target('airflow-exporter', 9112)), values: flat(1) }],
        evalMinutes: 20,
      },
      {
        alert: 'AirflowDagImportErrors',
        expected: { labels: { severity: 'warning', team: 'platform' }, summary: 'Airflow cannot import 2 DAG file(s)', description: '2 DAG file(s) fail to import; the DAGs they define do not run. See the import errors in the Airflow UI or the dag-processor logs.', dashboard: 'pipewatch-platform-health' },
        when: 'two DAG files fail to import',
        firing: [{ series: seriesOf('airflow_dag_processing_import_errors', STATSD), values: flat(2) }],
        whenNot: 'every DAG file imports',
        silent: [{ series: seriesOf('airflow_dag_processing_import_errors', STATSD), values: flat(0) }],
        evalMinutes: 15,
      },
      {
        alert: 'AirflowPoolStarving',
        expected: { labels: { pool: 'default_pool', severity: 'warning', team: 'platform' }, summary: 'Airflow pool default_pool has tasks waiting for slots', description: '3 task(s) have waited for a free slot in pool default_pool for 15 minutes while it has none open.', dashboard: 'pipewatch-platform-health' },
        when: 'three tasks wait on a pool without open slots',
        firing: [
          { series: seriesOf('airflow_pool_starving_tasks', { ...STATSD, pool: 'default_pool' }), values: flat(3) },
          { series: seriesOf('airflow_pool_open_slots', { ...STATSD, pool: 'default_pool' }), values: flat(0) },
        ],
        whenNot: 'the pool still has open slots',
        silent: [
          { series: seriesOf('airflow_pool_starving_tasks', { ...STATSD, pool: 'default_pool' }), values: flat(3) },
          { series: seriesOf('airflow_pool_open_slots', { ...STATSD, pool: 'default_pool' }), values: flat(2) },
        ],
        evalMinutes: 25,
      },
      {
        alert: 'AirflowExecutorSlotsExhausted',
        expected: { labels: { severity: 'warning', team: 'platform' }, summary: 'The Airflow executor has no open slots', description: '4 task(s) are queued on the executor with no open slot for 15 minutes: add workers or raise parallelism.', dashboard: 'pipewatch-platform-health' },
        when: 'tasks are queued on an executor without open slots',
        firing: [
          { series: seriesOf('airflow_executor_queued_tasks', STATSD), values: flat(4) },
          { series: seriesOf('airflow_executor_open_slots', STATSD), values: flat(0) },
        ],
        whenNot: 'the executor has open slots',
        silent: [
          { series: seriesOf('airflow_executor_queued_tasks', STATSD), values: flat(4) },
          { series: seriesOf('airflow_executor_open_slots', STATSD), values: flat(8) },
        ],
        evalMinutes: 25,
      },
      {
        alert: 'PostgresDown',
        expected: { labels: { severity: 'critical', team: 'platform' }, summary: 'PostgreSQL is down', description: 'postgres-exporter cannot reach PostgreSQL (pg_up = 0): Airflow cannot read or record any run.', dashboard: 'pipewatch-platform-health' },
        when: 'postgres-exporter reports pg_up 0',
        firing: [{ series: seriesOf('pg_up', target('postgres-exporter', 9187)), values: flat(0) }],
        whenNot: 'PostgreSQL answers',
        silent: [{ series: seriesOf('pg_up', target('postgres-exporter', 9187)), values: flat(1) }],
        evalMinutes: 5,
      },
      {
        alert: 'PostgresConnectionsNearLimit',
        expected: { labels: { severity: 'warning', team: 'platform' }, summary: 'PostgreSQL uses 90% of its connections', description: 'PostgreSQL has 90% of max_connections in use; new Airflow connections will be refused at 100%.', dashboard: 'pipewatch-platform-health' },
        when: '90 of 100 connections are in use',
        firing: [
          { series: seriesOf('pg_stat_database_numbackends', { ...target('postgres-exporter', 9187), datname: 'airflow' }), values: flat(90) },
          { series: seriesOf('pg_settings_max_connections', target('postgres-exporter', 9187)), values: flat(100) },
        ],
        whenNot: '10 of 100 connections are in use',
        silent: [
          { series: seriesOf('pg_stat_database_numbackends', { ...target('postgres-exporter', 9187), datname: 'airflow' }), values: flat(10) },
          { series: seriesOf('pg_settings_max_connections', target('postgres-exporter', 9187)), values: flat(100) },
        ],
        evalMinutes: 10,
      },
      {
        alert: 'RedisDown',
        expected: { labels: { severity: 'critical', team: 'platform' }, summary: 'Redis is down', description: 'redis-exporter cannot reach Redis (redis_up = 0): Celery workers receive no tasks.', dashboard: 'pipewatch-platform-health' },
        when: 'redis-exporter reports redis_up 0',
        firing: [{ series: seriesOf('redis_up', target('redis-exporter', 9121)), values: flat(0) }],
        whenNot: 'Redis answers',
        silent: [{ series: seriesOf('redis_up', target('redis-exporter', 9121)), values: flat(1) }],
        evalMinutes: 5,
      },
      {
        alert: 'RedisMemoryHigh',
        expected: { labels: { severity: 'warning', team: 'platform' }, summary: 'Redis uses 95% of its maxmemory', description: 'Redis memory is at 95% of maxmemory; at the limit it evicts or rejects writes and Celery loses tasks.', dashboard: 'pipewatch-platform-health' },
        when: 'Redis uses 95% of maxmemory',
        firing: [
          { series: seriesOf('redis_memory_used_bytes', target('redis-exporter', 9121)), values: flat(95) },
          { series: seriesOf('redis_memory_max_bytes', target('redis-exporter', 9121)), values: flat(100) },
        ],
        whenNot: 'Redis has no maxmemory (0 = unlimited)',
        silent: [
          { series: seriesOf('redis_memory_used_bytes', target('redis-exporter', 9121)), values: flat(95) },
          { series: seriesOf('redis_memory_max_bytes', target('redis-exporter', 9121)), values: flat(0) },
        ],
        evalMinutes: 10,
      },
      {
        alert: 'ContainerRestarting',
        expected: { labels: { name: 'dev-airflow-worker', severity: 'warning', team: 'platform' }, summary: 'Container dev-airflow-worker keeps restarting', description: 'Container dev-airflow-worker started 3 times in the last 15 minutes; check its logs for the crash.', dashboard: 'pipewatch-platform-health' },
        when: 'a container started three more times in 15 minutes',
        firing: [{ series: seriesOf('container_start_time_seconds', CADVISOR), values: '1000 1000 1000 1000 1200 1200 1200 1200 1400 1400 1400 1400 1600 1600 1600 1600' }],
        whenNot: 'the container keeps running',
        silent: [{ series: seriesOf('container_start_time_seconds', CADVISOR), values: flat(1000, 15) }],
        evalMinutes: 15,
      },
      {
        alert: 'ContainerMemoryNearLimit',
        expected: { labels: { name: 'dev-airflow-worker', severity: 'warning', team: 'platform' }, summary: 'Container dev-airflow-worker is near its memory limit', description: 'Container dev-airflow-worker uses 95% of its memory limit; it is killed at 100%.', dashboard: 'pipewatch-platform-health' },
        when: 'a container uses 95% of its memory limit',
        firing: [
          { series: seriesOf('container_memory_working_set_bytes', CADVISOR), values: flat(950) },
          { series: seriesOf('container_spec_memory_limit_bytes', CADVISOR), values: flat(1000) },
        ],
        whenNot: 'the container has no memory limit',
        silent: [
          { series: seriesOf('container_memory_working_set_bytes', CADVISOR), values: flat(950) },
          { series: seriesOf('container_spec_memory_limit_bytes', CADVISOR), values: flat(0) },
        ],
        evalMinutes: 10,
      },
      {
        alert: 'ContainerCpuHigh',
        expected: { labels: { name: 'dev-airflow-worker', severity: 'warning', team: 'platform' }, summary: 'Container dev-airflow-worker keeps a CPU core busy', description: 'Container dev-airflow-worker has used 1 CPU cores for 15 minutes.', dashboard: 'pipewatch-platform-health' },
        when: 'a container keeps one core busy for 25 minutes',
        firing: [{ series: seriesOf('container_cpu_usage_seconds_total', { ...CADVISOR, cpu: 'total' }), values: segments(0, [[60, 40]]) }],
        whenNot: 'a container uses a tenth of a core',
        silent: [{ series: seriesOf('container_cpu_usage_seconds_total', { ...CADVISOR, cpu: 'total' }), values: segments(0, [[6, 40]]) }],
        evalMinutes: 30,
      },
      {
        alert: 'ContainerDiskNearFull',
        expected: { labels: { name: 'dev-airflow-worker', device: '/dev/sda1', severity: 'warning', team: 'platform' }, summary: 'Disk of container dev-airflow-worker is 90% full', description: 'Filesystem /dev/sda1 of container dev-airflow-worker is 90% full.', dashboard: 'pipewatch-platform-health' },
        when: 'a container filesystem is 90% full',
        firing: [
          { series: seriesOf('container_fs_usage_bytes', { ...CADVISOR, device: '/dev/sda1' }), values: flat(90) },
          { series: seriesOf('container_fs_limit_bytes', { ...CADVISOR, device: '/dev/sda1' }), values: flat(100) },
        ],
        whenNot: 'a container filesystem is 10% full',
        silent: [
          { series: seriesOf('container_fs_usage_bytes', { ...CADVISOR, device: '/dev/sda1' }), values: flat(10) },
          { series: seriesOf('container_fs_limit_bytes', { ...CADVISOR, device: '/dev/sda1' }), values: flat(100) },
        ],
        evalMinutes: 15,
      },
      {
        alert: 'TargetDown',
        expected: { labels: { instance: 'redis-exporter:9121', job: 'redis-exporter', severity: 'warning', team: 'platform' }, summary: 'Scrape target redis-exporter is down', description: 'Prometheus cannot scrape redis-exporter:9121 of job redis-exporter: its metrics, and the alerts built on them, are missing.', dashboard: 'pipewatch-platform-health' },
        when: 'redis-exporter and Loki stop answering scrapes (Loki has its own alert)',
        firing: [
          { series: seriesOf('up', target('redis-exporter', 9121)), values: flat(0) },
          { series: seriesOf('up', target('loki', 3100)), values: flat(0) },
        ],
        whenNot: 'every target answers',
        silent: [{ series: seriesOf('up', target('redis-exporter', 9121)), values: flat(1) }],
        evalMinutes: 5,
      },
      {
        alert: 'LokiDown',
        expected: { labels: { instance: 'loki:3100', job: 'loki', severity: 'warning', team: 'platform' }, summary: 'Loki is down', description: 'Prometheus cannot scrape Loki (up = 0): logs are not stored and log panels stay empty.', dashboard: 'pipewatch-platform-health' },
        when: 'Loki stops answering scrapes',
        firing: [{ series: seriesOf('up', target('loki', 3100)), values: flat(0) }],
        whenNot: 'Loki answers',
        silent: [{ series: seriesOf('up', target('loki', 3100)), values: flat(1) }],
        evalMinutes: 5,
      },
      {
        alert: 'LogShipperDroppingLogs',
        expected: { labels: { instance: 'otel-collector:8888', severity: 'warning', team: 'platform' }, summary: 'The log shipper is dropping log lines', description: 'otel-collector:8888 dropped 40 log line(s) in the last 5 minutes, rejected by Loki or refused by its full export queue: they will not reach Loki.', dashboard: 'pipewatch-platform-health' },
        when: 'the full export queue refuses 8 lines a minute (the send-failed counter never created)',
        firing: [{ series: seriesOf('otelcol_exporter_enqueue_failed_log_records_total', { ...SHIPPER, exporter: 'otlphttp/loki' }), values: segments(0, [[0, 5], [8, 10]]) }],
        whenNot: 'Loki accepts every line and nothing is dropped',
        silent: [
          { series: seriesOf('otelcol_exporter_sent_log_records_total', { ...SHIPPER, exporter: 'otlphttp/loki' }), values: segments(0, [[100, 15]]) },
          { series: seriesOf('otelcol_exporter_send_failed_log_records_total', { ...SHIPPER, exporter: 'otlphttp/loki' }), values: flat(0, 15) },
        ],
        evalMinutes: 15,
      },
      {
        alert: 'LogShipperExportStalled',
        expected: { labels: { instance: 'otel-collector:8888', severity: 'warning', team: 'platform' }, summary: 'The log shipper delivers nothing to Loki', description: 'otel-collector:8888 holds 1200 log line(s) in its export queue and Loki has accepted none for 10 minutes: logs are delayed (kept on disk, retried) and log panels fall behind.', dashboard: 'pipewatch-platform-health' },
        when: 'Loki stops accepting at minute 5 and the queue grows by 40 lines a minute',
        firing: [
          { series: seriesOf('otelcol_exporter_sent_log_records_total', { ...SHIPPER, exporter: 'otlphttp/loki' }), values: segments(0, [[100, 5], [0, 30]]) },
          { series: seriesOf('otelcol_exporter_queue_size', { ...SHIPPER, exporter: 'otlphttp/loki', data_type: 'logs' }), values: segments(0, [[0, 5], [40, 30]]) },
        ],
        whenNot: 'the queue holds lines that Loki keeps accepting',
        silent: [
          { series: seriesOf('otelcol_exporter_sent_log_records_total', { ...SHIPPER, exporter: 'otlphttp/loki' }), values: segments(0, [[100, 35]]) },
          { series: seriesOf('otelcol_exporter_queue_size', { ...SHIPPER, exporter: 'otlphttp/loki', data_type: 'logs' }), values: flat(500, 35) },
        ],
        evalMinutes: 35,
      },
      {
        alert: 'PrometheusRuleEvaluationFailures',
        expected: { labels: { rule_group: 'pipelines.yml;pipewatch-pipeline-records', severity: 'critical', team: 'platform' }, summary: 'Prometheus fails to evaluate rule group pipelines.yml;pipewatch-pipeline-records', description: '1 evaluation(s) of pipelines.yml;pipewatch-pipeline-records failed in the last 5 minutes: its alerts cannot fire.', dashboard: 'pipewatch-platform-health' },
        when: 'a rule group failed to evaluate once in the last 5 minutes',
        // The failure is counted at minute 12: since Prometheus 3 a range is left-open, so at 15m `[5m]`
        // holds the samples of minutes 11 to 15, and the one before the increase must be among them.
        firing: [{ series: seriesOf('prometheus_rule_evaluation_failures_total', { ...target('prometheus', 9090), rule_group: 'pipelines.yml;pipewatch-pipeline-records' }), values: segments(0, [[0, 11], [1, 1], [0, 3]]) }],
        whenNot: 'no evaluation failed',
        silent: [{ series: seriesOf('prometheus_rule_evaluation_failures_total', { ...target('prometheus', 9090), rule_group: 'pipelines.yml;pipewatch-pipeline-records' }), values: flat(0, 15) }],
        evalMinutes: 15,
      },
      {
        alert: 'PrometheusNotificationsFailing',
        expected: { labels: { alertmanager: 'http://alertmanager:9093/api/v2/alerts', severity: 'critical', team: 'platform' }, summary: 'Prometheus cannot send alerts to http://alertmanager:9093/api/v2/alerts', description: '5 alert batch(es) failed to reach http://alertmanager:9093/api/v2/alerts in the last 5 minutes: nobody is notified.', dashboard: 'pipewatch-platform-health' },
        when: 'every alert batch to Alertmanager fails for 15 minutes',
        firing: [{ series: seriesOf('prometheus_notifications_errors_total', { ...target('prometheus', 9090), alertmanager: 'http://alertmanager:9093/api/v2/alerts' }), values: segments(0, [[1, 20]]) }],
        whenNot: 'alert batches are delivered',
        silent: [{ series: seriesOf('prometheus_notifications_errors_total', { ...target('prometheus', 9090), alertmanager: 'http://alertmanager:9093/api/v2/alerts' }), values: flat(0, 20) }],
        evalMinutes: 15,
      },
      {
        alert: 'AlertmanagerNotificationsFailing',
        expected: { labels: { integration: 'slack', severity: 'critical', team: 'platform' }, summary: 'Alertmanager cannot deliver slack notifications', description: '15 slack notification(s) failed in the last 15 minutes; check the receiver\'s credentials file and the Alertmanager log.', dashboard: 'pipewatch-platform-health' },
        when: 'one Slack notification fails every minute',
        firing: [{ series: seriesOf('alertmanager_notifications_failed_total', { ...target('alertmanager', 9093), integration: 'slack' }), values: segments(0, [[1, 30]]) }],
        whenNot: 'notifications are delivered',
        silent: [{ series: seriesOf('alertmanager_notifications_failed_total', { ...target('alertmanager', 9093), integration: 'slack' }), values: flat(0) }],
        evalMinutes: 25,
      },
      {
        alert: 'Watchdog',
        when: 'Prometheus evaluates its rules',
        firing: [],
        expected: { labels: { severity: 'none', team: 'platform' }, summary: 'Alerting pipeline heartbeat', description: 'Always firing (1), so a dead-man\'s switch outside the stack notices when Prometheus or Alertmanager stops.', dashboard: 'pipewatch-platform-health' },
        evalMinutes: 1,
      },
      {
        alert: 'DataLakeSpaceHigh',
        expected: { labels: { zone: 'raw', severity: 'warning', team: 'data-platform' }, summary: 'Data-lake zone raw is nearly full', description: 'Zone raw stores 931.3GiB, over 85% of its 1099511627776 byte capacity; expire old partitions or add space.', dashboard: 'pipewatch-datalake-warehouse' },
        when: 'a zone stores 1 TB of its 1 TiB',
        firing: [{ series: seriesOf('pipewatch_datalake_space_used_bytes', { instance: 'metrics-app:8000', job: 'metrics-app', zone: 'raw' }), values: flat(1e12) }],
        whenNot: 'a zone stores 100 GB',
        silent: [{ series: seriesOf('pipewatch_datalake_space_used_bytes', { instance: 'metrics-app:8000', job: 'metrics-app', zone: 'raw' }), values: flat(1e11) }],
        evalMinutes: 20,
      },
      {
        alert: 'DataLakeAccessSpike',
        expected: { labels: { zone: 'raw', severity: 'warning', team: 'data-platform' }, summary: 'Unusual access rate on data-lake zone raw', description: 'Zone raw serves 10 accesses/s, over three times its 6-hour average: a runaway job or unexpected reader.', dashboard: 'pipewatch-datalake-warehouse' },
        when: 'reads jump from 1/s to 10/s for half an hour',
        firing: accesses(600),
        whenNot: 'reads stay at 1/s',
        silent: accesses(60),
        evalMinutes: 390,
      },
      {
        alert: 'WarehouseResponseTimeHigh',
        expected: { labels: { warehouse: 'main', severity: 'warning', team: 'data-platform' }, summary: 'Warehouse main answers slowly', description: 'The 95th percentile response time of warehouse main is 4.875s, over 2s.', dashboard: 'pipewatch-datalake-warehouse' },
        when: 'every query takes between 2.5s and 5s',
        firing: buckets('5'),
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
        expected: { labels: { warehouse: 'main', severity: 'warning', team: 'data-platform' }, summary: 'Warehouse main loads far fewer records than yesterday', description: 'Warehouse main loads 10 records/s, under half the rate of the same hour yesterday.', dashboard: 'pipewatch-datalake-warehouse' },
        when: 'loads fall from 100 to 10 records/s against the same hour yesterday',
        firing: records(3000),
        whenNot: 'loads keep 100 records/s',
        silent: records(30000),
        evalMinutes: 27 * 60,
      },
      {
        alert: 'BusinessKpiDrop',
        expected: { labels: { kpi: 'orders_per_hour', severity: 'warning', team: 'analytics' }, summary: 'Business KPI orders_per_hour dropped', description: 'KPI orders_per_hour is 500, under 70% of its value at the same time yesterday: check the pipelines that feed it before trusting reports.', dashboard: 'pipewatch-pipeline-overview' },
        when: 'orders per hour halve against the same time yesterday',
        firing: kpi(500),
        whenNot: 'orders per hour hold',
        silent: kpi(1000),
        evalMinutes: 27 * 60,
      },
    ],
    '5m',
  );
}
