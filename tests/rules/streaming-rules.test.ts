import { Duration } from '../../content/duration';
import { renderRuleFile } from '../../content/rules/render';
import { STREAMING_RULE_FILE, streamingRuleGroups } from '../../content/streaming/rules';
import { StreamingPipelineSpec } from '../../content/streaming/spec';
import { Scenario, scenarioCases } from './alert-scenarios';
import { alertCoverage } from './coverage';
import { seriesOf, testFile } from './promtool-model';
import { promtoolPath, runTool, runToolAsync, tempDirWith } from './tools';

/** Two pipelines: one declares everything (tight bounds, lag critical), one only its consumer group. */
const FRAUD: StreamingPipelineSpec = {
  name: 'payments_fraud_features',
  ownerTeam: 'risk',
  topics: ['payments.events'],
  consumerGroup: 'fraud-features',
  maxLag: 1000,
  maxProcessingLatency: Duration.minutes(1),
  spark: { app: 'fraud_features', query: 'fraud_features' },
  deltaTables: [{ table: 'fraud_features', maxCommitAge: Duration.minutes(30), maxFiles: 100 }],
  servedModel: { model: 'fraud_scorer', maxErrorRatio: 0.02, maxP95LatencySeconds: 0.5 },
  severity: { lagGrowing: 'critical' },
};
const SESSIONS: StreamingPipelineSpec = { name: 'clickstream_sessions', ownerTeam: 'web', topics: ['clicks'], consumerGroup: 'sessions' };

const groups = streamingRuleGroups([FRAUD, SESSIONS]);
const ruleFile = { name: STREAMING_RULE_FILE, groups };
const DASHBOARD = 'pipewatch-streaming';
const FRAUD_LABELS = { pipeline: 'payments_fraud_features', team: 'risk' };

const lag = (group: string, topic: string, partition = '0') => seriesOf('kafka_consumergroup_lag', { job: 'kafka-lag-exporter', consumergroup: group, topic, partition });
const broker = (metric: string, extra: Record<string, string> = {}) => seriesOf(metric, { job: 'kafka', instance: 'kafka:7071', ...extra });
const spark = (metric: string, query = 'fraud_features') => seriesOf(metric, { job: 'spark-driver', app: 'fraud_features', query });
const app = (metric: string, extra: Record<string, string> = {}) => seriesOf(metric, { job: 'spark-driver', app: 'fraud_features', ...extra });
const delta = (metric: string, table = 'fraud_features') => seriesOf(metric, { job: 'pushgateway', table });
/** An MLServer target scraped with its `model` (content/streaming/scrape.ts): MLServer's own `model` becomes exported_model. */
const server = (model: string) => ({ job: 'mlserver', instance: `${model}:8082`, model });
const served = (metric: string, model = 'fraud_scorer') => seriesOf(metric, { ...server(model), exported_model: model, version: 'None' });
const rest = (metric: string, path: string, status: string, method = 'POST', model = 'fraud_scorer', extra: Record<string, string> = {}) =>
  seriesOf(metric, { ...server(model), app_name: 'mlserver', method, path, status_code: status, ...extra });
/** The REST latency histogram of one route, 200s only: cumulative bucket counts by `le`. */
const buckets = (path: string, byLe: Record<string, string>, model = 'fraud_scorer') =>
  Object.entries(byLe).map(([le, values]) => ({ series: rest('rest_server_request_duration_seconds_bucket', path, '200', 'POST', model, { le }), values }));

