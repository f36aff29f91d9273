import { Construct } from 'constructs';
import { localBuild, rebuildOnSourceChange } from '../core/local-image';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';
import { LAG_EXPORTER_IMAGE } from './kafka-lag-exporter';

export interface KafkaTopicsProps {
  readonly platform: Platform;
  /** The broker the topics are created on, once it is healthy. */
  readonly broker: ServiceContainer;
  /** `host:port` of the broker. */
  readonly bootstrapServers: string;
  /** The topics to have; repeated names count once. */
  readonly topics: readonly string[];
  /** Partitions of each created topic (validated by the caller). */
  readonly partitions: number;
}

const TOPICS_FILE = '/etc/pipewatch/topics.txt';
/** One broker: one replica of each partition. */
const REPLICATION_FACTOR = 1;

/**
 * A one-shot container that creates the missing topics of the declared pipelines on the stack's
 * broker in one admin request (streaming/create_topics.py, on the lag exporter's image, which
 * carries confluent-kafka). Existing topics are left alone; a change to the list replaces the
 * container, so the next deploy runs it again.
 */
export class KafkaTopics extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: KafkaTopicsProps) {
    super(scope, id);
    const build = localBuild(props.platform, LAG_EXPORTER_IMAGE);
    const topics = [...new Set(props.topics)].sort();
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: 'kafka-topics',
      image: LAG_EXPORTER_IMAGE.key,
      build,
      entrypoint: [
        'python', '/opt/pipewatch/create_topics.py',
        '--bootstrap', props.bootstrapServers,
        '--topics-file', TOPICS_FILE,
        '--partitions', String(props.partitions),
        '--replication-factor', String(REPLICATION_FACTOR),
      ],
      configFiles: [{ path: TOPICS_FILE, content: topics.map((t) => `${t}\n`).join('') }],
      oneShot: true,
      dependsOn: [props.broker],
    });
    if (build) rebuildOnSourceChange(this.service, LAG_EXPORTER_IMAGE);
  }
}
