import { Duration } from '../../content/duration';
import { DEFAULT_STREAMING_FILE, loadStreamingCatalog, parseStreamingCatalog } from '../../content/streaming/catalog';
import { streamingInhibitRules } from '../../content/streaming/lineage';
import { streamingRuleGroups } from '../../content/streaming/rules';
import { StreamingPipelineSpec } from '../../content/streaming/spec';

const DAGS = ['datalake_ingest', 'example_etl', 'data_quality'];
const base: StreamingPipelineSpec = { name: 'clickstream_sessions', ownerTeam: 'web', topics: ['clicks'], consumerGroup: 'sessions' };

describe('the streaming pipeline catalog', () => {
  it('GIVEN streaming.yaml WHEN it is loaded THEN the example pipeline reads as written', () => {
    const [fraud, ...rest] = loadStreamingCatalog(DEFAULT_STREAMING_FILE, DAGS);
    expect(rest).toEqual([]);
    expect(fraud).toEqual(
      expect.objectContaining({
        name: 'payments_fraud_features',
        ownerTeam: 'risk',
        topics: ['payments.events'],
        consumerGroup: 'fraud-features',
        maxLag: 10000,
        spark: { app: 'fraud_features', query: 'fraud_features' },
        servedModel: { model: 'fraud_scorer', maxErrorRatio: 0.02, maxP95LatencySeconds: 0.5 },
        upstream: ['example_etl'],
      }),
    );
    expect(fraud.maxProcessingLatency?.toSeconds()).toBe(300);
    expect(fraud.deltaTables?.[0].maxCommitAge?.toSeconds()).toBe(1800);
  });

  it('GIVEN a misspelt field WHEN the catalog is parsed THEN the error names the file, pipeline, field and the closest known one', () => {
    const text = 'streaming:\n  - { name: p, ownerTeam: web, topics: [t], consumerGroup: g, maxlag: 5 }\n';
    expect(() => parseStreamingCatalog(text, 'streaming.yaml')).toThrow('streaming.yaml: streaming[0] (p): maxlag: unknown field; did you mean maxLag?');
  });

  it('GIVEN a bad duration WHEN the catalog is parsed THEN the error names the field and the value', () => {
    const text = 'streaming:\n  - { name: p, ownerTeam: web, topics: [t], consumerGroup: g, maxProcessingLatency: soon }\n';
    expect(() => parseStreamingCatalog(text, 'streaming.yaml')).toThrow('streaming.yaml: streaming[0] (p): maxProcessingLatency: invalid value "soon".');
  });

  it('GIVEN an upstream nobody declares WHEN the catalog is parsed THEN the error lists the known names', () => {
    const text = 'streaming:\n  - { name: p, ownerTeam: web, topics: [t], consumerGroup: g, upstream: [nightly_load] }\n';
    expect(() => parseStreamingCatalog(text, 'streaming.yaml', ['example_etl'])).toThrow(
      'streaming.yaml: streaming[0] (p): invalid upstream[0] "nightly_load". Name a batch dag_id or streaming pipeline of the catalog (known: example_etl, p).',
    );
  });
});

describe('StreamingPipelineSpec validation', () => {
  const where = (i: number) => `local-dev/Monitoring/streaming.pipelines[${i}]`;
  it.each([
    [{ ...base, name: 'Click-Stream' }, 'local-dev/Monitoring/streaming.pipelines[0]: invalid name "Click-Stream". Use lowercase letters, digits and "_"'],
    [{ ...base, topics: [] }, 'invalid topics []. Name at least one Kafka topic'],
    [{ ...base, consumerGroup: 'a group' }, 'invalid consumerGroup "a group". Use a Kafka group id'],
    [{ ...base, maxLag: 0 }, 'invalid maxLag 0. Use a whole number of records above 0'],
    [{ ...base, maxProcessingLatency: Duration.seconds(0) }, 'invalid maxProcessingLatency "0s". Use a duration greater than zero'],
    [{ ...base, spark: { app: 'fraud-features', query: 'q' } }, 'invalid spark.app "fraud-features". Use the spark.app.name of the job'],
    [{ ...base, servedModel: { model: 'm', maxErrorRatio: 5 } }, 'invalid servedModel.maxErrorRatio 5. Use a share between 0 and 1'],
  ])('GIVEN a bad value WHEN the rules are built THEN the error names the construct path, the value and the fix (%#)', (spec, message) => {
    expect(() => streamingRuleGroups([spec as StreamingPipelineSpec], { whereOf: where })).toThrow(message);
  });

  it('GIVEN two pipelines on one consumer group WHEN the rules are built THEN the second is rejected, naming the first', () => {
    expect(() => streamingRuleGroups([base, { ...base, name: 'other' }], { whereOf: where })).toThrow(
      'local-dev/Monitoring/streaming.pipelines[1]: invalid consumerGroup "sessions". It is already declared by streaming pipeline "clickstream_sessions"',
    );
  });

  it('GIVEN a streaming pipeline named like a batch DAG WHEN the rules are built THEN it is rejected', () => {
    expect(() => streamingRuleGroups([{ ...base, name: 'example_etl' }], { knownDagIds: DAGS, whereOf: where })).toThrow('invalid name "example_etl". A batch pipeline has that dag_id');
  });
});

describe('streaming lineage inhibition', () => {
  it('GIVEN a pipeline downstream of a batch DAG and another streaming pipeline WHEN the inhibit rules are built THEN each side is matched by its own label', () => {
    const features: StreamingPipelineSpec = { ...base, name: 'features', consumerGroup: 'features', upstream: ['example_etl', 'clickstream_sessions'] };
    expect(streamingInhibitRules([base, features])).toEqual([
      {
        source_matchers: ['alertname=~"KafkaOfflinePartitions|KafkaNoActiveController"'],
        target_matchers: ['alertname=~"KafkaConsumerLagGrowing|DeltaTableStale"'],
      },
      {
        source_matchers: ['alertname=~"PipelineRunFailed|PipelineDataStale|PipelineDeadlineMissed|PipelineMetricsAbsent"', 'dag_id=~"example_etl"'],
        target_matchers: ['alertname=~"DeltaTableStale"', 'pipeline="features"'],
      },
      {
        source_matchers: ['alertname=~"KafkaConsumerLagGrowing|SparkStreamingQueryStalled|SparkJobsFailed|DeltaTableStale"', 'pipeline=~"clickstream_sessions"'],
        target_matchers: ['alertname=~"DeltaTableStale"', 'pipeline="features"'],
      },
    ]);
  });
});
