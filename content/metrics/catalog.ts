/**
 * Every metric family pipewatch's alerts, recording rules and dashboards may
 * use, with the exporter that really produces it. The statsd-exporter mapping,
 * the simulator and the name checks in the tests all read this one list.
 */
export type MetricType = 'counter' | 'gauge' | 'summary' | 'histogram';

export type MetricSource =
  /** Airflow's own StatsD metrics, after the statsd-exporter mapping. */
  | 'airflow'
  /** StatsD metrics the pipewatch DAG helpers send through Airflow's Stats client. */
  | 'pipeline'
  /** Data-lake, warehouse and business signals (simulator or the platform's own exporters). */
  | 'platform-data'
  | 'postgres-exporter'
  | 'redis-exporter'
  | 'cadvisor'
  | 'prometheus'
  | 'alertmanager'
  | 'loki'
  /** The OpenTelemetry Collector shipping logs (its own telemetry on :8888). */
  | 'otel-collector'
  /** pipewatch's read-only exporter over Airflow's metadata database (airflow-exporter/): durable run state. */
  | 'airflow-exporter'
  | 'simulator'
  /** dbt's artifacts after each invocation, pushed to the Pushgateway by dbt/dags/dbt_metrics.py. */
  | 'dbt'
  /** A Kafka broker through the Prometheus JMX exporter java agent and content/streaming/kafka-jmx.ts's rules. */
  | 'kafka-jmx'
  /** pipewatch's consumer-group lag exporter (streaming/kafka_lag_exporter.py): committed offsets against log end offsets. */
  | 'kafka-lag-exporter'
  /** Spark's PrometheusServlet and executor endpoints, renamed by the streaming scrape jobs (content/streaming/scrape.ts). */
  | 'spark'
  /** The writing job after each Delta commit, pushed to the Pushgateway (streaming/delta_metrics.py). */
  | 'delta'
  /** MLflow's `--expose-prometheus` request metrics (prometheus_flask_exporter, prefix `mlflow`). */
  | 'mlflow'
  /** MLServer, serving MLflow models (`mlflow models serve --enable-mlserver`), on its metrics port; `model` from the scrape target. */
  | 'mlserver';

export interface StatsdMatch {
  /**
   * statsd_exporter glob (`*` captures one dot-separated part) or regex on the
   * line's name. Airflow runs with `[metrics] statsd_influxdb_enabled`, so a
   * `Stats.incr("ti.finish", tags={...})` line arrives as
   * `airflow.ti.finish,dag_id=team.pipeline,...:1|c`: the name is matched, and
   * each tag becomes a label of the same name, dots and all.
   */
  readonly match: string;
  readonly matchType?: 'glob' | 'regex';
  /**
   * Label values; `$1`… refer to the captures, `''` removes a tag Airflow sends
   * that the family does not carry (Prometheus drops empty labels), anything
   * else is a literal.
   */
  readonly labelValues?: Readonly<Record<string, string>>;
  /**
   * The other line Airflow sends for the same measurement: the legacy name with
   * the dag id (or pool, operator, host) inside it, or the tagged twin of a
   * family read from its legacy name. The mapping drops it, so nothing is
   * counted twice, a dotted dag id never splits into a family of its own, and
   * no bare line takes the family's name without its labels (statsd_exporter
   * would then answer HTTP 500).
   */
  readonly duplicate?: { readonly match: string; readonly matchType?: 'glob' | 'regex' };
}

export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly source: MetricSource;
  /** Present when the family arrives through StatsD; absent for unmapped (dot→underscore) names. */
  readonly statsd?: StatsdMatch;
  /** The StatsD line Airflow sends, for families that use statsd_exporter's default naming. */
  readonly statsdDefault?: string;
}

const airflow = (
  name: string,
  type: MetricType,
  help: string,
  labels: readonly string[],
  statsd?: StatsdMatch,
  statsdDefault?: string,
): MetricFamily => ({ name, type, help, labels, source: 'airflow', statsd, statsdDefault });

const glob = (match: string, labelValues?: Record<string, string>, duplicate?: string): StatsdMatch => ({ match, labelValues, ...(duplicate ? { duplicate: { match: duplicate } } : {}) });