const KAFKA: Scenario[] = [
  {
    alert: 'KafkaConsumerLagGrowing',
    when: 'fraud-features falls 200 records further behind every minute, over its 1000 bound from minute 6',
    interval: '1m',
    evalTime: '10m',
    input: [{ series: lag('fraud-features', 'payments.events'), values: '0+200x10' }],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'critical', consumergroup: 'fraud-features', topic: 'payments.events' },
        summary: 'Consumer group fraud-features falls behind on payments.events',
        description: 'Consumer group fraud-features of streaming pipeline payments_fraud_features is 2000 records behind on topic payments.events, over its bound, and the lag still grows: the consumer stopped or cannot keep up.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'KafkaConsumerLagGrowing',
    when: 'fraud-features is 5000 behind but steady, sessions grows to 2000 (bound 10000) and an undeclared group grows fast',
    interval: '1m',
    evalTime: '10m',
    input: [
      { series: lag('fraud-features', 'payments.events'), values: '5000x10' },
      { series: lag('sessions', 'clicks'), values: '0+200x10' },
      { series: lag('adhoc', 'clicks'), values: '0+5000x10' },
    ],
    expected: [],
  },
  {
    alert: 'KafkaUnderReplicatedPartitions',
    when: 'a broker leads 2 under-replicated partitions for 8 minutes',
    interval: '1m',
    evalTime: '10m',
    input: [{ series: broker('kafka_server_replicamanager_underreplicatedpartitions'), values: '0x2 2x8' }],
    expected: [
      {
        labels: { severity: 'warning', team: 'data-platform', instance: 'kafka:7071' },
        summary: 'Kafka broker kafka:7071 has under-replicated partitions',
        description: 'Broker kafka:7071 leads 2 partition(s) with fewer in-sync replicas than replicas: one more broker loss can lose or block their data.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'KafkaUnderReplicatedPartitions',
    when: 'partitions are under-replicated for 3 minutes during a broker restart, then caught up',
    interval: '1m',
    evalTime: '10m',
    input: [{ series: broker('kafka_server_replicamanager_underreplicatedpartitions'), values: '0x2 2x3 0x5' }],
    expected: [],
  },
  {
    alert: 'KafkaOfflinePartitions',
    when: 'the controller reports 3 partitions without a leader for 3 minutes',
    interval: '1m',
    evalTime: '3m',
    input: [{ series: broker('kafka_controller_kafkacontroller_offlinepartitionscount'), values: '3x3' }],
    expected: [
      {
        labels: { severity: 'critical', team: 'data-platform' },
        summary: 'Kafka has offline partitions',
        description: '3 partition(s) have no leader: producers and consumers of them are stopped.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'KafkaOfflinePartitions',
    when: 'every partition has a leader',
    interval: '1m',
    evalTime: '3m',
    input: [{ series: broker('kafka_controller_kafkacontroller_offlinepartitionscount'), values: '0x3' }],
    expected: [],
  },
  {
    alert: 'KafkaNoActiveController',
    when: 'both controllers report they are not active for 3 minutes',
    interval: '1m',
    evalTime: '3m',
    input: [
      { series: broker('kafka_controller_kafkacontroller_activecontrollercount'), values: '0x3' },
      { series: broker('kafka_controller_kafkacontroller_activecontrollercount', { instance: 'kafka-2:7071' }), values: '0x3' },
    ],
    expected: [
      {
        labels: { severity: 'critical', team: 'data-platform' },
        summary: 'Kafka has no active controller',
        description: 'No Kafka node reports itself the active controller (or none is scraped): topic, partition and leader changes are stuck.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'KafkaNoActiveController',
    when: 'one of two controllers is active',
    interval: '1m',
    evalTime: '3m',
    input: [
      { series: broker('kafka_controller_kafkacontroller_activecontrollercount'), values: '1x3' },
      { series: broker('kafka_controller_kafkacontroller_activecontrollercount', { instance: 'kafka-2:7071' }), values: '0x3' },
    ],
    expected: [],
  },
  {
    alert: 'KafkaRequestErrors',
    when: 'a broker fails 6 produce requests a minute (0.1/s) for 10 minutes and has no failed-fetch meter (registered on the first failure)',
    interval: '1m',
    evalTime: '10m',
    input: [{ series: broker('kafka_server_brokertopicmetrics_failedproducerequests_total'), values: '0+6x10' }],
    expected: [
      {
        labels: { severity: 'warning', team: 'data-platform', instance: 'kafka:7071' },
        summary: 'Kafka broker kafka:7071 fails produce or fetch requests',
        description: 'Broker kafka:7071 fails 0.10 produce or fetch requests per second: clients retry, and may give up.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'KafkaRequestErrors',
    when: 'a broker fails 3 fetch and 3 produce requests a minute on two topics for 10 minutes',
    interval: '1m',
    evalTime: '10m',
    input: [
      { series: broker('kafka_server_brokertopicmetrics_failedproducerequests_total', { topic: 'payments.events' }), values: '0+3x10' },
      { series: broker('kafka_server_brokertopicmetrics_failedfetchrequests_total', { topic: 'clicks' }), values: '0+3x10' },
    ],
    expected: [
      {
        labels: { severity: 'warning', team: 'data-platform', instance: 'kafka:7071' },
        summary: 'Kafka broker kafka:7071 fails produce or fetch requests',
        description: 'Broker kafka:7071 fails 0.10 produce or fetch requests per second: clients retry, and may give up.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'KafkaRequestErrors',
    when: 'no produce or fetch request fails',
    interval: '1m',
    evalTime: '10m',
    input: [
      { series: broker('kafka_server_brokertopicmetrics_failedproducerequests_total'), values: '7x10' },
      { series: broker('kafka_server_brokertopicmetrics_failedfetchrequests_total'), values: '0x10' },
    ],
    expected: [],
  },
];

const SPARK: Scenario[] = [
  {
    alert: 'SparkStreamingLatencyHigh',
    when: 'fraud_features micro-batches take 90s for 3 minutes, over its 1m bound',
    interval: '1m',
    evalTime: '3m',
    input: [{ series: spark('spark_streaming_latency_milliseconds'), values: '90000x3' }],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'warning', app: 'fraud_features', query: 'fraud_features' },
        summary: 'Streaming query fraud_features is slower than its bound',
        description: 'The latest micro-batch of query fraud_features (pipeline payments_fraud_features) took 1m 30s, over the declared processing latency bound: results reach the table late and input piles up.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'SparkStreamingLatencyHigh',
    when: 'fraud_features takes 30s and an undeclared query 400s',
    interval: '1m',
    evalTime: '3m',
    input: [
      { series: spark('spark_streaming_latency_milliseconds'), values: '30000x3' },
      { series: spark('spark_streaming_latency_milliseconds', 'adhoc'), values: '400000x3' },
    ],
    expected: [],
  },
  {
    alert: 'SparkStreamingQueryStalled',
    when: 'fraud_features publishes no progress for 6 minutes while another query does',
    interval: '1m',
    evalTime: '6m',
    input: [{ series: spark('spark_streaming_latency_milliseconds', 'adhoc'), values: '1000x6' }],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'critical', query: 'fraud_features' },
        summary: 'Streaming query fraud_features reports no progress',
        description: 'Query fraud_features of pipeline payments_fraud_features has published no progress metrics for 5 minutes: it stopped, failed, or its driver is down.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'SparkStreamingQueryStalled',
    when: 'fraud_features reports progress every minute',
    interval: '1m',
    evalTime: '6m',
    input: [{ series: spark('spark_streaming_latency_milliseconds'), values: '1000x6' }],
    expected: [],
  },
  {
    alert: 'SparkJobsFailed',
    when: 'one job of fraud_features fails at minute 3',
    interval: '1m',
    evalTime: '6m',
    input: [{ series: app('spark_app_failed_jobs_total'), values: '0x2 1x4' }],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'critical', app: 'fraud_features' },
        summary: 'Spark application fraud_features has failed jobs',
        description: '1 Spark job(s) of application fraud_features (pipeline payments_fraud_features) failed in the past 10 minutes: read the driver log for the stage that failed.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'SparkJobsFailed',
    when: 'fraud_features has 2 jobs that failed long ago and no new failure',
    interval: '1m',
    evalTime: '15m',
    input: [{ series: app('spark_app_failed_jobs_total'), values: '2x15' }],
    expected: [],
  },
  {
    alert: 'SparkExecutorLost',
    when: 'fraud_features runs two executors and one disappears at minute 5',
    interval: '1m',
    evalTime: '12m',
    input: [
      { series: app('spark_executor_total_cores', { executor_id: '1' }), values: '4x12' },
      { series: app('spark_executor_total_cores', { executor_id: '2' }), values: '4x4 stale' },
    ],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'warning', app: 'fraud_features' },
        summary: 'Spark application fraud_features lost executors',
        description: 'Application fraud_features (pipeline payments_fraud_features) runs 1 executor(s) fewer than in the past 15 minutes: lost nodes, out-of-memory kills or preemption.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'SparkExecutorLost',
    when: 'fraud_features keeps both executors',
    interval: '1m',
    evalTime: '12m',
    input: [
      { series: app('spark_executor_total_cores', { executor_id: '1' }), values: '4x12' },
      { series: app('spark_executor_total_cores', { executor_id: '2' }), values: '4x12' },
    ],
    expected: [],
  },
];

const MIB = 1024 * 1024;
const STORAGE: Scenario[] = [
  {
    alert: 'DeltaTableSmallFiles',
    when: 'fraud_features holds 150 files of 1 MiB, over its 100-file bound',
    interval: '1m',
    evalTime: '1m',
    input: [
      { series: delta('delta_table_files'), values: '150x1' },
      { series: delta('delta_table_size_bytes'), values: `${150 * MIB}x1` },
    ],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'warning', table: 'fraud_features' },
        summary: 'Delta table fraud_features has many small files',
        description: 'Delta table fraud_features (pipeline payments_fraud_features) holds 150 files, over its bound, averaging under 16 MiB: reads slow down; run OPTIMIZE or raise the trigger interval.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DeltaTableSmallFiles',
    when: 'fraud_features holds 150 files of 32 MiB and an undeclared table 5000 files of 1 MiB',
    interval: '1m',
    evalTime: '1m',
    input: [
      { series: delta('delta_table_files'), values: '150x1' },
      { series: delta('delta_table_size_bytes'), values: `${150 * 32 * MIB}x1` },
      { series: delta('delta_table_files', 'scratch'), values: '5000x1' },
      { series: delta('delta_table_size_bytes', 'scratch'), values: `${5000 * MIB}x1` },
    ],
    expected: [],
  },
  {
    alert: 'DeltaTableStale',
    when: 'fraud_features was last committed at time 0 and it is minute 40 (bound 30m)',
    interval: '1m',
    evalTime: '40m',
    input: [{ series: delta('delta_table_last_commit_timestamp_seconds'), values: '0x40' }],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'critical', table: 'fraud_features' },
        summary: 'Delta table fraud_features is stale',
        description: 'The latest commit to Delta table fraud_features (pipeline payments_fraud_features) is 40m 0s old, over its bound: the writing query stopped or reads nothing.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'DeltaTableStale',
    when: 'fraud_features commits every minute',
    interval: '1m',
    evalTime: '40m',
    input: [{ series: delta('delta_table_last_commit_timestamp_seconds'), values: '0+60x40' }],
    expected: [],
  },
  {
    alert: 'MlflowModelErrorRateHigh',
    when: 'fraud_scorer answers 10 inference requests a second through its model API and fails 1 of them (10%, bound 2%)',
    interval: '1m',
    evalTime: '10m',
    input: [
      { series: served('model_infer_request_duration_count'), values: '0+600x10' },
      { series: served('model_infer_request_failure_total'), values: '0+60x10' },
    ],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'critical', model: 'fraud_scorer' },
        summary: 'Served model fraud_scorer fails requests',
        description: '10% of the inference requests to model fraud_scorer (pipeline payments_fraud_features) failed over 5 minutes, over its bound.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'MlflowModelErrorRateHigh',
    when: 'the model API succeeds 9 times a second while /invocations fails half its 1 a second with 400 (5% of all, bound 2%)',
    interval: '1m',
    evalTime: '10m',
    input: [
      { series: served('model_infer_request_duration_count'), values: '0+540x10' },
      { series: served('model_infer_request_failure_total'), values: '0x10' },
      { series: rest('rest_server_requests_total', '/invocations', '200'), values: '0+30x10' },
      { series: rest('rest_server_requests_total', '/invocations', '400'), values: '0+30x10' },
    ],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'critical', model: 'fraud_scorer' },
        summary: 'Served model fraud_scorer fails requests',
        description: '5% of the inference requests to model fraud_scorer (pipeline payments_fraud_features) failed over 5 minutes, over its bound.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'MlflowModelErrorRateHigh',
    when: 'fraud_scorer fails 6 of 600 requests a minute on both routes (1%, bound 2%), its readiness probe answers 400 and an undeclared model fails every request',
    interval: '1m',
    evalTime: '10m',
    input: [
      { series: served('model_infer_request_duration_count'), values: '0+500x10' },
      { series: served('model_infer_request_failure_total'), values: '0+5x10' },
      { series: rest('rest_server_requests_total', '/invocations', '200'), values: '0+99x10' },
      { series: rest('rest_server_requests_total', '/invocations', '500'), values: '0+1x10' },
      { series: rest('rest_server_requests_total', '/v2/models/{model_name}/ready', '400', 'GET'), values: '0+600x10' },
      { series: served('model_infer_request_duration_count', 'adhoc'), values: '0+60x10' },
      { series: served('model_infer_request_failure_total', 'adhoc'), values: '0+60x10' },
    ],
    expected: [],
  },
  {
    alert: 'MlflowModelLatencyHigh',
    when: 'the model API answers in under 0.1s and /invocations, half the requests, in 1 to 2.5s (p95 2.35s, bound 0.5s)',
    interval: '1m',
    evalTime: '10m',
    input: [
      ...buckets('/v2/models/{model_name}/infer', { '0.1': '0+300x10', '0.5': '0+300x10', '1': '0+300x10', '2.5': '0+300x10', '+Inf': '0+300x10' }),
      ...buckets('/invocations', { '0.1': '0x10', '0.5': '0x10', '1': '0x10', '2.5': '0+300x10', '+Inf': '0+300x10' }),
    ],
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'warning', model: 'fraud_scorer' },
        summary: 'Served model fraud_scorer answers slowly',
        description: 'The 95th percentile inference latency of model fraud_scorer (pipeline payments_fraud_features) is 2.35s over 5 minutes, over its bound.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'MlflowModelLatencyHigh',
    when: 'every request to a version of fraud_scorer takes between 0.5s and 1s (p95 975ms, bound 0.5s)',
    interval: '1m',
    evalTime: '10m',
    input: buckets('/v2/models/{model_name}/versions/{model_version}/infer', { '0.1': '0x10', '0.5': '0x10', '1': '0+600x10', '2.5': '0+600x10', '+Inf': '0+600x10' }),
    expected: [
      {
        labels: { ...FRAUD_LABELS, severity: 'warning', model: 'fraud_scorer' },
        summary: 'Served model fraud_scorer answers slowly',
        description: 'The 95th percentile inference latency of model fraud_scorer (pipeline payments_fraud_features) is 975ms over 5 minutes, over its bound.',
        dashboard: DASHBOARD,
      },
    ],
  },
  {
    alert: 'MlflowModelLatencyHigh',
    when: 'fraud_scorer infers in under 0.1s while its metadata route and an undeclared model take over 2.5s',
    interval: '1m',
    evalTime: '10m',
    input: [
      ...buckets('/v2/models/{model_name}/infer', { '0.1': '0+600x10', '0.5': '0+600x10', '1': '0+600x10', '2.5': '0+600x10', '+Inf': '0+600x10' }),
      ...buckets('/v2/models/{model_name}', { '0.1': '0x10', '0.5': '0x10', '1': '0x10', '2.5': '0x10', '+Inf': '0+600x10' }),
      ...buckets('/invocations', { '0.1': '0x10', '0.5': '0x10', '1': '0x10', '2.5': '0x10', '+Inf': '0+600x10' }, 'adhoc'),
    ],
    expected: [],
  },
];

