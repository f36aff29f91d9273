/**
 * Pinned images for every component. Override any of them through one map
 * (`MonitoringStackProps.images`) to use a private registry, a mirror or
 * locally built images. The tests run the same versions where they can
 * (scripts/tool-versions.env; tests/unit/tested-versions.test.ts fails on a
 * drift; docs/deploy.md lists each component).
 */
export const DEFAULT_IMAGES = {
  postgres: 'postgres:15.18-bookworm',
  redis: 'redis:7.2.11-bookworm',
  airflow: 'apache/airflow:3.1.8-python3.11',
  statsdExporter: 'prom/statsd-exporter:v0.31.0',
  postgresExporter: 'quay.io/prometheuscommunity/postgres-exporter:v0.20.1',
  redisExporter: 'oliver006/redis_exporter:v1.91.1-alpine',
  // cAdvisor publishes to ghcr.io from v0.54.0 on; gcr.io (Container Registry) was shut down.
  cadvisor: 'ghcr.io/google/cadvisor:v0.60.3',
  prometheus: 'prom/prometheus:v3.16.0',
  alertmanager: 'prom/alertmanager:v0.35.0',
  loki: 'grafana/loki:3.7.3',
  otelCollector: 'otel/opentelemetry-collector-contrib:0.165.0',
  grafana: 'grafana/grafana:13.2.3',
  // Jaeger releases v1.x and v2.x together: v2.13.0 is v1.76.0, the Go module the tests build
  // (scripts/install-jaeger.sh), per CHANGELOG.md of jaegertracing/jaeger ("v1.76.0 / v2.13.0 (2025-12-03)").
  jaeger: 'jaegertracing/jaeger:2.13.0',
  metricsApp: 'pipewatch/metrics-app:local',
  airflowExporter: 'pipewatch/airflow-exporter:local',
  pushgateway: 'prom/pushgateway:v1.11.2',
  // Streaming components (docs/streaming.md#running-kafka-spark-and-mlflow-in-the-stack): the official
  // images, and the pipewatch/* images the Docker engine derives from them at deploy (streaming/images/).
  kafka: 'apache/kafka:4.0.1',
  kafkaJmx: 'pipewatch/kafka-jmx:local',
  spark: 'apache/spark:4.0.1-scala2.13-java17-python3-ubuntu',
  sparkStreamingJob: 'pipewatch/spark-streaming-job:local',
  python: 'python:3.11.14-slim-bookworm',
  kafkaLagExporter: 'pipewatch/kafka-lag-exporter:local',
  // The -full variant (from v3.9.0 on) carries prometheus-flask-exporter, which --expose-prometheus needs.
  mlflow: 'ghcr.io/mlflow/mlflow:v3.9.0-full',
} as const;

export type ImageKey = keyof typeof DEFAULT_IMAGES;
export type ImageMap = Partial<Record<ImageKey, string>>;

/** An image reference: `name[:tag]` or `name@sha256:…`, optionally with a registry host and port. */
const IMAGE_REF = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

export function isImageRef(ref: string): boolean {
  return IMAGE_REF.test(ref);
}

export function isPinned(ref: string): boolean {
  const lastPart = ref.split('/').pop() ?? ref;
  return ref.includes('@sha256:') || (lastPart.includes(':') && !lastPart.endsWith(':latest'));
}

/** The tag of a pinned image: `prom/prometheus:v3.16.0` → `v3.16.0` (empty for a digest-only reference). */
export function imageTag(ref: string): string {
  return (ref.split('@')[0].split('/').pop() ?? '').split(':')[1] ?? '';
}
