import { Construct } from 'constructs';
import { healthcheck } from '../core/healthchecks';
import { LocalImage, localBuild, rebuildOnSourceChange } from '../core/local-image';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';

export interface KafkaLagExporterProps {
  readonly platform: Platform;
  /** `host:port[,host:port]` of the brokers. */
  readonly bootstrapServers: string;
  /** The consumer groups whose lag it reports: the declared pipelines' groups. */
  readonly groups: readonly string[];
}

export const LAG_EXPORTER = { service: 'kafka-lag-exporter', port: 9308 } as const;

/**
 * streaming/kafka_lag_exporter.py on the official Python image (streaming/images/kafka-lag-exporter),
 * also carrying streaming/create_topics.py for KafkaTopics.
 */
export const LAG_EXPORTER_IMAGE: LocalImage = {
  key: 'kafkaLagExporter',
  base: 'python',
  dockerfile: 'streaming/images/kafka-lag-exporter/Dockerfile',
  sources: ['streaming/images/kafka-lag-exporter', 'streaming/kafka_lag_exporter.py', 'streaming/create_topics.py', 'streaming/requirements.txt'],
};

/**
 * pipewatch's consumer-group lag exporter: on each scrape it asks the brokers
 * for the groups' committed offsets and the partitions' end offsets, so a
 * stopped consumer's lag keeps growing here (docs/streaming.md).
 */
export class KafkaLagExporter extends Construct {
  readonly service: ServiceContainer;
  readonly target = `${LAG_EXPORTER.service}:${LAG_EXPORTER.port}`;

  constructor(scope: Construct, id: string, props: KafkaLagExporterProps) {
    super(scope, id);
    const build = localBuild(props.platform, LAG_EXPORTER_IMAGE);
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: LAG_EXPORTER.service,
      image: LAG_EXPORTER_IMAGE.key,
      build,
      command: ['--bootstrap', props.bootstrapServers, ...props.groups.flatMap((g) => ['--group', g]), '--listen', '0.0.0.0', '--port', String(LAG_EXPORTER.port)],
      // A TCP connect: an HTTP probe would make the exporter ask the brokers every time.
      healthcheck: healthcheck(['CMD', 'python', '-c', `import socket; socket.create_connection(('127.0.0.1', ${LAG_EXPORTER.port}), 3)`]),
    });
    if (build) rebuildOnSourceChange(this.service, LAG_EXPORTER_IMAGE);
  }
}