/** A line whose tags carry the labels; `legacy` matches the line that puts them into the name instead, dropped. */
const tagged = (match: string, legacy: string, withoutTags: readonly string[] = []): StatsdMatch => ({
  match,
  ...(withoutTags.length > 0 ? { labelValues: Object.fromEntries(withoutTags.map((t) => [t, ''])) } : {}),
  duplicate: { match: legacy, matchType: 'regex' },
});

/** Airflow's `run_type` tag on DAG-run lines: the families aggregate over it. */
const RUN_TYPE = ['run_type'];
/** The dag and task tags on per-operator and per-try counters: the families count per operator or in total. */
const TASK_TAGS = ['dag_id', 'task_id'];
/** The executor gauges' `name` and `status` tags: one executor per stack, and the status is the metric's name. */
const EXECUTOR_TAGS = { name: '', status: '' };

/**
 * Airflow 3.1.8's metric names as statsd-exporter publishes them (the Airflow
 * Helm chart's names, corrected against what Airflow 3.1.8 sends: see
 * `npm run test:airflow`). Families keyed by dag or task read Airflow's tagged
 * lines, so a dotted dag id or a TaskGroup's dotted task id stays one label
 * value; their legacy dotted names are dropped. Pools keep their legacy lines
 * (the tag is `pool_name`, the label `pool`).
 */
export const AIRFLOW_METRICS: readonly MetricFamily[] = [
  airflow('airflow_dagrun_duration', 'summary', 'Duration of successful DAG runs', ['dag_id'], tagged('airflow.dagrun.duration.success', '^airflow\\.dagrun\\.duration\\.success\\..+$', RUN_TYPE)),
  airflow('airflow_dagrun_failed', 'summary', 'Duration of failed DAG runs', ['dag_id'], tagged('airflow.dagrun.duration.failed', '^airflow\\.dagrun\\.duration\\.failed\\..+$', RUN_TYPE)),
  airflow('airflow_dagrun_schedule_delay', 'summary', 'Delay between the scheduled and the actual DAG run start', ['dag_id'], tagged('airflow.dagrun.schedule_delay', '^airflow\\.dagrun\\.schedule_delay\\..+$')),
  airflow('airflow_dagrun_dependency_check', 'summary', 'Time taken to check DAG dependencies', ['dag_id'], tagged('airflow.dagrun.dependency-check', '^airflow\\.dagrun\\.dependency-check\\..+$', RUN_TYPE)),
  airflow('airflow_task_duration', 'summary', 'Task instance duration', ['dag_id', 'task_id'], tagged('airflow.task.duration', '^airflow\\.dag\\..+\\.duration$')),
  airflow('airflow_ti_finish', 'counter', 'Task instances finished, by final state', ['dag_id', 'task_id', 'state'], tagged('airflow.ti.finish', '^airflow\\.ti\\.finish\\..+$')),
  airflow('airflow_operator_successes', 'counter', 'Successful task instances by operator', ['operator'], tagged('airflow.operator_successes', '^airflow\\.operator_successes_.+$', TASK_TAGS)),
  airflow('airflow_operator_failures', 'counter', 'Failed task instances by operator', ['operator'], tagged('airflow.operator_failures', '^airflow\\.operator_failures_.+$', TASK_TAGS)),
  airflow('airflow_scheduler_heartbeat', 'counter', 'Scheduler heartbeats', ['type'], { match: 'airflow.scheduler_heartbeat', matchType: 'regex', labelValues: { type: 'counter' } }),
  airflow('airflow_pool_open_slots', 'gauge', 'Open slots in the pool', ['pool'], glob('airflow.pool.open_slots.*', { pool: '$1' }, 'airflow.pool.open_slots')),
  airflow('airflow_pool_running_slots', 'gauge', 'Slots of the pool taken by running tasks', ['pool'], glob('airflow.pool.running_slots.*', { pool: '$1' }, 'airflow.pool.running_slots')),
  // Sent only for pools that have starving tasks in a scheduler loop: it keeps its last value, and alerts pair it with open_slots.
  airflow('airflow_pool_starving_tasks', 'gauge', 'Tasks waiting for a slot in the pool', ['pool'], glob('airflow.pool.starving_tasks.*', { pool: '$1' }, 'airflow.pool.starving_tasks')),
  // With one executor configured (the stack's), Airflow names none: `executor.open_slots`, no suffix; the tags name it.
  airflow('airflow_executor_open_slots', 'gauge', 'Open executor slots', [], { match: 'airflow.executor.open_slots', labelValues: EXECUTOR_TAGS }),
  airflow('airflow_executor_queued_tasks', 'gauge', 'Tasks queued on the executor', [], { match: 'airflow.executor.queued_tasks', labelValues: EXECUTOR_TAGS }),
  airflow('airflow_executor_running_tasks', 'gauge', 'Tasks running on the executor', [], { match: 'airflow.executor.running_tasks', labelValues: EXECUTOR_TAGS }),
  airflow('airflow_dag_processing_last_run_seconds_ago', 'gauge', 'Seconds since the DAG file was last processed', ['dag_file'], glob('airflow.dag_processing.last_run.seconds_ago.*', { dag_file: '$1' })),
  // Sent once, with the dag and task as tags: counted in total, as before tags.
  airflow('airflow_ti_failures', 'counter', 'Task instance failures', [], { match: 'airflow.ti_failures', labelValues: { dag_id: '', task_id: '' } }),
  airflow('airflow_ti_successes', 'counter', 'Task instance successes', [], { match: 'airflow.ti_successes', labelValues: { dag_id: '', task_id: '' } }),
  airflow('airflow_triggerer_heartbeat', 'counter', 'Triggerer heartbeats', [], undefined, 'airflow.triggerer_heartbeat'),
  airflow('airflow_triggers_running', 'gauge', 'Triggers running on the triggerer', [], tagged('airflow.triggers.running', '^airflow\\.triggers\\.running\\..+$', ['hostname'])),
  airflow('airflow_dag_processing_import_errors', 'gauge', 'DAG files that failed to import', [], undefined, 'airflow.dag_processing.import_errors'),
  airflow('airflow_dag_processing_total_parse_time', 'gauge', 'Seconds taken to parse all DAG files once', [], undefined, 'airflow.dag_processing.total_parse_time'),
  airflow('airflow_scheduler_tasks_starving', 'gauge', 'Tasks that cannot be scheduled for lack of pool slots', [], undefined, 'airflow.scheduler.tasks.starving'),
  airflow('airflow_scheduler_tasks_executable', 'gauge', 'Tasks ready to be sent to the executor', [], undefined, 'airflow.scheduler.tasks.executable'),
];

