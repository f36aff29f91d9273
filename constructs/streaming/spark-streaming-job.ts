import { Construct } from 'constructs';
import { StreamingPipelineSpec } from '../../content/streaming/spec';
import { DNS_LABEL, invalid } from '../../content/validation';
import { healthcheck } from '../core/healthchecks';
import { LocalImage, localBuild, rebuildOnSourceChange } from '../core/local-image';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';

export interface SparkStreamingJobProps {
  readonly platform: Platform;
  /** The pipeline the job runs: its first topic, Spark app and query names, and first Delta table. */
  readonly pipeline: StreamingPipelineSpec;
  /** `host:port[,host:port]` of the brokers. */
  readonly bootstrapServers: string;
  /** `host:port` of the Pushgateway the Delta metrics go to. */
  readonly pushgateway: string;
  /** Micro-batch trigger interval. @default 10 */
  readonly triggerSeconds?: number;
  /** Records per micro-batch at most. @default 500 */
  readonly maxOffsetsPerTrigger?: number;
  /** Hard memory limit of the container (driver and local executors share one JVM). @default 2048 */
  readonly memoryMb?: number;
  /** Containers created (and healthy) first, e.g. the stack's Kafka. @default [] */
  readonly dependsOn?: readonly ServiceContainer[];
}

/** The driver's UI port: PrometheusServlet on /metrics/prometheus/, executors on /metrics/executors/prometheus. */
export const SPARK_UI_PORT = 4040;
const DATA_DIR = '/data';
/** Where the image's build resolved the Kafka source and Delta jars (streaming/images/spark-job). */
const IVY_DIR = '/opt/ivy';

/** Also built by the docker tier (scripts/docker-tier/build-images.sh) from these same files. */
export const SPARK_JOB_IMAGE: LocalImage = {
  key: 'sparkStreamingJob',
  base: 'spark',
  dockerfile: 'streaming/images/spark-job/Dockerfile',
  sources: ['streaming/images/spark-job', 'streaming/fraud_features_job.py', 'streaming/delta_metrics.py', 'streaming/group_offsets.py', 'streaming/requirements.txt'],
};

const wholeAtLeast = (scope: Construct, key: string, value: number, min: number, example: string) => {
  if (!Number.isInteger(value) || value < min) invalid(scope, key, value, `Use a whole number of at least ${min}, e.g. ${example}.`);
  return value;
};

/**
 * The example Structured Streaming job (streaming/fraud_features_job.py) for one
 * declared pipeline, in one Spark session (`local[2]`): it reads the pipeline's
 * topic, appends each micro-batch to its Delta table on a volume, publishes the
 * table's metrics to the Pushgateway after each commit, commits the offsets it
 * read up to to the pipeline's consumer group (so the group's lag measures the
 * job), and serves Spark's own metrics on the driver's UI port
 * (PrometheusServlet and executor metrics, as the job configures them). The checkpoint sits beside the table, so a replaced
 * container resumes where it stopped.
 */
export class SparkStreamingJob extends Construct {
  readonly service: ServiceContainer;
  /** The driver's UI `host:port`, for the spark-driver and spark-executors scrape jobs. */
  readonly driverTarget: string;

  constructor(scope: Construct, id: string, props: SparkStreamingJobProps) {
    super(scope, id);
    const { platform, pipeline } = props;
    const spark = pipeline.spark;
    const table = pipeline.deltaTables?.[0]?.table;
    if (!spark || !table) {
      invalid(this, 'run.spark.pipeline', pipeline.name, 'The job needs a pipeline that declares `spark` (app and query) and at least one of `deltaTables`; name such a pipeline.');
    }
    const triggerSeconds = wholeAtLeast(this, 'run.spark.triggerSeconds', props.triggerSeconds ?? 10, 1, '10');
    const maxOffsets = wholeAtLeast(this, 'run.spark.maxOffsetsPerTrigger', props.maxOffsetsPerTrigger ?? 500, 1, '500');
    const memoryMb = wholeAtLeast(this, 'run.spark.memoryMb', props.memoryMb ?? 2048, 1024, '2048');
    const service = `spark-${spark.app.toLowerCase().replace(/_/g, '-')}`;
    if (!DNS_LABEL.test(service)) invalid(this, 'spark.app', spark.app, 'The container is named spark-<app>: use an app name of at most 57 letters, digits and "_".');
    this.driverTarget = `${service}:${SPARK_UI_PORT}`;
    const build = localBuild(platform, SPARK_JOB_IMAGE);
    this.service = new ServiceContainer(this, 'Resource', {
      platform,
      service,
      image: SPARK_JOB_IMAGE.key,
      build,
      command: [
        '--bootstrap', props.bootstrapServers,
        '--topic', pipeline.topics[0],
        '--group', pipeline.consumerGroup,
        '--app', spark.app,
        '--query', spark.query,
        '--table', table,
        '--table-path', `${DATA_DIR}/delta/${table}`,
        '--checkpoint', `${DATA_DIR}/checkpoints/${spark.query}`,
        '--pushgateway', props.pushgateway,
        '--ui-port', String(SPARK_UI_PORT),
        '--trigger-seconds', String(triggerSeconds),
        '--max-offsets', String(maxOffsets),
        '--ivy', IVY_DIR,
      ],
      mounts: [{ volume: platform.volume(this, 'Data', `${service}-data`), containerPath: DATA_DIR }],
      memoryMb,
      dependsOn: props.dependsOn,
      healthcheck: healthcheck(['CMD', 'python3', '-c', `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${SPARK_UI_PORT}/metrics/executors/prometheus', timeout=4)`], { startPeriodSeconds: 120 }),
    });
    if (build) rebuildOnSourceChange(this.service, SPARK_JOB_IMAGE);
  }
}
