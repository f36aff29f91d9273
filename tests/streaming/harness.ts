import { execFile } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { receiverSecrets } from '../../content/alertmanager/receivers';
import { Duration } from '../../content/duration';
import { renderAlertmanagerConfig } from '../../content/alertmanager/routing';
import { pushgatewayFlags, pushgatewayScrapeJob } from '../../content/dbt/pushgateway';
import { renderPrometheusConfig } from '../../content/prometheus/config';
import { renderRuleFile } from '../../content/rules/render';
import { streamingInhibitRules } from '../../content/streaming/lineage';
import { STREAMING_RULE_FILE, streamingRuleGroups } from '../../content/streaming/rules';
import { streamingScrapeJobs } from '../../content/streaming/scrape';
import { StreamingPipelineSpec } from '../../content/streaming/spec';
import { toYaml } from '../../content/yaml';
import { alertmanagerProcess, QUICK_RESOLVE_TIMING } from '../live/harness/alertmanager';
import { isOk } from '../live/harness/http';
import { LIVE_INTERVALS, LIVE_LINKS, relocateSecretFiles } from '../live/harness/live-configs';
import { ManagedProcess } from '../live/harness/processes';
import { LivePrometheus } from '../live/harness/prometheus';
import { liveTools, REPO_ROOT } from '../live/harness/tools';
import { waitFor } from '../live/harness/wait';
import { WebhookReceiver } from '../live/harness/webhook-receiver';
import { localKafka } from './kafka-broker';
import { freePort } from '../support/ports';

const run = promisify(execFile);

export const TOPIC = 'payments.events';
export const GROUP = 'fraud-features';
export const TABLE = 'fraud_features';
export const QUERY = 'fraud_features';
/**
 * Records per micro-batch at most: four times what the producer's 10 a second brings in a 5 s trigger, so
 * the job keeps up even while a cold JVM takes seconds per batch, and under half the 470 that arrive while
 * a slowed batch sleeps 45 s, so a slowed job falls behind.
 */
export const MAX_OFFSETS = 200;
/** A compacted topic: the broker fails every produce request of records without a key. */
export const STRICT_TOPIC = 'payments.compacted';
/**
 * Files the tier's table may hold before DeltaTableSmallFiles fires. A normal
 * micro-batch writes at most 2 files (2 shuffle partitions) every 5 s, so the
 * table stays under it for the tier's first 15 minutes unless split on purpose.
 */
export const TABLE_MAX_FILES = 360;
/** The served model: its MLServer model name, the pipeline's servedModel.model and its scrape target's `model`. */
export const MODEL = 'fraud_scorer';
/**
 * The example platform's streaming pipeline (streaming.yaml) with the tier's
 * tight bounds, so alerts fire within minutes: 300 records of lag, 30 s per
 * micro-batch (the first batches of a cold JVM on a loaded 2-core machine
 * take over 10 s); the served model keeps the default 5% failed requests and
 * a 0.5 s p95.
 */
