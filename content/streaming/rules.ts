import { Severity } from '../pipeline/spec';
import { AlertDraft, AlertLinkOptions, withLinks } from '../rules/alert-links';
import { RecordingRule, RuleGroup } from '../rules/types';
import { assertRuleGroupsValid } from '../rules/validate-rules';
import { STREAMING_DEFAULTS, StreamingPipelineSpec, StreamingSeverityPolicy } from './spec';
import { validateStreamingPipelines } from './validate';

export const STREAMING_RULE_FILE = 'streaming.yml';

export const STREAMING_ALERTS = {
  lagGrowing: 'KafkaConsumerLagGrowing',
  underReplicated: 'KafkaUnderReplicatedPartitions',
  offlinePartitions: 'KafkaOfflinePartitions',
  noController: 'KafkaNoActiveController',
  requestErrors: 'KafkaRequestErrors',
  latencyHigh: 'SparkStreamingLatencyHigh',
  queryStalled: 'SparkStreamingQueryStalled',
  jobsFailed: 'SparkJobsFailed',
  executorLost: 'SparkExecutorLost',
  deltaSmallFiles: 'DeltaTableSmallFiles',
  deltaStale: 'DeltaTableStale',
  modelErrors: 'MlflowModelErrorRateHigh',
  modelLatency: 'MlflowModelLatencyHigh',
} as const;

/**
 * Every declared bound is one series of this record, labelled with the alert
 * it serves, the pipeline, its team and severity, and the key the measured
 * series carry (consumergroup, query, app, table or model). The alerts join
 * on that key, so one rule serves every pipeline.
 */
export const BOUND_RECORD = 'pipeline:pipewatch_streaming_bound:value';

/** How long consumer lag must stay over its bound and growing before it pages. */
export const LAG_GROWING_FOR = '2m';
/** Window over which lag must have grown. */
export const LAG_GROWTH_WINDOW = '5m';
/** A micro-batch over the bound must repeat for this long: one slow batch after a restart is normal. */
export const LATENCY_FOR = '1m';
/** A declared query without progress metrics for this long is stalled. */
export const STALLED_FOR = '5m';
/** A table is "small files" when, above its file bound, its files average less than this. */
export const SMALL_FILE_BYTES = 16 * 1024 * 1024;

const DEFAULT_SEVERITY: Readonly<Record<keyof StreamingSeverityPolicy, Severity>> = {
  lagGrowing: 'warning',
  latencyHigh: 'warning',
  queryStalled: 'critical',
  jobsFailed: 'critical',
  executorLost: 'warning',
  deltaSmallFiles: 'warning',
  deltaStale: 'critical',
  modelErrors: 'critical',
  modelLatency: 'warning',
};

type Kind = keyof StreamingSeverityPolicy;

/** The bound series of one pipeline: `vector(value)` with the labels the alert joins on and copies. */
function boundRecords(spec: StreamingPipelineSpec): RecordingRule[] {
  const bound = (kind: Kind, value: number, key: Readonly<Record<string, string>>): RecordingRule => ({
    record: BOUND_RECORD,
    expr: `vector(${value})`,
    labels: { alert: STREAMING_ALERTS[kind], pipeline: spec.name, team: spec.ownerTeam, severity: spec.severity?.[kind] ?? DEFAULT_SEVERITY[kind], ...key },
  });
  const records = [bound('lagGrowing', spec.maxLag ?? STREAMING_DEFAULTS.maxLag, { consumergroup: spec.consumerGroup })];
  if (spec.spark) {
    const latency = (spec.maxProcessingLatency ?? STREAMING_DEFAULTS.maxProcessingLatency).toSeconds();
    records.push(
      bound('latencyHigh', latency, { query: spec.spark.query }),
      bound('queryStalled', 1, { query: spec.spark.query }),
      bound('jobsFailed', 1, { app: spec.spark.app }),
      bound('executorLost', 1, { app: spec.spark.app }),
    );
  }
  for (const t of spec.deltaTables ?? []) {
    records.push(
      bound('deltaSmallFiles', t.maxFiles ?? STREAMING_DEFAULTS.maxFiles, { table: t.table }),
      bound('deltaStale', (t.maxCommitAge ?? STREAMING_DEFAULTS.maxCommitAge).toSeconds(), { table: t.table }),
    );
  }
  const m = spec.servedModel;
  if (m) {
    records.push(
      bound('modelErrors', m.maxErrorRatio ?? STREAMING_DEFAULTS.maxErrorRatio, { model: m.model }),
      bound('modelLatency', m.maxP95LatencySeconds ?? STREAMING_DEFAULTS.maxP95LatencySeconds, { model: m.model }),
    );
  }
  return records;
}

