/**
 * `host:port` of every service the monitoring talks to. Inside Docker these
 * are network aliases; the live test tier passes loopback addresses instead,
 * so both render their configs with the same functions.
 */
export interface Endpoints {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly statsdExporter: string;
  readonly postgresExporter: string;
  readonly redisExporter: string;
  readonly cadvisor: string;
  readonly loki: string;
  readonly otelCollector: string;
  readonly grafana: string;
  readonly metricsApp: string;
  readonly airflowExporter: string;
}

/** Ports the services listen on inside their containers. */
export const SERVICE_PORTS = {
  prometheus: 9090,
  alertmanager: 9093,
  statsdExporter: 9102,
  statsdIngest: 9125,
  postgresExporter: 9187,
  redisExporter: 9121,
  cadvisor: 8080,
  loki: 3100,
  /** The OpenTelemetry Collector's own metrics. */
  otelCollector: 8888,
  otelCollectorHealth: 13133,
  /** OTLP/HTTP in: the collector's (Airflow's traces) and Jaeger's (the collector's traces). */
  otlpHttp: 4318,
  /** Jaeger's query UI and HTTP API, and its gRPC API. */
  jaegerQuery: 16686,
  jaegerQueryGrpc: 16685,
  jaegerHealth: 13133,
  grafana: 3000,
  metricsApp: 8000,
  airflowExporter: 9112,
  postgres: 5432,
  redis: 6379,
  airflowApi: 8080,
} as const;

/** Service names are the containers' network aliases. */
export const SERVICE_NAMES = {
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  statsdExporter: 'statsd-exporter',
  postgresExporter: 'postgres-exporter',
  redisExporter: 'redis-exporter',
  cadvisor: 'cadvisor',
  loki: 'loki',
  otelCollector: 'otel-collector',
  grafana: 'grafana',
  metricsApp: 'metrics-app',
  airflowExporter: 'airflow-exporter',
} as const satisfies Record<keyof Endpoints, string>;

/** Builds the endpoint of every service from its key. */
function endpointsBy(address: (key: keyof Endpoints) => string): Endpoints {
  const keys = Object.keys(SERVICE_NAMES) as (keyof Endpoints)[];
  return Object.fromEntries(keys.map((key) => [key, address(key)])) as unknown as Endpoints;
}

export function containerEndpoints(): Endpoints {
  return endpointsBy((key) => `${SERVICE_NAMES[key]}:${SERVICE_PORTS[key]}`);
}

/** Every service on 127.0.0.1 at the given port: the live test tier runs the services as local processes. */
export function loopbackEndpoints(ports: Readonly<Record<keyof Endpoints, number>>): Endpoints {
  return endpointsBy((key) => `127.0.0.1:${ports[key]}`);
}
