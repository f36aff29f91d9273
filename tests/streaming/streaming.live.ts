import { allDashboards } from '../../dashboards/index';
import { panelsOf } from '../../dashboards/panels';
import { getJson, sendJson } from '../live/harness/http';
import { alertMatching, ReceivedAlert } from '../live/harness/webhook-receiver';
import { sleep, waitFor } from '../live/harness/wait';
import { ManagedProcess } from '../live/harness/processes';
import { FRAUD, GROUP, MODEL, QUERY, RECEIVERS, STRICT_TOPIC, StreamingStack, TABLE, TABLE_MAX_FILES, TOPIC } from './harness';
import { ModelLoad, SLOW_SECONDS } from './model-load';

/**
 * A real Kafka 4.0 broker (KRaft, JMX exporter agent), a real PySpark 4.0
 * Structured Streaming job writing a Delta table, a real MLflow tracking
 * server and a model logged to it served by MLServer (`mlflow models serve
 * --enable-mlserver`), scraped by Prometheus with the stack's streaming rules;
 * Alertmanager with the stack's routing notifies a webhook. Expected labels
 * and texts are written by hand. Records: at most 4000 to the pipeline's
 * topic at 10 a second, and at most 480 refused ones at 1 a second; table
 * files: at most 50 per micro-batch while split on purpose, for at most 90 s;
 * inference requests: at most 960, 2 a second, one at a time.
 */
const WAIT = { timeoutMs: 60_000, intervalMs: 1000 };
/** The lag alert needs lag over 300 (30 s at 10/s), growth over 5 minutes and 2 minutes of `for`. */
const ALERT_WAIT = { timeoutMs: 5 * 60_000, intervalMs: 1000 };
/** KafkaRequestErrors needs a failure rate over 5 minutes and 5 minutes of `for`, counted from the first failure; so do the served-model alerts. */
const REQUEST_ERRORS_WAIT = { timeoutMs: 8 * 60_000, intervalMs: 1000 };
const PIPELINE = { pipeline: FRAUD.name, team: 'risk' };

let stack: StreamingStack;

beforeAll(async () => {
  stack = await StreamingStack.start();
}, 5 * 60_000);

let modelLoad: ModelLoad | undefined;

afterAll(async () => {
  await modelLoad?.stop();
  await stack?.stop();
  const notChecked = [
    'KafkaUnderReplicatedPartitions: one broker holds every replica, so no partition can fall out of sync; a second broker would be a second 512 MiB JVM and its start in every run; covered by promtool cases only',
    'KafkaOfflinePartitions resolving: a lost log directory comes back only with a broker restart and its partitions reassigned; covered by promtool cases only',
    'KafkaRequestErrors resolving: it needs 5 minutes without a failed request (the rate window) after the failing producer stops; covered by promtool cases only',
    'KafkaRequestErrors on failed fetch requests: a one-broker cluster fails no fetch short of losing a partition; the failed-produce half of the expression is proven',
    'SparkJobsFailed resolving: the rule counts failures over 10 minutes, so it resolves 10 minutes after the failed job; covered by promtool cases only',
    'SparkExecutorLost on a lost executor: the tier runs Spark in local mode, where the driver is the only executor and cannot be lost while the application runs; spark_executor_total_cores is checked present',
    'DeltaTableSmallFiles resolving: files only fall after OPTIMIZE and VACUUM, which the tier does not run; covered by promtool cases only',
    'MlflowModelErrorRateHigh and MlflowModelLatencyHigh resolving, and staying silent under healthy traffic: both need 5 minutes of requests after the failures and slow requests stop (rate window and `for`); covered by promtool cases only',
    "MlflowModelErrorRateHigh on gRPC inference: the tier's requests use REST (MLServer's model API and /invocations); gRPC requests land in the same model_infer_request_* counters",
    'served models behind `mlflow models serve` without --enable-mlserver: MLflow 3.9\'s own scoring server (mlflow.pyfunc.scoring_server) exposes no Prometheus metrics, so no alert can watch it',
  ];
  for (const line of notChecked) console.log(`NOT CHECKED ${line}`);
}, 120_000);

