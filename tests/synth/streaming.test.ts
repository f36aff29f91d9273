import { parse } from 'yaml';
import { DEFAULT_STREAMING_FILE, loadStreamingCatalog } from '../../content/streaming/catalog';
import { container, containers, synthLocal, uploaded } from '../support/synth';

const EXAMPLE = loadStreamingCatalog(DEFAULT_STREAMING_FILE, ['example_etl']);
const prometheusYml = (json: unknown) => parse(uploaded(container(json as never, 'dev-prometheus'), '/etc/prometheus/prometheus.yml'));
const jobNames = (yml: { scrape_configs: { job_name: string }[] }) => yml.scrape_configs.map((j) => j.job_name);

describe('GIVEN the streaming switch on the stack', () => {
  it('WHEN it is left off THEN there is no streaming rule file, no streaming scrape job and no Pushgateway', () => {
    const { json } = synthLocal();
    const yml = prometheusYml(json);
    expect(yml.rule_files.some((f: string) => f.endsWith('streaming.yml'))).toBe(false);
    expect(jobNames(yml)).not.toEqual(expect.arrayContaining(['kafka']));
    expect(jobNames(yml).filter((j: string) => ['kafka', 'kafka-lag-exporter', 'spark-driver', 'spark-executors', 'mlflow', 'pushgateway'].includes(j))).toEqual([]);
    expect(containers(json).map((c) => c.name)).not.toContain('dev-pushgateway');
  });

  describe('WHEN it is on with the example pipeline, Kafka and Spark, and MLflow left off', () => {
    const { json } = synthLocal({ streaming: { pipelines: EXAMPLE, kafka: { jmxTargets: ['kafka-1:7071'], lagExporterTargets: ['kafka-lag:9308'] }, spark: { driverTargets: ['fraud-driver:4040'] } } });
    const yml = prometheusYml(json);

    it('THEN only the components that are on are scraped, and the Pushgateway for Delta metrics runs', () => {
      expect(jobNames(yml).filter((j: string) => ['kafka', 'kafka-lag-exporter', 'spark-driver', 'spark-executors', 'mlflow', 'pushgateway'].includes(j))).toEqual([
        'pushgateway',
        'kafka',
        'kafka-lag-exporter',
        'spark-driver',
        'spark-executors',
      ]);
      const driver = yml.scrape_configs.find((j: { job_name: string }) => j.job_name === 'spark-driver');
      expect(driver.metrics_path).toBe('/metrics/prometheus/');
      expect(driver.static_configs).toEqual([{ targets: ['fraud-driver:4040'] }]);
      expect(containers(json).map((c) => c.name)).toContain('dev-pushgateway');
    });

    it('THEN the streaming rule file holds the example pipeline’s bounds, routed to its team', () => {
      const rules = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/rules/streaming.yml'));
      expect(rules.groups.map((g: { name: string }) => g.name)).toEqual(['pipewatch-streaming-bounds', 'pipewatch-streaming']);
      const lag = rules.groups[0].rules[0];
      expect(lag).toEqual({
        record: 'pipeline:pipewatch_streaming_bound:value',
        expr: 'vector(10000)',
        labels: { alert: 'KafkaConsumerLagGrowing', pipeline: 'payments_fraud_features', team: 'risk', severity: 'warning', consumergroup: 'fraud-features' },
      });
      expect(rules.groups[1].rules).toHaveLength(13);
    });

    it('THEN Alertmanager mutes the stale-table alert while example_etl fails', () => {
      const config = parse(uploaded(container(json, 'dev-alertmanager'), '/etc/alertmanager/alertmanager.yml'));
      expect(config.inhibit_rules).toContainEqual({
        source_matchers: ['alertname=~"PipelineRunFailed|PipelineDataStale|PipelineDeadlineMissed|PipelineMetricsAbsent"', 'dag_id=~"example_etl"'],
        target_matchers: ['alertname=~"DeltaTableStale"', 'pipeline="payments_fraud_features"'],
      });
    });
  });

  it('WHEN only Kafka is watched, with no streaming pipeline declared THEN the rule file holds the broker alerts alone', () => {
    const { json } = synthLocal({ streaming: { kafka: { jmxTargets: ['kafka-1:7071'], lagExporterTargets: [] } } });
    const rules = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/rules/streaming.yml'));
    expect(rules.groups.map((g: { name: string }) => g.name)).toEqual(['pipewatch-streaming']);
    expect(rules.groups[0].rules.map((r: { alert: string }) => r.alert)).toEqual([
      'KafkaUnderReplicatedPartitions',
      'KafkaOfflinePartitions',
      'KafkaNoActiveController',
      'KafkaRequestErrors',
    ]);
  });

  it('WHEN a target is not host:port THEN synth fails naming the construct path and the fix', () => {
    expect(() => synthLocal({ streaming: { spark: { driverTargets: ['http://driver:4040'] } } })).toThrow(
      'test/Monitoring/Streaming: invalid spark.driverTargets[0] "http://driver:4040". Use host:port of the metrics endpoint',
    );
  });
});
