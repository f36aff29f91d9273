/**
 * The docker tier's cdktf app: the same LocalDockerStack main.ts deploys, with the images built by
 * scripts/docker-tier/build-images.sh and without the components that cannot be built without an
 * image registry (see LEFT_OUT). Synthesized by scripts/docker-tier/run.sh, never by `npm run synth`.
 *
 * Environment:
 *   PIPEWATCH_ENV            environment name (the tier deploys two side by side)
 *   PIPEWATCH_PORT_OFFSET    host port offset of that environment
 *   PIPEWATCH_IMAGES_FILE    JSON image map (ImageKey -> reference), written by build-images.sh
 *   PIPEWATCH_DOCKER_HOST    the tier's private engine
 *   PIPEWATCH_TIER_RETENTION_DAYS  Prometheus retention, changed by the tier to force a config change
 *   PIPEWATCH_TIER_SYNTHETIC_PIPELINES  synthetic pipelines monitored beside pipelines.yaml's (default 500), so
 *                            every deploy, re-plan and change of the tier runs at that scale
 *   PIPEWATCH_TIER_FIRST_DEADLINE_MINUTES  deadline of the first synthetic pipeline (default 40), changed by
 *                            the tier to change one pipeline's rules
 *   PIPEWATCH_DOCKER_DATA_ROOT     the private engine's data root, where its json-file logs live
 *   PIPEWATCH_TIER_TRACES    1: deploy Jaeger and the collector's traces pipeline (the tier does in one environment)
 *   PIPEWATCH_TIER_STREAMING  run: the example streaming pipeline monitored, and Kafka (with the lag exporter),
 *                            its Spark job and MLflow run in the stack (STREAMING); anything else: no streaming
 *
 * With Loki left out, the stack's log shipper (LogShipper, the OpenTelemetry Collector) is deployed on
 * its own and ships to an OTLP sink container (a second collector writing what it receives to a file)
 * at Loki's OTLP path, which the tier reads. The stack's traces switch needs its logs (Loki) on, so the tier
 * adds the stack's Jaeger construct itself and hands its OTLP endpoint to that log shipper, as the stack
 * does with `traces: { enabled: true }`: the collector's traces pipeline then sends to Jaeger, whose
 * query API is published on 127.0.0.1 at the stack's default Jaeger port plus the offset. Airflow's own trace settings
 * stay off here (the stack switches them on with the traces switch only).
 *
 * Alerts go to a webhook receiver (`tier-sink`, URL in the variable alertmanager_tier_sink_url) served
 * by a small recorder container of the same environment, which the tier asks what it received.
 */
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { App } from 'cdktf';
import { healthcheck } from '../../constructs/core/healthchecks';
import { ImageMap } from '../../constructs/core/images';
import { ServiceContainer } from '../../constructs/core/service-container';
import { Jaeger } from '../../constructs/jaeger/jaeger';
import { LogShipper } from '../../constructs/loki/otel-collector';
import { scrapeJob } from '../../content/prometheus/config';
import { containerEndpoints } from '../../content/endpoints';
import { toYaml } from '../../content/yaml';
import { SINK_RECEIVED_FILE } from './tier-app-names';
import { environmentName, hostPortOffset } from '../../stacks/environments';
import { DEFAULT_HOST_PORTS } from '../../constructs/monitoring-stack';
import { LocalDockerStack } from '../../stacks/local-docker';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { Duration } from '../../content/duration';
import { DEFAULT_STREAMING_FILE, loadStreamingCatalog } from '../../content/streaming/catalog';
import { MonitoringStackProps } from '../../constructs/monitoring-stack';
import { syntheticCatalog } from '../support/synthetic-catalog';

const [firstSynthetic, ...otherSynthetic] = syntheticCatalog(Number(process.env.PIPEWATCH_TIER_SYNTHETIC_PIPELINES ?? '500'));
const PIPELINES = [
  ...loadPipelineCatalog(DEFAULT_PIPELINES_FILE),
  ...(firstSynthetic ? [{ ...firstSynthetic, deadline: Duration.minutes(Number(process.env.PIPEWATCH_TIER_FIRST_DEADLINE_MINUTES ?? '40')) }] : []),
  ...otherSynthetic,
];

/**
 * Components whose images cannot be made here (no image registry, nothing to build them from); the
 * tier turns them off with the stack's own switches, so Prometheus does not scrape them either.
 *   Grafana and Loki: AGPL-licensed; pipewatch deploys their official images and never builds their code,
 *     and no registry the tier can use serves those images.
 *   cAdvisor: not in Debian bookworm, the proxy serves no github.com/google/cadvisor/cmd, and it mounts the
 *     host's /var/lib/docker and /var/run, where the tier's private engine is not.
 * Airflow runs (its image built from PyPI by build-images.sh) with the repository's example DAGs uploaded
 * into its containers, as on a remote engine; the simulator keeps playing the catalog beside it.
 */
const LEFT_OUT = { grafana: false, logs: false, containerMetrics: false } as const;

/**
 * The streaming components the tier runs: Kafka with its lag exporter and the pipeline's topic (created by the
 * stack, two partitions so records spread over more than one), the Spark job (its image built by build-images.sh
 * from the construct's own Dockerfile on the tier's Spark image, named in the image map) and MLflow.
 */
