import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { DEFAULT_STREAMING_FILE, loadStreamingCatalog } from '../../content/streaming/catalog';
import { buildApp } from '../../stacks/app';
import { LocalDockerStack } from '../../stacks/local-docker';
import { container, containers, synthLocal, synthToFiles, TerraformJson, uploaded } from '../support/synth';

const EXAMPLE = loadStreamingCatalog(DEFAULT_STREAMING_FILE, ['example_etl']);
const STREAMING_JOBS = ['kafka', 'kafka-lag-exporter', 'spark-driver', 'spark-executors', 'mlflow'];
const ALL_ON = { pipelines: EXAMPLE, run: { kafka: {}, spark: {}, mlflow: {} } };

/** job name -> its static targets, for the streaming jobs only. */
function streamingTargets(json: TerraformJson): Record<string, string[]> {
  const yml = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/prometheus.yml'));
  const jobs = yml.scrape_configs.filter((j: { job_name: string }) => STREAMING_JOBS.includes(j.job_name));
  return Object.fromEntries(jobs.map((j: any) => [j.job_name, j.static_configs.flatMap((c: any) => c.targets)]));
}
const image = (json: TerraformJson, name: string) => Object.values(json.resource.docker_image).find((i: any) => i.name === name) as any;

describe('GIVEN the stack runs Kafka, the Spark job and MLflow for the example streaming pipeline', () => {
  const { json, text } = synthLocal({ streaming: ALL_ON });

  it('THEN each runs in its own container of the environment, with the lag exporter beside Kafka', () => {
    const names = containers(json).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['dev-kafka', 'dev-kafka-lag-exporter', 'dev-spark-fraud-features', 'dev-mlflow', 'dev-pushgateway']));
  });

  it('THEN Prometheus scrapes them at their containers on the stack network', () => {
    expect(streamingTargets(json)).toEqual({
      kafka: ['kafka:7071'],
      'kafka-lag-exporter': ['kafka-lag-exporter:9308'],
      'spark-driver': ['spark-fraud-features:4040'],
      'spark-executors': ['spark-fraud-features:4040'],
      mlflow: ['mlflow:5000'],
    });
  });

  it('THEN only MLflow’s UI is published, on 127.0.0.1:5000; the broker, exporter and job stay on the network', () => {
    expect(container(json, 'dev-mlflow').ports).toEqual([{ internal: 5000, external: 5000, ip: '127.0.0.1', protocol: 'tcp' }]);
    for (const name of ['dev-kafka', 'dev-kafka-lag-exporter', 'dev-spark-fraud-features']) expect(container(json, name).ports).toEqual([]);
  });

  it('THEN the broker image is built from the official Kafka image plus the JMX agent from Maven Central, checked by its SHA-256', () => {
    const broker = image(json, 'pipewatch/kafka-jmx:local');
    expect(broker.build.dockerfile).toBe('streaming/images/kafka-jmx/Dockerfile');
    expect(broker.build.build_args).toEqual({
      BASE: 'apache/kafka:4.0.1',
      JMX_AGENT_URL: 'https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar',
      JMX_AGENT_SHA256: '7d61f737fd661610ccc14aea79764faa1ea94a340cbc8f0029b3d2edea3d80c1',
    });
    expect(image(json, 'pipewatch/kafka-lag-exporter:local').build.build_args).toEqual({ BASE: 'python:3.11.14-slim-bookworm' });
    expect(image(json, 'pipewatch/spark-streaming-job:local').build.build_args).toEqual({ BASE: 'apache/spark:4.0.1-scala2.13-java17-python3-ubuntu' });
    // MLflow's official image is used as it is: nothing to build.
    expect(image(json, 'ghcr.io/mlflow/mlflow:v3.9.0-full').build).toBeUndefined();
  });

  it('THEN Kafka runs as one KRaft node advertising its network alias, with the agent on port 7071 reading the repository’s rules', () => {
    const kafka = container(json, 'dev-kafka');
    const properties = uploaded(kafka, '/etc/kafka/pipewatch/server.properties').split('\n');
    expect(properties).toEqual(expect.arrayContaining([
      'process.roles=broker,controller',
      'controller.quorum.voters=1@kafka:9093',
      'listeners=PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
      'advertised.listeners=PLAINTEXT://kafka:9092',
      'log.dirs=/var/lib/kafka/data',
    ]));
    expect(kafka.env).toContain('KAFKA_OPTS=-javaagent:/opt/jmx-exporter/jmx_prometheus_javaagent.jar=7071:/etc/kafka/pipewatch/jmx-exporter.yml');
    expect(kafka.env).toContain('KAFKA_HEAP_OPTS=-Xms512m -Xmx512m');
    const jmx = parse(uploaded(kafka, '/etc/kafka/pipewatch/jmx-exporter.yml'));
    expect(jmx.rules).toContainEqual({ pattern: 'kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value', name: 'kafka_server_replicamanager_underreplicatedpartitions', type: 'GAUGE' });
    expect(kafka.volumes).toEqual([{ container_path: '/var/lib/kafka/data', read_only: false, volume_name: expect.stringContaining('Kafka_Data') }]);
  });

  it('THEN the lag exporter watches the pipeline’s consumer group on the stack’s broker', () => {
    expect(container(json, 'dev-kafka-lag-exporter').command).toEqual(['--bootstrap', 'kafka:9092', '--group', 'fraud-features', '--listen', '0.0.0.0', '--port', '9308']);
  });

  it('THEN the Spark job reads the pipeline’s topic, commits its progress to the pipeline’s group and writes its Delta table on a volume, pushing table metrics to the Pushgateway', () => {
    const job = container(json, 'dev-spark-fraud-features');
    const arg = (flag: string) => job.command[job.command.indexOf(flag) + 1];
    expect([arg('--bootstrap'), arg('--topic'), arg('--group'), arg('--app'), arg('--query'), arg('--table')]).toEqual(['kafka:9092', 'payments.events', 'fraud-features', 'fraud_features', 'fraud_features', 'fraud_features']);
    expect([arg('--table-path'), arg('--checkpoint'), arg('--pushgateway'), arg('--ui-port')]).toEqual(['/data/delta/fraud_features', '/data/checkpoints/fraud_features', 'pushgateway:9091', '4040']);
    expect(job.volumes).toEqual([{ container_path: '/data', read_only: false, volume_name: expect.stringContaining('SparkJob_Data') }]);
    expect(job.depends_on).toEqual([expect.stringMatching(/^docker_container\.Monitoring_StreamingComponents_Kafka_Topics_[0-9A-F]{8}$/)]);
  });

  it('THEN a one-shot job creates the pipeline’s topic on the broker once it is healthy, with one partition and one replica, and the Spark job starts after it', () => {
    const topics = container(json, 'dev-kafka-topics');
    expect(topics.entrypoint).toEqual(['python', '/opt/pipewatch/create_topics.py', '--bootstrap', 'kafka:9092', '--topics-file', '/etc/pipewatch/topics.txt', '--partitions', '1', '--replication-factor', '1']);
    expect(uploaded(topics, '/etc/pipewatch/topics.txt')).toBe('payments.events\n');
    expect([topics.restart, topics.must_run, topics.attach, topics.healthcheck]).toEqual(['no', false, true, undefined]);
    expect(topics.depends_on).toEqual([expect.stringMatching(/^docker_container\.Monitoring_StreamingComponents_Kafka_[0-9A-F]{8}$/)]);
    expect(topics.image).toBe(container(json, 'dev-kafka-lag-exporter').image);
  });

  it('THEN the Spark job has a 2048 MB memory limit with no swap beyond it (so a re-deploy plans no change to it)', () => {
    const job = container(json, 'dev-spark-fraud-features');
    expect([job.memory, job.memory_swap]).toEqual([2048, 2048]);
  });

  it('THEN MLflow serves Prometheus metrics and accepts the host name Prometheus scrapes it by', () => {
    const command: string[] = container(json, 'dev-mlflow').command;
    expect(command.slice(0, 2)).toEqual(['mlflow', 'server']);
    expect(command[command.indexOf('--expose-prometheus') + 1]).toBe('/mlflow/prometheus');
    expect(command[command.indexOf('--allowed-hosts') + 1]).toBe('mlflow:5000,localhost:*,127.0.0.1:*');
  });

  it('THEN no password or token is written anywhere in the configuration', () => {
    expect(text).not.toMatch(/password=|PASSWORD=[^$]|token=/i);
  });
});

