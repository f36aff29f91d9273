import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PipelineSpec } from '../content/pipeline/spec';
import { SERVED_MODEL_SERIES, STREAMING_ALERTS } from '../content/streaming/rules';
import { DashboardOptions, mergeAndName, pipewatchDashboard, promQuery, runbookLink, statPanel, tablePanel, thresholds, timeseriesPanel, UNIT } from './common';
import { layoutSections, PlaceablePanel, section } from './layout';

const LAG = 'sum by (consumergroup, topic) (kafka_consumergroup_lag)';

function nowPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    statPanel({
      title: 'Consumer groups falling behind',
      description: 'Consumer groups over their lag bound and still falling behind (firing KafkaConsumerLagGrowing alerts).',
      unit: UNIT.count,
      queries: [promQuery(`count(ALERTS{alertname="${STREAMING_ALERTS.lagGrowing}", alertstate="firing"}) or vector(0)`, { instant: true })],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(STREAMING_ALERTS.lagGrowing, options)],
      width: 6,
    }),
    statPanel({
      title: 'Active controllers',
      description: 'Exactly one node of the Kafka cluster is the active controller when healthy.',
      unit: UNIT.count,
      queries: [promQuery('sum(kafka_controller_kafkacontroller_activecontrollercount) or vector(0)', { instant: true })],
      links: [runbookLink(STREAMING_ALERTS.noController, options)],
      width: 6,
    }),
    statPanel({
      title: 'Under-replicated and offline partitions',
      unit: UNIT.count,
      queries: [
        promQuery('sum(kafka_server_replicamanager_underreplicatedpartitions) + max(kafka_controller_kafkacontroller_offlinepartitionscount)', { instant: true }),
      ],
      thresholds: thresholds.anyIsBad(),
      links: [runbookLink(STREAMING_ALERTS.offlinePartitions, options)],
      width: 6,
    }),
    statPanel({
      title: 'Slowest streaming query',
      description: 'Duration of the latest micro-batch of the slowest query.',
      unit: UNIT.seconds,
      queries: [promQuery('max(spark_streaming_latency_milliseconds) / 1000 or vector(0)', { instant: true })],
      links: [runbookLink(STREAMING_ALERTS.latencyHigh, options)],
      width: 6,
    }),
  ];
}

function kafkaPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Consumer lag',
      description: 'Records between each group’s committed offset and the log end, per topic.',
      unit: UNIT.count,
      queries: [promQuery(LAG, { legend: '{{consumergroup}} / {{topic}}' })],
    }),
    timeseriesPanel({
      title: 'Messages in',
      unit: UNIT.perSecond,
      queries: [
        promQuery('sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesin_total{topic!=""}[5m]))', { legend: '{{topic}}' }),
      ],
    }),
  ];
}

function sparkPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Micro-batch duration',
      description: 'Latest micro-batch duration of each query; its bound is the pipeline’s maxProcessingLatency (streaming.yaml).',
      unit: UNIT.seconds,
      queries: [promQuery('max by (query) (spark_streaming_latency_milliseconds) / 1000', { legend: '{{query}}' })],
    }),
    timeseriesPanel({
      title: 'Input and processed rows',
      unit: UNIT.rowsPerSecond,
      queries: [
        promQuery('max by (query) (spark_streaming_input_rows_per_second)', { legend: '{{query}} in' }),
        promQuery('max by (query) (spark_streaming_processed_rows_per_second)', { legend: '{{query}} processed' }),
      ],
    }),
  ];
}

function storagePanels(): PlaceablePanel[] {
  return [
    tablePanel({
      title: 'Delta tables',
      description: 'Size, files, version and age of the latest commit of every table the streaming jobs write.',
      unit: UNIT.count,
      queries: [
        promQuery('max by (table) (delta_table_size_bytes)', { instant: true, table: true }),
        promQuery('max by (table) (delta_table_files)', { instant: true, table: true }),
        promQuery('max by (table) (delta_table_version)', { instant: true, table: true }),
        promQuery('time() - max by (table) (delta_table_last_commit_timestamp_seconds)', { instant: true, table: true }),
      ],
      width: 12,
      height: 8,
    }).transformations(mergeAndName({ A: 'bytes', B: 'files', C: 'version', D: 'seconds since commit' })),
    timeseriesPanel({
      title: 'MLflow tracking requests',
      description: 'Requests per second of the MLflow tracking server, by status.',
      unit: UNIT.perSecond,
      queries: [promQuery('sum by (job, status) (rate(mlflow_http_request_total[5m]))', { legend: '{{job}} {{status}}' })],
      width: 12,
      height: 8,
    }),
  ];
}

/** The series MlflowModelErrorRateHigh and MlflowModelLatencyHigh compare with each model's bounds. */
function modelPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Served model requests',
      description: 'Inference requests per second of each served model (MLServer: model API and /invocations), and those that failed.',
      unit: UNIT.perSecond,
      queries: [
        promQuery(SERVED_MODEL_SERIES.requestsPerSecond, { legend: '{{model}} all' }),
        promQuery(SERVED_MODEL_SERIES.failedPerSecond, { legend: '{{model}} failed' }),
      ],
      links: [runbookLink(STREAMING_ALERTS.modelErrors, options)],
    }),
    timeseriesPanel({
      title: 'Served model p95 latency',
      description: '95th percentile inference latency of each served model over 5 minutes; its bound is the pipeline’s servedModel.maxP95LatencySeconds.',
      unit: UNIT.seconds,
      queries: [promQuery(SERVED_MODEL_SERIES.p95Seconds, { legend: '{{model}}' })],
      links: [runbookLink(STREAMING_ALERTS.modelLatency, options)],
    }),
  ];
}

/** Kafka, Spark, Delta Lake and MLflow for every streaming pipeline; a constant number of panels. */
export function streamingDashboard(_specs: readonly PipelineSpec[], options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard(
    'streaming',
    'Streaming pipelines',
    'Streaming pipelines: consumer lag against its bounds, Kafka broker health, Structured Streaming micro-batches, Delta tables, MLflow tracking requests and served models.',
    ['streaming', 'kafka', 'spark'],
  );
  return layoutSections(builder, [section('Now', nowPanels(options)), section('Kafka', kafkaPanels()), section('Spark', sparkPanels()), section('Storage and tracking', storagePanels()), section('Served models', modelPanels(options))]);
}