const pipeline = (name: string, type: MetricType, help: string, labels: readonly string[], statsd: StatsdMatch): MetricFamily => ({
  name,
  type,
  help,
  labels,
  source: 'pipeline',
  statsd,
});

/**
 * Pipeline outcome metrics Airflow does not emit by itself: the DAG helpers
 * (airflow/dags/pipewatch_metrics.py) send them through Airflow's Stats client
 * with their labels as tags, so they carry Airflow's `airflow.` prefix and
 * travel the same StatsD path.
 */
export const PIPELINE_METRICS: readonly MetricFamily[] = [
  pipeline('pipewatch_pipeline_rows_processed_total', 'counter', 'Rows processed by the pipeline', ['dag_id'], { match: 'airflow.pipewatch.rows_processed' }),
  pipeline('pipewatch_dq_checks_passed_total', 'counter', 'Data-quality checks that passed', ['dag_id', 'check'], { match: 'airflow.pipewatch.dq.passed' }),
  pipeline('pipewatch_dq_checks_failed_total', 'counter', 'Data-quality checks that failed', ['dag_id', 'check'], { match: 'airflow.pipewatch.dq.failed' }),
  pipeline('pipewatch_dq_completeness_ratio', 'gauge', 'Share of expected records present in the dataset (0-1)', ['dag_id', 'dataset'], { match: 'airflow.pipewatch.dq.completeness' }),
  pipeline('pipewatch_dq_schema_violations_total', 'counter', 'Records rejected for schema violations', ['dag_id', 'dataset'], { match: 'airflow.pipewatch.dq.schema_violations' }),
];

const family = (source: MetricSource, name: string, type: MetricType, help: string, labels: readonly string[] = []): MetricFamily => ({
  name,
  type,
  help,
  labels,
  source,
});