describe('GIVEN streaming components and other settings', () => {
  it('WHEN the environment has a port offset THEN MLflow’s UI moves with it', () => {
    const { json } = synthLocal({ hostPortOffset: 10000, streaming: { pipelines: EXAMPLE, run: { mlflow: {} } } });
    expect(container(json, 'dev-mlflow').ports[0].external).toBe(15000);
  });

  it('WHEN two environments run Kafka THEN each formats its log with its own cluster id, the same on every synth', () => {
    const clusterId = (environment: string) => (container(synthLocal({ environment, streaming: { pipelines: EXAMPLE, run: { kafka: {} } } }).json, `${environment}-kafka`).entrypoint[2] as string).match(/ -t (\S+) /)?.[1];
    const dev = clusterId('dev');
    expect(dev).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(clusterId('dev')).toBe(dev);
    expect(clusterId('pr-123')).not.toBe(dev);
  });

  it('WHEN the image map names a mirror of the official Kafka image THEN the broker image is built from the mirror', () => {
    const { json } = synthLocal({ images: { kafka: 'mirror.example.com/apache/kafka:4.0.1' }, streaming: { pipelines: EXAMPLE, run: { kafka: {} } } });
    expect(image(json, 'pipewatch/kafka-jmx:local').build.build_args.BASE).toBe('mirror.example.com/apache/kafka:4.0.1');
  });

  it('WHEN the image map names a ready broker image THEN nothing is built for it', () => {
    const { json } = synthLocal({ images: { kafkaJmx: 'registry.example.com/kafka-jmx:4.0.1-1.0.1' }, streaming: { pipelines: EXAMPLE, run: { kafka: {} } } });
    expect(image(json, 'registry.example.com/kafka-jmx:4.0.1-1.0.1').build).toBeUndefined();
  });

  it('WHEN only the Spark job runs, against existing brokers THEN no Kafka container is made and the job bootstraps from them', () => {
    const { json } = synthLocal({ streaming: { pipelines: EXAMPLE, run: { spark: { bootstrapServers: 'broker-1:9092,broker-2:9092' } } } });
    expect(containers(json).map((c) => c.name)).not.toContain('dev-kafka');
    const job = container(json, 'dev-spark-fraud-features');
    expect(job.command[job.command.indexOf('--bootstrap') + 1]).toBe('broker-1:9092,broker-2:9092');
    expect(job.depends_on).toBeUndefined();
    expect(Object.keys(streamingTargets(json))).toEqual(['spark-driver', 'spark-executors']);
  });
});

