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

  it('WHEN two model servers are watched THEN one mlserver job scrapes each with its model as a target label', () => {
    const modelServers = [
      { target: 'fraud-scorer:8082', model: 'fraud_scorer' },
      { target: 'churn-scorer:9082', model: 'churn' },
    ];
    const { json } = synthLocal({ streaming: { pipelines: EXAMPLE, modelServers } });
    const job = prometheusYml(json).scrape_configs.find((j: { job_name: string }) => j.job_name === 'mlserver');
    expect(job).toEqual({
      job_name: 'mlserver',
      static_configs: [
        { targets: ['fraud-scorer:8082'], labels: { model: 'fraud_scorer' } },
        { targets: ['churn-scorer:9082'], labels: { model: 'churn' } },
      ],
    });
  });

  it('WHEN a model server has no model or is listed twice THEN synth fails naming the entry and the fix', () => {
    expect(() => synthLocal({ streaming: { modelServers: [{ target: 'fraud-scorer:8082', model: '' }] } })).toThrow(
      'test/Monitoring/Streaming: invalid modelServers[0].model "". Name the model the server serves',
    );
    const twice = [
      { target: 'fraud-scorer:8082', model: 'fraud_scorer' },
      { target: 'fraud-scorer:8082', model: 'fraud_scorer_v2' },
    ];
    expect(() => synthLocal({ streaming: { modelServers: twice } })).toThrow('test/Monitoring/Streaming: invalid modelServers[1].target "fraud-scorer:8082". Each model server is listed once');
  });

  it('WHEN a target is not host:port THEN synth fails naming the construct path and the fix', () => {
    expect(() => synthLocal({ streaming: { spark: { driverTargets: ['http://driver:4040'] } } })).toThrow(
      'test/Monitoring/Streaming: invalid spark.driverTargets[0] "http://driver:4040". Use host:port of the metrics endpoint',
    );
  });
});