export const PLATFORM_DATA_METRICS: readonly MetricFamily[] = [
  family('platform-data', 'pipewatch_datalake_space_used_bytes', 'gauge', 'Bytes stored in the data-lake zone', ['zone']),
  family('platform-data', 'pipewatch_datalake_accesses_total', 'counter', 'Data-lake object accesses', ['zone', 'operation']),
  family('platform-data', 'pipewatch_warehouse_response_time_seconds', 'histogram', 'Warehouse query response time', ['warehouse']),
  family('platform-data', 'pipewatch_warehouse_records_processed_total', 'counter', 'Records loaded into the warehouse', ['warehouse', 'table']),
  family('platform-data', 'pipewatch_business_kpi_value', 'gauge', 'Business KPI computed by the pipelines (e.g. orders per hour)', ['kpi']),
];

/** The log shipper's own telemetry, as OpenTelemetry Collector v0.165 names it (checked against the real binary in tests/live/logs.live.ts). */
export const OTEL_COLLECTOR_METRICS: readonly MetricFamily[] = [
  family('otel-collector', 'otelcol_receiver_accepted_log_records_total', 'counter', 'Log records the receiver pushed into the pipeline', ['receiver']),
  family('otel-collector', 'otelcol_receiver_refused_log_records_total', 'counter', 'Log records the pipeline refused', ['receiver']),
  family('otel-collector', 'otelcol_exporter_sent_log_records_total', 'counter', 'Log records the destination accepted', ['exporter']),
  family('otel-collector', 'otelcol_exporter_send_failed_log_records_total', 'counter', 'Log records given up on after a permanent error or the last retry', ['exporter']),
  family('otel-collector', 'otelcol_exporter_enqueue_failed_log_records_total', 'counter', 'Log records dropped because the export queue was full', ['exporter']),
  family('otel-collector', 'otelcol_exporter_queue_size', 'gauge', 'Items waiting in the export queue', ['exporter', 'data_type']),
  family('otel-collector', 'otelcol_exporter_queue_capacity', 'gauge', 'Capacity of the export queue', ['exporter', 'data_type']),
];

export const EXPORTER_METRICS: readonly MetricFamily[] = [
  family('postgres-exporter', 'pg_up', 'gauge', 'Whether the last scrape of PostgreSQL succeeded'),
  family('postgres-exporter', 'pg_stat_database_numbackends', 'gauge', 'Backends connected to the database', ['datname']),
  family('postgres-exporter', 'pg_settings_max_connections', 'gauge', 'PostgreSQL max_connections setting'),
  // pipewatch's queries file (content/warehouse/replication.ts), the same in every postgres_exporter version; 0 on a primary.
  family('postgres-exporter', 'pipewatch_pg_replication_lag_seconds', 'gauge', 'How far a replica replays behind its primary, in seconds'),
  family('postgres-exporter', 'pipewatch_pg_replication_is_replica', 'gauge', '1 when the server is a replica (in recovery)'),
  family('redis-exporter', 'redis_up', 'gauge', 'Whether Redis answered the last scrape'),
  family('redis-exporter', 'redis_memory_used_bytes', 'gauge', 'Memory used by Redis'),
  family('redis-exporter', 'redis_memory_max_bytes', 'gauge', 'Redis maxmemory setting (0 = unlimited)'),
  family('redis-exporter', 'redis_connected_clients', 'gauge', 'Clients connected to Redis'),
  family('cadvisor', 'container_cpu_usage_seconds_total', 'counter', 'Cumulative CPU time consumed by the container', ['name']),
  family('cadvisor', 'container_memory_working_set_bytes', 'gauge', 'Container working-set memory', ['name']),
  family('cadvisor', 'container_spec_memory_limit_bytes', 'gauge', 'Container memory limit (0 = unlimited)', ['name']),
  family('cadvisor', 'container_fs_usage_bytes', 'gauge', 'Filesystem bytes used by the container', ['name', 'device']),
  family('cadvisor', 'container_fs_limit_bytes', 'gauge', 'Filesystem size available to the container', ['name', 'device']),
  family('cadvisor', 'container_start_time_seconds', 'gauge', 'Container start time (changes on every restart)', ['name']),
  family('prometheus', 'up', 'gauge', 'Whether the scrape target answered', ['job', 'instance']),
  // Every Go exporter (statsd_exporter included) exposes it; it changes when the process restarts.
  family('prometheus', 'process_start_time_seconds', 'gauge', 'Start time of the scraped process, Unix seconds', ['job', 'instance']),
  family('prometheus', 'prometheus_rule_evaluation_failures_total', 'counter', 'Rule evaluations that failed', ['rule_group']),
  family('prometheus', 'prometheus_notifications_errors_total', 'counter', 'Errors sending alerts to Alertmanager', ['alertmanager']),
  family('alertmanager', 'alertmanager_notifications_failed_total', 'counter', 'Notifications that failed to send', ['integration']),
  family('alertmanager', 'alertmanager_notifications_total', 'counter', 'Notifications attempted', ['integration']),
  family('loki', 'loki_distributor_lines_received_total', 'counter', 'Log lines received by Loki', ['tenant']),
  ...OTEL_COLLECTOR_METRICS,
];

