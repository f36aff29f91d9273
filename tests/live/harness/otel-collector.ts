import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { collectorArgs, renderCollectorConfig } from '../../../content/logs/collector-config';
import { toYaml } from '../../../content/yaml';
import { getText, isOk } from './http';
import { ManagedProcess } from './processes';

/** The log shipper with the stack's own config (renderCollectorConfig), its sources and destination on loopback. */
export class LiveLogShipper {
  readonly process: ManagedProcess;

  constructor(
    binary: string,
    dir: string,
    readonly ports: { readonly health: number; readonly metrics: number },
    sources: { readonly environment: string; readonly dockerContainersDir: string; readonly airflowLogsDir: string },
    lokiOtlpEndpoint: string,
  ) {
    const configFile = join(dir, 'shipper.yaml');
    const config = renderCollectorConfig({
      ...sources,
      lokiOtlpEndpoint,
      storageDir: join(dir, 'storage'),
      healthEndpoint: `127.0.0.1:${ports.health}`,
      metrics: { host: '127.0.0.1', port: ports.metrics },
    });
    writeFileSync(configFile, toYaml(config));
    this.process = new ManagedProcess({
      name: 'log-shipper',
      command: binary,
      args: collectorArgs(configFile),
      logFile: join(dir, 'shipper.log'),
      ready: () => isOk(`http://127.0.0.1:${ports.health}/`),
    });
  }

  metrics(): Promise<string> {
    return getText(`http://127.0.0.1:${this.ports.metrics}/metrics`);
  }

  /** kill -9: no shutdown, no final checkpoint. */
  async crash(): Promise<void> {
    this.process.killNow();
    await this.process.stop();
  }
}

/** One log record as the sink received it, with the resource attributes of its batch. */
export interface ShippedLog {
  readonly resource: Readonly<Record<string, string>>;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: string;
  /** Nanoseconds since the epoch, as sent. */
  readonly timeUnixNano: string;
}

/**
 * A second collector standing in for Loki: OTLP/HTTP in on Loki's path (/otlp/v1/logs), every request
 * written as a JSON line by the file exporter, which the test reads.
 */
export class LiveOtlpSink {
  readonly process: ManagedProcess;
  private readonly outFile: string;

  constructor(binary: string, dir: string, readonly port: number) {
    this.outFile = join(dir, 'received.jsonl');
    const configFile = join(dir, 'sink.yaml');
    writeFileSync(
      configFile,
      toYaml({
        receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${port}`, logs_url_path: '/otlp/v1/logs' } } } },
        exporters: { file: { path: this.outFile, flush_interval: '100ms' } },
        service: { telemetry: { metrics: { level: 'none' } }, pipelines: { logs: { receivers: ['otlp'], exporters: ['file'] } } },
      }),
    );
    this.process = new ManagedProcess({
      name: 'otlp-sink',
      command: binary,
      args: [`--config=${configFile}`],
      logFile: join(dir, 'sink.log'),
      // Any HTTP answer on the port means the receiver is up (GET on the logs path is a 405).
      ready: () => fetch(`http://127.0.0.1:${port}/otlp/v1/logs`).then(() => true),
    });
  }

  /** Loki's OTLP endpoint as the shipper's otlphttp exporter is given it. */
  get lokiOtlpEndpoint(): string {
    return `http://127.0.0.1:${this.port}/otlp`;
  }

  received(): ShippedLog[] {
    return existsSync(this.outFile) ? parseFileExporterOutput(readFileSync(this.outFile, 'utf8')) : [];
  }
}

/** The file exporter's output: one OTLP/JSON logs request per line. */
export function parseFileExporterOutput(text: string): ShippedLog[] {
  const strings = (attributes: any[] = []) => Object.fromEntries(attributes.map((a) => [a.key, String(a.value.stringValue ?? a.value.intValue ?? '')]));
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) =>
      (JSON.parse(line).resourceLogs ?? []).flatMap((rl: any) =>
        (rl.scopeLogs ?? []).flatMap((sl: any) =>
          (sl.logRecords ?? []).map((r: any) => ({ resource: strings(rl.resource?.attributes), attributes: strings(r.attributes), body: String(r.body?.stringValue ?? ''), timeUnixNano: String(r.timeUnixNano ?? '0') })),
        ),
      ),
    );
}
