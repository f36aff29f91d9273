import { AlertDraft } from './alert-links';

/** Team that owns the platform's own alerts. */
export const PLATFORM_TEAM = 'platform';

const platform = (draft: Omit<AlertDraft, 'labels' | 'dashboard'> & { severity: 'critical' | 'warning' | 'none' }): AlertDraft => {
  const { severity, ...rest } = draft;
  return { ...rest, labels: { severity, team: PLATFORM_TEAM }, dashboard: 'platformHealth' };
};

/** A heartbeat counter that stopped: `or vector(0)` is safe here because the sum has no labels to match. */
const heartbeatStopped = (metric: string) => `(sum(rate(${metric}[5m])) or vector(0)) == 0`;

/** Airflow scheduler, triggerer, dag-processor, pools and executor. */
export function airflowAlerts(): AlertDraft[] {
  return [
    platform({
      alert: 'AirflowMetadataUnreadable',
      // The exporter answers scrapes but drops the DAG families: pipeline alerts go blind, and TargetDown does not fire.
      expr: 'max by (instance) (pipewatch_airflow_db_up) == 0',
      for: '5m',
      severity: 'critical',
      summary: "The exporter cannot read Airflow's metadata database",
      description: '{{ $labels.instance }} has failed to query the metadata database for 5 minutes: run state, deadlines and freshness of every pipeline are unknown, so their alerts cannot fire.',
    }),
    platform({
      alert: 'AirflowRunStateMissing',
      // Nothing publishes run state (no exporter deployed or scraped): every pipeline's run alerts are silent, not green.
      expr: 'absent(pipewatch_airflow_db_up)',
      for: '15m',
      severity: 'critical',
      summary: 'No exporter publishes Airflow run state',
      description: 'Prometheus has had no pipewatch_airflow_db_up for 15 minutes (absent = {{ $value }}): no Airflow metadata exporter is scraped, so no pipeline can raise PipelineRunFailed, PipelineDeadlineMissed or PipelineDataStale.',
    }),
    platform({
      alert: 'AirflowSchedulerHeartbeatMissing',
      expr: heartbeatStopped('airflow_scheduler_heartbeat'),
      for: '2m',
      severity: 'critical',
      summary: 'The Airflow scheduler sends no heartbeat',
      description: 'No scheduler heartbeat reached Prometheus for the last 5 minutes (rate {{ $value }}): no DAG run or task is being scheduled.',
    }),
    platform({
      alert: 'AirflowTriggererHeartbeatMissing',
      expr: heartbeatStopped('airflow_triggerer_heartbeat'),
      for: '5m',
      severity: 'warning',
      summary: 'The Airflow triggerer sends no heartbeat',
      description: 'No triggerer heartbeat reached Prometheus for the last 5 minutes (rate {{ $value }}): deferred tasks and sensors do not resume.',
    }),
    platform({
      alert: 'AirflowDagProcessorStalled',
      // statsd-exporter keeps a gauge at its last value forever: a processor that stopped shows as a value that never changes.
      expr: 'max(changes(airflow_dag_processing_total_parse_time[10m])) == 0 or absent(airflow_dag_processing_total_parse_time)',
      for: '5m',
      severity: 'critical',
      summary: 'The Airflow dag-processor stopped parsing DAG files',
      description: 'The total DAG parse time has not been reported anew for 15 minutes ({{ $value }} changes): DAG file changes are not picked up and DAGs may disappear.',
    }),
    platform({
      alert: 'AirflowDagImportErrors',
      expr: 'max(airflow_dag_processing_import_errors) > 0',
      for: '5m',
      severity: 'warning',
      summary: 'Airflow cannot import {{ $value }} DAG file(s)',
      description: '{{ $value }} DAG file(s) fail to import; the DAGs they define do not run. See the import errors in the Airflow UI or the dag-processor logs.',
    }),
    platform({
      alert: 'AirflowPoolStarving',
      expr: 'max by (pool) (airflow_pool_starving_tasks) > 0 and max by (pool) (airflow_pool_open_slots) == 0',
      for: '15m',
      severity: 'warning',
      summary: 'Airflow pool {{ $labels.pool }} has tasks waiting for slots',
      description: '{{ $value }} task(s) have waited for a free slot in pool {{ $labels.pool }} for 15 minutes while it has none open.',
    }),
    platform({
      alert: 'AirflowExecutorSlotsExhausted',
      // Airflow names no executor in these metrics when one is configured, as in the stack.
      expr: 'max(airflow_executor_queued_tasks) > 0 and max(airflow_executor_open_slots) == 0',
      for: '15m',
      severity: 'warning',
      summary: 'The Airflow executor has no open slots',
      description: '{{ $value }} task(s) are queued on the executor with no open slot for 15 minutes: add workers or raise parallelism.',
    }),
  ];
}

