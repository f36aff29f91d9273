import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { toYaml } from '../../../content/yaml';
import { renderLokiConfig } from '../../../constructs/loki/loki-config';
import { getJson, isOk } from './http';
import { ManagedProcess } from './processes';

/** The stack's Loki retention (MonitoringStackProps.lokiRetentionDays default). */
const RETENTION_DAYS = 7;

/**
 * Loki with the stack's rendered config (constructs/loki/loki-config.ts),
 * data in `dir/data`. The config fixes the container ports (3100, 9095);
 * command-line flags, which Loki applies over the file, move both listeners
 * to loopback ports.
 */
export class LiveLoki {
  readonly url: string;
  readonly process: ManagedProcess;

  private constructor(binary: string, dir: string, httpPort: number, grpcPort: number) {
    this.url = `http://127.0.0.1:${httpPort}`;
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const configFile = join(dir, 'loki.yml');
    writeFileSync(configFile, toYaml(renderLokiConfig({ retentionDays: RETENTION_DAYS, dataDir })));
    this.process = new ManagedProcess({
      name: 'loki',
      command: binary,
      args: [
        `-config.file=${configFile}`,
        '-server.http-listen-address=127.0.0.1',
        `-server.http-listen-port=${httpPort}`,
        '-server.grpc-listen-address=127.0.0.1',
        `-server.grpc-listen-port=${grpcPort}`,
      ],
      logFile: join(dir, 'loki.log'),
      // The ingester reports ready 15s after it starts.
      ready: () => isOk(`${this.url}/ready`),
      readyTimeoutMs: 90_000,
    });
  }

  static async start(binary: string, dir: string, httpPort: number, grpcPort: number): Promise<LiveLoki> {
    const loki = new LiveLoki(binary, dir, httpPort, grpcPort);
    await loki.process.start();
    return loki;
  }

  /**
   * LogQL over the last hour in 15s steps, as a dashboard with a 1h range
   * asks it (log queries exist only as range queries): the number of series
   * or streams returned.
   */
  async queryResults(logql: string): Promise<number> {
    const endNs = BigInt(Date.now()) * 1_000_000n;
    const params = new URLSearchParams({ query: logql, start: String(endNs - 3600n * 1_000_000_000n), end: String(endNs), step: '15s', limit: '100' });
    const body = await getJson(`${this.url}/loki/api/v1/query_range?${params}`);
    return body.data.result.length;
  }

  async labelValues(label: string, selector: string): Promise<string[]> {
    const body = await getJson(`${this.url}/loki/api/v1/label/${label}/values?${new URLSearchParams({ query: selector })}`);
    return body.data ?? [];
  }
}
