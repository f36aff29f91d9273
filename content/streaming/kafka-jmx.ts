import { toYaml } from '../yaml';

/**
 * The Prometheus JMX exporter java agent, from Maven Central. The streaming tier gets the same
 * version through scripts/streaming/pom.xml; the stack's Kafka image downloads this file at build
 * time and refuses it unless its SHA-256 matches (streaming/images/kafka-jmx/Dockerfile).
 */
export const JMX_AGENT = {
  version: '1.0.1',
  url: 'https://repo1.maven.org/maven2/io/prometheus/jmx/jmx_prometheus_javaagent/1.0.1/jmx_prometheus_javaagent-1.0.1.jar',
  sha256: '7d61f737fd661610ccc14aea79764faa1ea94a340cbc8f0029b3d2edea3d80c1',
} as const;

/** One broker MBean attribute mapped to the conventional Prometheus name (the names of content/metrics/catalog.ts). */
interface JmxRule {
  readonly pattern: string;
  readonly name: string;
  readonly type: 'GAUGE' | 'COUNTER';
  readonly labels?: Readonly<Record<string, string>>;
}

const gauge = (domain: string, type: string, name: string, metric: string): JmxRule => ({ pattern: `${domain}<type=${type}, name=${name}><>Value`, name: metric, type: 'GAUGE' });
/** Kafka's per-topic meters: the `Count` attribute is the counter; the rates it also carries are left to PromQL. */
const topicMeter = (name: string, metric: string): JmxRule => ({
  pattern: `kafka.server<type=BrokerTopicMetrics, name=${name}, topic=(.+)><>Count`,
  name: metric,
  type: 'COUNTER',
  labels: { topic: '$1' },
});

export const KAFKA_JMX_RULES: readonly JmxRule[] = [
  gauge('kafka.server', 'ReplicaManager', 'UnderReplicatedPartitions', 'kafka_server_replicamanager_underreplicatedpartitions'),
  gauge('kafka.controller', 'KafkaController', 'OfflinePartitionsCount', 'kafka_controller_kafkacontroller_offlinepartitionscount'),
  gauge('kafka.controller', 'KafkaController', 'ActiveControllerCount', 'kafka_controller_kafkacontroller_activecontrollercount'),
  topicMeter('MessagesInPerSec', 'kafka_server_brokertopicmetrics_messagesin_total'),
  topicMeter('BytesInPerSec', 'kafka_server_brokertopicmetrics_bytesin_total'),
  topicMeter('FailedProduceRequestsPerSec', 'kafka_server_brokertopicmetrics_failedproducerequests_total'),
  topicMeter('FailedFetchRequestsPerSec', 'kafka_server_brokertopicmetrics_failedfetchrequests_total'),
];

/**
 * The JMX exporter java agent's configuration for a Kafka broker: only the
 * mapped beans are exported (a broker has thousands), so a scrape stays small.
 */
export function renderKafkaJmxConfig(): string {
  return toYaml({
    lowercaseOutputName: true,
    whitelistObjectNames: ['kafka.server:type=ReplicaManager,*', 'kafka.controller:type=KafkaController,*', 'kafka.server:type=BrokerTopicMetrics,*'],
    rules: KAFKA_JMX_RULES.map((r) => ({ pattern: r.pattern, name: r.name, type: r.type, ...(r.labels ? { labels: r.labels } : {}) })),
  });
}