/** PostgreSQL (Airflow's metadata database) and Redis (the Celery broker). */
export function datastoreAlerts(): AlertDraft[] {
  return [
    platform({
      alert: 'PostgresDown',
      expr: 'max(pg_up) == 0',
      for: '1m',
      severity: 'critical',
      summary: 'PostgreSQL is down',
      description: 'postgres-exporter cannot reach PostgreSQL (pg_up = {{ $value }}): Airflow cannot read or record any run.',
    }),
    platform({
      alert: 'PostgresConnectionsNearLimit',
      expr: 'sum(pg_stat_database_numbackends) / max(pg_settings_max_connections) > 0.8',
      for: '5m',
      severity: 'warning',
      summary: 'PostgreSQL uses {{ $value | humanizePercentage }} of its connections',
      description: 'PostgreSQL has {{ $value | humanizePercentage }} of max_connections in use; new Airflow connections will be refused at 100%.',
    }),
    platform({
      alert: 'RedisDown',
      expr: 'max(redis_up) == 0',
      for: '1m',
      severity: 'critical',
      summary: 'Redis is down',
      description: 'redis-exporter cannot reach Redis (redis_up = {{ $value }}): Celery workers receive no tasks.',
    }),
    platform({
      alert: 'RedisMemoryHigh',
      // maxmemory 0 means unlimited: no ratio, no alert.
      expr: 'max(redis_memory_used_bytes) / (max(redis_memory_max_bytes) > 0) > 0.9',
      for: '5m',
      severity: 'warning',
      summary: 'Redis uses {{ $value | humanizePercentage }} of its maxmemory',
      description: 'Redis memory is at {{ $value | humanizePercentage }} of maxmemory; at the limit it evicts or rejects writes and Celery loses tasks.',
    }),
  ];
}

/** Containers, from cAdvisor; `name!=""` skips the cgroups that are not containers. */
export function containerAlerts(): AlertDraft[] {
  return [
    platform({
      alert: 'ContainerRestarting',
      expr: 'max by (name) (changes(container_start_time_seconds{name!=""}[15m])) >= 2',
      severity: 'warning',
      summary: 'Container {{ $labels.name }} keeps restarting',
      description: 'Container {{ $labels.name }} started {{ $value }} times in the last 15 minutes; check its logs for the crash.',
    }),
    platform({
      alert: 'ContainerMemoryNearLimit',
      expr: 'max by (name) (container_memory_working_set_bytes{name!=""}) / (max by (name) (container_spec_memory_limit_bytes{name!=""}) > 0) > 0.9',
      for: '5m',
      severity: 'warning',
      summary: 'Container {{ $labels.name }} is near its memory limit',
      description: 'Container {{ $labels.name }} uses {{ $value | humanizePercentage }} of its memory limit; it is killed at 100%.',
    }),
    platform({
      alert: 'ContainerCpuHigh',
      expr: 'sum by (name) (rate(container_cpu_usage_seconds_total{name!=""}[5m])) > 0.9',
      for: '15m',
      severity: 'warning',
      summary: 'Container {{ $labels.name }} keeps a CPU core busy',
      description: 'Container {{ $labels.name }} has used {{ $value | humanize }} CPU cores for 15 minutes.',
    }),
    platform({
      alert: 'ContainerDiskNearFull',
      expr: 'max by (name, device) (container_fs_usage_bytes{name!=""}) / (max by (name, device) (container_fs_limit_bytes{name!=""}) > 0) > 0.85',
      for: '10m',
      severity: 'warning',
      summary: 'Disk of container {{ $labels.name }} is {{ $value | humanizePercentage }} full',
      description: 'Filesystem {{ $labels.device }} of container {{ $labels.name }} is {{ $value | humanizePercentage }} full.',
    }),
  ];
}

/** The job of the OpenTelemetry Collector that ships logs to Loki (its own metrics). */
const SHIPPER = 'job="otel-collector"';

/** Alerts that only mean something when the stack runs Loki and its log shipper. */
export const LOG_ALERTS: readonly string[] = ['LokiDown', 'LogShipperDroppingLogs', 'LogShipperExportStalled'];