/**
 * Run state read from Airflow's metadata database at every scrape, so an
 * exporter restart or a scrape gap changes none of it (docs/airflow-exporter.md).
 * Timestamps are the run's data interval end (its scheduled time), not when it finished.
 */
export const AIRFLOW_STATE_METRICS: readonly MetricFamily[] = [
  family('airflow-exporter', 'pipewatch_dag_last_success_interval_end_seconds', 'gauge', 'Data interval end of the most recent successful run, Unix seconds', ['dag_id']),
  family('airflow-exporter', 'pipewatch_dag_last_finished_interval_end_seconds', 'gauge', 'Data interval end of the most recent finished run, Unix seconds', ['dag_id']),
  family('airflow-exporter', 'pipewatch_dag_last_run_failed', 'gauge', '1 when the most recent finished run failed, 0 otherwise', ['dag_id']),
  family('airflow-exporter', 'pipewatch_dag_runs_finished_total', 'counter', 'Finished runs by final state, counted in the metadata database', ['dag_id', 'state']),
  family('airflow-exporter', 'pipewatch_dag_runs_active', 'gauge', 'Runs queued or running now', ['dag_id', 'state']),
  family('airflow-exporter', 'pipewatch_dag_paused', 'gauge', '1 when the DAG is paused', ['dag_id']),
  family('airflow-exporter', 'pipewatch_task_running_since_seconds', 'gauge', 'Start time of the earliest running try of a task, Unix seconds', ['dag_id', 'task_id']),
  family('airflow-exporter', 'pipewatch_airflow_db_up', 'gauge', '1 when the last query of the metadata database succeeded'),
  family('airflow-exporter', 'pipewatch_airflow_db_query_duration_seconds', 'gauge', 'Duration of the last query of the metadata database'),
];

export const SIMULATOR_METRICS: readonly MetricFamily[] = [
  family('simulator', 'pipewatch_simulator_history_write_errors_total', 'counter', 'Run-history writes to PostgreSQL that failed and were kept for retry'),
  family('simulator', 'pipewatch_simulator_history_buffered_rows', 'gauge', 'Run-history rows waiting to be written to PostgreSQL'),
  family('simulator', 'pipewatch_simulator_history_dropped_rows_total', 'counter', 'Run-history rows dropped because the buffer was full'),
];

/**
 * One dbt invocation's artifacts (run_results.json, sources.json, manifest.json)
 * as dbt/dags/dbt_metrics.py pushes them: every series also carries the
 * Pushgateway group's `project`, `target` and `command` (docs/dbt.md).
 * `status` families are state sets: one series per state, 1 for the current one.
 */