const allCases = scenarioCases(groups, 'two streaming pipelines', [...KAFKA, ...SPARK, ...STORAGE]);
const dir = tempDirWith({ [STREAMING_RULE_FILE]: renderRuleFile(groups), 'streaming-test.yml': testFile(ruleFile, '1m', allCases) });

describe('the streaming rule file under promtool', () => {
  const promtool = promtoolPath();
  const run = runToolAsync(promtool, ['test', 'rules', 'streaming-test.yml'], dir);

  it('GIVEN two streaming pipelines WHEN promtool checks the rule file THEN it is valid', () => {
    const result = runTool(promtool, ['check', 'rules', STREAMING_RULE_FILE], dir);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('GIVEN the fire and no-fire cases WHEN promtool runs them THEN every case passes', async () => {
    const result = await run;
    if (result.status !== 0) throw new Error(`promtool test rules failed (files in ${dir}):\n${result.output.slice(0, 6000)}`);
    expect(result.output).toContain('SUCCESS');
  });

  it('GIVEN every streaming alert WHEN the cases are counted THEN each has a firing and a silent case', () => {
    expect(alertCoverage(groups, allCases).missing).toEqual([]);
  });

  it('GIVEN more pipelines WHEN the rules are built THEN only the bound series grow, not the alerts', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ ...SESSIONS, name: `p${i}`, consumerGroup: `g${i}` }));
    const bigger = streamingRuleGroups(many);
    expect(bigger[1].rules).toHaveLength(groups[1].rules.length);
    expect(bigger[0].rules).toHaveLength(50);
  });
});
