import { Construct } from 'constructs';
import { StreamingPipelineSpec } from '../../content/streaming/spec';
import { invalid } from '../../content/validation';
import { Platform } from '../core/platform';
import { Kafka } from './kafka';
import { KafkaLagExporter } from './kafka-lag-exporter';
import { Mlflow } from './mlflow';
import { SparkStreamingJob } from './spark-streaming-job';

/**
 * Streaming components the stack runs itself (docs/streaming.md#running-kafka-spark-and-mlflow-in-the-stack).
 * Each is off unless given; `{}` runs it with its defaults. A component that runs here is scraped at its
 * container; one that runs elsewhere is monitored through the targets of StreamingMonitoringProps instead.
 */
export interface StreamingComponentsProps {
  /**
   * A single-node Kafka (KRaft) with the Prometheus JMX exporter agent, the declared pipelines' topics
   * (created once the broker is healthy, unless they exist), and the consumer-lag exporter for their
   * consumer groups (neither when no pipeline is declared).
   * @default - not run
   */
  readonly kafka?: {
    /** @default 512 */
    readonly heapMb?: number;
    /** Partitions of each declared pipeline's topic the stack creates (existing topics are left as they are). @default 1 */
    readonly topicPartitions?: number;
  };
  /**
   * The example Structured Streaming job (streaming/fraud_features_job.py) for one declared pipeline,
   * writing its Delta table on a volume and pushing the table's metrics to the Pushgateway.
   * @default - not run
   */
  readonly spark?: {
    /** The pipeline it runs. @default - the first pipeline that declares `spark` and a Delta table */
    readonly pipeline?: string;
    /** Brokers of a Kafka that runs elsewhere. @default - the stack's Kafka (`run.kafka` must be on) */
    readonly bootstrapServers?: string;
    /** @default 10 */
    readonly triggerSeconds?: number;
    /** @default 500 */
    readonly maxOffsetsPerTrigger?: number;
    /** @default 2048 */
    readonly memoryMb?: number;
  };
  /** An MLflow tracking server with `--expose-prometheus`, UI on 127.0.0.1:5000 (plus the port offset). @default - not run */
  readonly mlflow?: { /** @default 1 */ readonly workers?: number };
}

/** The scrape targets of the components that run here, in StreamingMonitoringProps' shape. */
export interface StreamingComponentTargets {
  readonly kafka?: { readonly jmxTargets: readonly string[]; readonly lagExporterTargets: readonly string[] };
  readonly spark?: { readonly driverTargets: readonly string[] };
  readonly mlflow?: { readonly targets: readonly string[] };
}

export interface StreamingComponentsWiring {
  readonly platform: Platform;
  readonly pipelines: readonly StreamingPipelineSpec[];
  /** `host:port` of the stack's Pushgateway. */
  readonly pushgateway: string;
  /** Host port of MLflow's UI, offset applied. */
  readonly mlflowHostPort: number;
  /** The components the user points at elsewhere: each may run here or there, not both. */
  readonly external: { readonly kafka?: unknown; readonly spark?: unknown; readonly mlflow?: unknown };
}

const BOOTSTRAP = /^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$/;

/** Kafka and its lag exporter, the Spark job and MLflow, as switched on. */
export class StreamingComponents extends Construct {
  readonly kafka?: Kafka;
  readonly lagExporter?: KafkaLagExporter;
  readonly sparkJob?: SparkStreamingJob;
  readonly mlflow?: Mlflow;
  readonly targets: StreamingComponentTargets;

  constructor(scope: Construct, id: string, props: StreamingComponentsProps, wiring: StreamingComponentsWiring) {
    super(scope, id);
    const { platform } = wiring;
    for (const name of ['kafka', 'spark', 'mlflow'] as const) {
      if (props[name] && wiring.external[name]) {
        invalid(this, `run.${name}`, props[name], `${name} is also given as an existing server to monitor (streaming.${name}): run it in the stack (run.${name}) or point at the existing one, not both; remove one of them.`);
      }
    }
    const targets: { -readonly [K in keyof StreamingComponentTargets]: StreamingComponentTargets[K] } = {};
    if (props.kafka) {
      const topics = wiring.pipelines.flatMap((p) => p.topics);
      this.kafka = new Kafka(this, 'Kafka', { platform, heapMb: props.kafka.heapMb, topics, topicPartitions: props.kafka.topicPartitions });
      const groups = wiring.pipelines.map((p) => p.consumerGroup);
      if (groups.length > 0) this.lagExporter = new KafkaLagExporter(this, 'LagExporter', { platform, bootstrapServers: this.kafka.bootstrapServers, groups });
      targets.kafka = { jmxTargets: [this.kafka.jmxTarget], lagExporterTargets: this.lagExporter ? [this.lagExporter.target] : [] };
    }
    if (props.spark) {
      this.sparkJob = new SparkStreamingJob(this, 'SparkJob', {
        platform,
        pipeline: this.sparkPipeline(props.spark.pipeline, wiring.pipelines),
        bootstrapServers: this.bootstrapFor(props.spark.bootstrapServers),
        pushgateway: wiring.pushgateway,
        triggerSeconds: props.spark.triggerSeconds,
        maxOffsetsPerTrigger: props.spark.maxOffsetsPerTrigger,
        memoryMb: props.spark.memoryMb,
        // After its topic exists: Spark's Kafka source fails on a missing one.
        dependsOn: this.kafka ? [this.kafka.topics?.service ?? this.kafka.service] : undefined,
      });
      targets.spark = { driverTargets: [this.sparkJob.driverTarget] };
    }
    if (props.mlflow) {
      this.mlflow = new Mlflow(this, 'Mlflow', { platform, hostPort: wiring.mlflowHostPort, workers: props.mlflow.workers });
      targets.mlflow = { targets: [this.mlflow.target] };
    }
    this.targets = targets;
  }

  private sparkPipeline(name: string | undefined, pipelines: readonly StreamingPipelineSpec[]): StreamingPipelineSpec {
    const runnable = pipelines.filter((p) => p.spark && (p.deltaTables ?? []).length > 0);
    const chosen = name === undefined ? runnable[0] : pipelines.find((p) => p.name === name);
    if (!chosen) {
      const known = runnable.map((p) => p.name).join(', ') || 'none: declare one with `spark` and `deltaTables`';
      invalid(this, 'run.spark.pipeline', name ?? null, `Name a declared streaming pipeline with \`spark\` and a Delta table (candidates: ${known}).`);
    }
    return chosen;
  }

  private bootstrapFor(given: string | undefined): string {
    if (given !== undefined) {
      if (!BOOTSTRAP.test(given)) invalid(this, 'run.spark.bootstrapServers', given, 'Use host:port[,host:port] of the brokers as the job reaches them, e.g. "kafka-1:9092".');
      return given;
    }
    if (!this.kafka) invalid(this, 'run.spark.bootstrapServers', null, 'The job needs brokers: switch on run.kafka, or give the existing brokers as run.spark.bootstrapServers.');
    return this.kafka.bootstrapServers;
  }
}
