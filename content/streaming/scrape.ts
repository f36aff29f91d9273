import { ScrapeJob } from '../prometheus/config';

/** Where the streaming components serve their metrics (host:port each). A list left empty adds no job. */
export interface StreamingTargets {
  /** Kafka brokers' JMX exporter agents. */
  readonly kafkaJmx?: readonly string[];
  /** pipewatch's consumer-group lag exporter (streaming/kafka_lag_exporter.py). */
  readonly lagExporter?: readonly string[];
  /** Spark drivers' UI ports. */
  readonly sparkDrivers?: readonly string[];
  /** MLflow tracking servers started with --expose-prometheus. */
  readonly mlflow?: readonly string[];
  /** MLServer model servers (`mlflow models serve --enable-mlserver`): their metrics ports, each with its model. */
  readonly modelServers?: readonly ModelServerTarget[];
}

/** One model server: MLServer's metrics port (MLSERVER_METRICS_PORT, default 8082) and the model it serves. */
export interface ModelServerTarget {
  /** host:port of the metrics endpoint, e.g. `fraud-scorer:8082`. */
  readonly target: string;
  /** The served model's name: the `model` label of every series of the target, joined with `servedModel.model`. */
  readonly model: string;
}

export const STREAMING_JOBS = {
  kafka: 'kafka',
  lagExporter: 'kafka-lag-exporter',
  sparkDriver: 'spark-driver',
  sparkExecutors: 'spark-executors',
  mlflow: 'mlflow',
  modelServers: 'mlserver',
} as const;

const rename = (regex: string, name: string) => ({ source_labels: ['__name__'], regex, target_label: '__name__', replacement: name });
const copy = (regex: string, label: string, replacement: string) => ({ source_labels: ['__name__'], regex, target_label: label, replacement });

/**
 * Spark's PrometheusServlet puts the application (spark.metrics.namespace,
 * set to the app name) and the query name into the metric name:
 * metrics_<app>_driver_spark_streaming_<query>_latency_Value. These rules
 * move both into labels and give the conventional names of the catalog;
 * everything else the servlet serves (hundreds of JVM and scheduler series)
 * is dropped.
 */
function sparkDriverRelabels(): Readonly<Record<string, unknown>>[] {
  const streaming = 'metrics_(.+)_driver_spark_streaming_(.+)_(latency|inputRate_total|processingRate_total)_Value';
  const jobs = 'metrics_(.+)_driver_appStatus_jobs_(failedJobs|succeededJobs)_Count';
  return [
    copy(streaming, 'app', '$1'),
    copy(streaming, 'query', '$2'),
    copy(jobs, 'app', '$1'),
    rename('metrics_.+_driver_spark_streaming_.+_latency_Value', 'spark_streaming_latency_milliseconds'),
    rename('metrics_.+_driver_spark_streaming_.+_inputRate_total_Value', 'spark_streaming_input_rows_per_second'),
    rename('metrics_.+_driver_spark_streaming_.+_processingRate_total_Value', 'spark_streaming_processed_rows_per_second'),
    rename('metrics_.+_driver_appStatus_jobs_failedJobs_Count', 'spark_app_failed_jobs_total'),
    rename('metrics_.+_driver_appStatus_jobs_succeededJobs_Count', 'spark_app_succeeded_jobs_total'),
    { source_labels: ['__name__'], regex: 'spark_.+', action: 'keep' },
    { regex: 'type', action: 'labeldrop' },
  ];
}

/** spark.ui.prometheus.enabled's executor endpoint: one series per executor, the app in `application_name`. */
function sparkExecutorRelabels(): Readonly<Record<string, unknown>>[] {
  return [
    { source_labels: ['__name__'], regex: 'metrics_executor_totalCores', action: 'keep' },
    rename('metrics_executor_totalCores', 'spark_executor_total_cores'),
    { source_labels: ['application_name'], target_label: 'app' },
    { regex: 'application_id|application_name', action: 'labeldrop' },
  ];
}

/** The scrape jobs of the streaming components that are on. */
export function streamingScrapeJobs(targets: StreamingTargets): ScrapeJob[] {
  const jobs: ScrapeJob[] = [];
  const add = (list: readonly string[] | undefined, job: Omit<ScrapeJob, 'targets'>) => {
    if (list && list.length > 0) jobs.push({ ...job, targets: [...list] });
  };
  add(targets.kafkaJmx, { job: STREAMING_JOBS.kafka });
  add(targets.lagExporter, { job: STREAMING_JOBS.lagExporter });
  // The servlet answers /metrics/prometheus with a redirect to the trailing-slash path.
  add(targets.sparkDrivers, { job: STREAMING_JOBS.sparkDriver, metricsPath: '/metrics/prometheus/', metricRelabelConfigs: sparkDriverRelabels() });
  add(targets.sparkDrivers, { job: STREAMING_JOBS.sparkExecutors, metricsPath: '/metrics/executors/prometheus', metricRelabelConfigs: sparkExecutorRelabels() });
  add(targets.mlflow, { job: STREAMING_JOBS.mlflow });
  // MLServer's request histogram has no model label: the target's `model` gives it one. It also replaces the
  // `model` of MLServer's own counters (kept as exported_model), so one server serves one model.
  const servers = targets.modelServers ?? [];
  add(
    servers.map((s) => s.target),
    { job: STREAMING_JOBS.modelServers, targetLabels: Object.fromEntries(servers.map((s) => [s.target, { model: s.model }])) },
  );
  return jobs;
}
