import { writeFileSync } from 'fs';
import { join } from 'path';
import { toYaml } from '../../../content/yaml';
import { statsdMapping } from '../../../content/metrics/statsd-mapping';
import { sendStatsdLines } from '../../support/statsd-udp';
import { isOk } from './http';
import { ManagedProcess } from './processes';

/**
 * statsd_exporter with the stack's mapping file, StatsD on a loopback UDP
 * port (the stack also listens on TCP; nothing here sends over TCP) and
 * metrics on a loopback HTTP port.
 */
export class LiveStatsdExporter {
  readonly process: ManagedProcess;

  private constructor(
    binary: string,
    dir: string,
    readonly udpPort: number,
    readonly webPort: number,
  ) {
    const mappingFile = join(dir, 'statsd-mapping.yml');
    writeFileSync(mappingFile, toYaml(statsdMapping()));
    this.process = new ManagedProcess({
      name: 'statsd-exporter',
      command: binary,
      args: [`--statsd.mapping-config=${mappingFile}`, `--statsd.listen-udp=127.0.0.1:${udpPort}`, '--statsd.listen-tcp=', `--web.listen-address=127.0.0.1:${webPort}`],
      logFile: join(dir, 'statsd-exporter.log'),
      ready: () => isOk(`http://127.0.0.1:${webPort}/metrics`),
    });
  }

  static async start(binary: string, dir: string, udpPort: number, webPort: number): Promise<LiveStatsdExporter> {
    const exporter = new LiveStatsdExporter(binary, dir, udpPort, webPort);
    await exporter.process.start();
    return exporter;
  }

  /** Sends each line as one datagram, as Airflow's StatsD client does. */
  send(lines: readonly string[]): Promise<void> {
    return sendStatsdLines(this.udpPort, lines);
  }
}