/** `measured > bound`, the bound's pipeline, team and severity copied onto the result. */
const overBound = (measured: string, kind: Kind, key: string) =>
  `${measured} > on (${key}) group_left (pipeline, team, severity) ${BOUND_RECORD}{alert="${STREAMING_ALERTS[kind]}"}`;
/** The measured series, for declared keys only, labelled like overBound. */
const declared = (measured: string, kind: Kind, key: string) =>
  `(${measured}) * on (${key}) group_left (pipeline, team, severity) ${BOUND_RECORD}{alert="${STREAMING_ALERTS[kind]}"}`;

const LAG = 'sum by (consumergroup, topic) (kafka_consumergroup_lag)';
const SPARK_LATENCY = 'max by (app, query) (spark_streaming_latency_milliseconds)';
const EXECUTORS = 'count by (app) (spark_executor_total_cores)';
/**
 * MLServer (`mlflow models serve --enable-mlserver`) counts the inference requests of its model API (REST
 * /v2/models/<model>/infer and gRPC) in model_infer_request_*; MLflow's /invocations handler bypasses
 * them and shows only in the REST server's request metrics, where a failed inference answers 400 or 500.
 * Each `rate` keeps its own labels, so `or` adds the two kinds instead of choosing one.
 */
const INVOCATIONS = 'rest_server_requests_total{model!="", path="/invocations"';
const MODEL_FAILED = `sum by (model) (rate(model_infer_request_failure_total{model!=""}[5m]) or rate(${INVOCATIONS}, status_code!~"2.."}[5m]))`;
const MODEL_REQUESTS = `sum by (model) (rate(model_infer_request_duration_count{model!=""}[5m]) or rate(${INVOCATIONS}}[5m]))`;
/** The REST server's histogram on the inference routes (path is the route template: /v2/models/{model_name}/infer). */
const INFERENCE_PATHS = '/invocations|/v2/models/[^/]+(/versions/[^/]+)?/infer';
const MODEL_P95 = `histogram_quantile(0.95, sum by (model, le) (rate(rest_server_request_duration_seconds_bucket{model!="", path=~"${INFERENCE_PATHS}"}[5m])))`;
/** What the served-model alerts measure, per model: the dashboard shows the same series. */
export const SERVED_MODEL_SERIES = { failedPerSecond: MODEL_FAILED, requestsPerSecond: MODEL_REQUESTS, p95Seconds: MODEL_P95 } as const;

