import { createHash } from 'crypto';

/** One KRaft node that is broker and controller: where it listens and what it tells clients. */
export interface KafkaServerOptions {
  /** Address the listeners bind to: 0.0.0.0 in a container, 127.0.0.1 for a local process. */
  readonly listenHost: string;
  /** Host clients are told to connect to (the network alias in a stack). */
  readonly advertisedHost: string;
  readonly brokerPort: number;
  readonly controllerPort: number;
  /** Directories of the partitions' logs; the first also holds the cluster metadata log. */
  readonly logDirs: readonly string[];
}

/**
 * server.properties of a single-node KRaft cluster (broker and controller in
 * one JVM): internal topics with one replica, since there is no second broker.
 */
export function renderKafkaServerProperties(o: KafkaServerOptions): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@${o.advertisedHost}:${o.controllerPort}`,
    `listeners=PLAINTEXT://${o.listenHost}:${o.brokerPort},CONTROLLER://${o.listenHost}:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://${o.advertisedHost}:${o.brokerPort}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${o.logDirs.join(',')}`,
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/**
 * A KRaft cluster id (16 bytes, base64url without padding, as `kafka-storage.sh random-uuid`
 * prints) derived from a seed: the same environment formats its log directory with the same id
 * on every deploy, so a replaced container finds its data valid. Not a secret.
 */
export function kafkaClusterId(seed: string): string {
  return createHash('sha256').update(`pipewatch-kafka:${seed}`).digest().subarray(0, 16).toString('base64url');
}