/**
 * The log shipper losing lines for good (Loki rejected them, or the full export queue refused them), or
 * holding them without delivering: it retries without a deadline, so a Loki outage shows as a stalled queue.
 */
function logShipperAlerts(): AlertDraft[] {
  const dropped = (metric: string) => `sum by (instance) (increase(${metric}{${SHIPPER}}[5m])) > 0`;
  return [
    platform({
      alert: 'LogShipperDroppingLogs',
      // Either counter may not exist yet (the collector creates it on the first drop), hence `or`, not `+`.
      expr: `${dropped('otelcol_exporter_send_failed_log_records_total')} or ${dropped('otelcol_exporter_enqueue_failed_log_records_total')}`,
      severity: 'warning',
      summary: 'The log shipper is dropping log lines',
      description: '{{ $labels.instance }} dropped {{ $value | printf "%.0f" }} log line(s) in the last 5 minutes, rejected by Loki or refused by its full export queue: they will not reach Loki.',
    }),
    platform({
      alert: 'LogShipperExportStalled',
      expr: `max by (instance) (otelcol_exporter_queue_size{${SHIPPER}, data_type="logs"}) > 0 unless on (instance) sum by (instance) (increase(otelcol_exporter_sent_log_records_total{${SHIPPER}}[10m])) > 0`,
      for: '5m',
      severity: 'warning',
      summary: 'The log shipper delivers nothing to Loki',
      description: '{{ $labels.instance }} holds {{ $value | printf "%.0f" }} log line(s) in its export queue and Loki has accepted none for 10 minutes: logs are delayed (kept on disk, retried) and log panels fall behind.',
    }),
  ];
}

/** The monitoring stack watching itself, plus the always-firing Watchdog. */
export function monitoringAlerts(): AlertDraft[] {
  return [
    platform({
      alert: 'TargetDown',
      // Loki has its own alert below.
      expr: 'up{job!="loki"} == 0',
      for: '2m',
      severity: 'warning',
      summary: 'Scrape target {{ $labels.job }} is down',
      description: 'Prometheus cannot scrape {{ $labels.instance }} of job {{ $labels.job }}: its metrics, and the alerts built on them, are missing.',
    }),
    platform({
      alert: 'LokiDown',
      expr: 'up{job="loki"} == 0 or absent(up{job="loki"})',
      for: '2m',
      severity: 'warning',
      summary: 'Loki is down',
      description: 'Prometheus cannot scrape Loki (up = {{ $value }}): logs are not stored and log panels stay empty.',
    }),
    ...logShipperAlerts(),
    platform({
      alert: 'PrometheusRuleEvaluationFailures',
      expr: 'sum by (rule_group) (increase(prometheus_rule_evaluation_failures_total[5m])) > 0',
      severity: 'critical',
      summary: 'Prometheus fails to evaluate rule group {{ $labels.rule_group }}',
      description: '{{ $value | printf "%.0f" }} evaluation(s) of {{ $labels.rule_group }} failed in the last 5 minutes: its alerts cannot fire.',
    }),
    platform({
      alert: 'PrometheusNotificationsFailing',
      expr: 'sum by (alertmanager) (increase(prometheus_notifications_errors_total[5m])) > 0',
      for: '5m',
      severity: 'critical',
      summary: 'Prometheus cannot send alerts to {{ $labels.alertmanager }}',
      description: '{{ $value | printf "%.0f" }} alert batch(es) failed to reach {{ $labels.alertmanager }} in the last 5 minutes: nobody is notified.',
    }),
    platform({
      alert: 'AlertmanagerNotificationsFailing',
      expr: 'sum by (integration) (increase(alertmanager_notifications_failed_total[15m])) > 0',
      for: '5m',
      severity: 'critical',
      summary: 'Alertmanager cannot deliver {{ $labels.integration }} notifications',
      description: '{{ $value | printf "%.0f" }} {{ $labels.integration }} notification(s) failed in the last 15 minutes; check the receiver\'s credentials file and the Alertmanager log.',
    }),
    platform({
      alert: 'Watchdog',
      expr: 'vector(1)',
      severity: 'none',
      summary: 'Alerting pipeline heartbeat',
      description: 'Always firing ({{ $value }}), so a dead-man\'s switch outside the stack notices when Prometheus or Alertmanager stops.',
    }),
  ];
}

export function platformAlerts(): AlertDraft[] {
  return [...airflowAlerts(), ...datastoreAlerts(), ...containerAlerts(), ...monitoringAlerts()];
}