/** The alerts on declared pipelines: one rule each, joined on the bound series. */
function pipelineAlerts(): AlertDraft[] {
  // severity and team come from the bound series: a static value here would override them.
  const fromBound = { labels: { severity: '{{ $labels.severity }}', team: '{{ $labels.team }}' } as unknown as AlertDraft['labels'] };
  return [
    {
      alert: STREAMING_ALERTS.lagGrowing,
      expr: `(${overBound(LAG, 'lagGrowing', 'consumergroup')}) and on (consumergroup, topic) sum by (consumergroup, topic) (delta(kafka_consumergroup_lag[${LAG_GROWTH_WINDOW}])) > 0`,
      for: LAG_GROWING_FOR,
      ...fromBound,
      summary: 'Consumer group {{ $labels.consumergroup }} falls behind on {{ $labels.topic }}',
      description: 'Consumer group {{ $labels.consumergroup }} of streaming pipeline {{ $labels.pipeline }} is {{ $value }} records behind on topic {{ $labels.topic }}, over its bound, and the lag still grows: the consumer stopped or cannot keep up.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.latencyHigh,
      expr: `${overBound(`${SPARK_LATENCY} / 1000`, 'latencyHigh', 'query')}`,
      for: LATENCY_FOR,
      ...fromBound,
      summary: 'Streaming query {{ $labels.query }} is slower than its bound',
      description: 'The latest micro-batch of query {{ $labels.query }} (pipeline {{ $labels.pipeline }}) took {{ $value | humanizeDuration }}, over the declared processing latency bound: results reach the table late and input piles up.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.queryStalled,
      expr: `max by (pipeline, team, severity, query) (${BOUND_RECORD}{alert="${STREAMING_ALERTS.queryStalled}"}) unless on (query) ${SPARK_LATENCY}`,
      for: STALLED_FOR,
      ...fromBound,
      summary: 'Streaming query {{ $labels.query }} reports no progress',
      description: 'Query {{ $labels.query }} of pipeline {{ $labels.pipeline }} has published no progress metrics for 5 minutes: it stopped, failed, or its driver is down.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.jobsFailed,
      expr: `${declared('sum by (app) (increase(spark_app_failed_jobs_total[10m]))', 'jobsFailed', 'app')} > 0`,
      ...fromBound,
      summary: 'Spark application {{ $labels.app }} has failed jobs',
      description: '{{ $value | printf "%.0f" }} Spark job(s) of application {{ $labels.app }} (pipeline {{ $labels.pipeline }}) failed in the past 10 minutes: read the driver log for the stage that failed.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.executorLost,
      expr: `${declared(`max_over_time(${EXECUTORS}[15m:1m]) - ${EXECUTORS}`, 'executorLost', 'app')} > 0`,
      ...fromBound,
      summary: 'Spark application {{ $labels.app }} lost executors',
      description: 'Application {{ $labels.app }} (pipeline {{ $labels.pipeline }}) runs {{ $value }} executor(s) fewer than in the past 15 minutes: lost nodes, out-of-memory kills or preemption.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.deltaSmallFiles,
      expr: `(${overBound('max by (table) (delta_table_files)', 'deltaSmallFiles', 'table')}) and on (table) max by (table) (delta_table_size_bytes / delta_table_files) < ${SMALL_FILE_BYTES}`,
      ...fromBound,
      summary: 'Delta table {{ $labels.table }} has many small files',
      description: `Delta table {{ $labels.table }} (pipeline {{ $labels.pipeline }}) holds {{ $value }} files, over its bound, averaging under ${SMALL_FILE_BYTES / 1024 / 1024} MiB: reads slow down; run OPTIMIZE or raise the trigger interval.`,
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.deltaStale,
      expr: overBound('time() - max by (table) (delta_table_last_commit_timestamp_seconds)', 'deltaStale', 'table'),
      ...fromBound,
      summary: 'Delta table {{ $labels.table }} is stale',
      description: 'The latest commit to Delta table {{ $labels.table }} (pipeline {{ $labels.pipeline }}) is {{ $value | humanizeDuration }} old, over its bound: the writing query stopped or reads nothing.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.modelErrors,
      expr: overBound(`${MODEL_FAILED} / ${MODEL_REQUESTS}`, 'modelErrors', 'model'),
      for: '5m',
      ...fromBound,
      summary: 'Served model {{ $labels.model }} fails requests',
      description: '{{ $value | humanizePercentage }} of the inference requests to model {{ $labels.model }} (pipeline {{ $labels.pipeline }}) failed over 5 minutes, over its bound.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.modelLatency,
      expr: overBound(MODEL_P95, 'modelLatency', 'model'),
      for: '5m',
      ...fromBound,
      summary: 'Served model {{ $labels.model }} answers slowly',
      description: 'The 95th percentile inference latency of model {{ $labels.model }} (pipeline {{ $labels.pipeline }}) is {{ $value | humanizeDuration }} over 5 minutes, over its bound.',
      dashboard: 'streaming',
    },
  ];
}

