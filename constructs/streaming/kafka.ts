import { Construct } from 'constructs';
import { JMX_AGENT, renderKafkaJmxConfig } from '../../content/streaming/kafka-jmx';
import { kafkaClusterId, renderKafkaServerProperties } from '../../content/streaming/kafka-server';
import { invalid } from '../../content/validation';
import { healthcheck } from '../core/healthchecks';
import { LocalImage, localBuild, rebuildOnSourceChange } from '../core/local-image';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';
import { KafkaTopics } from './kafka-topics';

export interface KafkaProps {
  readonly platform: Platform;
  /** JVM heap of the broker, in MiB. @default 512 */
  readonly heapMb?: number;
  /** Topics created on the broker once it is healthy, unless they exist: the declared pipelines' topics. @default [] */
  readonly topics?: readonly string[];
  /** Partitions of each topic the stack creates. @default 1 (Kafka's own default) */
  readonly topicPartitions?: number;
}

/** Network alias and ports of the broker inside the stack. */
export const KAFKA = { service: 'kafka', broker: 9092, controller: 9093, jmx: 7071 } as const;

const CONFIG_DIR = '/etc/kafka/pipewatch';
const SERVER_PROPERTIES = `${CONFIG_DIR}/server.properties`;
const JMX_CONFIG = `${CONFIG_DIR}/jmx-exporter.yml`;
/** The official image's data directory, owned by its broker user; a new volume there inherits that. */
const DATA_DIR = '/var/lib/kafka/data';
const AGENT_JAR = '/opt/jmx-exporter/jmx_prometheus_javaagent.jar';

/** The official Kafka image plus the JMX exporter agent, built by the Docker engine (streaming/images/kafka-jmx). */
const KAFKA_IMAGE: LocalImage = {
  key: 'kafkaJmx',
  base: 'kafka',
  dockerfile: 'streaming/images/kafka-jmx/Dockerfile',
  sources: ['streaming/images/kafka-jmx'],
  buildArgs: { JMX_AGENT_URL: JMX_AGENT.url, JMX_AGENT_SHA256: JMX_AGENT.sha256 },
};

/**
 * A single-node Kafka cluster in KRaft mode (one JVM, broker and controller),
 * its log on a volume, its broker metrics served by the Prometheus JMX exporter
 * java agent with pipewatch's rules (content/streaming/kafka-jmx.ts). Nothing is
 * published on the host: clients and Prometheus reach it on the stack network.
 */
export class Kafka extends Construct {
  readonly service: ServiceContainer;
  /** The one-shot container that creates the topics (none without topics): clients of them start after it. */
  readonly topics?: KafkaTopics;
  /** `host:port` clients bootstrap from, on the stack network. */
  readonly bootstrapServers = `${KAFKA.service}:${KAFKA.broker}`;
  /** The JMX agent's `host:port`, for the scrape job. */
  readonly jmxTarget = `${KAFKA.service}:${KAFKA.jmx}`;

  constructor(scope: Construct, id: string, props: KafkaProps) {
    super(scope, id);
    const { platform } = props;
    const heapMb = props.heapMb ?? 512;
    if (!Number.isInteger(heapMb) || heapMb < 256 || heapMb > 32768) {
      invalid(this, 'run.kafka.heapMb', heapMb, 'Use a whole number of MiB from 256 to 32768, e.g. 512 for a development broker.');
    }
    const topicPartitions = props.topicPartitions ?? 1;
    if (!Number.isInteger(topicPartitions) || topicPartitions < 1 || topicPartitions > 10000) {
      invalid(this, 'run.kafka.topicPartitions', topicPartitions, 'Use a whole number of partitions from 1 to 10000, e.g. 1 (one consumer reads each topic) or the number of consumers that share a topic.');
    }
    const build = localBuild(platform, KAFKA_IMAGE);
    const properties = renderKafkaServerProperties({ listenHost: '0.0.0.0', advertisedHost: KAFKA.service, brokerPort: KAFKA.broker, controllerPort: KAFKA.controller, logDirs: [DATA_DIR] });
    // Formatting is idempotent (--ignore-formatted), so the same command starts a new and an existing log.
    const start = [
      'set -e',
      `KAFKA_OPTS= /opt/kafka/bin/kafka-storage.sh format --ignore-formatted -t ${kafkaClusterId(platform.environment)} -c ${SERVER_PROPERTIES}`,
      `exec /opt/kafka/bin/kafka-server-start.sh ${SERVER_PROPERTIES}`,
    ].join('\n');
    this.service = new ServiceContainer(this, 'Resource', {
      platform,
      service: KAFKA.service,
      image: KAFKA_IMAGE.key,
      build,
      entrypoint: ['bash', '-c', start],
      env: {
        KAFKA_HEAP_OPTS: `-Xms${heapMb}m -Xmx${heapMb}m`,
        KAFKA_OPTS: `-javaagent:${AGENT_JAR}=${KAFKA.jmx}:${JMX_CONFIG}`,
      },
      configFiles: [
        { path: SERVER_PROPERTIES, content: properties },
        { path: JMX_CONFIG, content: renderKafkaJmxConfig() },
      ],
      mounts: [{ volume: platform.volume(this, 'Data', 'kafka-data'), containerPath: DATA_DIR }],
      // No container memory limit: the heap bounds the JVM. With one (no other container sets one), the docker
      // tier's re-deploy planned an in-place update of this container.
      // bash's /dev/tcp: the broker port accepts connections once the broker serves.
      healthcheck: healthcheck(['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${KAFKA.broker}`], { startPeriodSeconds: 60 }),
    });
    if (build) rebuildOnSourceChange(this.service, KAFKA_IMAGE);
    if ((props.topics ?? []).length > 0) {
      this.topics = new KafkaTopics(this, 'Topics', { platform, broker: this.service, bootstrapServers: this.bootstrapServers, topics: props.topics ?? [], partitions: topicPartitions });
    }
  }
}