describe('GIVEN the stack runs Kafka for several pipelines', () => {
  const pipeline = (name: string, topics: string[]) => ({ name, topics, consumerGroup: `${name}-group`, ownerTeam: 'data-platform' });
  const pipelines = [pipeline('clicks', ['web.clicks', 'app.clicks']), pipeline('orders', ['orders']), pipeline('clicks_audit', ['web.clicks'])];

  it('WHEN topicPartitions is set THEN one job creates every declared topic once, with that many partitions', () => {
    const topics = container(synthLocal({ streaming: { pipelines, run: { kafka: { topicPartitions: 6 } } } }).json, 'dev-kafka-topics');
    expect(uploaded(topics, '/etc/pipewatch/topics.txt')).toBe('app.clicks\norders\nweb.clicks\n');
    expect(topics.entrypoint.slice(-4)).toEqual(['--partitions', '6', '--replication-factor', '1']);
  });

  it('WHEN no pipeline is declared THEN there is no topic job (and no lag exporter)', () => {
    const names = containers(synthLocal({ streaming: { run: { kafka: {} } } }).json).map((c) => c.name);
    expect(names).toContain('dev-kafka');
    expect(names).not.toContain('dev-kafka-topics');
    expect(names).not.toContain('dev-kafka-lag-exporter');
  });

  it('WHEN Kafka does not run in the stack THEN there is no topic job', () => {
    const names = containers(synthLocal({ streaming: { pipelines, run: { mlflow: {} } } }).json).map((c) => c.name);
    expect(names.filter((n) => n.includes('kafka'))).toEqual([]);
  });
});