const STREAMING: MonitoringStackProps['streaming'] =
  process.env.PIPEWATCH_TIER_STREAMING === 'run'
    ? { pipelines: loadStreamingCatalog(DEFAULT_STREAMING_FILE, loadPipelineCatalog(DEFAULT_PIPELINES_FILE).map((p) => p.dagId)), run: { kafka: { topicPartitions: 2 }, spark: {}, mlflow: {} } }
    : undefined;

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the tier through scripts/docker-tier/run.sh`);
  return value;
}

/** Port of the webhook recorder inside its container; published on 127.0.0.1 at SINK_HOST_PORT + offset. */
export const SINK_PORT = 8080;
export const SINK_HOST_PORT = 5080;
/**
 * Records every alert of every webhook POST; GET answers their names as a JSON array, GET ?labels their
 * alertname, dag_id and status. No `${` (Terraform template syntax).
 */
const SINK_SERVER = [
  "const got = [];",
  "require('http').createServer((req, res) => {",
  "  if (req.method !== 'POST') {",
  "    res.setHeader('content-type', 'application/json');",
  "    return res.end(JSON.stringify(req.url.includes('labels') ? got : got.map((a) => a.alertname)));",
  "  }",
  "  let body = '';",
  "  req.on('data', (d) => (body += d));",
  "  req.on('end', () => {",
  "    try { for (const a of JSON.parse(body).alerts) got.push({ alertname: a.labels.alertname, dag_id: a.labels.dag_id, status: a.status }); } catch (e) { console.error('bad webhook body', e.message); }",
  "    console.log('webhook', body.length, 'bytes');",
  "    res.end('ok');",
  "  });",
  `}).listen(${SINK_PORT});`,
].join('\n');

const images = JSON.parse(readFileSync(requiredEnv('PIPEWATCH_IMAGES_FILE'), 'utf8')) as ImageMap;
const app = new App();
const environment = environmentName();
const stack = new LocalDockerStack(app, `local-${environment}`, {
  environment,
  pipelines: PIPELINES,
  hostPortOffset: hostPortOffset(),
  dockerHost: requiredEnv('PIPEWATCH_DOCKER_HOST'),
  images,
  ...LEFT_OUT,
  dags: { uploadFrom: resolve(__dirname, '../../airflow/dags') },
  simulator: images.metricsApp !== undefined,
  prometheusRetentionDays: Number(process.env.PIPEWATCH_TIER_RETENTION_DAYS ?? '15'),
  receivers: [{ kind: 'webhook', name: 'tier-sink' }],
  defaultReceiver: 'tier-sink',
  watchdogReceiver: 'tier-sink',
  streaming: STREAMING,
});

const monitoring = stack.monitoring;
new ServiceContainer(monitoring, 'TierWebhookSink', {
  platform: monitoring.platform,
  service: 'webhook-sink',
  image: 'metricsApp',
  command: ['node', '-e', SINK_SERVER],
  ports: [{ internal: SINK_PORT, external: SINK_HOST_PORT + hostPortOffset() }],
  healthcheck: healthcheck([
    'CMD',
    'node',
    '-e',
    `fetch('http://127.0.0.1:${SINK_PORT}/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
  ]),
});

/** OTLP/HTTP in on Loki's path, every request appended to SINK_RECEIVED_FILE. */
const OTLP_SINK_PORT = 4318;
const OTLP_SINK_HEALTH = 13133;
const OTLP_SINK_CONFIG = {
  extensions: { health_check: { endpoint: `0.0.0.0:${OTLP_SINK_HEALTH}` } },
  receivers: { otlp: { protocols: { http: { endpoint: `0.0.0.0:${OTLP_SINK_PORT}`, logs_url_path: '/otlp/v1/logs' } } } },
  exporters: { file: { path: SINK_RECEIVED_FILE, flush_interval: '1s' } },
  service: { extensions: ['health_check'], telemetry: { metrics: { level: 'none' } }, pipelines: { logs: { receivers: ['otlp'], exporters: ['file'] } } },
};
const otlpSink = new ServiceContainer(monitoring, 'TierOtlpSink', {
  platform: monitoring.platform,
  service: 'otlp-sink',
  image: 'otelCollector',
  command: ['--config=/etc/otelcol-contrib/config.yaml'],
  configFiles: [{ path: '/etc/otelcol-contrib/config.yaml', content: toYaml(OTLP_SINK_CONFIG) }],
  healthcheck: healthcheck(['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${OTLP_SINK_HEALTH}`]),
});
const jaeger = process.env.PIPEWATCH_TIER_TRACES === '1' ? new Jaeger(monitoring, 'Jaeger', { platform: monitoring.platform, hostPort: DEFAULT_HOST_PORTS.jaeger + hostPortOffset() }) : undefined;
new LogShipper(monitoring, 'LogShipper', {
  platform: monitoring.platform,
  lokiOtlpEndpoint: otlpSink.url(OTLP_SINK_PORT, '/otlp'),
  dockerDataRoot: requiredEnv('PIPEWATCH_DOCKER_DATA_ROOT'),
  jaegerOtlpEndpoint: jaeger?.otlpEndpoint,
});
monitoring.prometheus.addScrapeTarget(scrapeJob('otelCollector', containerEndpoints()));

app.synth();