const query = (expr: string) => stack.prometheus.query(expr);
const value = async (expr: string) => (await query(expr))[0]?.value;
const arrived = (receiver: string, status: 'firing' | 'resolved', labels: Readonly<Record<string, string>>) =>
  waitFor(`${labels.alertname} arrives ${status} at ${receiver}`, async () => stack.webhook.alerts.find(alertMatching({ receiver, status, labels })), ALERT_WAIT);
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(0);

describe('GIVEN Kafka, a Spark Structured Streaming job writing Delta, and MLflow on loopback', () => {
  it('WHEN records flow and the Spark job keeps up THEN broker, lag, Spark and Delta metrics arrive and no alert fires', async () => {
    await stack.startProducer(10, 4000);
    expect(await waitFor('the broker reports one active controller', async () => (await value('sum(kafka_controller_kafkacontroller_activecontrollercount)')) === 1 || undefined, WAIT)).toBe(true);
    expect(await value('sum(kafka_server_replicamanager_underreplicatedpartitions)')).toBe(0);
    await waitFor('messages in on the topic', async () => ((await value(`sum(kafka_server_brokertopicmetrics_messagesin_total{topic="${TOPIC}"})`)) ?? 0) > 50, WAIT);
    const lag = await waitFor('the group’s lag is published for both partitions', async () => {
      const series = await query(`kafka_consumergroup_lag{consumergroup="${GROUP}", topic="${TOPIC}"}`);
      return series.length === 2 && series;
    }, WAIT);
    expect(lag.every((s) => s.value < 300)).toBe(true);
    await waitFor('the streaming query reports progress', async () => (await query(`spark_streaming_latency_milliseconds{app="fraud_features", query="${QUERY}"}`)).length === 1 || undefined, { timeoutMs: 120_000, intervalMs: 1000 });
    expect(await query('spark_app_failed_jobs_total{app="fraud_features"}')).toEqual([expect.objectContaining({ value: 0 })]);
    // The executor's series follow the driver's by a scrape or two.
    await waitFor('the executor reports its cores', async () => (await query('spark_executor_total_cores{app="fraud_features"}')).length === 1 || undefined, WAIT);
    const version = await waitFor('the Delta table has commits', async () => ((await value(`delta_table_version{table="${TABLE}"}`)) ?? -1) >= 1 && value(`delta_table_version{table="${TABLE}"}`), { timeoutMs: 120_000, intervalMs: 1000 });
    const files = (await value(`delta_table_files{table="${TABLE}"}`)) as number;
    // Later micro-batches append more files and versions, and the last commit is recent.
    await waitFor('the Delta table moves after further writes', async () => ((await value(`delta_table_version{table="${TABLE}"}`)) ?? 0) > (version as number), { timeoutMs: 90_000, intervalMs: 1000 });
    expect(await value(`delta_table_files{table="${TABLE}"}`)).toBeGreaterThan(files);
    expect(await value(`delta_table_size_bytes{table="${TABLE}"}`)).toBeGreaterThan(0);
    expect(await value(`time() - delta_table_last_commit_timestamp_seconds{table="${TABLE}"}`)).toBeLessThan(60);
    console.log(`PASS Delta metrics move after writes: version ${version} -> ${await value(`delta_table_version{table="${TABLE}"}`)}, files ${files} -> ${await value(`delta_table_files{table="${TABLE}"}`)}`);
    await sleep(10_000);
    expect((await stack.prometheus.alerts()).map((a) => a.labels.alertname)).toEqual([]);
  });

  let failingProducer: ManagedProcess | undefined;
  let failuresSince = 0;

  it('WHEN a producer writes records without a key to a compacted topic THEN the broker counts failed produce requests', async () => {
    failuresSince = Date.now();
    failingProducer = await stack.startFailingProducer(1, 480);
    const failed = await waitFor('failed produce requests counted', async () => ((await value(`kafka_server_brokertopicmetrics_failedproducerequests_total{topic="${STRICT_TOPIC}"}`)) ?? 0) > 0 && value(`kafka_server_brokertopicmetrics_failedproducerequests_total{topic="${STRICT_TOPIC}"}`), WAIT);
    console.log(`PASS failed produce requests counted ${seconds(failuresSince)}s after the failing producer started (${failed} so far)`);
  });

  let modelLoadSince = 0;

  it('WHEN the served model gets requests, a fifth of them refused and a tenth slow THEN MLServer\'s metrics are scraped with the model label', async () => {
    modelLoadSince = Date.now();
    modelLoad = new ModelLoad(stack.modelUrl, MODEL, 2, 960);
    const series = (expr: string) =>
      waitFor(`${expr} scraped`, async () => {
        const found = await query(expr);
        return found.length > 0 && found;
      }, WAIT);
    await waitFor('failed inference counted', async () => ((await value(`sum(model_infer_request_failure_total{job="mlserver", model="${MODEL}"})`)) ?? 0) > 0 || undefined, WAIT);
    // MLServer's own model label is kept as exported_model; the target's `model` names the histogram's series too.
    expect((await series(`model_infer_request_duration_count{job="mlserver", model="${MODEL}"}`))[0].metric.exported_model).toBe(MODEL);
    await series(`rest_server_request_duration_seconds_bucket{job="mlserver", model="${MODEL}", path="/invocations", status_code="400"}`);
    await series(`rest_server_request_duration_seconds_bucket{job="mlserver", model="${MODEL}", path="/v2/models/{model_name}/infer", status_code="500"}`);
    // A negative amount fails in the model: 500 from the model API, 400 from /invocations (MLServer's InferenceError).
    const s = modelLoad.statuses;
    await waitFor('a whole cycle of requests answered', async () => s.invocationsNegative.length > 0 || undefined, WAIT);
    expect({ fast: new Set(s.fast), slow: new Set(s.slow), negative: new Set(s.negative), invocationsFast: new Set(s.invocationsFast), invocationsNegative: new Set(s.invocationsNegative) }).toEqual({
      fast: new Set([200]),
      slow: new Set([200]),
      negative: new Set([500]),
      invocationsFast: new Set([200]),
      invocationsNegative: new Set([400]),
    });
    console.log(`PASS MLServer metrics scraped with model ${MODEL} ${seconds(modelLoadSince)}s after the model load started`);
  });

  it('WHEN the MLflow tracking server answers requests THEN its request metrics are scraped', async () => {
    const before = (await value('sum(mlflow_http_request_total{job="mlflow"})')) ?? 0;
    await sendJson('POST', `${stack.mlflowUrl}/api/2.0/mlflow/experiments/create`, { name: 'fraud-scorer' });
    for (let i = 0; i < 5; i++) await getJson(`${stack.mlflowUrl}/api/2.0/mlflow/experiments/search?max_results=10`);
    const after = await waitFor('six more requests counted', async () => {
      const v = (await value('sum(mlflow_http_request_total{job="mlflow"})')) ?? 0;
      return v >= before + 6 && v;
    }, WAIT);
    expect(await query('mlflow_http_request_duration_seconds_count{job="mlflow", method="POST", status="200"}')).toHaveLength(1);
    console.log(`PASS MLflow request metrics scraped: ${before} -> ${after} requests`);
  });

  it('WHEN one Spark job of the running session fails THEN SparkJobsFailed pages the owner team and the query keeps running', async () => {
    const since = Date.now();
    await stack.failOneSparkJob();
    const alert = await arrived(RECEIVERS.risk, 'firing', { ...PIPELINE, alertname: 'SparkJobsFailed', severity: 'critical', app: 'fraud_features' });
    expect(alert.annotations.description).toBe('1 Spark job(s) of application fraud_features (pipeline payments_fraud_features) failed in the past 10 minutes: read the driver log for the stage that failed.');
    console.log(`PASS SparkJobsFailed fired ${seconds(since)}s after one job failed`);
    const version = (await value(`delta_table_version{table="${TABLE}"}`)) as number;
    await waitFor('the query commits again after the failed job', async () => ((await value(`delta_table_version{table="${TABLE}"}`)) ?? 0) > version || undefined, WAIT);
  });

  it('WHEN micro-batches write one small file per row THEN DeltaTableSmallFiles fires once the table holds over its declared files', async () => {
    const files = (await value(`delta_table_files{table="${TABLE}"}`)) as number;
    expect(files).toBeLessThan(TABLE_MAX_FILES);
    const since = Date.now();
    stack.splitSparkWrites(50);
    try {
      const alert = await arrived(RECEIVERS.risk, 'firing', { ...PIPELINE, alertname: 'DeltaTableSmallFiles', severity: 'warning', table: TABLE });
      expect(alert.annotations.description).toMatch(/^Delta table fraud_features \(pipeline payments_fraud_features\) holds (\d+) files, over its bound, averaging under 16 MiB/);
      expect(Number(/holds (\d+) files/.exec(alert.annotations.description)?.[1])).toBeGreaterThan(TABLE_MAX_FILES);
      console.log(`PASS DeltaTableSmallFiles fired ${seconds(since)}s after writes were split (${files} files before, bound ${TABLE_MAX_FILES})`);
    } finally {
      stack.splitSparkWrites(undefined);
    }
  });

  let firing: ReceivedAlert[] = [];

  it('WHEN the query is made slow THEN it falls behind on the topic, and the lag and latency alerts page the owner team', async () => {
    const since = Date.now();
    stack.slowSpark(45);
    const lagLabels = { ...PIPELINE, alertname: 'KafkaConsumerLagGrowing', severity: 'warning', consumergroup: GROUP, topic: TOPIC };
    const latencyLabels = { ...PIPELINE, alertname: 'SparkStreamingLatencyHigh', severity: 'warning', app: 'fraud_features', query: QUERY };
    const firedAfter: Record<string, string> = {};
    const fired = (labels: Readonly<Record<string, string>>) => arrived(RECEIVERS.risk, 'firing', labels).then((a) => ((firedAfter[labels.alertname] = seconds(since)), a));
    const [lagAlert, latencyAlert] = await Promise.all([fired(lagLabels), fired(latencyLabels)]);
    expect(lagAlert.annotations.summary).toBe(`Consumer group ${GROUP} falls behind on ${TOPIC}`);
    expect(lagAlert.annotations.description).toMatch(/^Consumer group fraud-features of streaming pipeline payments_fraud_features is \d+ records behind on topic payments\.events, over its bound, and the lag still grows/);
    const took = /^The latest micro-batch of query fraud_features \(pipeline payments_fraud_features\) took (?:(\d+)m )?(\d+(?:\.\d+)?)s, over the declared processing latency bound/.exec(latencyAlert.annotations.description);
    // Each slowed batch sleeps 45 s before its work: over the 30 s bound (humanizeDuration writes a minute as "1m 2s").
    expect(Number(took?.[1] ?? 0) * 60 + Number(took?.[2])).toBeGreaterThanOrEqual(45);
    console.log(`PASS KafkaConsumerLagGrowing fired ${firedAfter.KafkaConsumerLagGrowing}s after the query was slowed`);
    console.log(`PASS SparkStreamingLatencyHigh fired ${firedAfter.SparkStreamingLatencyHigh}s after the query was slowed`);
    firing = [lagAlert, latencyAlert];
  });

  it('WHEN the query runs at full speed again THEN it catches up and both alerts resolve', async () => {
    expect(firing).toHaveLength(2);
    const since = Date.now();
    stack.slowSpark(undefined);
    await Promise.all(
      firing.map((a) =>
        arrived(RECEIVERS.risk, 'resolved', { alertname: a.labels.alertname, pipeline: FRAUD.name }).then(() => console.log(`PASS ${a.labels.alertname} resolved ${seconds(since)}s after recovery`)),
      ),
    );
  });

  it('WHEN produce requests keep failing for 5 minutes THEN KafkaRequestErrors pages the platform team', async () => {
    try {
      const alert = await waitFor('KafkaRequestErrors arrives firing', async () => stack.webhook.alerts.find(alertMatching({ receiver: RECEIVERS.platform, status: 'firing', labels: { alertname: 'KafkaRequestErrors', severity: 'warning', team: 'data-platform' } })), REQUEST_ERRORS_WAIT);
      expect(alert.annotations.summary).toMatch(/^Kafka broker 127\.0\.0\.1:\d+ fails produce or fetch requests$/);
      console.log(`PASS KafkaRequestErrors fired ${seconds(failuresSince)}s after the failing producer started`);
    } finally {
      await failingProducer?.stop();
    }
  });

  it('WHEN a fifth of the model\'s requests fail and a tenth are slow for 5 minutes THEN MlflowModelErrorRateHigh and MlflowModelLatencyHigh page the owner team', async () => {
    const firedAfter: Record<string, string> = {};
    const fired = (alertname: string, severity: string) =>
      waitFor(`${alertname} arrives firing`, async () => stack.webhook.alerts.find(alertMatching({ receiver: RECEIVERS.risk, status: 'firing', labels: { ...PIPELINE, alertname, severity, model: MODEL } })), REQUEST_ERRORS_WAIT).then(
        (a) => ((firedAfter[alertname] = seconds(modelLoadSince)), a),
      );
    const [errors, latency] = await Promise.all([fired('MlflowModelErrorRateHigh', 'critical'), fired('MlflowModelLatencyHigh', 'warning')]);
    const share = /^([\d.]+)% of the inference requests to model fraud_scorer \(pipeline payments_fraud_features\) failed over 5 minutes, over its bound\.$/.exec(errors.annotations.description);
    // 2 of every 10 requests fail: about 20%, far from the 5% bound whatever the window's edges.
    expect(Number(share?.[1])).toBeGreaterThan(10);
    expect(Number(share?.[1])).toBeLessThan(30);
    const p95 = /^The 95th percentile inference latency of model fraud_scorer \(pipeline payments_fraud_features\) is (\d+(?:\.\d+)?)(ms|s) over 5 minutes, over its bound\.$/.exec(latency.annotations.description);
    const p95Seconds = Number(p95?.[1]) / (p95?.[2] === 'ms' ? 1000 : 1);
    // 1 request in 10 sleeps 0.8 s: the 95th percentile falls among them, over the 0.5 s bound and under the 2.5 s bucket.
    expect(p95Seconds).toBeGreaterThan(0.5);
    expect(p95Seconds).toBeLessThanOrEqual(2.5);
    console.log(`PASS MlflowModelErrorRateHigh fired ${firedAfter.MlflowModelErrorRateHigh}s after the model load started (${share?.[1]}% failed, bound 5%)`);
    console.log(`PASS MlflowModelLatencyHigh fired ${firedAfter.MlflowModelLatencyHigh}s after the model load started (p95 ${p95Seconds}s with 1 in 10 requests sleeping ${SLOW_SECONDS}s, bound 0.5s)`);
  });

  it('WHEN the streaming dashboard is read THEN every panel query returns data', async () => {
    const streaming = allDashboards([]).find((d) => d.key === 'streaming');
    const queries = panelsOf(streaming!.json).flatMap((p) => p.queries.map((q) => ({ panel: p.title, expr: q.expr.replace(/\$__rate_interval/g, '1m') })));
    expect(queries.length).toBe(17);
    const empty: string[] = [];
    for (const q of queries) if ((await query(q.expr)).length === 0) empty.push(`${q.panel}: ${q.expr}`);
    expect(empty).toEqual([]);
    console.log(`PASS every streaming dashboard query (${queries.length}) returns data`);
  });

  // Last: the lost directory held part of every topic, the group offsets' topic among them.
  it('WHEN one of the broker\'s two log directories is lost THEN its partitions go offline and KafkaOfflinePartitions pages the platform team', async () => {
    const since = Date.now();
    const lost = stack.loseKafkaLogDir();
    expect(lost).toBeGreaterThan(0);
    const alert = await waitFor('KafkaOfflinePartitions arrives firing', async () => stack.webhook.alerts.find(alertMatching({ receiver: RECEIVERS.platform, status: 'firing', labels: { alertname: 'KafkaOfflinePartitions', severity: 'critical', team: 'data-platform' } })), ALERT_WAIT);
    expect(alert.annotations.description).toBe(`${lost} partition(s) have no leader: producers and consumers of them are stopped.`);
    expect(await value('sum(kafka_controller_kafkacontroller_activecontrollercount)')).toBe(1);
    console.log(`PASS KafkaOfflinePartitions fired ${seconds(since)}s after a log directory holding ${lost} partitions was lost`);
  });
});