describe('GIVEN bad streaming component settings THEN synth fails naming the construct path, the value and the fix', () => {
  const fails = (streaming: object, message: string) => expect(() => synthLocal({ streaming })).toThrow(message);

  it('WHEN Kafka both runs here and is given as an existing server', () => {
    fails(
      { pipelines: EXAMPLE, kafka: { jmxTargets: ['kafka-1:7071'], lagExporterTargets: [] }, run: { kafka: {} } },
      'test/Monitoring/StreamingComponents: invalid run.kafka {}. kafka is also given as an existing server to monitor (streaming.kafka): run it in the stack (run.kafka) or point at the existing one, not both',
    );
  });

  it('WHEN the Spark job has no brokers', () => {
    fails({ pipelines: EXAMPLE, run: { spark: {} } }, 'test/Monitoring/StreamingComponents: invalid run.spark.bootstrapServers null. The job needs brokers: switch on run.kafka');
  });

  it('WHEN the brokers are not host:port', () => {
    fails({ pipelines: EXAMPLE, run: { spark: { bootstrapServers: 'kafka://broker-1' } } }, 'invalid run.spark.bootstrapServers "kafka://broker-1". Use host:port[,host:port]');
  });

  it('WHEN the Spark job names a pipeline that is not declared', () => {
    fails({ pipelines: EXAMPLE, run: { kafka: {}, spark: { pipeline: 'clicks' } } }, 'invalid run.spark.pipeline "clicks". Name a declared streaming pipeline with `spark` and a Delta table (candidates: payments_fraud_features)');
  });

  it('WHEN the broker heap is too small', () => {
    fails({ pipelines: EXAMPLE, run: { kafka: { heapMb: 100 } } }, 'test/Monitoring/StreamingComponents/Kafka: invalid run.kafka.heapMb 100. Use a whole number of MiB from 256 to 32768');
  });

  it.each([0, 2.5, 10001])('WHEN the created topics get %p partitions', (partitions) => {
    fails({ pipelines: EXAMPLE, run: { kafka: { topicPartitions: partitions } } }, `test/Monitoring/StreamingComponents/Kafka: invalid run.kafka.topicPartitions ${partitions}. Use a whole number of partitions from 1 to 10000`);
  });

  it('WHEN the trigger interval is not a whole number of seconds', () => {
    fails({ pipelines: EXAMPLE, run: { kafka: {}, spark: { triggerSeconds: 0.5 } } }, 'test/Monitoring/StreamingComponents/SparkJob: invalid run.spark.triggerSeconds 0.5. Use a whole number of at least 1');
  });

  it('WHEN MLflow gets no workers', () => {
    fails({ run: { mlflow: { workers: 0 } } }, 'test/Monitoring/StreamingComponents/Mlflow: invalid run.mlflow.workers 0.');
  });
});

describe('GIVEN the environment settings of main.ts', () => {
  const localStack = (env: NodeJS.ProcessEnv) => synthToFiles(buildApp({ ...env, PIPEWATCH_ENV: 'ci' }, Testing.app()).node.findChild('local-ci') as LocalDockerStack).json;
  const ruleFiles = (json: TerraformJson) => parse(uploaded(container(json, 'ci-prometheus'), '/etc/prometheus/prometheus.yml')).rule_files as string[];

  it('WHEN PIPEWATCH_STREAMING is unset THEN the example streaming pipeline is monitored beside the batch ones, and nothing streaming runs', () => {
    const json = localStack({});
    expect(ruleFiles(json).some((f) => f.endsWith('/streaming.yml'))).toBe(true);
    const rules = parse(uploaded(container(json, 'ci-prometheus'), '/etc/prometheus/rules/streaming.yml'));
    expect(rules.groups[0].rules.map((r: any) => r.labels.pipeline)).toContain('payments_fraud_features');
    expect(containers(json).map((c) => c.name).filter((n) => /kafka|spark|mlflow/.test(n))).toEqual([]);
  });

  it('WHEN PIPEWATCH_STREAMING=run THEN Kafka, its topic job, the lag exporter, the Spark job and MLflow run', () => {
    const names = containers(localStack({ PIPEWATCH_STREAMING: 'run' })).map((c) => c.name);
    expect(names.filter((n) => /kafka|spark|mlflow/.test(n)).sort()).toEqual(['ci-kafka', 'ci-kafka-lag-exporter', 'ci-kafka-topics', 'ci-mlflow', 'ci-spark-fraud-features']);
  });

  it('WHEN PIPEWATCH_STREAMING=off THEN there is no streaming rule file', () => {
    expect(ruleFiles(localStack({ PIPEWATCH_STREAMING: 'off' })).some((f) => f.endsWith('/streaming.yml'))).toBe(false);
  });

  it('WHEN PIPEWATCH_STREAMING has another value THEN synth fails with the values it takes', () => {
    expect(() => localStack({ PIPEWATCH_STREAMING: 'yes' })).toThrow('PIPEWATCH_STREAMING: invalid value "yes". Use monitor (the default), run or off.');
  });
});

describe('GIVEN the JMX agent the stack’s broker image downloads', () => {
  it('THEN it is the version the streaming tier runs (scripts/streaming/pom.xml)', () => {
    const pom = readFileSync(join(__dirname, '../../scripts/streaming/pom.xml'), 'utf8');
    expect(pom).toMatch(/<artifactId>jmx_prometheus_javaagent<\/artifactId>\s*<version>1\.0\.1<\/version>/);
  });
});