export const FRAUD: StreamingPipelineSpec = {
  name: 'payments_fraud_features',
  ownerTeam: 'risk',
  topics: [TOPIC],
  consumerGroup: GROUP,
  maxLag: 300,
  maxProcessingLatency: Duration.seconds(30),
  spark: { app: 'fraud_features', query: QUERY },
  deltaTables: [{ table: TABLE, maxFiles: TABLE_MAX_FILES }],
  servedModel: { model: MODEL, maxErrorRatio: 0.05, maxP95LatencySeconds: 0.5 },
};
export const RECEIVERS = { risk: 'team-risk', platform: 'team-data-platform' } as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tier with npm run test:streaming (scripts/test-streaming.sh installs Kafka, the JMX agent and the venv)`);
  return value;
}

/** Kafka, the lag exporter, the Spark job, MLflow, a model server, the Pushgateway, Prometheus, Alertmanager and a webhook, all on loopback. */
export class StreamingStack {
  private readonly processes: ManagedProcess[] = [];
  producer?: ManagedProcess;
  spark!: ManagedProcess;
  prometheus!: LivePrometheus;
  webhook!: WebhookReceiver;
  bootstrap = '';
  mlflowUrl = '';
  /** The model server's REST API (`mlflow models serve --enable-mlserver`). */
  modelUrl = '';
  /** Switch files of the Spark job (streaming/fraud_features_job.py). */
  private readonly switches: Readonly<Record<'slow' | 'smallFiles' | 'fail', string>>;
  private kafkaLogDirs: readonly string[] = [];

  private constructor(readonly dir: string) {
    this.switches = { slow: join(dir, 'spark-slow'), smallFiles: join(dir, 'spark-small-files'), fail: join(dir, 'spark-fail') };
  }

  static async start(): Promise<StreamingStack> {
    const stack = new StreamingStack(mkdtempSync(join(tmpdir(), 'pipewatch-streaming-')));
    await stack.startAll();
    return stack;
  }

  private python(): string {
    return join(required('PIPEWATCH_STREAMING_VENV'), 'bin', 'python');
  }

  private async started(p: ManagedProcess): Promise<ManagedProcess> {
    this.processes.push(p);
    await p.start();
    return p;
  }

  private async startAll(): Promise<void> {
    const tools = liveTools();
    const [broker, controller, jmx, lag, pushgateway, sparkUi, mlflow, prometheusPort, alertmanagerPort, ...model] = await Promise.all(Array.from({ length: 12 }, () => freePort()));
    const [modelHttp, modelGrpc, modelMetrics] = model;
    this.bootstrap = `127.0.0.1:${broker}`;
    this.webhook = await WebhookReceiver.start();

    // Kafka in KRaft mode: one JVM as broker and controller, the JMX agent on loopback.
    const kafkaDir = join(this.dir, 'kafka');
    mkdirSync(kafkaDir);
    // Two log directories: losing the second (loseKafkaLogDir) takes its partitions offline while the broker runs on.
    this.kafkaLogDirs = [join(kafkaDir, 'data'), join(kafkaDir, 'data-2')];
    await this.started(
      await localKafka({
        dir: kafkaDir,
        jars: required('PIPEWATCH_STREAMING_JARS'),
        brokerPort: broker,
        controllerPort: controller,
        logDirs: this.kafkaLogDirs,
        jmx: { agent: required('PIPEWATCH_STREAMING_AGENT'), port: jmx },
      }),
    );
    await run(this.python(), [join(__dirname, 'kafka_client.py'), 'create-topic', '--bootstrap', this.bootstrap, '--topic', TOPIC, '--partitions', '2'], { timeout: 60_000 });
    await run(this.python(), [join(__dirname, 'kafka_client.py'), 'create-topic', '--bootstrap', this.bootstrap, '--topic', STRICT_TOPIC, '--partitions', '1', '--compacted'], { timeout: 60_000 });

    await this.started(
      new ManagedProcess({
        name: 'kafka-lag-exporter',
        command: this.python(),
        args: [join(REPO_ROOT, 'streaming/kafka_lag_exporter.py'), '--bootstrap', this.bootstrap, '--group', GROUP, '--port', String(lag)],
        logFile: join(this.dir, 'lag-exporter.log'),
        ready: () => isOk(`http://127.0.0.1:${lag}/metrics`),
      }),
    );

    mkdirSync(join(this.dir, 'pushgateway'));
    await this.started(
      new ManagedProcess({
        name: 'pushgateway',
        command: tools.pushgateway,
        args: pushgatewayFlags(join(this.dir, 'pushgateway', 'metrics.db'), `127.0.0.1:${pushgateway}`),
        logFile: join(this.dir, 'pushgateway.log'),
        ready: () => isOk(`http://127.0.0.1:${pushgateway}/-/ready`),
      }),
    );

    this.mlflowUrl = `http://127.0.0.1:${mlflow}`;
    await this.started(
      new ManagedProcess({
        name: 'mlflow',
        command: join(required('PIPEWATCH_STREAMING_VENV'), 'bin', 'mlflow'),
        args: ['server', '--host', '127.0.0.1', '--port', String(mlflow), '--workers', '1', '--backend-store-uri', `sqlite:///${join(this.dir, 'mlflow.db')}`, '--default-artifact-root', join(this.dir, 'mlflow-artifacts'), '--expose-prometheus', join(this.dir, 'mlflow-prometheus')],
        logFile: join(this.dir, 'mlflow.log'),
        ready: () => isOk(`${this.mlflowUrl}/health`),
        readyTimeoutMs: 90_000,
      }),
    );

    // The model is logged and served while Spark starts: both take seconds of Python imports.
    const modelServer = this.startModelServer(modelHttp, modelGrpc, modelMetrics);
    modelServer.catch(() => undefined); // awaited below, after Spark
    this.spark = await this.started(
      new ManagedProcess({
        name: 'spark',
        command: this.python(),
        args: [
          join(REPO_ROOT, 'streaming/fraud_features_job.py'),
          '--bootstrap', this.bootstrap,
          '--topic', TOPIC,
          '--group', GROUP,
          '--app', FRAUD.spark!.app,
          '--query', QUERY,
          '--table', TABLE,
          '--table-path', join(this.dir, 'delta', TABLE),
          '--checkpoint', join(this.dir, 'checkpoint'),
          '--pushgateway', `127.0.0.1:${pushgateway}`,
          '--ui-port', String(sparkUi),
          '--trigger-seconds', '5',
          '--max-offsets', String(MAX_OFFSETS),
          '--slow-file', this.switches.slow,
          '--small-files-file', this.switches.smallFiles,
          '--fail-file', this.switches.fail,
          '--ivy', required('PIPEWATCH_STREAMING_IVY'),
        ],
        env: { SPARK_LOCAL_IP: '127.0.0.1' },
        logFile: join(this.dir, 'spark.log'),
        ready: () => isOk(`http://127.0.0.1:${sparkUi}/metrics/executors/prometheus`),
        readyTimeoutMs: 180_000,
      }),
    );

    await modelServer;

    const alertmanager = alertmanagerProcess('alertmanager', tools.alertmanager, join(this.dir, 'alertmanager'), alertmanagerPort, (secretsDir, templatesDir) => {
      const receivers = [{ kind: 'webhook' as const, name: RECEIVERS.risk }, { kind: 'webhook' as const, name: RECEIVERS.platform }];
      const config = renderAlertmanagerConfig(
        {
          receivers,
          teamRoutes: [{ team: 'risk', receiver: RECEIVERS.risk }, { team: 'data-platform', receiver: RECEIVERS.platform }],
          inhibitRules: streamingInhibitRules([FRAUD]),
          templatesDir,
          timing: QUICK_RESOLVE_TIMING,
        },
        'streaming-tier',
      );
      const secrets = Object.fromEntries(receivers.map((r) => [receiverSecrets(r)[0], `${this.webhook.baseUrl}/${r.name}\n`]));
      return { config: toYaml(relocateSecretFiles(config, secretsDir)), secrets };
    });
    await this.started(alertmanager);

    this.prometheus = await LivePrometheus.start({
      binary: tools.prometheus,
      dir: join(this.dir, 'prometheus'),
      port: prometheusPort,
      ruleFiles: [{ name: STREAMING_RULE_FILE, content: renderRuleFile(streamingRuleGroups([FRAUD], { links: LIVE_LINKS })) }],
      config: (rulesDir) =>
        toYaml(
          renderPrometheusConfig({
            ...LIVE_INTERVALS,
            externalLabels: { environment: 'streaming-tier' },
            alertmanagers: [`127.0.0.1:${alertmanagerPort}`],
            ruleFiles: [`${rulesDir}/${STREAMING_RULE_FILE}`],
            scrapeJobs: [
              ...streamingScrapeJobs({
                kafkaJmx: [`127.0.0.1:${jmx}`],
                lagExporter: [`127.0.0.1:${lag}`],
                sparkDrivers: [`127.0.0.1:${sparkUi}`],
                mlflow: [`127.0.0.1:${mlflow}`],
                modelServers: [{ target: `127.0.0.1:${modelMetrics}`, model: MODEL }],
              }),
              pushgatewayScrapeJob(`127.0.0.1:${pushgateway}`),
            ],
          }),
        ),
      alertResendDelaySeconds: 5,
    });
    this.processes.push(this.prometheus.process);
  }

  /**
   * Logs the tier's pyfunc model (served_model.py) to the tracking server, then serves it the way MLflow
   * does with MLServer: `mlflow models serve --enable-mlserver` runs `mlserver start`, configured through
   * MLSERVER_* variables (model name, gRPC and metrics ports, the metrics files of its inference worker).
   */
  private async startModelServer(http: number, grpc: number, metrics: number): Promise<void> {
    const venvBin = join(required('PIPEWATCH_STREAMING_VENV'), 'bin');
    const { stdout } = await run(this.python(), [join(__dirname, 'served_model.py'), '--tracking-uri', this.mlflowUrl, '--experiment', MODEL], { timeout: 120_000 });
    const modelUri = stdout.trim().split('\n').pop() as string;
    this.modelUrl = `http://127.0.0.1:${http}`;
    mkdirSync(join(this.dir, 'mlserver-metrics'));
    await this.started(
      new ManagedProcess({
        name: 'model-server',
        command: join(venvBin, 'mlflow'),
        args: ['models', 'serve', '-m', modelUri, '--enable-mlserver', '--env-manager', 'local', '-h', '127.0.0.1', '-p', String(http)],
        env: {
          PATH: `${venvBin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
          MLFLOW_TRACKING_URI: this.mlflowUrl,
          MLSERVER_MODEL_NAME: MODEL,
          MLSERVER_GRPC_PORT: String(grpc),
          MLSERVER_METRICS_PORT: String(metrics),
          MLSERVER_METRICS_DIR: join(this.dir, 'mlserver-metrics'),
        },
        cwd: this.dir,
        logFile: join(this.dir, 'model-server.log'),
        ready: () => isOk(`${this.modelUrl}/v2/models/${MODEL}/ready`),
        readyTimeoutMs: 120_000,
      }),
    );
  }

  /** A producer of `max` records at `rate` a second; it stops by itself. */
  async startProducer(rate: number, max: number): Promise<void> {
    this.producer = await this.started(this.client('producer', ['produce', '--rate', String(rate), '--max', String(max)]));
  }

  /** A producer of at most `max` records without a key at `rate` a second to STRICT_TOPIC: the broker fails each request. */
  async startFailingProducer(rate: number, max: number): Promise<ManagedProcess> {
    return this.started(this.client('failing-producer', ['produce', '--rate', String(rate), '--max', String(max), '--no-key'], STRICT_TOPIC));
  }

  private client(name: string, args: string[], topic = TOPIC): ManagedProcess {
    return new ManagedProcess({
      name,
      command: this.python(),
      args: [join(__dirname, 'kafka_client.py'), ...args, '--bootstrap', this.bootstrap, '--topic', topic],
      logFile: join(this.dir, `${name}.log`),
      ready: async () => true,
    });
  }

  /** Each micro-batch of the Spark job sleeps this long first, until cleared. */
  slowSpark(seconds: number | undefined): void {
    this.setSwitch(this.switches.slow, seconds);
  }

  /** Each micro-batch of the Spark job writes its rows into this many files (one per row at most), until cleared. */
  splitSparkWrites(files: number | undefined): void {
    this.setSwitch(this.switches.smallFiles, files);
  }

  /** The Spark job's session runs one job that fails; resolves once the job has taken the switch. */
  async failOneSparkJob(): Promise<void> {
    this.setSwitch(this.switches.fail, 1);
    await waitFor('the Spark job takes the fail switch', async () => !existsSync(this.switches.fail) || undefined, { timeoutMs: 60_000, intervalMs: 500 });
  }

  /**
   * Removes the broker's second log directory, as a failed disk would; the broker notices when it next writes
   * there (its checkpoints, within seconds). Returns the number of partitions whose logs it held.
   */
  loseKafkaLogDir(): number {
    const lost = this.kafkaLogDirs[1];
    const partitions = readdirSync(lost).filter((name) => /-\d+$/.test(name)).length;
    rmSync(lost, { recursive: true, force: true });
    return partitions;
  }

  private setSwitch(file: string, value: number | undefined): void {
    if (value === undefined) rmSync(file, { force: true });
    else writeFileSync(file, String(value));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.processes].reverse().map((p) => p.stop()));
    await this.webhook?.stop();
    if (!process.env.PIPEWATCH_LIVE_KEEP) rmSync(this.dir, { recursive: true, force: true });
  }
}
