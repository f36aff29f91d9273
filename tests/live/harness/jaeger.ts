import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { collectorArgs, renderCollectorConfig } from '../../../content/logs/collector-config';
import { JAEGER_HEALTH_PATH, renderJaegerConfig } from '../../../content/traces/jaeger-config';
import { toYaml } from '../../../content/yaml';
import { getJson, isOk } from './http';
import { freePorts } from './ports';
import { ManagedProcess } from './processes';

/** A span as Jaeger's query API returns it (`/api/traces`), tags and logs flattened. */
export interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly references: readonly { readonly refType: string; readonly spanID: string }[];
  readonly tags: readonly { readonly key: string; readonly value: unknown }[];
  readonly logs: readonly { readonly fields: readonly { readonly key: string; readonly value: unknown }[] }[];
}

export const tagOf = (span: JaegerSpan, key: string): unknown => span.tags.find((t) => t.key === key)?.value;

/**
 * Jaeger v2 with the stack's own config (renderJaegerConfig): memory storage, OTLP/HTTP in
 * and the query API on loopback ports.
 */
export class LiveJaeger {
  readonly process: ManagedProcess;

  private constructor(binary: string, dir: string, readonly otlpHttpPort: number, readonly queryPort: number, healthPort: number, queryGrpcPort: number) {
    const config = join(dir, 'jaeger.yaml');
    const loopback = (port: number) => `127.0.0.1:${port}`;
    writeFileSync(
      config,
      toYaml(
        renderJaegerConfig({
          otlpHttpEndpoint: loopback(otlpHttpPort),
          queryHttpEndpoint: loopback(queryPort),
          queryGrpcEndpoint: loopback(queryGrpcPort),
          healthEndpoint: loopback(healthPort),
          maxTraces: 10_000,
        }),
      ),
    );
    this.process = new ManagedProcess({
      name: 'jaeger',
      command: binary,
      args: [`--config=${config}`],
      logFile: join(dir, 'jaeger.log'),
      // The container's healthcheck probes the same status endpoint.
      ready: async () => (await isOk(`http://127.0.0.1:${healthPort}${JAEGER_HEALTH_PATH}`)) && isOk(`http://127.0.0.1:${queryPort}/api/services`),
    });
  }

  static async start(binary: string, dir: string): Promise<LiveJaeger> {
    const [otlpHttp, query, health, queryGrpc] = await freePorts(4);
    const jaeger = new LiveJaeger(binary, dir, otlpHttp, query, health, queryGrpc);
    await jaeger.process.start();
    return jaeger;
  }

  /** Spans of the traces of `service` that hold an operation named `operation`, by trace id. */
  async traces(service: string, operation: string): Promise<Map<string, JaegerSpan[]>> {
    const params = new URLSearchParams({ service, operation, limit: '50', lookback: '2h' });
    const body = await getJson<{ data: { traceID: string; spans: JaegerSpan[] }[] | null }>(`http://127.0.0.1:${this.queryPort}/api/traces?${params}`);
    return new Map((body.data ?? []).map((t) => [t.traceID, t.spans]));
  }
}

/**
 * The OpenTelemetry Collector hop of the trace path, with the stack's own config
 * (renderCollectorConfig with its traces pipeline: OTLP/HTTP in, batched, otlphttp out to
 * Jaeger). Its log pipeline reads an empty directory, so it sends nothing to the Loki
 * endpoint, which nothing serves here. Same binary as the log shipper (scripts/install-otel-collector.sh).
 */
export class LiveTraceCollector {
  readonly process: ManagedProcess;

  private constructor(binary: string, dir: string, readonly otlpHttpPort: number, ports: { health: number; metrics: number; unusedLoki: number }, jaeger: LiveJaeger) {
    const config = join(dir, 'trace-collector.yaml');
    const noContainers = join(dir, 'no-containers');
    mkdirSync(noContainers, { recursive: true });
    writeFileSync(
      config,
      toYaml(
        renderCollectorConfig({
          environment: 'airflow-tier',
          dockerContainersDir: noContainers,
          lokiOtlpEndpoint: `http://127.0.0.1:${ports.unusedLoki}/otlp`,
          storageDir: join(dir, 'trace-collector-storage'),
          healthEndpoint: `127.0.0.1:${ports.health}`,
          metrics: { host: '127.0.0.1', port: ports.metrics },
          traces: { otlpHttpEndpoint: `127.0.0.1:${otlpHttpPort}`, jaegerOtlpEndpoint: `http://127.0.0.1:${jaeger.otlpHttpPort}` },
        }),
      ),
    );
    this.process = new ManagedProcess({
      name: 'trace-collector',
      command: binary,
      args: collectorArgs(config),
      logFile: join(dir, 'trace-collector.log'),
      ready: () => isOk(`http://127.0.0.1:${ports.health}/`),
    });
  }

  static async start(binary: string, dir: string, jaeger: LiveJaeger): Promise<LiveTraceCollector> {
    const [otlpHttp, health, metrics, unusedLoki] = await freePorts(4);
    const collector = new LiveTraceCollector(binary, dir, otlpHttp, { health, metrics, unusedLoki }, jaeger);
    await collector.process.start();
    return collector;
  }
}
