import { Endpoints, SERVICE_NAMES } from '../endpoints';
import { PROMETHEUS_SECRETS_DIR, RemoteWrite, renderRemoteWrite } from './remote-write';

/** One scrape job of prometheus.yml. */
export interface ScrapeJob {
  /** The `job` label; alert rules select on it. */
  readonly job: string;
  readonly targets: readonly string[];
  /** @default '/metrics' */
  readonly metricsPath?: string;
  /** @default - the global scrape interval */
  readonly scrapeIntervalSeconds?: number;
  /** Extra labels on every series of the job. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Labels of single targets, by target (a model server's `model`), added to `labels`. @default none */
  readonly targetLabels?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Keep the target's own `job`/`instance` labels (a Pushgateway's pushed groups). @default false */
  readonly honorLabels?: boolean;
  /** Prometheus metric_relabel_configs, applied to every scraped series (renames, drops). @default none */
  readonly metricRelabelConfigs?: readonly Readonly<Record<string, unknown>>[];
}

export interface PrometheusConfigModel {
  readonly scrapeIntervalSeconds: number;
  readonly evaluationIntervalSeconds: number;
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly alertmanagers: readonly string[];
  /** Paths of rule files inside the Prometheus container or directory. */
  readonly ruleFiles: readonly string[];
  readonly scrapeJobs: readonly ScrapeJob[];
  /** Long-term stores every sample is copied to. @default [] */
  readonly remoteWrite?: readonly RemoteWrite[];
  /** Directory the remote_write secret files are mounted in. @default PROMETHEUS_SECRETS_DIR */
  readonly secretsDir?: string;
}

/** prometheus.yml as a plain object, ready for toYaml(). */
export function renderPrometheusConfig(model: PrometheusConfigModel): object {
  return {
    global: {
      scrape_interval: `${model.scrapeIntervalSeconds}s`,
      evaluation_interval: `${model.evaluationIntervalSeconds}s`,
      external_labels: { ...model.externalLabels },
    },
    alerting: {
      alertmanagers: model.alertmanagers.length > 0 ? [{ static_configs: [{ targets: [...model.alertmanagers] }] }] : [],
    },
    rule_files: [...model.ruleFiles],
    scrape_configs: model.scrapeJobs.map((j) => ({
      job_name: j.job,
      ...(j.metricsPath ? { metrics_path: j.metricsPath } : {}),
      ...(j.scrapeIntervalSeconds ? { scrape_interval: `${j.scrapeIntervalSeconds}s` } : {}),
      ...(j.honorLabels ? { honor_labels: true } : {}),
      static_configs: staticConfigs(j),
      ...(j.metricRelabelConfigs ? { metric_relabel_configs: j.metricRelabelConfigs.map((c) => ({ ...c })) } : {}),
    })),
    ...(model.remoteWrite?.length ? { remote_write: model.remoteWrite.map((rw) => renderRemoteWrite(rw, model.secretsDir ?? PROMETHEUS_SECRETS_DIR)) } : {}),
  };
}

/** One group of all targets, or one per target when targets carry labels of their own. */
function staticConfigs(j: ScrapeJob): object[] {
  const group = (targets: readonly string[], labels: Readonly<Record<string, string>> | undefined) => ({ targets: [...targets], ...(labels ? { labels: { ...labels } } : {}) });
  const own = j.targetLabels;
  if (!own) return [group(j.targets, j.labels)];
  return j.targets.map((t) => group([t], own[t] || j.labels ? { ...j.labels, ...own[t] } : undefined));
}

/** The scrape job of one of the stack's services: its service name as `job`, its endpoint as target. */
export function scrapeJob(key: keyof Endpoints, endpoints: Endpoints): ScrapeJob {
  return { job: SERVICE_NAMES[key], targets: [endpoints[key]] };
}

/** The stack's own scrape jobs: every exporter, the simulator and the monitoring services themselves. */
export function standardScrapeJobs(endpoints: Endpoints): ScrapeJob[] {
  const job = (key: keyof Endpoints): ScrapeJob => scrapeJob(key, endpoints);
  return [
    job('prometheus'),
    job('alertmanager'),
    job('statsdExporter'),
    job('postgresExporter'),
    job('redisExporter'),
    job('cadvisor'),
    job('loki'),
    job('otelCollector'),
    job('grafana'),
    job('metricsApp'),
    job('airflowExporter'),
  ];
}
