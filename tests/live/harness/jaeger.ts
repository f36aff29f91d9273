import { execFileSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { toYaml } from '../../../content/yaml';
import { getJson, isOk } from './http';
import { freePorts } from './ports';
import { ManagedProcess } from './processes';
import { REPO_ROOT } from './tools';

/** scripts/install-jaeger.sh's binary (built once, then cached); fails with the script's output, never skips. */
export function jaegerBinary(): string {
  try {
    return execFileSync('bash', [join(REPO_ROOT, 'scripts/install-jaeger.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 1_800_000 }).trim();
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`scripts/install-jaeger.sh failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

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
 * Jaeger v2 as the tests run it: in-memory storage, OTLP/HTTP in and the
 * query API on loopback ports, no telemetry port of its own.
 */
export class LiveJaeger {
  readonly process: ManagedProcess;

  private constructor(binary: string, dir: string, readonly otlpHttpPort: number, readonly queryPort: number, healthPort: number, queryGrpcPort: number) {
    const config = join(dir, 'jaeger.yaml');
    writeFileSync(
      config,
      toYaml({
        service: {
          extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
          pipelines: { traces: { receivers: ['otlp'], processors: [], exporters: ['jaeger_storage_exporter'] } },
          telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
        },
        extensions: {
          jaeger_storage: { backends: { memstore: { memory: { max_traces: 10000 } } } },
          jaeger_query: { storage: { traces: 'memstore' }, http: { endpoint: `127.0.0.1:${queryPort}` }, grpc: { endpoint: `127.0.0.1:${queryGrpcPort}` } },
          healthcheckv2: { use_v2: true, http: { endpoint: `127.0.0.1:${healthPort}` } },
        },
        receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${otlpHttpPort}` } } } },
        exporters: { jaeger_storage_exporter: { trace_storage: 'memstore' } },
      }),
    );
    this.process = new ManagedProcess({
      name: 'jaeger',
      command: binary,
      args: [`--config=${config}`],
      logFile: join(dir, 'jaeger.log'),
      ready: () => isOk(`http://127.0.0.1:${queryPort}/api/services`),
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
 * The OpenTelemetry Collector hop of the trace path: OTLP/HTTP in, batched, and
 * sent on with otlphttp to Jaeger, as a deployment would run it between
 * Airflow and Jaeger. Same binary as the log shipper (scripts/install-otel-collector.sh).
 */
export class LiveTraceCollector {
  readonly process: ManagedProcess;

  private constructor(binary: string, dir: string, readonly otlpHttpPort: number, jaegerOtlpHttpPort: number) {
    const config = join(dir, 'trace-collector.yaml');
    writeFileSync(
      config,
      toYaml({
        receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${otlpHttpPort}` } } } },
        processors: { batch: { timeout: '200ms' } },
        exporters: { 'otlphttp/jaeger': { endpoint: `http://127.0.0.1:${jaegerOtlpHttpPort}` } },
        service: {
          telemetry: { metrics: { level: 'none' } },
          pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['otlphttp/jaeger'] } },
        },
      }),
    );
    this.process = new ManagedProcess({
      name: 'trace-collector',
      command: binary,
      args: [`--config=${config}`],
      logFile: join(dir, 'trace-collector.log'),
      // Any HTTP answer on the traces path means the receiver is up (a GET is a 405).
      ready: () => fetch(`http://127.0.0.1:${otlpHttpPort}/v1/traces`).then(() => true),
    });
  }

  static async start(binary: string, dir: string, jaeger: LiveJaeger): Promise<LiveTraceCollector> {
    const [port] = await freePorts(1);
    const collector = new LiveTraceCollector(binary, dir, port, jaeger.otlpHttpPort);
    await collector.process.start();
    return collector;
  }
}