export const DBT_METRICS: readonly MetricFamily[] = [
  family('dbt', 'dbt_invocation_timestamp_seconds', 'gauge', "Time dbt wrote the invocation's artifacts, Unix seconds", ['project', 'target', 'command']),
  family('dbt', 'dbt_invocation_duration_seconds', 'gauge', 'Wall-clock duration of the invocation', ['project', 'target', 'command']),
  family('dbt', 'dbt_invocation_nodes', 'gauge', 'Nodes of the invocation by final status', ['project', 'target', 'command', 'status']),
  family('dbt', 'dbt_model_status', 'gauge', "1 for the model's status in the latest invocation (success, error, skipped), 0 for the others", ['project', 'target', 'command', 'model', 'owner', 'status']),
  family('dbt', 'dbt_model_duration_seconds', 'gauge', 'Execution time of the model in the latest invocation', ['project', 'target', 'command', 'model', 'owner']),
  family('dbt', 'dbt_model_rows_affected', 'gauge', "Rows the model's statement affected, as the adapter reports them", ['project', 'target', 'command', 'model', 'owner']),
  family('dbt', 'dbt_model_upstream', 'gauge', 'Lineage: 1 for every model the model reads from, directly or through others', ['project', 'target', 'command', 'model', 'upstream']),
  family('dbt', 'dbt_model_columns', 'gauge', "Columns of the model's relation (the warehouse's with catalog.json, else the declared ones)", ['project', 'target', 'command', 'model', 'owner']),
  family('dbt', 'dbt_model_schema_fingerprint', 'gauge', "48-bit hash of the model's column names and types: changes when a column is added, removed or retyped", ['project', 'target', 'command', 'model', 'owner']),
  family('dbt', 'dbt_test_status', 'gauge', "1 for the test's status in the latest invocation (pass, warn, fail, error, skipped), 0 for the others", ['project', 'target', 'command', 'test', 'model', 'dbt_severity', 'owner', 'status']),
  family('dbt', 'dbt_test_failures', 'gauge', 'Rows the test found failing in the latest invocation', ['project', 'target', 'command', 'test', 'model', 'dbt_severity', 'owner']),
  family('dbt', 'dbt_source_max_loaded_at_timestamp_seconds', 'gauge', 'Newest loaded_at value of the source table at the latest freshness check, Unix seconds', ['project', 'target', 'command', 'source', 'table', 'owner']),
  family('dbt', 'dbt_source_freshness_warn_after_seconds', 'gauge', "The source table's warn_after, in seconds", ['project', 'target', 'command', 'source', 'table', 'owner']),
  family('dbt', 'dbt_source_freshness_error_after_seconds', 'gauge', "The source table's error_after, in seconds", ['project', 'target', 'command', 'source', 'table', 'owner']),
  family('dbt', 'dbt_source_freshness_status', 'gauge', "1 for the source table's status at the latest freshness check (pass, warn, error, runtime_error), 0 for the others", ['project', 'target', 'command', 'source', 'table', 'owner', 'status']),
  family('dbt', 'push_time_seconds', 'gauge', 'Pushgateway: when the group was last pushed, Unix seconds', ['job', 'project', 'target', 'command']),
];

/** Kafka, Spark, Delta Lake and MLflow: what the streaming alerts and dashboard read (docs/streaming.md). */
export const STREAMING_METRICS: readonly MetricFamily[] = [
  family('kafka-jmx', 'kafka_server_replicamanager_underreplicatedpartitions', 'gauge', 'Partitions this broker leads with fewer in-sync replicas than replicas'),
  family('kafka-jmx', 'kafka_controller_kafkacontroller_offlinepartitionscount', 'gauge', 'Partitions without a leader, as the active controller sees them'),
  family('kafka-jmx', 'kafka_controller_kafkacontroller_activecontrollercount', 'gauge', '1 on the node that is the active controller'),
  family('kafka-jmx', 'kafka_server_brokertopicmetrics_messagesin_total', 'counter', 'Messages appended to the log', ['topic']),
  family('kafka-jmx', 'kafka_server_brokertopicmetrics_bytesin_total', 'counter', 'Bytes received from producers', ['topic']),
  family('kafka-jmx', 'kafka_server_brokertopicmetrics_failedproducerequests_total', 'counter', 'Produce requests that failed', ['topic']),
  family('kafka-jmx', 'kafka_server_brokertopicmetrics_failedfetchrequests_total', 'counter', 'Fetch requests that failed', ['topic']),
  family('kafka-lag-exporter', 'kafka_consumergroup_lag', 'gauge', "Records between the group's committed offset and the partition's log end offset", ['consumergroup', 'topic', 'partition']),
  family('kafka-lag-exporter', 'kafka_consumergroup_current_offset', 'gauge', "The group's committed offset", ['consumergroup', 'topic', 'partition']),
  family('kafka-lag-exporter', 'kafka_topic_partition_current_offset', 'gauge', "The partition's log end offset", ['topic', 'partition']),
  family('spark', 'spark_streaming_latency_milliseconds', 'gauge', 'Duration of the latest micro-batch of the query', ['app', 'query']),
  family('spark', 'spark_streaming_input_rows_per_second', 'gauge', 'Rows per second arriving at the query (latest progress)', ['app', 'query']),
  family('spark', 'spark_streaming_processed_rows_per_second', 'gauge', 'Rows per second the query processed (latest progress)', ['app', 'query']),
  family('spark', 'spark_app_failed_jobs_total', 'counter', 'Jobs of the application that failed', ['app']),
  family('spark', 'spark_app_succeeded_jobs_total', 'counter', 'Jobs of the application that succeeded', ['app']),
  family('spark', 'spark_executor_total_cores', 'gauge', 'Cores of one live executor (the driver counts as one in local mode)', ['app', 'executor_id']),
  family('delta', 'delta_table_size_bytes', 'gauge', 'Size of the Delta table after its latest commit', ['table']),
  family('delta', 'delta_table_files', 'gauge', 'Data files of the Delta table after its latest commit', ['table']),
  family('delta', 'delta_table_version', 'gauge', 'Version of the Delta table after its latest commit', ['table']),
  family('delta', 'delta_table_last_commit_timestamp_seconds', 'gauge', 'Time of the latest commit to the Delta table, Unix seconds', ['table']),
  family('mlflow', 'mlflow_http_request_total', 'counter', 'HTTP requests the tracking server served, by method and status', ['method', 'status']),
  family('mlflow', 'mlflow_http_request_duration_seconds', 'histogram', 'HTTP request latency of the tracking server', ['method', 'status']),
  family('mlserver', 'model_infer_request_success_total', 'counter', 'Inference requests of the model API (REST /v2/models/<model>/infer, gRPC) that succeeded; born at the first success', ['model', 'exported_model', 'version']),
  family('mlserver', 'model_infer_request_failure_total', 'counter', 'Inference requests of the model API that failed (any exception: bad input, model error, model not ready)', ['model', 'exported_model', 'version']),
  family('mlserver', 'model_infer_request_duration', 'summary', 'Duration of the model API inference requests, failed ones included (no quantiles: count and sum)', ['model', 'exported_model', 'version']),
  family('mlserver', 'rest_server_requests_total', 'counter', 'REST requests (starlette-exporter), by route template and status; /invocations is MLflow\'s scoring protocol', ['model', 'app_name', 'method', 'path', 'status_code']),
  family('mlserver', 'rest_server_request_duration_seconds', 'histogram', 'REST request latency, by route template and status', ['model', 'app_name', 'method', 'path', 'status_code']),
];