/** Broker alerts: they concern every pipeline on the cluster, so they go to the platform team. */
function brokerAlerts(team: string): AlertDraft[] {
  return [
    {
      alert: STREAMING_ALERTS.underReplicated,
      expr: 'sum by (instance) (kafka_server_replicamanager_underreplicatedpartitions) > 0',
      for: '5m',
      labels: { severity: 'warning', team },
      summary: 'Kafka broker {{ $labels.instance }} has under-replicated partitions',
      description: 'Broker {{ $labels.instance }} leads {{ $value }} partition(s) with fewer in-sync replicas than replicas: one more broker loss can lose or block their data.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.offlinePartitions,
      expr: 'max(kafka_controller_kafkacontroller_offlinepartitionscount) > 0',
      for: '1m',
      labels: { severity: 'critical', team },
      summary: 'Kafka has offline partitions',
      description: '{{ $value }} partition(s) have no leader: producers and consumers of them are stopped.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.noController,
      // Summed over the cluster: exactly one controller is active when healthy.
      expr: `sum(kafka_controller_kafkacontroller_activecontrollercount) < 1 or absent(kafka_controller_kafkacontroller_activecontrollercount)`,
      for: '1m',
      labels: { severity: 'critical', team },
      summary: 'Kafka has no active controller',
      description: 'No Kafka node reports itself the active controller (or none is scraped): topic, partition and leader changes are stuck.',
      dashboard: 'streaming',
    },
    {
      alert: STREAMING_ALERTS.requestErrors,
      // The broker registers each meter only at its first failure, so `produce + fetch` would stay empty
      // with one of them missing: `or` keeps both, the request label keeping their rates apart.
      expr:
        'sum by (instance) (label_replace(rate(kafka_server_brokertopicmetrics_failedproducerequests_total[5m]), "request", "produce", "", "")' +
        ' or label_replace(rate(kafka_server_brokertopicmetrics_failedfetchrequests_total[5m]), "request", "fetch", "", "")) > 0',
      for: '5m',
      labels: { severity: 'warning', team },
      summary: 'Kafka broker {{ $labels.instance }} fails produce or fetch requests',
      description: 'Broker {{ $labels.instance }} fails {{ $value | printf "%.2f" }} produce or fetch requests per second: clients retry, and may give up.',
      dashboard: 'streaming',
    },
  ];
}

export interface StreamingRuleOptions {
  /** Team that owns the Kafka cluster: receives the broker alerts. @default 'data-platform' */
  readonly platformTeam?: string;
  /** Batch dag_ids the pipelines' `upstream` may name. @default [] */
  readonly knownDagIds?: readonly string[];
  readonly links?: AlertLinkOptions;
  readonly whereOf?: (i: number) => string;
}

/** streaming.yml: the bound series of every pipeline, then the pipeline and broker alerts (one rule each). */
export function streamingRuleGroups(specs: readonly StreamingPipelineSpec[], options: StreamingRuleOptions = {}): RuleGroup[] {
  validateStreamingPipelines(specs, options.knownDagIds, options.whereOf);
  // Every pipeline alert joins the bounds its pipelines record: with none declared (brokers watched on
  // their own), only the broker alerts apply.
  const perPipeline = specs.length > 0;
  const alerts = [...(perPipeline ? pipelineAlerts() : []), ...brokerAlerts(options.platformTeam ?? 'data-platform')].map((d) => withLinks(d, options.links));
  const groups: RuleGroup[] = [
    ...(perPipeline ? [{ name: 'pipewatch-streaming-bounds', rules: specs.flatMap(boundRecords) }] : []),
    { name: 'pipewatch-streaming', rules: alerts },
  ];
  assertRuleGroupsValid(groups, STREAMING_RULE_FILE);
  return groups;
}
