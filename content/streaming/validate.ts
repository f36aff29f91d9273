import { invalid } from '../validation';
import { StreamingPipelineSpec } from './spec';

/** Pipeline, table and model names become label values; keep them identifiers. */
const NAME = /^[a-z][a-z0-9_]{0,99}$/;
const TEAM = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** Kafka's own rule for topic and group names. */
const KAFKA_NAME = /^[A-Za-z0-9._-]{1,249}$/;
/** Spark app and query names appear in metric names, where Spark turns anything else into "_". */
const SPARK_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

const positive = (where: string, key: string, value: number | undefined, fix: string) => {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) invalid(where, key, value, fix);
};

/** Checks one streaming pipeline on its own; `where` is its construct path or file key. */
export function validateStreamingPipelineSpec(spec: StreamingPipelineSpec, where: string): void {
  if (!NAME.test(spec.name)) invalid(where, 'name', spec.name, 'Use lowercase letters, digits and "_", starting with a letter (e.g. "payments_fraud_features").');
  if (!TEAM.test(spec.ownerTeam)) invalid(where, 'ownerTeam', spec.ownerTeam, 'Use a lowercase team name of letters, digits, "_" and "-" (e.g. "risk"); it becomes the `team` label routes match on.');
  if (spec.topics.length === 0) invalid(where, 'topics', spec.topics, 'Name at least one Kafka topic the pipeline reads, e.g. ["payments.events"].');
  spec.topics.forEach((t, i) => {
    if (!KAFKA_NAME.test(t)) invalid(where, `topics[${i}]`, t, 'Use a Kafka topic name: letters, digits, ".", "_" and "-", at most 249 characters.');
  });
  if (!KAFKA_NAME.test(spec.consumerGroup)) invalid(where, 'consumerGroup', spec.consumerGroup, 'Use a Kafka group id: letters, digits, ".", "_" and "-".');
  if (spec.maxLag !== undefined && !(Number.isInteger(spec.maxLag) && spec.maxLag > 0)) invalid(where, 'maxLag', spec.maxLag, 'Use a whole number of records above 0, e.g. 10000.');
  const latency = spec.maxProcessingLatency;
  if (latency !== undefined && latency.toSeconds() <= 0) invalid(where, 'maxProcessingLatency', latency.toString(), 'Use a duration greater than zero, e.g. 5m.');
  if (spec.spark) {
    if (!SPARK_NAME.test(spec.spark.app)) invalid(where, 'spark.app', spec.spark.app, 'Use the spark.app.name of the job: letters, digits and "_", starting with a letter.');
    if (!SPARK_NAME.test(spec.spark.query)) invalid(where, 'spark.query', spec.spark.query, 'Use the queryName of the streaming query: letters, digits and "_", starting with a letter.');
  }
  const tables = new Set<string>();
  (spec.deltaTables ?? []).forEach((t, i) => {
    const at = `deltaTables[${i}]`;
    if (!NAME.test(t.table)) invalid(where, `${at}.table`, t.table, 'Use lowercase letters, digits and "_", starting with a letter (e.g. "fraud_features").');
    if (tables.has(t.table)) invalid(where, `${at}.table`, t.table, 'Declare each Delta table once.');
    tables.add(t.table);
    if (t.maxCommitAge !== undefined && t.maxCommitAge.toSeconds() <= 0) invalid(where, `${at}.maxCommitAge`, t.maxCommitAge.toString(), 'Use a duration greater than zero, e.g. 1h.');
    if (t.maxFiles !== undefined && !(Number.isInteger(t.maxFiles) && t.maxFiles > 0)) invalid(where, `${at}.maxFiles`, t.maxFiles, 'Use a whole number of files above 0, e.g. 1000.');
  });
  const model = spec.servedModel;
  if (model) {
    if (!NAME.test(model.model)) invalid(where, 'servedModel.model', model.model, 'Use lowercase letters, digits and "_", starting with a letter (e.g. "fraud_scorer").');
    const ratio = model.maxErrorRatio;
    if (ratio !== undefined && !(ratio > 0 && ratio < 1)) invalid(where, 'servedModel.maxErrorRatio', ratio, 'Use a share between 0 and 1, e.g. 0.05 for 5% failed requests.');
    positive(where, 'servedModel.maxP95LatencySeconds', model.maxP95LatencySeconds, 'Use a number of seconds above 0, e.g. 0.5.');
  }
}

/**
 * Checks every streaming pipeline, then the set: names, consumer groups,
 * queries, tables and models are the join keys of the alerts, so each belongs
 * to one pipeline; upstreams must be a known batch dag_id or streaming pipeline.
 */
export function validateStreamingPipelines(
  specs: readonly StreamingPipelineSpec[],
  knownDagIds: readonly string[] = [],
  whereOf: (i: number) => string = (i) => `streaming.pipelines[${i}]`,
): void {
  const owners = new Map<string, string>();
  const claim = (where: string, key: string, value: string, pipeline: string) => {
    const id = `${key}=${value}`;
    const owner = owners.get(id);
    if (owner !== undefined) invalid(where, key, value, `It is already declared by streaming pipeline "${owner}"; each ${key} belongs to one pipeline, or its alerts would fire twice.`);
    owners.set(id, pipeline);
  };
  specs.forEach((spec, i) => {
    const where = whereOf(i);
    validateStreamingPipelineSpec(spec, where);
    claim(where, 'name', spec.name, spec.name);
    if (knownDagIds.includes(spec.name)) invalid(where, 'name', spec.name, 'A batch pipeline has that dag_id; give the streaming pipeline its own name so upstream references stay unambiguous.');
    claim(where, 'consumerGroup', spec.consumerGroup, spec.name);
    if (spec.spark) claim(where, 'spark.query', spec.spark.query, spec.name);
    (spec.deltaTables ?? []).forEach((t) => claim(where, 'deltaTables.table', t.table, spec.name));
    if (spec.servedModel) claim(where, 'servedModel.model', spec.servedModel.model, spec.name);
  });
  const known = new Set([...knownDagIds, ...specs.map((s) => s.name)]);
  specs.forEach((spec, i) => {
    (spec.upstream ?? []).forEach((u, j) => {
      if (u === spec.name) invalid(whereOf(i), `upstream[${j}]`, u, 'A pipeline cannot be its own upstream.');
      if (!known.has(u)) invalid(whereOf(i), `upstream[${j}]`, u, `Name a batch dag_id or streaming pipeline of the catalog (known: ${[...known].sort().join(', ')}).`);
    });
  });
}
