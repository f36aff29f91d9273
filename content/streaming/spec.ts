import { Duration } from '../duration';
import { Severity } from '../pipeline/spec';

/** Which severity each kind of streaming-pipeline alert carries. */
export interface StreamingSeverityPolicy {
  /** The consumer group is over its lag bound and falling further behind. @default 'warning' */
  readonly lagGrowing?: Severity;
  /** A Structured Streaming micro-batch takes longer than the declared bound. @default 'warning' */
  readonly latencyHigh?: Severity;
  /** The declared streaming query reports no progress (stopped or died). @default 'critical' */
  readonly queryStalled?: Severity;
  /** A Spark job of the application failed. @default 'critical' */
  readonly jobsFailed?: Severity;
  /** The application lost executors. @default 'warning' */
  readonly executorLost?: Severity;
  /** A Delta table has many small files. @default 'warning' */
  readonly deltaSmallFiles?: Severity;
  /** A Delta table had no commit for longer than its bound. @default 'critical' */
  readonly deltaStale?: Severity;
  /** The served model answers with errors over its bound. @default 'critical' */
  readonly modelErrors?: Severity;
  /** The served model's p95 inference latency is over its bound. @default 'warning' */
  readonly modelLatency?: Severity;
}

/** The Structured Streaming query (and its Spark application) that processes the topics. */
export interface SparkQuerySpec {
  /** `spark.app.name` of the application running the query: the `app` label. */
  readonly app: string;
  /** The query's name (`writeStream.queryName(...)`): the `query` label. */
  readonly query: string;
}

/** A Delta table the pipeline writes; the writing job publishes its metrics after each commit. */
export interface DeltaTableSpec {
  /** Table name as published in the `table` label, e.g. `fraud_features`. */
  readonly table: string;
  /** Alert when the latest commit is older than this. @default 1 hour */
  readonly maxCommitAge?: Duration;
  /** Alert when the table has more files than this and they are small on average. @default 1000 */
  readonly maxFiles?: number;
}

/** A model served from MLflow with MLServer (`mlflow models serve --enable-mlserver`) that the pipeline's output feeds. */
export interface ServedModelSpec {
  /** Model name: the `model` label its server's scrape target carries (StreamingTargets.modelServers). */
  readonly model: string;
  /** Alert above this share of failed inference requests over 5 minutes. @default 0.05 */
  readonly maxErrorRatio?: number;
  /** Alert when the 95th percentile inference latency is above this many seconds (sub-second bounds are common). @default 1 */
  readonly maxP95LatencySeconds?: number;
}

/**
 * One streaming pipeline: Kafka topics read by a consumer group (typically a
 * Spark Structured Streaming query) that writes Delta tables, optionally
 * feeding a served model. The bounds become series joined on the consumer
 * group, query, application, table and model labels (content/streaming/rules.ts),
 * so no rule is written per pipeline.
 */
export interface StreamingPipelineSpec {
  /** Pipeline name: the `pipeline` label of its alerts, e.g. `payments_fraud_features`. */
  readonly name: string;
  /** Team that owns the pipeline; routes its alerts. */
  readonly ownerTeam: string;
  /** Kafka topics the pipeline reads. */
  readonly topics: readonly string[];
  /** Kafka consumer group whose committed offsets measure the lag. */
  readonly consumerGroup: string;
  /** Alert when the group's lag on a topic is above this many records and still growing. @default 10000 */
  readonly maxLag?: number;
  /** Longest acceptable micro-batch processing time. @default 5 minutes */
  readonly maxProcessingLatency?: Duration;
  /** @default - no Spark alerts */
  readonly spark?: SparkQuerySpec;
  /** @default [] */
  readonly deltaTables?: readonly DeltaTableSpec[];
  /** @default - no model alerts */
  readonly servedModel?: ServedModelSpec;
  /** Batch dag_ids or streaming pipeline names this pipeline reads from; their failures inhibit its stale-table alerts. @default [] */
  readonly upstream?: readonly string[];
  /** @default - see StreamingSeverityPolicy */
  readonly severity?: StreamingSeverityPolicy;
  readonly description?: string;
}

export const STREAMING_DEFAULTS = {
  maxLag: 10000,
  maxProcessingLatency: Duration.minutes(5),
  maxCommitAge: Duration.hours(1),
  maxFiles: 1000,
  maxErrorRatio: 0.05,
  maxP95LatencySeconds: 1,
} as const;