export const METRIC_CATALOG: readonly MetricFamily[] = [
  ...AIRFLOW_METRICS,
  ...PIPELINE_METRICS,
  ...PLATFORM_DATA_METRICS,
  ...EXPORTER_METRICS,
  ...AIRFLOW_STATE_METRICS,
  ...SIMULATOR_METRICS,
  ...DBT_METRICS,
  ...STREAMING_METRICS,
];

/**
 * The series runs and freshness are read from, by alerts, recording rules and
 * dashboards alike. Run state comes from Airflow's metadata database (durable:
 * restarts and scrape gaps change nothing); durations from StatsD.
 */
export const RUN_SERIES = {
  /** Finished runs by `state` (success, failed), both series present from 0. */
  finished: 'pipewatch_dag_runs_finished_total',
  /** Data interval end of the latest successful run. */
  lastSuccess: 'pipewatch_dag_last_success_interval_end_seconds',
  /** Data interval end of the latest finished run. */
  lastFinished: 'pipewatch_dag_last_finished_interval_end_seconds',
  /** 1 while the latest finished run failed. */
  lastRunFailed: 'pipewatch_dag_last_run_failed',
  /** Start time of a task running now. */
  taskRunningSince: 'pipewatch_task_running_since_seconds',
  /** Successful runs in Airflow's run-duration summary (StatsD): for durations only. */
  succeededDurationCount: 'airflow_dagrun_duration_count',
  succeededSecondsSum: 'airflow_dagrun_duration_sum',
} as const;

const byName = new Map(METRIC_CATALOG.map((f) => [f.name, f]));

/** Looks a family up by name; throws with the list of known names so typos surface at synth. */
export function metricFamily(name: string): MetricFamily {
  const found = byName.get(name);
  if (!found) throw new Error(`unknown metric family "${name}": add it to content/metrics/catalog.ts with the exporter that produces it`);
  return found;
}

/** Names a query may use for the family: summaries and histograms expose suffixed series too. */
export function seriesNames(f: MetricFamily): string[] {
  if (f.type === 'summary') return [f.name, `${f.name}_sum`, `${f.name}_count`];
  if (f.type === 'histogram') return [`${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`];
  return [f.name];
}
