import { execFile } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import { renderKafkaJmxConfig } from '../../content/streaming/kafka-jmx';
import { renderKafkaServerProperties } from '../../content/streaming/kafka-server';
import { isOk } from '../live/harness/http';
import { isTcpOpen } from '../live/harness/ports';
import { ManagedProcess } from '../live/harness/processes';

const run = promisify(execFile);

export interface LocalKafkaOptions {
  /** Where server.properties, the agent's config and the log file go. */
  readonly dir: string;
  /** The Kafka jars' directory (install-streaming.sh's kafka_classpath). */
  readonly jars: string;
  readonly brokerPort: number;
  readonly controllerPort: number;
  readonly logDirs: readonly string[];
  /** The Prometheus JMX exporter agent and its port, with pipewatch's rules. @default - no agent */
  readonly jmx?: { readonly agent: string; readonly port: number };
}

/**
 * One KRaft node (broker and controller in one JVM) on loopback, its log directories formatted:
 * a ManagedProcess to start, ready once the broker port and, with the agent, its metrics answer.
 */
export async function localKafka(o: LocalKafkaOptions): Promise<ManagedProcess> {
  const classpath = `${o.jars}/*`;
  const properties = join(o.dir, 'server.properties');
  writeFileSync(properties, renderKafkaServerProperties({ listenHost: '127.0.0.1', advertisedHost: '127.0.0.1', brokerPort: o.brokerPort, controllerPort: o.controllerPort, logDirs: o.logDirs }));
  const agent: string[] = [];
  if (o.jmx) {
    writeFileSync(join(o.dir, 'jmx-exporter.yml'), renderKafkaJmxConfig());
    agent.push(`-javaagent:${o.jmx.agent}=127.0.0.1:${o.jmx.port}:${join(o.dir, 'jmx-exporter.yml')}`);
  }
  const clusterId = (await run('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'random-uuid'])).stdout.trim().split('\n').pop() as string;
  await run('java', ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties], { timeout: 60_000 });
  const jmxPort = o.jmx?.port;
  return new ManagedProcess({
    name: 'kafka',
    command: 'java',
    args: ['-Xmx512m', ...agent, '-cp', classpath, 'kafka.Kafka', properties],
    logFile: join(o.dir, 'kafka.log'),
    ready: async () => (await isTcpOpen(o.brokerPort)) && (jmxPort === undefined || isOk(`http://127.0.0.1:${jmxPort}/metrics`)),
    readyTimeoutMs: 90_000,
  });
}
