/**
 * Jaeger v2's configuration (an OpenTelemetry Collector distribution): OTLP/HTTP in,
 * spans kept in memory, the query UI and API out. Pure data: the stack renders it for the
 * container, the Airflow tier for a process on loopback.
 */

export interface JaegerConfigModel {
  /** host:port of the OTLP/HTTP receiver (the stack's collector sends here). */
  readonly otlpHttpEndpoint: string;
  /** host:port of the query UI and HTTP API (Grafana's Jaeger datasource reads it). */
  readonly queryHttpEndpoint: string;
  readonly queryGrpcEndpoint: string;
  /** host:port of the healthcheckv2 extension (`/status`). */
  readonly healthEndpoint: string;
  /** Traces kept in memory; the oldest go first. */
  readonly maxTraces: number;
}

/** Path of healthcheckv2's status endpoint: 200 once every component is up. */
export const JAEGER_HEALTH_PATH = '/status';

/** Jaeger's store name, shared by the query extension and the storage exporter. */
const STORE = 'memstore';

/** Memory storage: traces live as long as the process and at most `maxTraces` of them (docs/logs-and-traces.md). */
export function renderJaegerConfig(m: JaegerConfigModel): object {
  return {
    service: {
      extensions: ['jaeger_storage', 'jaeger_query', 'healthcheckv2'],
      pipelines: { traces: { receivers: ['otlp'], processors: [], exporters: ['jaeger_storage_exporter'] } },
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
    },
    extensions: {
      jaeger_storage: { backends: { [STORE]: { memory: { max_traces: m.maxTraces } } } },
      jaeger_query: { storage: { traces: STORE }, http: { endpoint: m.queryHttpEndpoint }, grpc: { endpoint: m.queryGrpcEndpoint } },
      healthcheckv2: { use_v2: true, http: { endpoint: m.healthEndpoint } },
    },
    receivers: { otlp: { protocols: { http: { endpoint: m.otlpHttpEndpoint } } } },
    exporters: { jaeger_storage_exporter: { trace_storage: STORE } },
  };
}
